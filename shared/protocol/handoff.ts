import { z } from 'zod';
import { ContextPacket } from './packet.ts';

export const HANDOFF_STATUSES = [
  'queued',
  'offered',
  'accepted',
  'returned_to_bot',
  'routed_to_product',
  'resolved',
  'cancelled',
] as const;
export const HandoffStatus = z.enum(HANDOFF_STATUSES);
export type HandoffStatus = z.infer<typeof HandoffStatus>;

export const OPEN_STATUSES: readonly HandoffStatus[] = ['queued', 'offered', 'accepted'];

export const Person = z.object({ id: z.string(), name: z.string() });
export type Person = z.infer<typeof Person>;

export const Offer = z.object({
  id: z.string(),
  agentIds: z.array(z.string()),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type Offer = z.infer<typeof Offer>;

export const ACTOR_KINDS = ['bot', 'agent', 'lead', 'system'] as const;
export const Actor = z.object({ kind: z.enum(ACTOR_KINDS), id: z.string() });
export type Actor = z.infer<typeof Actor>;

export const EVENT_TYPES = [
  'created',
  'offered',
  'declined',
  'offer_expired',
  'offer_withdrawn',
  'accepted',
  'returned_to_bot',
  'routed_to_product',
  'resolved',
  'reassigned',
  'cancelled',
  /** The platform's API answered at last: the transcript and customer of a partial handoff are in. */
  'completed',
  /** A call back to the messaging platform went through (the note says what it did). */
  'platform_updated',
  /** A call back to the messaging platform failed for good (the reason says why). */
  'platform_failed',
] as const;
export const HandoffEventType = z.enum(EVENT_TYPES);
export type HandoffEventType = z.infer<typeof HandoffEventType>;

/**
 * Why an agent's offer (or handoff, on `reassigned`) went away. `unavailable`: the agent went
 * away, offline or reached capacity, so the offer moved on.
 */
export const WITHDRAW_REASONS = ['timed_out', 'taken', 'reassigned', 'cancelled', 'unavailable'] as const;
export const WithdrawReason = z.enum(WITHDRAW_REASONS);
export type WithdrawReason = z.infer<typeof WithdrawReason>;

export const PRODUCT_KINDS = ['feature_request', 'bug_report'] as const;
export const ProductKind = z.enum(PRODUCT_KINDS);
export type ProductKind = z.infer<typeof ProductKind>;

/** What the agent sent when routing a handoff to the product team (the `routed_to_product` event's `product`). */
export const RoutedProduct = z.object({
  kind: ProductKind,
  title: z.string(),
  details: z.string(),
  /** Bug reports only. */
  severity: z.string().optional(),
  stepsToReproduce: z.string().optional(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  /** The product item it was filed as or added to (added with product items; the hub always sends it). */
  productItemId: z.string().optional(),
});
export type RoutedProduct = z.infer<typeof RoutedProduct>;

export const HandoffEvent = z.object({
  type: HandoffEventType,
  at: z.iso.datetime({ offset: true }),
  actor: Actor,
  note: z.string().optional(),
  reason: z.string().optional(),
  /** Agents the event concerns: who got an offer, who a handoff was reassigned to (empty: the queue). */
  agentIds: z.array(z.string()).optional(),
  /** What the agent sent to the product team, on `routed_to_product`. */
  product: RoutedProduct.optional(),
});
export type HandoffEvent = z.infer<typeof HandoffEvent>;

/** How the earlier handoff of the same platform conversation ended: who had it, what happened, the note. */
export const EarlierHandoff = z.object({
  id: z.string(),
  status: HandoffStatus,
  /** When it ended (its last event). */
  at: z.iso.datetime({ offset: true }),
  assignee: Person.nullable(),
  note: z.string().optional(),
});
export type EarlierHandoff = z.infer<typeof EarlierHandoff>;

export const Handoff = z.object({
  id: z.string(),
  status: HandoffStatus,
  packet: ContextPacket,
  team: z.string(),
  assignee: Person.nullable(),
  offer: Offer.nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  /** The time of its last event: a lead's board counts an accepted handoff idle from here. */
  updatedAt: z.iso.datetime({ offset: true }),
  /**
   * When it last entered the queue: its creation, or a lead sending it back to the queue. Declines
   * and expired offers do not reset it. A lead's board counts a queued or offered handoff waiting
   * from here. (Added with the lead board; the hub always sends it.)
   */
  queuedAt: z.iso.datetime({ offset: true }).optional(),
  events: z.array(HandoffEvent).optional(),
  /**
   * From a messaging platform (Sunshine Conversations, Chatwoot): the same conversation was handed
   * off before and given back; this is how that handoff ended.
   */
  previous: EarlierHandoff.optional(),
  /** The platform's API could not be read yet: the packet has what the webhook carried, the rest follows. */
  partial: z.boolean().optional(),
  /** A call back to the platform failed for good: what the agent should do about it. */
  platformNotice: z.string().optional(),
});
export type Handoff = z.infer<typeof Handoff>;
