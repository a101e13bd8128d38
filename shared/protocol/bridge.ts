import { z } from 'zod';
import { HttpUrl } from './packet.ts';

// The Electron preload bridge: what the renderer may ask of the desktop, and what the desktop tells
// the renderer. One map, so the preload, the main process and the renderer cannot drift apart.
// This is internal to the app (not part of protocol v1): change it with both sides in one go.

/** The name the preload exposes the bridge under: `window.baton`. */
export const BRIDGE_GLOBAL = 'baton';

/** What the agent did with an offer's notification. */
export const NOTIFICATION_CHOICES = ['accept', 'return', 'open', 'dismissed'] as const;
export const NotificationChoice = z.enum(NOTIFICATION_CHOICES);
export type NotificationChoice = z.infer<typeof NotificationChoice>;

/** Buttons a notification may carry where the OS has them; the other choices need none. */
export const NOTIFICATION_ACTIONS = ['accept', 'return'] as const;

export const OfferNotice = z.strictObject({
  /** The handoff's id: one notification per handoff, so a second notice replaces the first. */
  id: z.string().min(1).max(200),
  title: z.string().min(1).max(200),
  body: z.string().max(1_000),
  /** No sound (the agent's setting). */
  silent: z.boolean(),
  actions: z.array(z.enum(NOTIFICATION_ACTIONS)),
});
export type OfferNotice = z.infer<typeof OfferNotice>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  shell: z.enum(['web', 'desktop']),
});
export type AppInfo = z.infer<typeof AppInfo>;

const StorageKey = z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/, 'letters, digits and . _ : - only');

/** Renderer → main (`ipcRenderer.invoke` / `ipcMain.handle`): each channel's argument and result. */
export const BRIDGE_INVOKE = {
  'notification:show': { args: OfferNotice, result: z.undefined() },
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
} as const;

/** Main → renderer (`webContents.send` / `ipcRenderer.on`). */
export const BRIDGE_EVENTS = {
  'notification:choice': z.object({ id: z.string(), choice: NotificationChoice }),
  'deepLink:open': z.object({ url: z.string().max(4_000) }),
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
