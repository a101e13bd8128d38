import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whether `hex` is the HMAC-SHA256 of `raw` with `secret`, compared in constant time. */
export function hmacMatches(secret: string, raw: Buffer, hex: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

/** Constant-time equality of a presented secret and the configured one. */
export function secretMatches(presented: string, secret: string): boolean {
  const a = createHmac('sha256', 'baton').update(presented).digest();
  const b = createHmac('sha256', 'baton').update(secret).digest();
  return timingSafeEqual(a, b);
}
