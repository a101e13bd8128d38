import type { AppInfo, NotificationChoice, NotificationPermission, Notice, Platform, PlatformStorage } from './platform.ts';
import { safeWebUrl } from '../../shared/domain/links.ts';

export interface WebPlatformOptions {
  window: Window;
  version: string;
}

/** The console in a plain browser: the Notification API, localStorage, window.open. */
export function createWebPlatform({ window, version }: WebPlatformOptions): Platform {
  // The sign-in link's token leaves the address bar (and history) at once; the link itself is kept
  // here so the console can still act on it.
  const initialLink = window.location.hash.length > 1 ? window.location.href : null;
  removeTokenFromAddressBar(window);
  const shown = new Map<string, { notification: Notification; settle: (choice: NotificationChoice) => void }>();
  const baseTitle = window.document.title;
  // Absent in some embedded browsers (and in jsdom).
  const NotificationApi = (window as Window & { Notification?: typeof Notification }).Notification;

  const storage: PlatformStorage = {
    async get(key) {
      return window.localStorage.getItem(key);
    },
    async set(key, value) {
      window.localStorage.setItem(key, value);
    },
    async remove(key) {
      window.localStorage.removeItem(key);
    },
  };

  return {
    shell: 'web',
    storage,

    notify(notice: Notice) {
      if (!NotificationApi || NotificationApi.permission !== 'granted') return Promise.resolve('dismissed');
      shown.get(notice.id)?.notification.close();
      return new Promise<NotificationChoice>((resolve) => {
        // Browsers offer no buttons outside a service worker, so a click means "show it to me".
        const notification = new NotificationApi(notice.title, { body: notice.body, tag: notice.id, silent: notice.silent });
        let settled = false;
        const settle = (choice: NotificationChoice): void => {
          if (settled) return;
          settled = true;
          shown.delete(notice.id);
          resolve(choice);
        };
        notification.onclick = () => {
          window.focus();
          settle('open');
          notification.close();
        };
        notification.onclose = () => settle('dismissed');
        shown.set(notice.id, { notification, settle });
      });
    },

    closeNotification(id) {
      const entry = shown.get(id);
      if (!entry) return;
      entry.settle('dismissed');
      entry.notification.close();
    },

    notificationPermission(): NotificationPermission {
      return NotificationApi?.permission ?? 'denied';
    },

    async requestNotificationPermission(): Promise<NotificationPermission> {
      if (!NotificationApi) return 'denied';
      return NotificationApi.requestPermission();
    },

    setBadgeCount(count) {
      window.document.title = count > 0 ? `(${count}) ${baseTitle}` : baseTitle;
      // The Badging API exists only for installed web apps; elsewhere the title carries it.
      const nav = window.navigator as Navigator & { setAppBadge?: (n: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
      void (count > 0 ? nav.setAppBadge?.(count) : nav.clearAppBadge?.())?.catch(() => undefined);
    },

    // socket.io's defaults: long-polling first, then WebSocket. A browser tells nothing about the
    // computer's idle time or lock screen, and has no tray to show presence in.
    hubSocketOptions: {},
    onDesktopPresence: () => () => undefined,
    onPresenceRequest: () => () => undefined,
    showPresence: () => undefined,

    providerSignInReturn: () => ({ redirectUri: `${window.location.origin}/`, systemBrowser: false }),

    async openExternal(url) {
      const safe = safeWebUrl(url);
      if (!safe) return false;
      window.open(safe, '_blank', 'noopener,noreferrer');
      return true;
    },

    onDeepLink(listener) {
      // In a browser the only links that reach an open console are sign-in links: `/#token=…`.
      const onHash = (): void => {
        const href = window.location.href;
        removeTokenFromAddressBar(window);
        listener(href);
      };
      window.addEventListener('hashchange', onHash);
      return () => window.removeEventListener('hashchange', onHash);
    },

    async initialDeepLink() {
      return initialLink;
    },

    async appInfo(): Promise<AppInfo> {
      return { name: 'Baton', version, shell: 'web' };
    },
  };
}

/** Takes a sign-in token out of the address bar, without a navigation or a history entry. */
export function removeTokenFromAddressBar(window: Window): void {
  const { hash, pathname, search } = window.location;
  if (!new URLSearchParams(hash.slice(1)).has('token')) return;
  window.history.replaceState(window.history.state, '', `${pathname}${search}`);
}
