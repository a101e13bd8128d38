// Several hubs on one PostgreSQL database of their own, as a deployment runs them (docs/scaling.md).
// Only in the `postgres` test project (vitest.config.ts): it needs TEST_DATABASE_URL.
import { startHub, type HubOptions, type RunningHub } from '../../hub/hub.ts';
import { connectTestHub, type TestHubClient } from './hub-client.ts';
import { DEMO_KEY } from './hub.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/** Short leases, so a test sees a hub taken over in about a second. */
export const TEST_LEASE = { leaseMs: 1_000, renewEveryMs: 300, checkEveryMs: 200, reconnectGraceMs: 500 };

export interface TestCluster {
  db: TestDatabase;
  hubs: RunningHub[];
  /** An app signed in to hub `i`; closed by `stop()`. */
  signIn(i: number, token: string): Promise<TestHubClient>;
  /** A bot's POST of a handoff to hub `i`. */
  post(i: number, packet: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** `n` hubs on one new database with the demo team, people and integration. */
export async function startCluster(n: number, options: Partial<HubOptions> = {}): Promise<TestCluster> {
  const db = await createTestDatabase();
  const hubs: RunningHub[] = [];
  const clients: TestHubClient[] = [];
  for (let i = 0; i < n; i++) hubs.push(await startHub({ databaseUrl: db.url, demo: i === 0, port: 0, lease: TEST_LEASE, ...options }));
  return {
    db,
    hubs,
    async signIn(i, token) {
      const client = connectTestHub({ url: hubs[i]!.url, token });
      clients.push(client);
      await client.ready();
      return client;
    },
    async post(i, packet, headers = {}) {
      const response = await fetch(`${hubs[i]!.url}/v1/handoffs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(packet),
      });
      return { status: response.status, body: await response.json() };
    },
    async stop() {
      for (const client of clients) client.close();
      for (const hub of hubs) await hub.close().catch(() => undefined);
      await db.drop();
    },
  };
}
