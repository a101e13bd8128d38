import type { Queryable } from './queryable.ts';

/** PostgreSQL's autovacuum default: a table is due once 50 rows plus a fifth of its live rows are dead. */
const VACUUM_DUE = 'n_dead_tup > 50 + 0.2 * n_live_tup';
/**
 * Statistics are refreshed far less often than PostgreSQL would (once a table has changed by as
 * many rows as it holds): here an ANALYZE holds up every request while it runs, the hub's reads
 * go by index, and the planner scales the row counts of old statistics to a table's current size
 * on its own. VACUUM updates those counts too.
 */
const ANALYZE_DUE = 'n_mod_since_analyze > 1000 + n_live_tup';

/**
 * PGlite runs PostgreSQL in one process without its autovacuum: every update leaves a dead row
 * behind for good, and reads that walk an index slow down as they pile up (routing reads its
 * candidates past every earlier version of the agents' rows), and the planner keeps the
 * statistics of an empty database. Every
 * `intervalMs` this does what autovacuum would: vacuums the tables past its threshold and analyzes
 * the ones whose statistics are stale. Each step is one statement between the store's other work.
 */
export function startAutovacuum(q: Queryable, intervalMs: number, onError: (error: unknown) => void): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const pass = async () => {
    const { rows } = await q.query<{ name: string; vacuum: boolean }>(
      `select quote_ident(relname) as name, ${VACUUM_DUE} as vacuum from pg_stat_user_tables where ${VACUUM_DUE} or ${ANALYZE_DUE} order by relname`,
    );
    for (const { name, vacuum } of rows) await q.query(vacuum ? `vacuum ${name}` : `analyze ${name}`);
  };
  const timer = setInterval(() => {
    running = running.then(pass).catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
