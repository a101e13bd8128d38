/** The one shape the store is written against; PGlite and `pg` both satisfy it. */
export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

/** What a store has sent so far (the benchmarks read these; counting costs an addition per query). */
export interface StoreStats {
  /** Statements sent, BEGIN and COMMIT included. */
  statements: number;
  /** Times the store sent something and waited for the answer before it could go on. */
  roundTrips: number;
  transactions: number;
  /** Queries and transactions that found every connection busy and waited for one. */
  connectionWaits: number;
  /** Connections open now, and the most open at once so far. */
  connections: number;
  peakConnections: number;
}

export interface Db extends Queryable {
  /** Runs `work` in one transaction: every write in it lands, or none does. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  stats(): StoreStats;
  readonly kind: 'pglite' | 'postgres';
}
