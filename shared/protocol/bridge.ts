import { z } from 'zod';
import { Presence } from './agent.ts';
import { HttpUrl, Priority } from './packet.ts';

// The Electron preload bridge: what the renderer may ask of the desktop, and what the desktop tells
// the renderer. One map, so the preload, the main process and the renderer cannot drift apart.
// This is internal to the app (not part of protocol v1): change it with both sides in one go.

/** The name the preload exposes the bridge under: `window.baton`. */
export const BRIDGE_GLOBAL = 'baton';

/** What the agent did with a notification: `accept` and `return` exist on offers only. */
export const NOTIFICATION_CHOICES = ['accept', 'return', 'open', 'dismissed'] as const;
export const NotificationChoice = z.enum(NOTIFICATION_CHOICES);
export type NotificationChoice = z.infer<typeof NotificationChoice>;

/** Buttons a notification may carry where the OS has them; the other choices need none. */
export const NOTIFICATION_ACTIONS = ['accept', 'return'] as const;

const noticeFields = {
  /** One notification per id, so a second notice replaces the first: the handoff's id, or `product:<item id>`. */
  id: z.string().min(1).max(200),
  title: z.string().min(1).max(200),
  body: z.string().max(1_000),
  /** No sound (the agent's setting, or a notice that is only told quietly). */
  silent: z.boolean(),
};

/** An offer: it waits for the agent's answer, from its buttons where the OS has them. */
export const OfferNotice = z.strictObject({
  kind: z.literal('offer'),
  ...noticeFields,
  actions: z.array(z.enum(NOTIFICATION_ACTIONS)),
  /** The packet's priority; the desktop turns it into the notification's urgency where the OS has one. */
  priority: Priority.optional(),
});
export type OfferNotice = z.infer<typeof OfferNotice>;

/**
 * News the agent is told and need not answer: a lead gave them a handoff (`reassigned`), gave
 * them back one they held before (`returned`) or took one away (`taken_away`); a product item
 * they routed changed status (`product_status`). No buttons; a click opens the handoff.
 */
export const INFO_NOTICE_KINDS = ['reassigned', 'returned', 'taken_away', 'product_status'] as const;
export const InfoNotice = z.strictObject({ kind: z.enum(INFO_NOTICE_KINDS), ...noticeFields });
export type InfoNotice = z.infer<typeof InfoNotice>;

/** Every notification the console asks the desktop (or the browser) to show. */
export const Notice = z.discriminatedUnion('kind', [OfferNotice, InfoNotice]);
export type Notice = z.infer<typeof Notice>;
export type NoticeKind = Notice['kind'];

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  shell: z.enum(['web', 'desktop']),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** Storage keys whose values are secrets: the desktop encrypts them (safeStorage) before they reach the disk. */
// `baton.session` holds a session's refresh credential; `baton.sign-in.pending` a sign-in's PKCE
// verifier until the system browser comes back.
export const SECRET_STORAGE_KEYS = ['baton.token', 'baton.session', 'baton.sign-in.pending'] as const;

/** Which hub the desktop offers the console (`hub:connection`). */
export const HubConnection = z.discriminatedUnion('mode', [
  /**
   * The desktop runs a local demo hub. `token` signs the console in as the demo agent; it is null
   * when the agent already signed in with another account, which the console keeps.
   */
  z.strictObject({ mode: z.literal('embedded'), hubUrl: HttpUrl, token: z.string().min(1).max(500).nullable() }),
  /** A hub set in the desktop's settings: the console signs in there. */
  z.strictObject({ mode: z.literal('configured'), hubUrl: HttpUrl }),
  /** The agent signed in to a hub of their own; the console's saved sign-in decides. */
  z.strictObject({ mode: z.literal('saved') }),
  /** The local hub could not start; `message` says why, in words the agent can act on. */
  z.strictObject({ mode: z.literal('unavailable'), message: z.string() }),
]);
export type HubConnection = z.infer<typeof HubConnection>;

/**
 * Something on this computer the agent needs to know and can act on, which no notification can
 * carry: the local hub cannot start, the OS switched Baton's notifications off, the global shortcut
 * is taken, the saved sign-in cannot be read now, a newer version to install by hand. One per `id`.
 */
export const DESKTOP_NOTICE_IDS = ['local-hub', 'notifications-blocked', 'shortcut', 'token-unreadable', 'update'] as const;
export type DesktopNoticeId = (typeof DESKTOP_NOTICE_IDS)[number];
/** System settings the console may ask the desktop to open; the desktop knows each platform's address. */
export const SYSTEM_SETTINGS = ['notifications'] as const;
export const SystemSetting = z.enum(SYSTEM_SETTINGS);
export type SystemSetting = z.infer<typeof SystemSetting>;
export const DesktopNotice = z.strictObject({
  id: z.enum(DESKTOP_NOTICE_IDS),
  title: z.string().min(1).max(200),
  message: z.string().max(2_000),
  /** The system setting that fixes it, when there is one. */
  setting: SystemSetting.optional(),
});
export type DesktopNotice = z.infer<typeof DesktopNotice>;
export const DesktopNotices = z.strictObject({ notices: z.array(DesktopNotice).max(DESKTOP_NOTICE_IDS.length) });

/** Why the desktop thinks the agent stepped away. */
export const DESKTOP_AWAY_REASONS = ['lock-screen', 'suspend', 'idle'] as const;
export const DesktopPresence = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('away'), reason: z.enum(DESKTOP_AWAY_REASONS) }),
  /** Every reason to be away has ended (unlocked, resumed, active again). */
  z.strictObject({ state: z.literal('back') }),
]);
export type DesktopPresence = z.infer<typeof DesktopPresence>;

const StorageKey = z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/, 'letters, digits and . _ : - only');

/** Renderer → main (`ipcRenderer.invoke` / `ipcMain.handle`): each channel's argument and result. */
export const BRIDGE_INVOKE = {
  'notification:show': { args: Notice, result: z.undefined() },
  'notification:close': { args: z.strictObject({ id: z.string().min(1).max(200) }), result: z.undefined() },
  'badge:set': { args: z.strictObject({ count: z.number().int().min(0) }), result: z.undefined() },
  'storage:get': { args: z.strictObject({ key: StorageKey }), result: z.object({ value: z.string().nullable() }) },
  'storage:set': { args: z.strictObject({ key: StorageKey, value: z.string().max(5_000_000) }), result: z.undefined() },
  'storage:remove': { args: z.strictObject({ key: StorageKey }), result: z.undefined() },
  /** Opens a web link in the agent's browser; anything but http/https is refused. */
  'link:open': { args: z.strictObject({ url: HttpUrl }), result: z.undefined() },
  'app:info': { args: z.strictObject({}), result: AppInfo },
  /** The deep link the app was launched with, if any (it may arrive before the renderer listens). */
  'deepLink:initial': { args: z.strictObject({}), result: z.object({ url: z.string().nullable() }) },
  /** The hub to use; waits until the desktop's own hub is up when it runs one. */
  'hub:connection': { args: z.strictObject({}), result: HubConnection },
  /** The agent's presence as the hub last said (null: signed out), for the tray's presence switch. */
  'presence:current': { args: z.strictObject({ status: Presence.nullable() }), result: z.undefined() },
  /** What the desktop needs the agent to know now (`desktop:notices` tells of every change after). */
  'desktop:notices': { args: z.strictObject({}), result: DesktopNotices },
  /** Opens the system's own settings page (the desktop picks the address; the console only names which). */
  'system:openSetting': { args: z.strictObject({ setting: SystemSetting }), result: z.undefined() },
} as const;

/** Main → renderer (`webContents.send` / `ipcRenderer.on`). */
export const BRIDGE_EVENTS = {
  'notification:choice': z.object({ id: z.string(), choice: NotificationChoice }),
  'deepLink:open': z.object({ url: z.string().max(4_000) }),
  /** The screen locked, the computer slept or the agent went idle; or all of that ended. */
  'presence:desktop': DesktopPresence,
  /** The agent picked a presence in the tray menu. */
  'presence:request': z.strictObject({ status: Presence.exclude(['offline']) }),
  /** The desktop's notices changed: every current one. */
  'desktop:notices': DesktopNotices,
  /** The local demo hub was started again on another address; the console signed in there follows it. */
  'hub:moved': z.strictObject({ hubUrl: HttpUrl }),
} as const;

export type BridgeInvokeChannel = keyof typeof BRIDGE_INVOKE;
export type BridgeArgs<C extends BridgeInvokeChannel> = z.input<(typeof BRIDGE_INVOKE)[C]['args']>;
export type BridgeResult<C extends BridgeInvokeChannel> = z.infer<(typeof BRIDGE_INVOKE)[C]['result']>;
export type BridgeEventName = keyof typeof BRIDGE_EVENTS;
export type BridgeEventPayload<E extends BridgeEventName> = z.infer<(typeof BRIDGE_EVENTS)[E]>;

/** What the preload exposes as `window.baton` (contextBridge.exposeInMainWorld). */
export interface BatonBridge {
  invoke<C extends BridgeInvokeChannel>(channel: C, args: BridgeArgs<C>): Promise<BridgeResult<C>>;
  /** Returns a function that stops listening. */
  on<E extends BridgeEventName>(event: E, listener: (payload: BridgeEventPayload<E>) => void): () => void;
}
