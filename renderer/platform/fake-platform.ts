import type { Presence } from '../../shared/protocol/agent.ts';
import type { AppInfo, DesktopPresence, NotificationChoice, NotificationPermission, Notice, Platform } from './platform.ts';
import { safeWebUrl } from '../../shared/domain/links.ts';

/** A Platform for tests: records what the console asked for and lets the test play the agent. */
export interface FakePlatform extends Platform {
  /** Notifications currently shown, by id. */
  readonly notices: Map<string, Notice>;
  /** Every notice ever shown, in order. */
  readonly noticeLog: Notice[];
  readonly opened: string[];
  readonly badge: { count: number };
  readonly data: Map<string, string>;
  /** The agent answers a notification. */
  choose(id: string, choice: NotificationChoice): void;
  /** A deep link arrives while the console is open. */
  deepLink(url: string): void;
  /** Every presence the console showed the desktop, in order. */
  readonly presenceShown: Array<Presence | null>;
  /** The computer says the agent stepped away or came back. */
  desktopPresence(change: DesktopPresence): void;
  /** The agent picks a presence in the tray. */
  trayPresence(status: Exclude<Presence, 'offline'>): void;
  permission: NotificationPermission;
}

export function createFakePlatform(options: { initialDeepLink?: string | null; data?: Record<string, string> } = {}): FakePlatform {
  const notices = new Map<string, Notice>();
  const noticeLog: Notice[] = [];
  const waiting = new Map<string, (choice: NotificationChoice) => void>();
  const deepLinkListeners = new Set<(url: string) => void>();
  const data = new Map(Object.entries(options.data ?? {}));
  const opened: string[] = [];
  const badge = { count: 0 };
  const presenceShown: Array<Presence | null> = [];
  const desktopListeners = new Set<(change: DesktopPresence) => void>();
  const trayListeners = new Set<(status: Exclude<Presence, 'offline'>) => void>();

  const settle = (id: string, choice: NotificationChoice): void => {
    const resolve = waiting.get(id);
    waiting.delete(id);
    notices.delete(id);
    resolve?.(choice);
  };

  const fake: FakePlatform = {
    shell: 'web',
    notices,
    noticeLog,
    opened,
    badge,
    data,
    permission: 'granted',
    storage: {
      get: async (key) => data.get(key) ?? null,
      set: async (key, value) => void data.set(key, value),
      remove: async (key) => void data.delete(key),
    },
    notify(notice) {
      if (waiting.has(notice.id)) settle(notice.id, 'dismissed');
      notices.set(notice.id, notice);
      noticeLog.push(notice);
      return new Promise((resolve) => waiting.set(notice.id, resolve));
    },
    closeNotification: (id) => settle(id, 'dismissed'),
    notificationPermission: () => fake.permission,
    requestNotificationPermission: async () => fake.permission,
    setBadgeCount: (count) => void (badge.count = count),
    hubSocketOptions: {},
    presenceShown,
    onDesktopPresence(listener) {
      desktopListeners.add(listener);
      return () => desktopListeners.delete(listener);
    },
    onPresenceRequest(listener) {
      trayListeners.add(listener);
      return () => trayListeners.delete(listener);
    },
    showPresence: (status) => void presenceShown.push(status),
    providerSignInReturn: () => ({ redirectUri: 'http://127.0.0.1:7400/', systemBrowser: false }),
    async openExternal(url) {
      const safe = safeWebUrl(url);
      if (safe) opened.push(safe);
      return safe !== null;
    },
    onDeepLink(listener) {
      deepLinkListeners.add(listener);
      return () => deepLinkListeners.delete(listener);
    },
    initialDeepLink: async () => options.initialDeepLink ?? null,
    appInfo: async (): Promise<AppInfo> => ({ name: 'Baton', version: 'test', shell: 'web' }),
    choose: settle,
    deepLink: (url) => {
      for (const listener of [...deepLinkListeners]) listener(url);
    },
    desktopPresence: (change) => {
      for (const listener of [...desktopListeners]) listener(change);
    },
    trayPresence: (status) => {
      for (const listener of [...trayListeners]) listener(status);
    },
  };
  return fake;
}
