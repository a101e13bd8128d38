import { BRIDGE_EVENTS, BRIDGE_INVOKE, type BatonBridge, type BridgeEventName, type BridgeEventPayload, type DesktopNotice, type HubConnection } from '../../shared/protocol/bridge.ts';
import type { HubSocketOptions, NotificationChoice, Platform } from './platform.ts';
import { safeWebUrl } from '../../shared/domain/links.ts';

/**
 * socket.io options for the desktop: WebSocket only. The console runs at app://baton, and a hub
 * answers socket.io's HTTP long-polling without CORS headers for other origins, so polling would
 * fail where WebSocket (not subject to CORS) works.
 */
export const DESKTOP_SOCKET_OPTIONS: HubSocketOptions = { transports: ['websocket'] };

/** The hub the desktop offers (`hub:connection`); null when it cannot say. */
export async function desktopHub(bridge: BatonBridge): Promise<HubConnection | null> {
  try {
    const parsed = BRIDGE_INVOKE['hub:connection'].result.safeParse(await bridge.invoke('hub:connection', {}));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The hub URL to offer on the sign-in screen in the desktop: its local hub or the configured one. */
export async function desktopHubUrl(bridge: BatonBridge): Promise<string | null> {
  const hub = await desktopHub(bridge);
  return hub?.mode === 'embedded' || hub?.mode === 'configured' ? hub.hubUrl : null;
}

/** Whether `value` looks like the preload's bridge (window.baton). */
export function isBatonBridge(value: unknown): value is BatonBridge {
  return typeof value === 'object' && value !== null && typeof (value as BatonBridge).invoke === 'function' && typeof (value as BatonBridge).on === 'function';
}

/** The console inside the desktop app: every call goes through the preload bridge. */
export function createElectronPlatform(bridge: BatonBridge): Platform {
  const waiting = new Map<string, (choice: NotificationChoice) => void>();
  // The desktop's notices as last heard: the notification permission follows the OS's switch.
  let notices: DesktopNotice[] = [];
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
  on('desktop:notices', (payload) => {
    notices = payload.notices;
  });
  const currentNotices = async (): Promise<DesktopNotice[]> => {
    notices = BRIDGE_INVOKE['desktop:notices'].result.parse(await bridge.invoke('desktop:notices', {})).notices;
    return notices;
  };

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

    notify(notice) {
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

    // The desktop shows native notifications without asking, unless the OS has them switched off.
    notificationPermission: () => (notices.some((n) => n.id === 'notifications-blocked') ? 'denied' : 'granted'),
    requestNotificationPermission: async () => ((await currentNotices().catch(() => notices)).some((n) => n.id === 'notifications-blocked') ? 'denied' : 'granted'),

    setBadgeCount(count) {
      void bridge.invoke('badge:set', { count }).catch(() => undefined);
    },

    hubSocketOptions: DESKTOP_SOCKET_OPTIONS,
    onDesktopPresence: (listener) => on('presence:desktop', listener),
    onPresenceRequest: (listener) => on('presence:request', ({ status }) => listener(status)),
    showPresence(status) {
      void bridge.invoke('presence:current', { status }).catch(() => undefined);
    },

    providerSignInReturn: () => ({ redirectUri: 'baton://sign-in/callback', systemBrowser: true }),

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

    // The desktop's own demo hub: the console signs in there without asking (no link involved).
    async localHub() {
      const hub = await desktopHub(bridge);
      return hub?.mode === 'embedded' ? { hubUrl: hub.hubUrl, token: hub.token } : null;
    },

    onLocalHubMoved(listener) {
      return on('hub:moved', ({ hubUrl }) => listener(hubUrl));
    },

    desktopNotices: {
      current: currentNotices,
      onChange: (listener) =>
        on('desktop:notices', (payload) => {
          notices = payload.notices;
          listener(payload.notices);
        }),
      async openSetting(setting) {
        await bridge.invoke('system:openSetting', { setting });
      },
    },

    async appInfo() {
      return BRIDGE_INVOKE['app:info'].result.parse(await bridge.invoke('app:info', {}));
    },
  };
}
