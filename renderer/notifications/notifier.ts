import type { Handoff, Person } from '../../shared/protocol/handoff.ts';
import type { ReassignedEvent } from '../../shared/protocol/lead.ts';
import type { ProductItem, ProductStatusChange } from '../../shared/protocol/product.ts';
import type { NotificationChoice, Notice, NoticeKind, Platform } from '../platform/platform.ts';
import type { NotificationPrefs } from '../state/settings.ts';
import { offerNotice, productStatusNotice, reassignedNotice, takenAwayNotice } from './notices.ts';

export interface NotifierOptions {
  platform: Platform;
  prefs: () => NotificationPrefs;
  /** The agent answered an offer from its notification (anything but dismissing it). */
  onChoice: (handoffId: string, choice: Exclude<NotificationChoice, 'dismissed'>) => void;
  /** The agent clicked a notification that only told them something: show them this handoff. */
  onOpen: (handoffId: string) => void;
}

/**
 * Every notification the console shows goes through here, so each kind respects the agent's
 * settings the same way: do-not-disturb shows none (the inbox, the banners and the badge still
 * do), privacy and sound shape what each says.
 */
export interface Notifier {
  /** Notifies an offer once, however often the hub repeats it (reconnect snapshots). */
  offered(handoff: Handoff): void;
  /** The offer is no longer waiting for the agent: take its notification away. */
  settled(handoffId: string): void;
  /** A lead gave the agent this handoff (`returned`: one they held before). */
  reassigned(event: ReassignedEvent, returned: boolean): void;
  /** A lead moved the agent's handoff elsewhere. */
  takenAway(handoff: Handoff, by: Person | undefined, note: string | undefined): void;
  /** An item the agent routed changed status; a click opens `handoffId`, one the agent routed to it. */
  productStatus(item: ProductItem, change: ProductStatusChange, handoffId: string | null): void;
  /** The agent opened this handoff in the console: notifications that only pointed at it are done. */
  opened(handoffId: string): void;
  dispose(): void;
}

interface Showing {
  kind: NoticeKind;
  /** Offers: which offer it was, so a new offer of the same handoff is told apart. */
  offerId?: string;
  /** What a click opens. */
  opens: string | null;
}

export function createNotifier({ platform, prefs, onChoice, onOpen }: NotifierOptions): Notifier {
  const seenOffers = new Set<string>(); // offer ids: a new offer of the same handoff notifies again
  const showing = new Map<string, Showing>(); // notification id → what it is
  let disposed = false;

  function show(notice: Notice, entry: Showing): void {
    if (disposed || prefs().doNotDisturb) return;
    showing.set(notice.id, entry);
    void platform.notify(notice).then((choice) => {
      if (showing.get(notice.id) === entry) showing.delete(notice.id);
      if (choice === 'dismissed' || disposed) return;
      if (entry.kind === 'offer') onChoice(notice.id, choice);
      else if (entry.opens) onOpen(entry.opens);
    });
  }

  function close(id: string): void {
    showing.delete(id);
    platform.closeNotification(id);
  }

  return {
    offered(handoff) {
      const offerId = handoff.offer?.id;
      if (!offerId || seenOffers.has(offerId) || disposed) return;
      seenOffers.add(offerId);
      show(offerNotice(handoff, prefs()), { kind: 'offer', offerId, opens: handoff.id });
    },
    settled(handoffId) {
      if (showing.get(handoffId)?.kind === 'offer') close(handoffId);
    },
    reassigned(event, returned) {
      const notice = reassignedNotice(event, returned, prefs());
      show(notice, { kind: notice.kind, opens: event.handoff.id });
    },
    takenAway(handoff, by, note) {
      show(takenAwayNotice(handoff, by, note, prefs()), { kind: 'taken_away', opens: handoff.id });
    },
    productStatus(item, change, handoffId) {
      show(productStatusNotice(item, change, prefs()), { kind: 'product_status', opens: handoffId });
    },
    opened(handoffId) {
      for (const [id, entry] of [...showing]) if (entry.kind !== 'offer' && entry.opens === handoffId) close(id);
    },
    dispose() {
      disposed = true;
      for (const id of [...showing.keys()]) platform.closeNotification(id);
      showing.clear();
    },
  };
}
