// Several hubs on one PostgreSQL form one deployment (docs/scaling.md): a bot may post to any hub,
// an app may be connected to any, and what one hub changes reaches apps on the others. Hubs racing
// on one team never offer an agent beyond capacity nor give a handoff two owners; a hub that stops
// or loses its lease is taken over. Runs only in the `postgres` project (vitest.config.ts).
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAgent, upsertTeam } from '../../hub/admin/accounts.ts';
import type { Handoff } from '../../shared/protocol/index.ts';
import { loadEvents, replayHistories, type EventRow } from '../support/handoff-history.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { startCluster, TEST_LEASE, type TestCluster } from '../support/hubs.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';

const packet = (team: string, summary: string) => ({ ...VALID_BASE_PACKET, team, summary });

/** A team of its own for each test, so tests do not route to each other's agents. */
async function team(c: TestCluster, name: string, people: number, settings: { capacity?: number; offerTimeoutSeconds?: number } = {}) {
  const db = c.hubs[0]!.db;
  await upsertTeam(db, { name, routing: 'push', offerTimeoutSeconds: settings.offerTimeoutSeconds ?? 3600 });
  const ids: string[] = [];
  for (let i = 0; i < people; i++) {
    const id = `${name}-${i}`;
    await createAgent(db, { id, name: `${name} ${i}`, role: 'agent', team: name, capacity: settings.capacity ?? 3, token: `${id}-token` });
    ids.push(id);
  }
  await createAgent(db, { id: `${name}-lead`, name: `${name} lead`, role: 'lead', team: name, token: `${name}-lead-token` });
  return { ids, token: (id: string) => `${id}-token`, lead: `${name}-lead-token` };
}

/**
 * Push routing counts held offers with accepted work: at no point may an agent hold more of both
 * together than their capacity. Events are in commit order per team (team-locks.ts).
 */
function overCapacity(events: readonly EventRow[], capacity: number): string[] {
  const holders = new Map<string, string[]>();
  const owner = new Map<string, string>();
  const count = (agentId: string) => [...holders.values()].filter((ids) => ids.includes(agentId)).length + [...owner.values()].filter((id) => id === agentId).length;
  const found: string[] = [];
  for (const e of events) {
    const agents = e.agent_ids ?? [];
    if (e.type === 'offered') holders.set(e.handoff_id, agents);
    else if (['declined', 'offer_expired', 'offer_withdrawn'].includes(e.type)) holders.set(e.handoff_id, (holders.get(e.handoff_id) ?? []).filter((id) => !agents.includes(id)));
    else if (e.type === 'accepted') {
      holders.delete(e.handoff_id);
      owner.set(e.handoff_id, e.actor_id);
    } else if (['resolved', 'returned_to_bot', 'routed_to_product', 'cancelled'].includes(e.type)) {
      holders.delete(e.handoff_id);
      owner.delete(e.handoff_id);
    }
    for (const id of e.type === 'offered' ? agents : []) if (count(id) > capacity) found.push(`event ${e.id}: ${id} holds ${count(id)} (capacity ${capacity})`);
  }
  return found;
}

async function created(c: TestCluster, hub: number, body: unknown): Promise<Handoff> {
  const { status, body: answer } = await c.post(hub, body);
  expect(status).toBe(201);
  return answer.handoff as Handoff;
}

describe('several hubs on one PostgreSQL', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startCluster(3);
  });
  afterAll(() => c?.stop());

  it('an offer made on one hub reaches the agent on another, and the lead on a third sees it all', async () => {
    const t = await team(c, 'fanout', 1);
    const agent = await c.signIn(1, t.token(t.ids[0]!));
    const lead = await c.signIn(2, t.lead);
    const offered = agent.waitFor('handoff:offered');
    const leadSeesOffer = lead.waitFor('handoff:changed', (p) => p.handoff.status === 'offered');
    const handoff = await created(c, 0, packet('fanout', 'Offered across hubs'));
    expect((await offered).handoff.id).toBe(handoff.id);
    expect((await leadSeesOffer).handoff.id).toBe(handoff.id);

    const leadSeesAccept = lead.waitFor('handoff:changed', (p) => p.handoff.id === handoff.id && p.handoff.status === 'accepted');
    const leadSeesLoad = lead.waitFor('agents:changed', (p) => p.agents.find((a) => a.id === t.ids[0])?.load === 1);
    expect(await agent.accept(handoff.id)).toMatchObject({ ok: true, handoff: { status: 'accepted' } });
    await leadSeesAccept;
    await leadSeesLoad;
  });

  it('an agent with apps on two hubs stays connected until the last of them goes', async () => {
    const t = await team(c, 'twoapps', 1);
    const id = t.ids[0]!;
    const lead = await c.signIn(0, t.lead);
    const first = await c.signIn(0, t.token(id));
    const second = await c.signIn(1, t.token(id));
    const connected = async () => (await c.db.query<{ connected: boolean }>('select connected from agents where id = $1', [id]))[0]!.connected;

    first.close();
    await vi.waitFor(async () => expect(await c.db.query('select hub_id from agent_connections where agent_id = $1', [id])).toHaveLength(1));
    expect(await connected()).toBe(true);
    // Still reachable through the app left on the other hub.
    const offered = second.waitFor('handoff:offered');
    const handoff = await created(c, 2, packet('twoapps', 'Reaches the app that stayed'));
    expect((await offered).handoff.id).toBe(handoff.id);

    const offline = lead.waitFor('agents:changed', (p) => p.agents.find((a) => a.id === id)?.presence === 'offline');
    second.close();
    await offline;
    expect(await connected()).toBe(false);
  });

  it('hubs racing on one team never offer an agent beyond capacity nor give a handoff two owners', async () => {
    const capacity = 2;
    const t = await team(c, 'race', 4, { capacity });
    const apps: TestHubClient[] = [];
    for (const [i, id] of t.ids.entries()) apps.push(await c.signIn(i % 3, t.token(id)));
    const finished = new Set<string>();
    // Each agent accepts every offer and resolves it a moment later, so work keeps flowing.
    for (const app of apps) {
      app.on('handoff:offered', ({ handoff }) => {
        void app.accept(handoff.id).then(async (ack) => {
          if (!ack.ok) return;
          await delay(20);
          const done = await app.resolve(handoff.id);
          if (done.ok) finished.add(handoff.id);
        });
      });
    }
    const total = 80;
    const ids = await Promise.all(Array.from({ length: total }, (_, i) => created(c, i % 3, packet('race', `Race #${i}`)).then((h) => h.id)));
    await vi.waitFor(() => expect(finished.size).toBe(total), { timeout: 30_000, interval: 100 });

    const events = await loadEvents(c.hubs[0]!.db, 'e.handoff_id = any($1)', [ids]);
    const replay = replayHistories(events, { push: true, capacity });
    expect(replay.violations).toEqual([]);
    expect(overCapacity(events, capacity)).toEqual([]);
    expect([...replay.handoffs.values()].map((h) => h.status)).toEqual(Array(total).fill('resolved'));
    expect(events.filter((e) => e.type === 'accepted')).toHaveLength(total);
    const overloaded = await c.db.query(`select id, load, held_offers from agents where team = 'race' and (load <> 0 or held_offers <> 0)`);
    expect(overloaded).toEqual([]);
  });

  it('a sign-out on one hub ends the apps of that person on the others', async () => {
    const t = await team(c, 'signout', 1);
    const app = await c.signIn(2, t.token(t.ids[0]!));
    const ended = app.waitFor('session:ended');
    c.hubs[0]!.access.endAgent(t.ids[0]!);
    expect(await ended).toEqual({ reason: 'revoked' });
  });

  it('a hub that lost its lease drops its apps, which come back with a snapshot', async () => {
    const t = await team(c, 'lostlease', 1);
    const app = await c.signIn(1, t.token(t.ids[0]!));
    const offered = app.waitFor('handoff:offered');
    const handoff = await created(c, 0, packet('lostlease', 'Offered again after a lost lease'));
    await offered;
    const snapshot = app.waitFor('handoffs:snapshot', undefined, 15_000);
    const offeredAgain = app.waitFor('handoff:offered', (p) => p.handoff.id === handoff.id, 15_000);
    // As another hub does once the lease ran out: the row and its connections go, and the agent,
    // with no app left anywhere, is disconnected (their offer goes back to the queue).
    await c.db.query('delete from hubs where id = (select hub_id from agent_connections where agent_id = $1)', [t.ids[0]]);
    await snapshot;
    await offeredAgain;
    expect(await c.db.query('select 1 from agent_connections where agent_id = $1', [t.ids[0]])).toHaveLength(1);
  });
});

describe('a hub that stops', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startCluster(2);
  });
  afterAll(() => c?.stop());

  it('is taken over: its agents who do not come back are disconnected, their offers move on, and its offers still expire', async () => {
    const t = await team(c, 'takeover', 2, { offerTimeoutSeconds: 2 });
    const [leaving, staying] = t.ids as [string, string];
    // The leaving agent is on hub 1 and alone, so the first handoff is offered to them; the second
    // handoff, offered by hub 1 to the agent on hub 0, must still expire once hub 1 is gone.
    const gone = await c.signIn(1, t.token(leaving));
    const first = await created(c, 1, packet('takeover', 'Held by an agent whose hub stops'));
    expect((await c.db.query<{ offer_agent_ids: string[] }>('select offer_agent_ids from handoffs where id = $1', [first.id]))[0]!.offer_agent_ids).toEqual([leaving]);
    const stay = await c.signIn(0, t.token(staying));
    const second = await created(c, 1, packet('takeover', 'Offered by the hub that stops'));
    expect((await c.db.query<{ offer_agent_ids: string[] }>('select offer_agent_ids from handoffs where id = $1', [second.id]))[0]!.offer_agent_ids).toEqual([staying]);

    const movedOn = stay.waitFor('handoff:offered', (p) => p.handoff.id === first.id, 15_000);
    const secondExpired = stay.waitFor('handoff:withdrawn', (p) => p.handoffId === second.id && p.reason === 'timed_out', 15_000);
    const stoppedAt = Date.now();
    await c.hubs[1]!.close();
    gone.close(); // its app has nowhere to reconnect to
    await secondExpired;
    await movedOn;
    // The lease was cut to the reconnect grace (500 ms here), well inside the lease itself.
    expect(Date.now() - stoppedAt).toBeLessThan(TEST_LEASE.leaseMs + 10_000);
    const events = (await loadEvents(c.hubs[0]!.db, 'e.handoff_id = $1', [first.id])).map((e) => `${e.type} ${(e.agent_ids ?? []).join(',')}`.trim());
    expect(events.slice(0, 3)).toEqual(['created', `offered ${leaving}`, `offer_withdrawn ${leaving}`]);
    // Only hub 0's lease is left.
    expect(await c.db.query('select id from hubs')).toHaveLength(1);
  });
});
