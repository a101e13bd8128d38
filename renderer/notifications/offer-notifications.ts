import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { NotificationChoice, OfferNotice, Platform } from '../platform/platform.ts';
import { CHANNEL_LABEL, PRIORITY_LABEL, REASON_LABEL, customerLabel } from '../packet/labels.ts';
import type { NotificationPrefs } from '../state/settings.ts';

const BODY_LIMIT = 180;

/** The notification for an offer. With privacy on it names no customer and quotes nothing. */
export function offerNotice(handoff: Handoff, prefs: NotificationPrefs): OfferNotice {
  const { packet } = handoff;
  const facts = [
    packet.channel && CHANNEL_LABEL[packet.channel],
    REASON_LABEL[packet.trigger.reason],
    packet.priority && packet.priority !== 'normal' ? `${PRIORITY_LABEL[packet.priority]} priority` : undefined,
  ].filter(Boolean);
  const summary = packet.summary.length > BODY_LIMIT ? `${packet.summary.slice(0, BODY_LIMIT - 1)}…` : packet.summary;
  return {
    id: handoff.id,
    title: prefs.privacy ? 'New handoff offer' : `Offer: ${customerLabel(packet)}`.slice(0, 200),
    body: prefs.privacy ? `${facts.join(' · ')}. Open Baton to read it.` : `${facts.join(' · ')}\n${summary}`,
    silent: !prefs.sound,
    actions: ['accept', 'return'],
    ...(packet.priority && { priority: packet.priority }),
  };
}

export interface OfferNotifierOptions {
  platform: Platform;
  prefs: () => NotificationPrefs;
  /** The agent chose something other than dismissing it. */
  onChoice: (handoffId: string, choice: Exclude<NotificationChoice, 'dismissed'>) => void;
}

export interface OfferNotifier {
  /** Notifies an offer once, however often the hub repeats it (reconnect snapshots). */
  offered(handoff: Handoff): void;
  /** The offer is no longer waiting for the agent: take its notification away. */
  settled(handoffId: string): void;
  dispose(): void;
}

export function createOfferNotifier({ platform, prefs, onChoice }: OfferNotifierOptions): OfferNotifier {
  const seen = new Set<string>(); // offer ids: a new offer of the same handoff notifies again
  const showing = new Map<string, string>(); // handoff id → offer id
  let disposed = false;

  return {
    offered(handoff) {
      const offerId = handoff.offer?.id;
      if (!offerId || seen.has(offerId) || disposed) return;
      seen.add(offerId);
      if (prefs().doNotDisturb) return;
      showing.set(handoff.id, offerId);
      void platform.notifyOffer(offerNotice(handoff, prefs())).then((choice) => {
        if (showing.get(handoff.id) === offerId) showing.delete(handoff.id);
        if (choice !== 'dismissed' && !disposed) onChoice(handoff.id, choice);
      });
    },
    settled(handoffId) {
      if (!showing.has(handoffId)) return;
      showing.delete(handoffId);
      platform.closeNotification(handoffId);
    },
    dispose() {
      disposed = true;
      for (const id of showing.keys()) platform.closeNotification(id);
      showing.clear();
    },
  };
}
