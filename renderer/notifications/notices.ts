// What each notification says. With privacy on, none names a customer or quotes anything someone
// typed about one (the packet, a lead's note, a status note); the product item's title and status
// stay, since they are the product team's text and the point of the notice.
import type { Handoff, Person } from '../../shared/protocol/handoff.ts';
import type { ReassignedEvent } from '../../shared/protocol/lead.ts';
import type { ProductItem, ProductStatusChange } from '../../shared/protocol/product.ts';
import type { InfoNotice, OfferNotice } from '../platform/platform.ts';
import { CHANNEL_LABEL, PRIORITY_LABEL, REASON_LABEL, customerLabel } from '../ui/packet-labels.ts';
import { productStatusLine } from '../ui/product-labels.ts';
import type { NotificationPrefs } from '../state/settings.ts';

const BODY_LIMIT = 180;
const TITLE_LIMIT = 200;
const ITEM_TITLE_LIMIT = 100;

const clip = (text: string, limit: number): string => (text.length > limit ? `${text.slice(0, limit - 1)}…` : text);
const quoted = (note: string): string => `“${clip(note, BODY_LIMIT)}”`;

/** The notification for an offer. With privacy on it names no customer and quotes nothing. */
export function offerNotice(handoff: Handoff, prefs: NotificationPrefs): OfferNotice {
  const { packet } = handoff;
  const facts = [
    packet.channel && CHANNEL_LABEL[packet.channel],
    REASON_LABEL[packet.trigger.reason],
    packet.priority && packet.priority !== 'normal' ? `${PRIORITY_LABEL[packet.priority]} priority` : undefined,
  ].filter(Boolean);
  return {
    kind: 'offer',
    id: handoff.id,
    title: prefs.privacy ? 'New handoff offer' : clip(`Offer: ${customerLabel(packet)}`, TITLE_LIMIT),
    body: prefs.privacy ? `${facts.join(' · ')}. Open Baton to read it.` : `${facts.join(' · ')}\n${clip(packet.summary, BODY_LIMIT)}`,
    silent: !prefs.sound,
    actions: ['accept', 'return'],
    ...(packet.priority && { priority: packet.priority }),
  };
}

/**
 * A lead gave the agent a handoff: "Reassigned to you by Lee", or "Back to you from Lee" when the
 * agent held it before (`returned`), with the lead's note.
 */
export function reassignedNotice({ handoff, by, note }: ReassignedEvent, returned: boolean, prefs: NotificationPrefs): InfoNotice {
  const title = returned ? `Back to you from ${by.name}` : `Reassigned to you by ${by.name}`;
  const body = prefs.privacy
    ? `Open Baton to read it${note ? ' and the note' : ''}.`
    : [customerLabel(handoff.packet), note && quoted(note)].filter(Boolean).join('\n');
  return { kind: returned ? 'returned' : 'reassigned', id: handoff.id, title: clip(title, TITLE_LIMIT), body, silent: !prefs.sound };
}

/** A lead moved the agent's handoff elsewhere: told quietly (never a sound). */
export function takenAwayNotice(handoff: Handoff, by: Person | undefined, note: string | undefined, prefs: NotificationPrefs): InfoNotice {
  const body = prefs.privacy ? 'It is no longer yours.' : [`${customerLabel(handoff.packet)} is no longer yours.`, note && quoted(note)].filter(Boolean).join('\n');
  return { kind: 'taken_away', id: handoff.id, title: clip(`Moved away from you by ${by?.name ?? 'a lead'}`, TITLE_LIMIT), body, silent: true };
}

/** The id of an item's notification: one per item, the newest status replacing the last. */
export const productNoticeId = (itemId: string): string => `product:${itemId}`;

/** "Bug report 'Export fails on Safari' is now In progress", for an agent who routed to it. */
export function productStatusNotice(item: ProductItem, change: ProductStatusChange, prefs: NotificationPrefs): InfoNotice {
  const byLine = `Changed by ${change.by.name}.`;
  return {
    kind: 'product_status',
    id: productNoticeId(item.id),
    title: clip(productStatusLine({ kind: item.kind, title: clip(item.title, ITEM_TITLE_LIMIT) }, change.to), TITLE_LIMIT),
    body: prefs.privacy || !change.note ? byLine : `${byLine}\n${quoted(change.note)}`,
    silent: !prefs.sound,
  };
}
