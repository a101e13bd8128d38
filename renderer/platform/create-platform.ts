import { BRIDGE_GLOBAL } from '../../shared/protocol/bridge.ts';
import { createElectronPlatform, isBatonBridge } from './electron-platform.ts';
import type { Platform } from './platform.ts';
import { createWebPlatform } from './web-platform.ts';

/** The platform the console runs on: the desktop's when the preload exposed its bridge, the browser's otherwise. */
export function createPlatform(window: Window, version: string): Platform {
  const bridge: unknown = Reflect.get(window, BRIDGE_GLOBAL);
  return isBatonBridge(bridge) ? createElectronPlatform(bridge) : createWebPlatform({ window, version });
}
