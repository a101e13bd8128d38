import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { BRIDGE_EVENTS, BRIDGE_INVOKE, type BatonBridge } from '../../shared/protocol/bridge.ts';

export type IpcRendererPort = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

/**
 * `window.baton`: the bridge map's channels and nothing else. The console never gets
 * ipcRenderer itself (it could then send on any channel), and listeners never see the IPC event
 * (whose `sender` would hand them ipcRenderer).
 */
export function createPreloadBridge(ipcRenderer: IpcRendererPort): BatonBridge {
  const invokeChannels = new Set<string>(Object.keys(BRIDGE_INVOKE));
  const eventNames = new Set<string>(Object.keys(BRIDGE_EVENTS));
  const bridge: BatonBridge = {
    invoke(channel, args) {
      if (!invokeChannels.has(channel)) return Promise.reject(new Error(`unknown_channel: ${String(channel)} is not in the bridge map.`));
      return ipcRenderer.invoke(channel, args);
    },
    on(event, listener) {
      if (!eventNames.has(event)) throw new Error(`unknown_event: ${String(event)} is not in the bridge map.`);
      const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload as never);
      ipcRenderer.on(event, forward);
      return () => {
        ipcRenderer.removeListener(event, forward);
      };
    },
  };
  return Object.freeze(bridge);
}
