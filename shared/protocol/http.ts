import { z } from 'zod';
import { maxUnits } from './units.ts';
import { Handoff } from './handoff.ts';
import { ProductItem, ProductStatusChange } from './product.ts';

export const MAX_BODY_BYTES = 256 * 1024;
/**
 * How deep a body or command payload may nest (objects and arrays within one another). Far more
 * than any packet or Bot Framework activity needs, and checked before anything else walks it.
 */
export const MAX_JSON_DEPTH = 64;

export const HTTP_ERROR_CODES = [
  'invalid_packet',
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'idempotency_conflict',
  'too_large',
  'unsupported_media_type',
  'rate_limited',
  'internal',
] as const;
export const HttpErrorCode = z.enum(HTTP_ERROR_CODES);
export type HttpErrorCode = z.infer<typeof HttpErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: HttpErrorCode,
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** How many issues were left out of `issues`, which lists at most MAX_ISSUES (50). */
    moreIssues: z.number().int().positive().optional(),
    /** On `429 rate_limited`: when to try again, as the `Retry-After` header says. */
    retryAfterSeconds: z.number().int().positive().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const HandoffResponse = z.object({ handoff: Handoff });
export type HandoffResponse = z.infer<typeof HandoffResponse>;

/** Body of `POST /v1/handoffs/:id/cancel`; may be empty. */
export const CancelBody = z.strictObject({ reason: z.string().trim().min(1).check(maxUnits(500)).optional() });
export type CancelBody = z.infer<typeof CancelBody>;

export const HANDOFF_WEBHOOK_TYPES = [
  'handoff.offered',
  'handoff.accepted',
  'handoff.returned_to_bot',
  'handoff.routed_to_product',
  'handoff.resolved',
  'handoff.reassigned',
  'handoff.cancelled',
] as const;
export const WEBHOOK_TYPES = [...HANDOFF_WEBHOOK_TYPES, 'product_item.updated'] as const;
export const WebhookType = z.enum(WEBHOOK_TYPES);
export type WebhookType = z.infer<typeof WebhookType>;
export type HandoffWebhookType = (typeof HANDOFF_WEBHOOK_TYPES)[number];

/** A handoff moved on: `{id, type, at, handoff}`. */
export const HandoffWebhookPayload = z.object({
  id: z.string(),
  type: z.enum(HANDOFF_WEBHOOK_TYPES),
  at: z.iso.datetime({ offset: true }),
  handoff: Handoff,
});

/**
 * A product item this handoff was routed to changed status. One per linked handoff, each to the
 * integration that created that handoff, so the bot can tell that customer in that conversation.
 */
export const ProductItemWebhookPayload = z.object({
  id: z.string(),
  type: z.literal('product_item.updated'),
  at: z.iso.datetime({ offset: true }),
  handoff: Handoff,
  productItem: ProductItem,
  change: ProductStatusChange,
});

/** What the hub POSTs to an integration's callback URL, signed with `Baton-Signature`. */
export const WebhookPayload = z.discriminatedUnion('type', [HandoffWebhookPayload, ProductItemWebhookPayload]);
export type WebhookPayload = z.infer<typeof WebhookPayload>;

export const SIGNATURE_HEADER = 'Baton-Signature';
