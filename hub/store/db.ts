import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

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

/** The embedded store: PGlite in `dataDir`, or in memory when `dataDir` is omitted. */
export async function openPglite(dataDir?: string): Promise<Db> {
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  return {
    kind: 'pglite',
    query: async <Row>(text: string, params?: unknown[]) => db.query<Row>(text, params),
    transaction: (work) => db.transaction((tx) => work({ query: async <Row>(t: string, p?: unknown[]) => tx.query<Row>(t, p) })),
    close: () => db.close(),
  };
}

/** A PostgreSQL server (`DATABASE_URL`) through a `pg` pool. */
export async function openPostgres(connectionString: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString });
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
