// Two limits, both in memory per hub process:
// - ingress: requests per integration key (by the key's hash) per window on the routes bots and
//   product tools call, so one runaway integration cannot take the hub from the others;
// - sign-in: failed credentials (agent tokens on the socket.io handshake, bearer tokens and
//   integration keys over HTTP) per client address per window; past the limit that address is
//   refused until the window ends, even with a right credential, so guessing does not pay.
import type { Logger } from 'pino';
import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { hashSecret } from '../auth/secrets.ts';
import { HttpError } from './errors.ts';
import { CROSS_CUTTING } from './plugins.ts';

export interface IngressLimit {
  /** Requests per integration key per window; 0 turns the limit off. */
  max: number;
  windowMs: number;
}

export interface SignInLimit {
  /** Failed sign-ins per client address per window before it is refused; 0 turns the limit off. */
  maxFailures: number;
  windowMs: number;
}

export interface RateLimits {
  ingress: IngressLimit;
  signIn: SignInLimit;
}

/**
 * 1,200 requests a second per key: four times the 300 handoffs a second one hub is built to take
 * from one integration, so a bot the hub can keep up with never meets it, while a bot stuck in a
 * retry loop is cut off within a second and told (Retry-After: 1) when to come back.
 * 20 failed sign-ins a minute per address: far more than a person mistyping or an app holding a
 * revoked token makes, too few to guess a token, and an office behind one address that trips it
 * is refused for a minute at most.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  ingress: { max: 1_200, windowMs: 1_000 },
  signIn: { maxFailures: 20, windowMs: 60_000 },
};

export function rateLimitsWith(options: { ingress?: Partial<IngressLimit>; signIn?: Partial<SignInLimit> } = {}): RateLimits {
  return {
    ingress: { ...DEFAULT_RATE_LIMITS.ingress, ...options.ingress },
    signIn: { ...DEFAULT_RATE_LIMITS.signIn, ...options.signIn },
  };
}

const seconds = (ms: number): string => `${ms / 1000} s`;

/** The credential in `Authorization: Bearer <credential>`, as every authenticated route reads it. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

/**
 * Whether a route is one bots and product tools call: everything under /v1/ except the lead's
 * metrics (an agent token, covered by the sign-in limit).
 */
function isIngressRoute(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('/v1/') && !url.startsWith('/v1/teams/');
}

/**
 * The ingress limit on every ingress route registered after this. Keyed by the hash of the bearer
 * key (the raw key is never held), a connector's events by the connector, anything else by the
 * client address. Checked before the body is read, so a refused request costs next to nothing.
 */
/** The ingress limit on every bot-facing route of the server it is registered on (a fastify-plugin). */
export const ingressRateLimit = fp<IngressLimit>(async (app, limit) => {
  if (limit.max <= 0) return;
  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'onRequest',
    max: limit.max,
    timeWindow: limit.windowMs,
    cache: 10_000,
    allowList: (request) => !isIngressRoute(request.routeOptions.url),
    keyGenerator: (request) => {
      const key = bearerToken(request.headers.authorization);
      if (key !== undefined) return `key:${hashSecret(key)}`;
      const connectorId = (request.params as { connectorId?: unknown } | undefined)?.connectorId;
      if (typeof connectorId === 'string') return `connector:${connectorId}`;
      return `address:${normalizeIP(request.ip)}`;
    },
    errorResponseBuilder: (_request, context) => {
      const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new HttpError(
        429,
        'rate_limited',
        `Too many requests with this key: at most ${context.max} per ${seconds(limit.windowMs)}. Retry after ${retryAfterSeconds} s.`,
        undefined,
        retryAfterSeconds,
      );
    },
  });
}, { name: CROSS_CUTTING.ingressRateLimit, fastify: '5.x' });

/** A sign-in refused because its address failed too often. */
export interface SignInLocked {
  message: string;
  /** Until the window ends and the address may try again. */
  retryAfterSeconds: number;
}

/** SignInLocked in the HTTP error shape. */
export function signInLockedError(locked: SignInLocked): HttpError {
  return new HttpError(429, 'rate_limited', locked.message, undefined, locked.retryAfterSeconds);
}

// Addresses tracked at once; past this, windows that ended are dropped, then the oldest.
const MAX_TRACKED = 10_000;

/** Counts failed sign-ins per client address in fixed windows that start at the first failure. */
export class SignInLimiter {
  readonly #limit: SignInLimit;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #windows = new Map<string, { failures: number; endsAt: number }>();

  constructor(limit: SignInLimit, log: Logger, now: () => Date = () => new Date()) {
    this.#limit = limit;
    this.#log = log;
    this.#now = () => now().getTime();
  }

  /** Whether `address` has used up its failures in this window; ask before checking a credential. */
  locked(address: string): SignInLocked | undefined {
    if (this.#limit.maxFailures <= 0) return undefined;
    const window = this.#current(normalizeIP(address));
    if (!window || window.failures < this.#limit.maxFailures) return undefined;
    const retryAfterSeconds = Math.max(1, Math.ceil((window.endsAt - this.#now()) / 1000));
    return { message: `Too many failed sign-ins from this address. Try again in ${retryAfterSeconds} s.`, retryAfterSeconds };
  }

  /** Records a credential the hub did not know, from `address`. */
  failed(address: string): void {
    if (this.#limit.maxFailures <= 0) return;
    const key = normalizeIP(address);
    let window = this.#current(key);
    if (!window) {
      if (this.#windows.size >= MAX_TRACKED) this.#prune();
      window = { failures: 0, endsAt: this.#now() + this.#limit.windowMs };
      this.#windows.set(key, window);
    }
    window.failures += 1;
    if (window.failures === this.#limit.maxFailures) {
      this.#log.warn(
        { address: key, failures: window.failures, until: new Date(window.endsAt).toISOString() },
        `${window.failures} failed sign-ins from one address in ${seconds(this.#limit.windowMs)}; refusing its sign-ins until the window ends`,
      );
    }
  }

  #current(key: string) {
    const window = this.#windows.get(key);
    if (window && window.endsAt <= this.#now()) {
      this.#windows.delete(key);
      return undefined;
    }
    return window;
  }

  #prune(): void {
    const now = this.#now();
    for (const [key, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(key);
    // Still full: forget the oldest windows (Map keeps insertion order).
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < MAX_TRACKED) break;
      this.#windows.delete(key);
    }
  }
}

