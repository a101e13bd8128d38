import type { ManagerOptions } from 'socket.io-client';
import type { Presence } from '../../shared/protocol/agent.ts';
import type { AppInfo, DesktopNotice, DesktopPresence, InfoNotice, NotificationChoice, Notice, NoticeKind, OfferNotice, SystemSetting } from '../../shared/protocol/bridge.ts';

export type { AppInfo, DesktopNotice, DesktopPresence, InfoNotice, NotificationChoice, Notice, NoticeKind, OfferNotice, SystemSetting };

/** socket.io options the client core passes on where the console runs. */
export type HubSocketOptions = Partial<Pick<ManagerOptions, 'transports'>>;

/** A hub the platform itself runs (the desktop's local demo hub): the console signs in there without asking. */
export interface LocalHub {
  hubUrl: string;
  /** The demo agent's token; null when the console already holds another demo person's token for it (kept). */
  token: string | null;
}

/** What the desktop needs the agent to know about this computer, and the system settings that fix it. */
export interface DesktopNoticesPort {
  current(): Promise<DesktopNotice[]>;
  /** Returns an unsubscribe. */
  onChange(listener: (notices: DesktopNotice[]) => void): () => void;
  openSetting(setting: SystemSetting): Promise<void>;
}

export type NotificationPermission = 'granted' | 'denied' | 'default';

/** Async key/value storage that survives a reload (localStorage, or the desktop's settings file). */
export interface PlatformStorage {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/**
 * Everything the console needs from where it runs. Components and stores receive it; they never
 * touch Electron or browser-only APIs themselves, so the same renderer runs in both (and in tests).
 */
export interface Platform {
  readonly shell: AppInfo['shell'];
  /**
   * Shows a notification; one with the same id replaces it. Resolves with what the agent did:
   * `accept` or `return` (an offer's buttons, where the OS has them), `open` (clicked it), or
   * `dismissed` (closed it, or `closeNotification`, or notifications are not allowed).
   */
  notify(notice: Notice): Promise<NotificationChoice>;
  closeNotification(id: string): void;
  notificationPermission(): NotificationPermission;
  /** Asks the agent to allow notifications; call it from a click (browsers require a gesture). */
  requestNotificationPermission(): Promise<NotificationPermission>;
  /** The count on the dock/taskbar icon (or in the tab title); 0 clears it. */
  setBadgeCount(count: number): void;
  /** How the console connects to the hub from here. */
  readonly hubSocketOptions: HubSocketOptions;
  /** The computer says the agent stepped away (locked screen, sleep, idle) or came back; a browser never does. */
  onDesktopPresence(listener: (change: DesktopPresence) => void): () => void;
  /** The agent picked a presence outside the console (the desktop's tray); never in a browser. */
  onPresenceRequest(listener: (status: Exclude<Presence, 'offline'>) => void): () => void;
  /** The agent's presence as the hub last said (null: signed out), for the desktop's tray. */
  showPresence(status: Presence | null): void;
  readonly storage: PlatformStorage;
  /** Opens an http/https link outside the app; refuses (false) anything else. */
  openExternal(url: string): Promise<boolean>;
  /**
   * Where a sign-in through the hub's identity provider comes back: to this page (a browser goes
   * to the provider in the same tab), or to the desktop's `baton://` link, the provider's page
   * opened in the system browser (RFC 8252).
   */
  providerSignInReturn(): { redirectUri: string; systemBrowser: boolean };
  /** Sign-in and handoff links (`baton://…`, or `/#token=…` in a browser); returns an unsubscribe. */
  onDeepLink(listener: (url: string) => void): () => void;
  /** The link the app was opened with, if any. */
  initialDeepLink(): Promise<string | null>;
  appInfo(): Promise<AppInfo>;
  /** The desktop's local demo hub, if it runs one (absent in a browser). */
  localHub?(): Promise<LocalHub | null>;
  /** The local hub moved to another address (started again on another port); returns an unsubscribe. */
  onLocalHubMoved?(listener: (hubUrl: string) => void): () => void;
  /** The desktop's notices (absent in a browser). */
  readonly desktopNotices?: DesktopNoticesPort;
}
