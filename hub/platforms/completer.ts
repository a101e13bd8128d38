// Completes partial handoffs: while a platform's API could not be read, a handoff was created from
// what the webhook carried. This tries the API again, with backoff, for every open partial
// handoff (found in the store, so a restart picks them up), and fills in the transcript and
// customer when it answers: the agent sees them arrive.
import type { Logger } from 'pino';
import type { ContextPacket } from '../../shared/protocol/index.ts';
import type { Queryable } from '../store/db.ts';
import { describeError } from '../outbox/deliverer.ts';
import { findPlatformOf, secretsOf, type PlatformKind } from './config.ts';
import { adapterOf, apiClient, scrubber } from './index.ts';

export interface CompleterOptions {
  db: Queryable;
  /** Puts the whole packet in place of the partial one (in a change of the hub's); false when it is no longer partial. */
  complete: (handoffId: string, kind: PlatformKind, packet: ContextPacket) => Promise<boolean>;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** Per request to the platform. Default 5 s. */
  requestTimeoutMs?: number;
  /** The first retry waits this long, doubling up to maxDelayMs. Defaults 1 s and 5 minutes. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface Completer {
  wake(): void;
  stop(): Promise<void>;
}

/** What a partial handoff keeps to be completed: the platform and the adapter's context. */
export interface Pending {
  kind: PlatformKind;
  context: unknown;
}

export function startCompleter(options: CompleterOptions): Completer {
  const env = options.env ?? process.env;
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.requestTimeoutMs ?? 5_000;
  const baseMs = options.baseDelayMs ?? 1_000;
  const maxMs = options.maxDelayMs ?? 300_000;
  const attempts = new Map<string, { count: number; next: number }>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let again = false;
  let busy = false;

  async function attempt(row: { id: string; integration_id: string; platform_pending: Pending }): Promise<void> {
    const pending = row.platform_pending;
    const platform = await findPlatformOf(options.db, row.integration_id);
    if (!platform || platform.kind !== pending.kind) return;
    const adapter = adapterOf(platform.kind);
    if (!adapter.fetch) return;
    const auth = adapter.auth(platform, env);
    if ('missing' in auth) throw new Error(auth.missing);
    const keyId = platform.kind === 'sunshine' ? (platform.settings as { keyId: string }).keyId : undefined;
    const api = apiClient(platform, auth.headers, { fetch: fetchFn, timeoutMs, scrub: scrubber(secretsOf(platform.credentials, env), keyId) });
    const fetched = await adapter.fetch(pending.context, platform, api);
    const packet = adapter.packet(pending.context, fetched, platform);
    if (await options.complete(row.id, platform.kind, packet)) options.log.info({ handoffId: row.id, platform: platform.kind }, 'partial handoff completed');
  }

  async function pass(): Promise<number> {
    const { rows } = await options.db.query<{ id: string; integration_id: string; platform_pending: Pending }>(
      `select id, integration_id, platform_pending from handoffs
       where platform_pending is not null and status in ('queued', 'offered', 'accepted')
       order by created_at limit 50`,
    );
    let sleep = maxMs;
    const seen = new Set<string>();
    for (const row of rows) {
      if (stopped) break;
      seen.add(row.id);
      const state = attempts.get(row.id) ?? { count: 0, next: 0 };
      const wait = state.next - Date.now();
      if (wait > 0) {
        sleep = Math.min(sleep, wait);
        continue;
      }
      try {
        await attempt(row);
        attempts.delete(row.id);
      } catch (error) {
        const delay = Math.min(maxMs, baseMs * 2 ** state.count);
        attempts.set(row.id, { count: state.count + 1, next: Date.now() + delay });
        sleep = Math.min(sleep, delay);
        options.log.warn({ handoffId: row.id, attempt: state.count + 1, error: error instanceof Error ? error.message : describeError(error) }, 'platform API still unavailable; the handoff stays partial');
      }
    }
    for (const id of attempts.keys()) if (!seen.has(id)) attempts.delete(id);
    return rows.length === 0 ? maxMs : sleep;
  }

  function wake(): void {
    if (stopped) return;
    again = true;
    if (busy) return;
    busy = true;
    clearTimeout(timer);
    running = (async () => {
      let sleep = maxMs;
      while (again && !stopped) {
        again = false;
        try {
          sleep = await pass();
        } catch (error) {
          options.log.error({ err: describeError(error) }, 'completing partial handoffs failed');
          sleep = baseMs;
        }
      }
      busy = false;
      if (!stopped) {
        timer = setTimeout(wake, Math.max(50, sleep));
        timer.unref();
      }
    })();
  }

  wake(); // partial handoffs left from before a restart
  return {
    wake,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
