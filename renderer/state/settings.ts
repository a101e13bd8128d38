import { z } from 'zod';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { PlatformStorage } from '../platform/platform.ts';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const NotificationPrefs = z.object({
  /** Play the system sound with a notification. */
  sound: z.boolean(),
  /** Keep customer details (name, summary) out of notifications. */
  privacy: z.boolean(),
  /** No notifications of any kind; offers still show in the inbox and on the badge. */
  doNotDisturb: z.boolean(),
});
export type NotificationPrefs = z.infer<typeof NotificationPrefs>;

const StoredSettings = z.object({
  hubUrl: z.string(),
  notifications: NotificationPrefs,
  theme: z.enum(THEMES),
});

export interface Settings extends z.infer<typeof StoredSettings> {
  /** The agent's token for `hubUrl`; null when signed out. */
  token: string | null;
  /** Read from storage yet: until then the console does not know whether someone is signed in. */
  loaded: boolean;
}

export const DEFAULT_NOTIFICATIONS: NotificationPrefs = { sound: true, privacy: false, doNotDisturb: false };

export const settingsStore = createStore<Settings>(() => ({
  hubUrl: '',
  token: null,
  notifications: DEFAULT_NOTIFICATIONS,
  theme: 'system',
  loaded: false,
}));

export function useSettings<T>(selector: (settings: Settings) => T): T {
  return useStore(settingsStore, selector);
}

// The token is kept under its own key so the desktop can store it as a secret (safeStorage).
export const SETTINGS_KEY = 'baton.settings';
export const TOKEN_KEY = 'baton.token';

/** Reads settings from storage; `defaultHubUrl` when none was saved (the hub serving the console). */
export async function loadSettings(storage: PlatformStorage, defaultHubUrl: string): Promise<void> {
  const [text, token] = await Promise.all([storage.get(SETTINGS_KEY), storage.get(TOKEN_KEY)]);
  let stored: z.infer<typeof StoredSettings> | undefined;
  try {
    stored = StoredSettings.parse(JSON.parse(text ?? 'null'));
  } catch {
    stored = undefined; // nothing saved yet, or unreadable: start from the defaults
  }
  settingsStore.setState({
    hubUrl: stored?.hubUrl || defaultHubUrl,
    notifications: stored?.notifications ?? DEFAULT_NOTIFICATIONS,
    theme: stored?.theme ?? 'system',
    token: token || null,
    loaded: true,
  });
}

/** Saves every change after loading; the token separately, and removed on sign-out. */
export function persistSettings(storage: PlatformStorage): () => void {
  let writing: Promise<unknown> = Promise.resolve();
  return settingsStore.subscribe((now, before) => {
    if (!now.loaded) return;
    const writes: Array<() => Promise<void>> = [];
    if (now.hubUrl !== before.hubUrl || now.notifications !== before.notifications || now.theme !== before.theme) {
      const text = JSON.stringify({ hubUrl: now.hubUrl, notifications: now.notifications, theme: now.theme });
      writes.push(() => storage.set(SETTINGS_KEY, text));
    }
    if (now.token !== before.token) {
      const token = now.token;
      writes.push(() => (token ? storage.set(TOKEN_KEY, token) : storage.remove(TOKEN_KEY)));
    }
    for (const write of writes) writing = writing.then(write).catch(() => undefined);
  });
}

/** Normalises what the agent typed as the hub's address: `http(s)://host[:port]`, no trailing slash. */
export function normaliseHubUrl(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function setCredentials(hubUrl: string, token: string): void {
  settingsStore.setState({ hubUrl, token });
}

export function forgetToken(): void {
  settingsStore.setState({ token: null });
}

export function setNotificationPref<K extends keyof NotificationPrefs>(key: K, value: NotificationPrefs[K]): void {
  settingsStore.setState((s) => ({ notifications: { ...s.notifications, [key]: value } }));
}

export function setTheme(theme: Theme): void {
  settingsStore.setState({ theme });
}
