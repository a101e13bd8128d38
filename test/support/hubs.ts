// Several hubs on one PostgreSQL database of their own, as a deployment runs them (docs/scaling.md).
// Only in the `postgres` test project (vitest.config.ts): it needs TEST_DATABASE_URL.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startHub, type HubOptions, type RunningHub } from '../../hub/hub.ts';
import { connectTestHub, type TestHubClient } from './hub-client.ts';
import { DEMO_KEY } from './hub.ts';

/** Short leases, so a test sees a hub taken over in about a second. */
export const TEST_LEASE = { leaseMs: 1_000, renewEveryMs: 300, checkEveryMs: 200, reconnectGraceMs: 500 };

export interface TestDatabase {
  url: string;
  /** Runs one query on the database (and closes its connection). */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

/** A fresh database on the server at TEST_DATABASE_URL. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('Several hubs need a PostgreSQL server: set TEST_DATABASE_URL (the postgres test project does).');
  const run = async <Row>(url: string, sql: string, params?: unknown[]): Promise<Row[]> => {
    const client = new pg.Client(url);
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Row[];
    } finally {
      await client.end();
    }
  };
  const name = `baton_test_${randomUUID().replaceAll('-', '')}`;
  await run(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    query: (sql, params) => run(url.href, sql, params),
    drop: () => run(serverUrl, `drop database ${name} with (force)`).then(() => undefined),
  };
}

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
