import { z } from 'zod';
import { Handoff } from './handoff.ts';

export const MAX_BODY_BYTES = 256 * 1024;

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
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const HandoffResponse = z.object({ handoff: Handoff });
export type HandoffResponse = z.infer<typeof HandoffResponse>;

/** Body of `POST /v1/handoffs/:id/cancel`; may be empty. */
export const CancelBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export type CancelBody = z.infer<typeof CancelBody>;

export const HealthResponse = z.object({ status: z.literal('ok') });

export const WEBHOOK_TYPES = [
  'handoff.offered',
  'handoff.accepted',
  'handoff.returned_to_bot',
  'handoff.routed_to_product',
  'handoff.resolved',
  'handoff.reassigned',
  'handoff.cancelled',
] as const;
export const WebhookType = z.enum(WEBHOOK_TYPES);
export type WebhookType = z.infer<typeof WebhookType>;

/** What the hub POSTs to an integration's callback URL, signed with `Baton-Signature`. */
export const WebhookPayload = z.object({
  id: z.string(),
  type: WebhookType,
  at: z.iso.datetime({ offset: true }),
  handoff: Handoff,
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

export const SIGNATURE_HEADER = 'Baton-Signature';
