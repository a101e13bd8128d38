import { SIGNATURE_HEADER } from '../../shared/protocol/index.ts';
import type { Db } from '../store/db.ts';
import { signWebhook } from './signature.ts';

type LogFn = (obj: Record<string, unknown>, msg: string) => void;

export interface WebhookDelivererOptions {
  db: Db;
  log: { info: LogFn; warn: LogFn; error: LogFn };
  now?: () => Date;
  fetch?: typeof fetch;
  /** Attempts before a webhook is given up (failed_at). Default 15. */
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

export interface WebhookDeliverer {
  /** Runs a pass now; call it after a commit that enqueued webhooks. */
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
export function webhookRetryDelayMs(attempts: number, { baseDelayMs, maxDelayMs }: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts));
  return Math.floor(ceiling * random());
}

const CONCURRENCY = 8;
// Upper bound on the sleep between passes, so rows written by another process (or while a
// restart happened) are picked up without a wake().
const MAX_SLEEP_MS = 1_000;
const USER_AGENT = 'Baton-Webhooks/1';

interface DueRow {
  id: string;
  handoff_id: string;
  integration_id: string;
  type: string;
  body: string;
  attempts: number;
  next_attempt_at: Date;
  callback_url: string | null;
  signing_secret: string;
}

// The oldest pending webhook of each handoff (in insertion order): only it may be sent, so a
// handoff's webhooks arrive in order. Pending rows are few (partial index), so this stays cheap.
const HEADS_OF_LINE = `
  select h.id, h.handoff_id, h.integration_id, h.type, h.body, h.attempts, h.next_attempt_at,
         i.callback_url, i.signing_secret
  from (
    select o.*, row_number() over (partition by o.handoff_id order by o.seq) as position
    from webhook_outbox o
    where o.delivered_at is null and o.failed_at is null
  ) h
  join integrations i on i.id = h.integration_id
  where h.position = 1
  order by h.next_attempt_at, h.seq
  limit $1`;

export function startWebhookDeliverer(options: WebhookDelivererOptions): WebhookDeliverer {
  const { db, log } = options;
  const now = options.now ?? (() => new Date());
  const fetchFn = options.fetch ?? fetch;
  const maxAttempts = options.maxAttempts ?? 15;
  const backoff = { baseDelayMs: options.baseDelayMs ?? 1_000, maxDelayMs: options.maxDelayMs ?? 3_600_000 };
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const batchSize = options.batchSize ?? 50;
  // A claimed row is pushed this far ahead, so another hub process leaves it alone while we send
  // it, and retries it if this process dies mid-request (at least once).
  const leaseMs = 2 * requestTimeoutMs + 30_000;

  const inFlight = new Map<string, Promise<void>>(); // handoff id → delivery
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
        log.error({ err: describeError(error) }, 'webhook delivery pass failed');
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
    const { rows } = await db.query<DueRow>(HEADS_OF_LINE, [batchSize]);
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
      if (inFlight.has(row.handoff_id) || inFlight.size >= CONCURRENCY) {
        blocked = true; // a finishing delivery wakes us
        continue;
      }
      if (!(await claim(row, started))) continue; // another hub process took it
      const delivery = deliver(row).finally(() => {
        inFlight.delete(row.handoff_id);
        wake();
      });
      inFlight.set(row.handoff_id, delivery);
    }
    // A full batch that was all due may have more behind it.
    if (!blocked && rows.length === batchSize && sleepMs === MAX_SLEEP_MS) return 0;
    return sleepMs;
  }

  async function claim(row: DueRow, at: Date): Promise<boolean> {
    const { rows } = await db.query(
      `update webhook_outbox set next_attempt_at = $2
       where id = $1 and delivered_at is null and failed_at is null and next_attempt_at <= $3
       returning id`,
      [row.id, new Date(at.getTime() + leaseMs).toISOString(), at.toISOString()],
    );
    return rows.length === 1;
  }

  async function deliver(row: DueRow): Promise<void> {
    const attempt = row.attempts + 1;
    const context = { webhookId: row.id, handoffId: row.handoff_id, integrationId: row.integration_id, type: row.type, attempt };
    const error = await send(row);
    const at = now();
    try {
      if (error === undefined) {
        await db.query('update webhook_outbox set delivered_at = $2, attempts = $3 where id = $1', [row.id, at.toISOString(), attempt]);
        log.info(context, 'webhook delivered');
        return;
      }
      const giveUp = attempt >= maxAttempts;
      const next = new Date(at.getTime() + webhookRetryDelayMs(row.attempts, backoff));
      await db.query(
        'update webhook_outbox set attempts = $2, last_error = $3, next_attempt_at = $4, failed_at = $5 where id = $1',
        [row.id, attempt, error, next.toISOString(), giveUp ? at.toISOString() : null],
      );
      if (giveUp) log.error({ ...context, error }, 'webhook failed permanently; giving up');
      else log.warn({ ...context, error, nextAttemptAt: next.toISOString() }, 'webhook delivery failed; will retry');
    } catch (dbError) {
      // The lease expires and the row is tried again: at least once, never lost.
      log.error({ ...context, err: describeError(dbError) }, 'could not record webhook delivery result');
    }
  }

  /** One POST; undefined on a 2xx, else a short reason (no URL, secret or signature in it). */
  async function send(row: DueRow): Promise<string | undefined> {
    if (!row.callback_url) return 'integration has no callback URL';
    try {
      const response = await fetchFn(row.callback_url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          [SIGNATURE_HEADER]: signWebhook(row.signing_secret, row.body, Math.floor(now().getTime() / 1000)),
          'Baton-Webhook-Id': row.id,
        },
        body: row.body,
        // A redirect would carry the signed body somewhere else; treat it as a failure instead.
        redirect: 'manual',
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      await response.body?.cancel().catch(() => undefined); // the answer's body is not needed
      return response.status >= 200 && response.status < 300 ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') return `no response within ${requestTimeoutMs} ms`;
      return describeError(error);
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

/** A short reason from an error: fetch's "fetch failed" says little, its cause says more. */
function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const text =
    cause !== undefined
      ? `${(cause as NodeJS.ErrnoException).code ?? cause.name}: ${cause.message}`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return text.slice(0, 200);
}
