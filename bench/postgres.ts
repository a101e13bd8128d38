import { measureLatency, type HubSetup, type LatencyResult } from './latency.ts';
import type { BenchPostgres } from './lib/postgres-server.ts';

export interface PostgresResult {
  /** The server's version, and whether the benchmark started it (else BENCH_DATABASE_URL). */
  server: string;
  ownServer: boolean;
  /** One fdatasync of an 8 kB write on the server's disk (pg_test_fsync), ms: a commit waits for one. */
  fdatasyncMs: number | null;
  /** The bare baseline and the hub on PostgreSQL at each rate; the hub's `measured` has the counts below, over all its runs. */
  latency: LatencyResult[];
}

/** What `measured` holds for the hub on PostgreSQL, added up over its runs. */
export interface PostgresCounts {
  postgresCpuMs: number;
  walBytes: number;
  statements: number;
  roundTrips: number;
  transactions: number;
  connectionWaits: number;
  /** Over runs: divide by the number of runs. */
  peakConnections: number;
  /** WAL flushes (fdatasync) and their time in all, ms: NaN when the server does not time them. */
  walSyncs: number;
  walSyncMs: number;
}

export const HUB_ON_POSTGRES = 'hub on PostgreSQL';

/**
 * The offer-latency benchmark with the hub on PostgreSQL, next to the bare baseline, each hub run
 * on a fresh database; around the measured part it records the server's CPU (all its processes),
 * WAL written, and what the hub's store sent (statements, transactions, waits for a connection).
 */
export async function measurePostgres(server: BenchPostgres, agents: number, rates: readonly number[], seconds: number, rounds: number, fsyncSeconds: number): Promise<PostgresResult> {
  const setup: HubSetup = {
    name: HUB_ON_POSTGRES,
    async prepare() {
      const db = await server.newDatabase();
      return { env: { BENCH_HUB_DATABASE_URL: db.url }, done: () => db.drop() };
    },
    async measure(hub) {
      const lsn = await server.walLsn();
      const syncs = await server.walSyncs();
      const cpu = server.cpuMs();
      const store = await hub.store();
      return async () => {
        const cpuAfter = server.cpuMs();
        const storeAfter = await hub.store();
        const walBytes = await server.walBytesSince(lsn);
        const syncsAfter = await server.walSyncs();
        const counts: PostgresCounts = {
          postgresCpuMs: cpu === null || cpuAfter === null ? Number.NaN : cpuAfter - cpu,
          walBytes,
          statements: storeAfter.statements - store.statements,
          roundTrips: storeAfter.roundTrips - store.roundTrips,
          transactions: storeAfter.transactions - store.transactions,
          connectionWaits: storeAfter.connectionWaits - store.connectionWaits,
          peakConnections: storeAfter.peakConnections,
          walSyncs: syncs && syncsAfter ? syncsAfter.syncs - syncs.syncs : Number.NaN,
          walSyncMs: syncs && syncsAfter ? syncsAfter.ms - syncs.ms : Number.NaN,
        };
        return { ...counts };
      };
    },
  };
  const latency: LatencyResult[] = [];
  for (const perSecond of rates) latency.push(...(await measureLatency(agents, perSecond, seconds, rounds, setup)));
  return { server: server.version, ownServer: server.own, fdatasyncMs: server.fdatasyncMs(fsyncSeconds), latency };
}
