import { BRIDGE_EVENTS, BRIDGE_INVOKE, type BatonBridge, type BridgeEventName, type BridgeEventPayload } from '../../shared/protocol/bridge.ts';
import type { NotificationChoice, Platform } from './platform.ts';
import { safeWebUrl } from './links.ts';

/** Whether `value` looks like the preload's bridge (window.baton). */
export function isBatonBridge(value: unknown): value is BatonBridge {
  return typeof value === 'object' && value !== null && typeof (value as BatonBridge).invoke === 'function' && typeof (value as BatonBridge).on === 'function';
}

/** The console inside the desktop app: every call goes through the preload bridge. */
export function createElectronPlatform(bridge: BatonBridge): Platform {
  const waiting = new Map<string, (choice: NotificationChoice) => void>();
  // What comes from the main process is checked like anything else that crosses a boundary.
  const on = <E extends BridgeEventName>(event: E, listener: (payload: BridgeEventPayload<E>) => void): (() => void) =>
    bridge.on(event, (payload) => {
      const parsed = BRIDGE_EVENTS[event].safeParse(payload);
      if (parsed.success) listener(parsed.data as BridgeEventPayload<E>);
    });

  on('notification:choice', ({ id, choice }) => {
    const settle = waiting.get(id);
    waiting.delete(id);
    settle?.(choice);
  });

  return {
    shell: 'desktop',
    storage: {
      async get(key) {
        const result = BRIDGE_INVOKE['storage:get'].result.parse(await bridge.invoke('storage:get', { key }));
        return result.value;
      },
      async set(key, value) {
        await bridge.invoke('storage:set', { key, value });
      },
      async remove(key) {
        await bridge.invoke('storage:remove', { key });
      },
    },

    notifyOffer(notice) {
      waiting.get(notice.id)?.('dismissed');
      return new Promise<NotificationChoice>((resolve) => {
        waiting.set(notice.id, resolve);
        bridge.invoke('notification:show', notice).catch(() => {
          waiting.delete(notice.id);
          resolve('dismissed');
        });
      });
    },

    closeNotification(id) {
      const settle = waiting.get(id);
      waiting.delete(id);
      settle?.('dismissed');
      void bridge.invoke('notification:close', { id }).catch(() => undefined);
    },

    // The desktop shows native notifications without asking.
    notificationPermission: () => 'granted',
    requestNotificationPermission: async () => 'granted',

    setBadgeCount(count) {
      void bridge.invoke('badge:set', { count }).catch(() => undefined);
    },

    async openExternal(url) {
      const safe = safeWebUrl(url);
      if (!safe) return false;
      await bridge.invoke('link:open', { url: safe });
      return true;
    },

    onDeepLink(listener) {
      return on('deepLink:open', ({ url }) => listener(url));
    },

    async initialDeepLink() {
      return BRIDGE_INVOKE['deepLink:initial'].result.parse(await bridge.invoke('deepLink:initial', {})).url;
    },

    async appInfo() {
      return BRIDGE_INVOKE['app:info'].result.parse(await bridge.invoke('app:info', {}));
    },
  };
}
