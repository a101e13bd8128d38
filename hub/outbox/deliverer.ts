import type { Db, Queryable } from '../store/db.ts';

type LogFn = (obj: Record<string, unknown>, msg: string) => void;

export interface OutboxDelivererOptions {
  db: Db;
  log: { info: LogFn; warn: LogFn; error: LogFn };
  now?: () => Date;
  fetch?: typeof fetch;
  /** Attempts before a row is given up (failed_at). Default 15. */
  maxAttempts?: number;
  /** Backoff base: the first retry waits up to this long. Default 1 s. */
  baseDelayMs?: number;
  /** Backoff ceiling. Default 1 hour. */
  maxDelayMs?: number;
  /** Per request; a slower answer counts as a failure. Default 10 s. */
  requestTimeoutMs?: number;
  /** Rows read per pass. Default 50. */
  batchSize?: number;
}

export interface OutboxDeliverer {
  /** Runs a pass now; call it after a commit that enqueued rows. */
  wake(): void;
  /** Stops polling and waits for requests in flight (and their bookkeeping) to finish. */
  stop(): Promise<void>;
}

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Delay before the next attempt, with full jitter: uniform in [0, min(max, base * 2^attempts)).
 * `attempts` is how many attempts had been made before the one that just failed (0 after the
 * first failure). Jitter spreads retries so a recovering receiver is not hit by all at once.
 */
export function retryDelayMs(attempts: number, { baseDelayMs, maxDelayMs }: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts));
  return Math.floor(ceiling * random());
}

/** What every outbox table's due rows carry; a channel's query adds what its requests need. */
export interface OutboxRow {
  id: string;
  /** Rows of one lane go out one at a time, in order (a handoff's webhooks, an item's requests to one tool). */
  lane: string;
  attempts: number;
  next_attempt_at: Date;
}

export interface OutboxRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What to do with a due row: send a request, count it delivered without one, or fail this attempt. */
export type Prepared = { request: OutboxRequest } | { skip: true } | { error: string };

export type Outcome<Result> = { ok: true; result?: Result } | { ok: false; error: string };

/**
 * One kind of outbox: its table, how to read its due rows, and how to turn a row into an HTTP
 * request and an answer into a result. The deliverer does the rest (claiming, ordering per
 * lane, timeouts, retries with backoff, giving up, logging), the same for every kind.
 */
export interface OutboxChannel<Row extends OutboxRow, Result = never> {
  /** What it delivers, in log messages: `webhook` → "webhook delivered". */
  what: string;
  /** The table: `id`, `attempts`, `next_attempt_at`, `delivered_at`, `failed_at`, `last_error`. */
  table: string;
  /**
   * The oldest pending row of each lane, with `lane`, ordered by `next_attempt_at`; `$1` is the
   * batch size. Only that row of a lane may be sent, so a lane's rows arrive in order.
   */
  headsOfLine: string;
  /** Log fields naming the row (never a URL, token, secret or signature). */
  context(row: Row): Record<string, unknown>;
  prepare(row: Row, now: Date): Prepared | Promise<Prepared>;
  /** Reads the answer to a request; default: any 2xx is delivered. */
  interpret?(row: Row, response: Response): Promise<Outcome<Result>>;
  /** Stores what a delivery returned, in the transaction that marks the row delivered. */
  record?(q: Queryable, row: Row, result: Result): Promise<void>;
  /** After a delivery was recorded (the hub announces what it recorded). */
  delivered?(row: Row, result: Result | undefined): void;
  /** After a row was given up (the hub tells whoever should act on it). */
  failed?(row: Row, error: string): void;
  /** Scrubs anything secret from an error before it is stored or logged. */
  redact?(row: Row, error: string): string;
}

const CONCURRENCY = 8;
/** How long past the request timeout a claim holds: time to record the outcome of the request. */
const LEASE_MARGIN_MS = 5_000;
// Upper bound on the sleep between passes, so rows written by another process (or while a
// restart happened) are picked up without a wake().
const MAX_SLEEP_MS = 1_000;

/** Delivers one outbox table's rows, at least once, in order per lane, retrying with backoff. */
export function startOutboxDeliverer<Row extends OutboxRow, Result = never>(
  options: OutboxDelivererOptions,
  channel: OutboxChannel<Row, Result>,
): OutboxDeliverer {
  const { db, log } = options;
  const { what, table } = channel;
  const now = options.now ?? (() => new Date());
  const fetchFn = options.fetch ?? fetch;
  const maxAttempts = options.maxAttempts ?? 15;
  const backoff = { baseDelayMs: options.baseDelayMs ?? 1_000, maxDelayMs: options.maxDelayMs ?? 3_600_000 };
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const batchSize = options.batchSize ?? 50;
  // A claimed row is pushed this far ahead, so another hub process leaves it alone while we send
  // it, and retries it if this process dies mid-request (at least once). The request and reading
  // its answer are cut off at requestTimeoutMs, so the lease only has to cover that and recording
  // the outcome: a longer one only delays the retry after a crash (and, with it, the rest of the lane).
  const leaseMs = requestTimeoutMs + LEASE_MARGIN_MS;

  const inFlight = new Map<string, Promise<void>>(); // lane → delivery
  let stopped = false;
  let running = false;
  let again = false;
  let passes: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  function wake(): void {
    if (stopped) return;
    again = true;
    if (running) return; // the running loop sees `again` and makes another pass
    running = true;
    clearTimeout(timer);
    passes = runPasses();
  }

  async function runPasses(): Promise<void> {
    let sleepMs = MAX_SLEEP_MS;
    while (again && !stopped) {
      again = false;
      try {
        sleepMs = await pass();
        if (sleepMs === 0) again = true;
      } catch (error) {
        log.error({ err: describeError(error) }, `${what} delivery pass failed`);
        sleepMs = MAX_SLEEP_MS;
      }
    }
    // No await between the last look at `again` and this, so no wake() is lost.
    running = false;
    if (!stopped) {
      timer = setTimeout(wake, sleepMs);
      timer.unref(); // the deliverer alone should not keep the process alive
    }
  }

  /** Starts what is due and free to go; returns how long to sleep before the next pass. */
  async function pass(): Promise<number> {
    const { rows } = await db.query<Row>(channel.headsOfLine, [batchSize]);
    const started = now();
    let sleepMs = MAX_SLEEP_MS;
    let blocked = false;
    for (const row of rows) {
      if (stopped) break;
      const dueIn = row.next_attempt_at.getTime() - started.getTime();
      if (dueIn > 0) {
        // Rows are ordered by due time, so this one says when the next pass is needed.
        sleepMs = Math.min(MAX_SLEEP_MS, dueIn);
        break;
      }
      if (inFlight.has(row.lane) || inFlight.size >= CONCURRENCY) {
        blocked = true; // a finishing delivery wakes us
        continue;
      }
      if (!(await claim(row, started))) continue; // another hub process took it
      const delivery = deliver(row).finally(() => {
        inFlight.delete(row.lane);
        wake();
      });
      inFlight.set(row.lane, delivery);
    }
    // A full batch that was all due may have more behind it.
    if (!blocked && rows.length === batchSize && sleepMs === MAX_SLEEP_MS) return 0;
    return sleepMs;
  }

  async function claim(row: Row, at: Date): Promise<boolean> {
    // A row another hub is claiming at this moment is skipped, not waited for.
    const { rows } = await db.query(
      `update ${table} set next_attempt_at = $2
       where id = (select id from ${table} where id = $1 and delivered_at is null and failed_at is null and next_attempt_at <= $3 for update skip locked)
       returning id`,
      [row.id, new Date(at.getTime() + leaseMs).toISOString(), at.toISOString()],
    );
    return rows.length === 1;
  }

  async function deliver(row: Row): Promise<void> {
    const attempt = row.attempts + 1;
    const context = { ...channel.context(row), attempt };
    const outcome = await send(row);
    const at = now();
    try {
      if (outcome.ok) {
        await db.transaction(async (q) => {
          await q.query(`update ${table} set delivered_at = $2, attempts = $3 where id = $1`, [row.id, at.toISOString(), attempt]);
          if (outcome.result !== undefined) await channel.record?.(q, row, outcome.result);
        });
        log.info(context, `${what} delivered`);
        channel.delivered?.(row, outcome.result);
        return;
      }
      const error = channel.redact ? channel.redact(row, outcome.error) : outcome.error;
      const giveUp = attempt >= maxAttempts;
      const next = new Date(at.getTime() + retryDelayMs(row.attempts, backoff));
      await db.query(`update ${table} set attempts = $2, last_error = $3, next_attempt_at = $4, failed_at = $5 where id = $1`, [
        row.id,
        attempt,
        error,
        next.toISOString(),
        giveUp ? at.toISOString() : null,
      ]);
      if (giveUp) {
        log.error({ ...context, error }, `${what} failed permanently; giving up`);
        channel.failed?.(row, error);
      } else log.warn({ ...context, error, nextAttemptAt: next.toISOString() }, `${what} delivery failed; will retry`);
    } catch (dbError) {
      // The lease expires and the row is tried again: at least once, never lost.
      log.error({ ...context, err: describeError(dbError) }, `could not record ${what} delivery result`);
    }
  }

  /** One POST, or none when the channel says so; a failure carries a short reason. */
  async function send(row: Row): Promise<Outcome<Result>> {
    try {
      const prepared = await channel.prepare(row, now());
      if ('error' in prepared) return { ok: false, error: prepared.error };
      if ('skip' in prepared) return { ok: true };
      const { url, headers, body } = prepared.request;
      const response = await fetchFn(url, {
        method: 'POST',
        headers,
        body,
        // A redirect would carry the body (and credentials) somewhere else; treat it as a failure.
        redirect: 'manual',
        // Covers reading the answer too.
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      if (channel.interpret) return await channel.interpret(row, response);
      await response.body?.cancel().catch(() => undefined); // the answer's body is not needed
      return response.status >= 200 && response.status < 300 ? { ok: true } : { ok: false, error: `HTTP ${response.status}` };
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') return { ok: false, error: `no response within ${requestTimeoutMs} ms` };
      return { ok: false, error: describeError(error) };
    }
  }

  async function stop(): Promise<void> {
    stopped = true;
    clearTimeout(timer);
    await passes;
    await Promise.allSettled([...inFlight.values()]);
  }

  wake(); // rows left from before a restart go out without waiting for a new one
  return { wake, stop };
}

/**
 * A short reason from an error: fetch's "fetch failed" says little, its cause says more. A URL's
 * user name and password are cut out before anything is shortened (fetch refuses a URL with
 * credentials and names the whole URL in its error), so no part of them is stored or logged.
 */
export function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const text =
    cause !== undefined
      ? `${(cause as NodeJS.ErrnoException).code ?? cause.name}: ${cause.message}`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return text.replace(/\/\/[^\s/?#@]*@/g, '//[redacted]@').slice(0, 200);
}
