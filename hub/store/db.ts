import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { SUGGESTION_THRESHOLD } from '../../shared/protocol/product.ts';
import { SerialQueue } from './serial.ts';
import { startAutovacuum } from './autovacuum.ts';
import { PgliteConnection } from './pglite-connection.ts';
import { poolOf } from './postgres-url.ts';
import { queryAfterBegin } from './begin-with-first.ts';
import type { Db, Queryable, StoreStats } from './queryable.ts';

export type { Db, Queryable } from './queryable.ts';

/**
 * The trigram similarity (0..1) from which pg_trgm's `%`, `<%` and `%>` operators call two texts
 * similar: product suggestions use these operators, so a GIN trigram index can serve them.
 * Every session gets it (see SESSION_SETTINGS); Postgres' defaults (0.3 and 0.6) would hide
 * short queries that match a few words of a long item.
 */
export const TRIGRAM_THRESHOLD = SUGGESTION_THRESHOLD;
const SESSION_SETTINGS: Record<string, string> = {
  'pg_trgm.similarity_threshold': String(TRIGRAM_THRESHOLD),
  'pg_trgm.word_similarity_threshold': String(TRIGRAM_THRESHOLD),
};
/**
 * The embedded store also plans each prepared statement once, for any parameters. Left to choose,
 * PostgreSQL kept re-planning the routing read with its parameters (169 of 600 runs), and in
 * WebAssembly planning asks the file system for the size of every table and index involved: 15
 * `fstat` calls per new handoff, 2 with this. A real PostgreSQL server keeps its own judgement.
 */
const EMBEDDED_SETTINGS: Record<string, string> = { ...SESSION_SETTINGS, plan_cache_mode: 'force_generic_plan' };

/** Distinct statements kept prepared per connection; beyond this (SQL built with values in it would be a bug) queries go unnamed. */
const MAX_PREPARED = 1_000;
const statementNames = new Map<string, string>();

/**
 * Every query as a named prepared statement: the store runs the same few dozen statements over and
 * over, and planning them each time cost more than running them (docs/performance.md, second
 * round). node-postgres prepares a name once per connection.
 */
function prepared(text: string, values: unknown[] | undefined): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `baton_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return { text, ...(values && { values }), ...(name && { name }) };
}

const newStats = (): StoreStats => ({ statements: 0, roundTrips: 0, transactions: 0, connectionWaits: 0, connections: 0, peakConnections: 0 });

async function run<Row>(stats: StoreStats, client: pg.ClientBase | pg.Pool, text: string, params?: unknown[]): Promise<{ rows: Row[] }> {
  stats.statements += 1;
  stats.roundTrips += 1;
  const result = await client.query(prepared(text, params));
  return { rows: result.rows as Row[] };
}

/**
 * `work` in BEGIN … COMMIT on one connection, rolled back when it throws. With `beginWithFirst`,
 * BEGIN goes out with the transaction's first statement (see begin-with-first.ts), and a
 * transaction that sends nothing sends neither BEGIN nor COMMIT.
 */
async function inTransaction<T>(stats: StoreStats, client: pg.ClientBase, work: (tx: Queryable) => Promise<T>, { beginWithFirst = false } = {}): Promise<T> {
  stats.transactions += 1;
  let begun = false;
  const begin = () => {
    begun = true;
    stats.statements += 1;
  };
  const end = (statement: 'commit' | 'rollback') => {
    stats.statements += 1;
    stats.roundTrips += 1;
    return client.query(statement);
  };
  if (!beginWithFirst) {
    begin();
    stats.roundTrips += 1;
    await client.query('begin');
  }
  const query = async <Row>(text: string, params?: unknown[]): Promise<{ rows: Row[] }> => {
    if (begun) return run<Row>(stats, client, text, params);
    begin();
    stats.statements += 1;
    stats.roundTrips += 1;
    const result = await queryAfterBegin(client, prepared(text, params));
    return { rows: result.rows as Row[] };
  };
  try {
    const result = await work({ query });
    if (begun) await end('commit');
    return result;
  } catch (error) {
    if (begun) await end('rollback').catch(() => undefined);
    throw error;
  }
}

/** How often the embedded store looks for tables to vacuum (see autovacuum.ts). */
const AUTOVACUUM_INTERVAL_MS = 2_000;
const logToStderr = (error: unknown, context: string) => console.error(`Baton store (${context}):`, error);

/**
 * The embedded store: PGlite in `dataDir`, or in memory when `dataDir` is omitted. pg_trgm is
 * always loaded (migration 003 creates the extension; the product items' similarity needs it).
 * It is reached through node-postgres like PostgreSQL is, so both stores share one driver, one
 * way of parsing values, and prepared statements.
 */
export async function openPglite(dataDir?: string, { onError = logToStderr }: { onError?: (error: unknown, context: string) => void } = {}): Promise<Db> {
  const options = { extensions: { pg_trgm } };
  const lite = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await lite.waitReady;
  // `connection` is node-postgres' own option, missing from its types.
  const client = new pg.Client({ connection: new PgliteConnection(lite) } as pg.ClientConfig);
  // A failure inside PGlite fails the query it happened in; without a listener it would also end the process.
  client.on('error', (error) => onError(error, 'connection'));
  await client.connect();
  // Custom settings may be set before the extension is created; it adopts them when it loads.
  const names = Object.keys(EMBEDDED_SETTINGS);
  await client.query(`select ${names.map((name, i) => `set_config('${name}', $${i + 1}, false)`).join(', ')}`, Object.values(EMBEDDED_SETTINGS));
  // One connection: a transaction has it to itself, so other queries wait for it to finish.
  const exclusive = new SerialQueue();
  const stats = { ...newStats(), connections: 1, peakConnections: 1 };
  const query: Queryable['query'] = (text, params) => exclusive.run(() => run(stats, client, text, params));
  const autovacuum = startAutovacuum({ query }, AUTOVACUUM_INTERVAL_MS, (error) => onError(error, 'vacuum'));
  return {
    kind: 'pglite',
    query,
    transaction: (work) => exclusive.run(() => inTransaction(stats, client, work)),
    stats: () => ({ ...stats }),
    close: async () => {
      await autovacuum.stop();
      await exclusive.idle();
      await client.end();
      await lite.close();
    },
  };
}

/** How the store's pool connections show in pg_stat_activity (an `application_name` in the URL wins). */
export const POOL_APPLICATION_NAME = 'baton-hub';

/**
 * A pool on a PostgreSQL server (`DATABASE_URL`), of the size in the URL's `pool_size` (see
 * postgres-url.ts). A connection the server ends while it is idle (a restart, an administrator, a
 * failover) goes to `onError` and is replaced on the next query, instead of the pool's unhandled
 * 'error' ending the hub.
 */
export async function openPostgres(connectionString: string, { onError = logToStderr }: { onError?: (error: unknown, context: string) => void } = {}): Promise<Db> {
  // Every connection starts with the session settings (startup options, so no query races them).
  const options = Object.entries(SESSION_SETTINGS)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  const { connectionString: url, poolSize } = poolOf(connectionString);
  const pool = new pg.Pool({ connectionString: url, options, max: poolSize, application_name: POOL_APPLICATION_NAME });
  pool.on('error', (error) => onError(error, 'an idle PostgreSQL connection'));
  const stats = newStats();
  /** Counts a query or transaction that will wait for a connection: all are busy and the pool is full. */
  const checkOut = () => {
    if (pool.idleCount === 0 && pool.totalCount >= pool.options.max) stats.connectionWaits += 1;
  };
  pool.on('connect', () => {
    stats.peakConnections = Math.max(stats.peakConnections, pool.totalCount);
  });
  await pool.query('select 1');
  return {
    kind: 'postgres',
    query: (text, params) => {
      checkOut();
      return run(stats, pool, text, params);
    },
    async transaction(work) {
      checkOut();
      const client = await pool.connect();
      try {
        return await inTransaction(stats, client, work, { beginWithFirst: true });
      } finally {
        client.release();
      }
    },
    stats: () => ({ ...stats, connections: pool.totalCount }),
    close: () => pool.end(),
  };
}
