import { createHash } from 'node:crypto';
import type { Notification, NotificationConstructorOptions } from 'electron';
import type { InfoNotice, Notice, NoticeKind, NotificationChoice } from '../../shared/protocol/bridge.ts';
import type { Priority } from '../../shared/protocol/packet.ts';
import type { Log } from '../logging/log.ts';

export type NotificationPort = Pick<Notification, 'on' | 'show' | 'close'>;
export type NotificationFactory = (options: NotificationConstructorOptions) => NotificationPort;
type Urgency = NonNullable<NotificationConstructorOptions['urgency']>;

/** Button labels: the same accessible names as the console's buttons. */
export const ACTION_LABELS = { accept: 'Accept', return: 'Return to bot' } as const;

/** Notification buttons exist on macOS and Windows; Linux notification daemons vary, so a click opens the offer there. */
export function supportsActions(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

// Only an urgent offer is `critical`: GNOME and KDE show those even in do-not-disturb (Windows only
// sorts them first in the Action Centre). Everything else is marked so the OS's do-not-disturb,
// Focus or Focus Assist holds it back like any other app's notification.
const OFFER_URGENCY: Record<Priority, Urgency> = { low: 'low', normal: 'normal', high: 'normal', urgent: 'critical' };
const INFO_URGENCY: Record<InfoNotice['kind'], Urgency> = { reassigned: 'normal', returned: 'normal', taken_away: 'low', product_status: 'low' };

/** Windows refuses a toast whose tag (Electron's notification `id`) is longer than this. */
export const MAX_NOTIFICATION_ID = 64;
const KIND_CODE: Record<NoticeKind, string> = { offer: 'o', reassigned: 'r', returned: 'g', taken_away: 't', product_status: 'p' };

/**
 * The native notification's id (Windows' toast tag): the same for the same notice, so a repeat
 * replaces it, and different for any other. A notice id may be 200 characters, so it is hashed
 * into letters, digits and hyphens well within Windows' limit.
 */
export function notificationId(notice: Pick<Notice, 'kind' | 'id'>): string {
  return `baton-${KIND_CODE[notice.kind]}-${createHash('sha256').update(notice.id).digest('hex').slice(0, 40)}`;
}

/** The native notification for a notice on this platform. */
export function notificationOptions(notice: Notice, { platform, icon }: { platform: NodeJS.Platform; icon?: string }): NotificationConstructorOptions {
  const offer = notice.kind === 'offer';
  const options: NotificationConstructorOptions = {
    title: notice.title,
    body: notice.body,
    silent: notice.silent,
    // An offer waits for an answer: it must not vanish after a few seconds (Linux, Windows). News
    // may time out into the notification centre like any other.
    timeoutType: offer ? 'never' : 'default',
    ...(icon && platform !== 'darwin' && { icon }),
  };
  if (platform !== 'darwin') options.urgency = offer ? OFFER_URGENCY[notice.priority ?? 'normal'] : INFO_URGENCY[notice.kind];
  if (supportsActions(platform)) {
    // One notification per id: a repeat replaces it in the notification centre.
    options.id = notificationId(notice);
    if (offer) options.actions = notice.actions.map((action) => ({ type: 'button', text: ACTION_LABELS[action] }));
  }
  return options;
}

/**
 * Whether a notification's `failed` error says the OS has notifications switched off for Baton
 * (Windows: "Settings prevent the notification (type) from being delivered", HRESULT 0x803E0111
 * or 0x803E0114; macOS: UNErrorCodeNotificationsNotAllowed, "Notifications are not allowed for
 * this application", or not authorised), rather than a fault in this one notification.
 */
export function isBlockedBySystem(error: unknown): boolean {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return /settings prevent the notification|-2143420143|-2143420140|0x803e0111|0x803e0114|not (authori[sz]ed|allowed|permitted)|authori[sz]ation (denied|status)|notifications? (are |is )?(disabled|denied|off)/i.test(text);
}

export interface NativeNotifications {
  show(notice: Notice): void;
  /** Answered elsewhere, withdrawn, expired, or the agent opened the handoff: take the notification away. */
  close(id: string): void;
  /** The handoff of the newest offer whose notification is still showing. */
  newestOffer(): string | null;
  closeAll(): void;
}

interface Shown {
  notification: NotificationPort;
  notice: Notice;
  /** Set once we have answered or closed it, so its later events are ignored. */
  done: boolean;
}

/**
 * One native notification per notice id, kept referenced until it is answered or closed (a
 * notification that is garbage-collected loses its click and action events). `onChoice` hears
 * what the agent did, exactly once per notification: an offer's buttons (where the OS has them),
 * `open` for a click, `dismissed` when closed.
 */
export function createNativeNotifications({
  createNotification,
  supported,
  platform,
  icon,
  onChoice,
  onBlocked = () => undefined,
  log,
}: {
  createNotification: NotificationFactory;
  supported: boolean;
  platform: NodeJS.Platform;
  icon?: string;
  onChoice(id: string, choice: NotificationChoice): void;
  /** The OS refused a notification because notifications are switched off for Baton (true), or showed one again (false). */
  onBlocked?(blocked: boolean): void;
  log: Log;
}): NativeNotifications {
  const shown = new Map<string, Shown>();

  const settle = (entry: Shown, choice: NotificationChoice, { close }: { close: boolean }): void => {
    if (entry.done) return;
    entry.done = true;
    if (shown.get(entry.notice.id) === entry) shown.delete(entry.notice.id);
    if (close) entry.notification.close();
    onChoice(entry.notice.id, choice);
  };

  const dismissQuietly = (entry: Shown): void => {
    entry.done = true;
    if (shown.get(entry.notice.id) === entry) shown.delete(entry.notice.id);
    entry.notification.close();
  };

  return {
    show(notice) {
      if (!supported) {
        onChoice(notice.id, 'dismissed');
        return;
      }
      const previous = shown.get(notice.id);
      if (previous) dismissQuietly(previous); // the console already settled the previous one
      const options = notificationOptions(notice, { platform, ...(icon && { icon }) });
      const actions = notice.kind === 'offer' && supportsActions(platform) ? notice.actions : [];
      const entry: Shown = { notification: createNotification(options), notice, done: false };
      shown.set(notice.id, entry);

      entry.notification.on('click', () => settle(entry, 'open', { close: true }));
      entry.notification.on('action', (details, legacyIndex) => {
        const index = typeof details?.actionIndex === 'number' ? details.actionIndex : legacyIndex;
        settle(entry, actions[index] ?? 'open', { close: true });
      });
      entry.notification.on('close', (details) => {
        // Windows moves a toast to the Action Centre after its time on screen: still there, still answerable.
        if (details?.reason === 'timedOut') return;
        settle(entry, 'dismissed', { close: false });
      });
      entry.notification.on('show', () => onBlocked(false));
      entry.notification.on('failed', (_event, error) => {
        const blocked = isBlockedBySystem(error);
        log.warn(blocked ? 'The system has notifications switched off for Baton.' : 'A notification could not be shown.', { id: notice.id, kind: notice.kind, error });
        if (blocked) onBlocked(true);
        settle(entry, 'dismissed', { close: false });
      });
      entry.notification.show();
    },
    close(id) {
      const entry = shown.get(id);
      if (entry) dismissQuietly(entry);
    },
    newestOffer() {
      let newest: string | null = null;
      for (const [id, entry] of shown) if (entry.notice.kind === 'offer') newest = id; // a Map keeps insertion order
      return newest;
    },
    closeAll() {
      for (const entry of [...shown.values()]) dismissQuietly(entry);
    },
  };
}
