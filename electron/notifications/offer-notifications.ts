import type { Notification, NotificationConstructorOptions } from 'electron';
import type { NotificationChoice, OfferNotice } from '../../shared/protocol/bridge.ts';
import type { Priority } from '../../shared/protocol/packet.ts';
import type { Log } from '../logging/log.ts';

export type NotificationPort = Pick<Notification, 'on' | 'show' | 'close'>;
export type NotificationFactory = (options: NotificationConstructorOptions) => NotificationPort;

/** Button labels: the same accessible names as the console's buttons. */
export const ACTION_LABELS = { accept: 'Accept', return: 'Return to bot' } as const;

/** Notification buttons exist on macOS and Windows; Linux notification daemons vary, so a click opens the offer there. */
export function supportsActions(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

const URGENCY: Record<Priority, NonNullable<NotificationConstructorOptions['urgency']>> = {
  low: 'low',
  normal: 'normal',
  high: 'normal',
  urgent: 'critical',
};

/** The native notification for an offer on this platform. */
export function offerNotificationOptions(notice: OfferNotice, { platform, icon }: { platform: NodeJS.Platform; icon?: string }): NotificationConstructorOptions {
  const options: NotificationConstructorOptions = {
    title: notice.title,
    body: notice.body,
    silent: notice.silent,
    // An offer waits for an answer: it must not vanish after a few seconds (Linux, Windows).
    timeoutType: 'never',
    ...(icon && platform !== 'darwin' && { icon }),
  };
  if (platform !== 'darwin') options.urgency = URGENCY[notice.priority ?? 'normal'];
  if (supportsActions(platform)) {
    // One notification per handoff: a repeat replaces it in the notification centre.
    options.id = `baton-offer-${notice.id}`;
    options.actions = notice.actions.map((action) => ({ type: 'button', text: ACTION_LABELS[action] }));
  }
  return options;
}

export interface OfferNotifications {
  show(notice: OfferNotice): void;
  /** The offer was answered elsewhere, withdrawn or expired: take the notification away. */
  close(handoffId: string): void;
  /** The handoff of the newest notification still showing. */
  newest(): string | null;
  closeAll(): void;
}

interface Shown {
  notification: NotificationPort;
  notice: OfferNotice;
  /** Set once we have answered or closed it, so its later events are ignored. */
  done: boolean;
}

/**
 * One native notification per offer, kept referenced until it is answered or closed (a
 * notification that is garbage-collected loses its click and action events). `onChoice` hears
 * what the agent did, exactly once per notification.
 */
export function createOfferNotifications({
  createNotification,
  supported,
  platform,
  icon,
  onChoice,
  log,
}: {
  createNotification: NotificationFactory;
  supported: boolean;
  platform: NodeJS.Platform;
  icon?: string;
  onChoice(handoffId: string, choice: NotificationChoice): void;
  log: Log;
}): OfferNotifications {
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
      const options = offerNotificationOptions(notice, { platform, ...(icon && { icon }) });
      const actions = supportsActions(platform) ? notice.actions : [];
      const entry: Shown = { notification: createNotification(options), notice, done: false };
      shown.set(notice.id, entry);

      entry.notification.on('click', () => settle(entry, 'open', { close: true }));
      entry.notification.on('action', (details, legacyIndex) => {
        const index = typeof details?.actionIndex === 'number' ? details.actionIndex : legacyIndex;
        const action = actions[index];
        settle(entry, action ?? 'open', { close: true });
      });
      entry.notification.on('close', (details) => {
        // Windows moves a toast to the Action Centre after its time on screen: still there, still answerable.
        if (details?.reason === 'timedOut') return;
        settle(entry, 'dismissed', { close: false });
      });
      entry.notification.on('failed', (_event, error) => {
        log.warn('A notification could not be shown.', { handoffId: notice.id, error });
        settle(entry, 'dismissed', { close: false });
      });
      entry.notification.show();
    },
    close(handoffId) {
      const entry = shown.get(handoffId);
      if (entry) dismissQuietly(entry);
    },
    newest() {
      let newest: string | null = null;
      for (const id of shown.keys()) newest = id; // a Map keeps insertion order
      return newest;
    },
    closeAll() {
      for (const entry of [...shown.values()]) dismissQuietly(entry);
    },
  };
}
