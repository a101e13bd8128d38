import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { SUGGESTION_THRESHOLD } from '../../shared/protocol/product.ts';

/** The one shape the store is written against; PGlite and `pg` both satisfy it. */
export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

export interface Db extends Queryable {
  /** Runs `work` in one transaction: every write in it lands, or none does. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly kind: 'pglite' | 'postgres';
}

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
const SET_SESSION = `select ${Object.keys(SESSION_SETTINGS)
  .map((name, i) => `set_config('${name}', $${i + 1}, false)`)
  .join(', ')}`;

/**
 * The embedded store: PGlite in `dataDir`, or in memory when `dataDir` is omitted. pg_trgm is
 * always loaded (migration 003 creates the extension; the product items' similarity needs it).
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  const options = { extensions: { pg_trgm } };
  const db = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await db.waitReady;
  // Custom settings may be set before the extension is created; it adopts them when it loads.
  await db.query(SET_SESSION, Object.values(SESSION_SETTINGS));
  return {
    kind: 'pglite',
    query: async <Row>(text: string, params?: unknown[]) => db.query<Row>(text, params),
    transaction: (work) => db.transaction((tx) => work({ query: async <Row>(t: string, p?: unknown[]) => tx.query<Row>(t, p) })),
    close: () => db.close(),
  };
}

/** A PostgreSQL server (`DATABASE_URL`) through a `pg` pool. */
export async function openPostgres(connectionString: string): Promise<Db> {
  // Every connection starts with the session settings (startup options, so no query races them).
  const options = Object.entries(SESSION_SETTINGS)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  const pool = new pg.Pool({ connectionString, options });
  await pool.query('select 1');
  return {
    kind: 'postgres',
    query: async <Row>(text: string, params?: unknown[]) => {
      const result = await pool.query(text, params);
      return { rows: result.rows as Row[] };
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work({
          query: async <Row>(t: string, p?: unknown[]) => ({ rows: (await client.query(t, p)).rows as Row[] }),
        });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
