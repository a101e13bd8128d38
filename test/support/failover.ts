// Several hub processes on one PostgreSQL behind nginx (deploy/nginx/), as docs/scaling.md deploys
// them. A bot posts a burst of handoffs, each to a random hub, while agents accept and resolve what
// they are offered; one hub is killed (SIGKILL) in the middle. The reliability suite asserts on
// what this reports (test/reliability/failover.test.ts); `npm run bench` runs it larger.
import { randomUUID } from 'node:crypto';
import { upsertTeam } from '../../hub/admin/accounts.ts';
import { hashSecret } from '../../hub/auth/secrets.ts';
import { DEMO, seedDemo } from '../../hub/demo/seed.ts';
import { openStore } from '../../hub/hub.ts';
import { loadEvents, replayHistories } from './handoff-history.ts';
import { connectTestHub } from './hub-client.ts';
import { startHubProcess, type HubProcess } from './hub-process.ts';
import { createTestDatabase } from './test-database.ts';
import { VALID_BASE_PACKET } from './malformed-packets.ts';
import { startNginx, type TestNginx } from './nginx.ts';

export interface FailoverOptions {
  /** A PostgreSQL server to create the run's database on. */
  serverUrl: string;
  hubs: number;
  agents: number;
  capacity: number;
  handoffs: number;
  /** The hub dies once this many handoffs were answered. */
  killAfter: number;
  leaseSeconds: number;
  /** Bots posting at once. */
  concurrency: number;
  /** How long to wait for everything to settle after the burst. */
  settleTimeoutMs: number;
}

export interface FailoverReport {
  agentsPerHub: number[];
  /** Agents connected to the killed hub, and the offers they held, when it was killed. */
  victimAgents: number;
  victimOffers: number;
  /** How long after the kill the slowest of those offers took its next step (taken by its agent from another hub, or withdrawn and offered on). */
  offersMovedOnWithinMs: number;
  /** From the kill until every agent was connected again (through nginx, to another hub). */
  allBackMs: number;
  /** Handoffs in the store for the run's team, and how many idempotency keys have more than one. */
  handoffs: number;
  duplicateKeys: number;
  /** Lifecycle violations found replaying every event (two owners, over capacity…). */
  violations: string[];
  accepted: number;
  resolved: number;
  /** Handoffs not resolved when the run ended, and actions never answered. */
  unfinished: number;
  unanswered: number;
  /** Answered posts per second over the burst. */
  ingressPerSecond: number;
}

const TEAM = 'failover';

/** Polls `check` until it returns true or `timeoutMs` passes (then false). */
async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A loopback address of its own for app `i` (nginx keeps each client address on one hub). */
const addressOf = (i: number) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;

interface Op {
  command: 'accept' | 'resolve';
  handoffId: string;
  opId: string;
}

/**
 * An agent's app through nginx accepting every offer and resolving it a moment later. An action
 * whose answer was lost is sent again with its opId once the app is back, as the console's offline
 * queue does; work the snapshot shows and nothing is pending for is taken up too.
 */
function agentApp(url: string, token: string, address: string) {
  const client = connectTestHub({ url, token, timeoutMs: 10_000, socketOptions: { transports: ['websocket'], transportOptions: { websocket: { localAddress: address } } } });
  const unanswered = new Map<string, Op>();
  const send = async (op: Op): Promise<void> => {
    unanswered.set(op.opId, op);
    const ack = op.command === 'accept' ? await client.accept(op.handoffId, { opId: op.opId }) : await client.resolve(op.handoffId, undefined, { opId: op.opId });
    if (!ack.ok && ack.error.code === 'timeout') return; // sent again after the reconnect
    unanswered.delete(op.opId);
    if (ack.ok && op.command === 'accept') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await send({ command: 'resolve', handoffId: op.handoffId, opId: randomUUID() });
    }
  };
  client.on('handoff:offered', ({ handoff }) => void send({ command: 'accept', handoffId: handoff.id, opId: randomUUID() }));
  client.on('handoffs:snapshot', ({ handoffs }) => {
    for (const op of unanswered.values()) void send(op);
    for (const h of handoffs) {
      if ([...unanswered.values()].some((op) => op.handoffId === h.id)) continue;
      if (h.status === 'offered') void send({ command: 'accept', handoffId: h.id, opId: randomUUID() });
      else if (h.status === 'accepted') void send({ command: 'resolve', handoffId: h.id, opId: randomUUID() });
    }
  });
  return { client, unanswered: () => unanswered.size };
}

export async function runFailover(options: FailoverOptions): Promise<FailoverReport> {
  const db = await createTestDatabase(options.serverUrl);
  const hubs: HubProcess[] = [];
  let nginx: TestNginx | undefined;
  const apps: Array<ReturnType<typeof agentApp>> = [];
  try {
    const store = await openStore({ databaseUrl: db.url });
    try {
      await seedDemo(store);
      await upsertTeam(store, { name: TEAM, routing: 'push', offerTimeoutSeconds: 3600 });
      // One statement for all agents: createAgent one by one takes long at a thousand.
      await store.query(
        `insert into agents (id, name, role, team, skills, capacity, token_hash)
         select 'fo-' || (i - 1), 'Failover ' || (i - 1), 'agent', $1, '{}', $2, hash
         from unnest($3::text[]) with ordinality as t(hash, i)`,
        [TEAM, options.capacity, Array.from({ length: options.agents }, (_, i) => hashSecret(`fo-${i}-token`))],
      );
    } finally {
      await store.close();
    }
    const args = ['--database-url', db.url, '--port', '0', '--trust-proxy', '--lease-seconds', String(options.leaseSeconds)];
    hubs.push(...(await Promise.all(Array.from({ length: options.hubs }, () => startHubProcess(args)))));
    nginx = await startNginx(hubs.map((h) => h.url));
    // A few at a time, as a site's apps start over minutes, not all in one instant.
    for (let i = 0; i < options.agents; i += 50) {
      const batch = Array.from({ length: Math.min(50, options.agents - i) }, (_, j) => agentApp(nginx!.url, `fo-${i + j}-token`, addressOf(i + j)));
      apps.push(...batch);
      await Promise.all(batch.map((a) => a.client.ready(60_000)));
    }

    const spread = await db.query<{ url: string; agents: number }>(
      `select h.url, count(c.agent_id)::int as agents from hubs h left join agent_connections c on c.hub_id = h.id group by h.url`,
    );
    const agentsPerHub = hubs.map((h) => spread.find((s) => s.url === h.url)?.agents ?? 0);
    const victim = hubs[1]!;
    const alive = hubs.filter((h) => h !== victim);
    let answered = 0;
    let killedAt = 0;
    let atKill: { agents: string[]; offers: string[] } = { agents: [], offers: [] };
    let allBack: Promise<number> = Promise.resolve(Number.POSITIVE_INFINITY);
    const kill = async () => {
      const [row] = await db.query<{ id: string }>('select id from hubs where url = $1', [victim.url]);
      const agents = (await db.query<{ agent_id: string }>('select agent_id from agent_connections where hub_id = $1', [row!.id])).map((r) => r.agent_id);
      victim.child.kill('SIGKILL');
      killedAt = Date.now();
      // Back: an app of every agent is connected to a hub that is alive.
      const stranded = `select 1 from agents a where team = $1 and not exists (
          select 1 from agent_connections c where c.agent_id = a.id and c.hub_id <> $2) limit 1`;
      allBack = until(async () => (await db.query(stranded, [TEAM, row!.id])).length === 0, options.settleTimeoutMs).then((back) =>
        back ? Date.now() - killedAt : Number.POSITIVE_INFINITY,
      );
      const offers = await db.query<{ id: string }>(`select id from handoffs where status = 'offered' and offer_agent_ids && $1::text[]`, [agents]);
      atKill = { agents, offers: offers.map((o) => o.id) };
    };

    /** Posts handoff `i` to a random hub that is up, again with the same key until one answers. */
    const post = async (i: number): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        const candidates = killedAt ? alive : hubs;
        const hub = candidates[Math.floor(Math.random() * candidates.length)]!;
        const status = await fetch(`${hub.url}/v1/handoffs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${DEMO.integration.key}`, 'content-type': 'application/json', 'idempotency-key': `failover-${i}` },
          body: JSON.stringify({ ...VALID_BASE_PACKET, team: TEAM, summary: `Failover burst #${i}` }),
        }).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 201 || status === 200) break;
        if (attempt >= 50) throw new Error(`handoff ${i}: still answered ${status} after ${attempt} attempts`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      answered += 1;
      if (answered === options.killAfter) await kill();
    };
    const burstStarted = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.handoffs) await post(next++);
      }),
    );
    const ingressPerSecond = options.handoffs / ((Date.now() - burstStarted) / 1000);

    const allBackMs = await allBack;
    await until(async () => (await db.query(`select 1 from handoffs where team = $1 and status <> 'resolved' limit 1`, [TEAM])).length === 0, options.settleTimeoutMs);
    await until(() => apps.every((a) => a.unanswered() === 0), 10_000);

    const keys = await db.query<{ n: number }>(`select count(*)::int as n from handoffs where team = $1 group by idempotency_key`, [TEAM]);
    const counts = await db.query<{ type: string; n: number }>(
      `select type, count(*)::int as n from handoff_events e join handoffs h on h.id = e.handoff_id where h.team = $1 and type in ('accepted', 'resolved') group by 1`,
      [TEAM],
    );
    const [unfinished] = await db.query<{ n: number }>(`select count(*)::int as n from handoffs where team = $1 and status <> 'resolved'`, [TEAM]);
    const firstSteps = await db.query<{ ms: number }>(
      `select extract(epoch from (min(e.at) - $2::timestamptz)) * 1000 as ms
       from handoff_events e where e.handoff_id = any($1) and e.at > $2::timestamptz and e.type <> 'offered' group by e.handoff_id`,
      [atKill.offers, new Date(killedAt).toISOString()],
    );
    const events = await loadEvents({ query: async (sql, params) => ({ rows: await db.query(sql, params) }) }, 'e.handoff_id in (select id from handoffs where team = $1)', [TEAM]);
    const { violations } = replayHistories(events, { push: true, capacity: options.capacity });
    return {
      agentsPerHub,
      victimAgents: atKill.agents.length,
      victimOffers: atKill.offers.length,
      offersMovedOnWithinMs: firstSteps.length < atKill.offers.length ? Number.POSITIVE_INFINITY : Math.round(Math.max(0, ...firstSteps.map((s) => Number(s.ms)))),
      allBackMs,
      handoffs: keys.length,
      duplicateKeys: keys.filter((k) => k.n > 1).length,
      violations,
      accepted: counts.find((c) => c.type === 'accepted')?.n ?? 0,
      resolved: counts.find((c) => c.type === 'resolved')?.n ?? 0,
      unfinished: unfinished?.n ?? 0,
      unanswered: apps.reduce((n, a) => n + a.unanswered(), 0),
      ingressPerSecond: Math.round(ingressPerSecond),
    };
  } finally {
    for (const app of apps) app.client.close();
    await nginx?.stop();
    for (const hub of hubs) {
      if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGTERM');
      await hub.exited;
    }
    await db.drop();
  }
}
