import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Baton-Signature` header value for a webhook body:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is signed too, so a captured request cannot be replayed later with a new one.
 */
export function signWebhook(secret: string, rawBody: string | Uint8Array, unixSeconds: number): string {
  if (!Number.isSafeInteger(unixSeconds) || unixSeconds < 0) throw new RangeError('unixSeconds must be a non-negative integer');
  return `t=${unixSeconds},v1=${hmacHex(secret, String(unixSeconds), rawBody)}`;
}

export interface VerifyOptions {
  /** How far the signed time may be from `now`, either way. Default 300 s. */
  toleranceSeconds?: number;
  /** The receiver's clock; default the current time. */
  now?: Date;
}

// Exactly what signWebhook produces: nothing before, between or after the two fields.
const HEADER_FORMAT = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/;

/**
 * Checks a `Baton-Signature` header against the raw request body (the bytes as received, before
 * any JSON parsing). Reference code for integrations: verify before trusting the body.
 */
export function verifyWebhookSignature(
  header: string | null | undefined,
  rawBody: string | Uint8Array,
  secret: string,
  { toleranceSeconds = 300, now = new Date() }: VerifyOptions = {},
): boolean {
  const match = typeof header === 'string' ? HEADER_FORMAT.exec(header) : null;
  if (!match) return false;
  const [, t = '', v1 = ''] = match;
  if (Math.abs(now.getTime() / 1000 - Number(t)) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, t, rawBody), 'hex');
  // Constant time, so the comparison does not leak how many leading bytes were right.
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

function hmacHex(secret: string, t: string, rawBody: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(rawBody).digest('hex');
}
