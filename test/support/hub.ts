import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { OPEN_STATUSES } from '../../shared/protocol/handoff.ts';
import { startHub, type HubOptions, type RunningHub } from '../../hub/hub.ts';
import { connectTestHub, type TestHubClient } from './hub-client.ts';
import { createTestDatabase } from './test-database.ts';

export const DEMO_KEY = 'demo-integration-key';
export const DEMO_SECRET = 'demo-signing-secret';

export interface TestHub {
  hub: RunningHub;
  url: string;
  dataDir: string;
  /** Signs an app in with a token; closed by `stop()`. */
  client(token: string): TestHubClient;
  /** A client that has received its session and snapshot. */
  signIn(token: string): Promise<TestHubClient>;
  /** POST/GET against the hub with the demo integration key unless another is given. */
  request(method: string, path: string, options?: { body?: unknown; rawBody?: string; key?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  /** Stops the hub (clients stay, and reconnect on their own once it is back). */
  stopHub(): Promise<void>;
  /** Starts a hub again on the same data folder and port. */
  restart(options?: Partial<HubOptions>): Promise<void>;
  /**
   * Another hub on the same PostgreSQL database, as a second hub process behind a load balancer
   * would be (the `postgres` project only: a PGlite folder is for one process). `stop()` stops it too.
   */
  startPeer(options?: Partial<HubOptions>): Promise<RunningHub>;
  /** Stops everything and removes the data folder. */
  stop(): Promise<void>;
}

/**
 * In the `postgres` test project (vitest.config.ts), hubs run on a fresh database of their own on
 * the server at TEST_DATABASE_URL instead of PGlite, seeded with the demo like the template.
 */
async function postgresStore(serverUrl: string): Promise<{ store: Partial<HubOptions>; drop(): Promise<void> }> {
  const db = await createTestDatabase(serverUrl);
  return { store: { databaseUrl: db.url, demo: true }, drop: () => db.drop() };
}

/** A real hub on a free loopback port, on a copy of the demo template database. */
export async function startTestHub(options: Partial<HubOptions> = {}): Promise<TestHub> {
  const root = await mkdtemp(join(tmpdir(), 'baton-test-'));
  const dataDir = join(root, 'data');
  const postgres = process.env.BATON_TEST_STORE === 'postgres' ? await postgresStore(process.env.TEST_DATABASE_URL!) : undefined;
  if (!postgres) await cp(inject('templateDataDir'), dataDir, { recursive: true });
  const store = postgres?.store ?? { dataDir };
  let hub = await startHub({ ...store, port: 0, ...options });
  const clients: TestHubClient[] = [];
  const peers: RunningHub[] = [];
  let hubStopped = false;

  const testHub: TestHub = {
    get hub() {
      return hub;
    },
    get url() {
      return hub.url;
    },
    dataDir,
    client(token) {
      const client = connectTestHub({ url: hub.url, token });
      clients.push(client);
      return client;
    },
    async signIn(token) {
      const client = testHub.client(token);
      await client.ready();
      return client;
    },
    async request(method, path, { body, rawBody, key = DEMO_KEY, headers = {} } = {}) {
      const response = await fetch(hub.url + path, {
        method,
        headers: {
          ...(key !== null && { authorization: `Bearer ${key}` }),
          ...((body !== undefined || rawBody !== undefined) && { 'content-type': 'application/json' }),
          ...headers,
        },
        ...((body !== undefined || rawBody !== undefined) && { body: rawBody ?? JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed };
    },
    async stopHub() {
      if (hubStopped) return;
      hubStopped = true;
      await hub.close();
    },
    async restart(more = {}) {
      await testHub.stopHub();
      hub = await startHub({ ...store, port: hub.port, ...options, ...more });
      hubStopped = false;
    },
    async startPeer(more = {}) {
      if (!postgres) throw new Error('startPeer needs the hub on PostgreSQL (the postgres project): a PGlite data folder is for one process');
      const peer = await startHub({ ...store, port: 0, ...options, ...more });
      peers.push(peer);
      return peer;
    },
    async stop() {
      for (const client of clients) client.close();
      for (const peer of peers.splice(0)) await peer.close();
      await testHub.stopHub();
      await postgres?.drop();
      await rm(root, { recursive: true, force: true });
    },
  };
  return testHub;
}

/**
 * One hub for a whole test file. Tests push the ids they post to `posted`; after each test the
 * bot cancels whichever of them are still open, so the next test starts with nothing pending.
 */
export function useSharedHub(options: Partial<HubOptions> = {}): { readonly t: TestHub; posted: string[] } {
  let hub: TestHub | undefined;
  const posted: string[] = [];
  beforeAll(async () => {
    hub = await startTestHub(options);
  });
  afterEach(async () => {
    for (const id of posted.splice(0)) {
      const { body } = await hub!.request('GET', `/v1/handoffs/${id}`);
      if (OPEN_STATUSES.includes(body.handoff.status)) {
        expect((await hub!.request('POST', `/v1/handoffs/${id}/cancel`)).status).toBe(200);
      }
    }
  });
  afterAll(() => hub?.stop());
  return {
    get t() {
      if (!hub) throw new Error('the shared hub is started in beforeAll');
      return hub;
    },
    posted,
  };
}
