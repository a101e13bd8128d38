import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new bearer credential: 32 random bytes, URL-safe, with a prefix saying what it is. */
export function newSecret(prefix: 'agt' | 'key' | 'whsec' | 'acc' | 'ref' | 'grant'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Tokens and keys are high-entropy, so one SHA-256 is enough and lets us look them up by hash. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
