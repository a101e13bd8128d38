import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { createAgent, upsertTeam } from '../../hub/admin/accounts.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import type { Handoff, HandoffEvent, Priority, ServerEventName, ServerEventPayload } from '../../shared/protocol/index.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';

// Each test gets its own team (its own routing mode and offer timeout, its own agents), so the
// tests share one hub without seeing each other's handoffs. Packets name the team; the demo
// integration posts them.

interface Person {
  id: string;
  name: string;
  token: string;
}

function harness(getHub: () => TestHub) {
  let teams = 0;
  let clients: TestHubClient[] = [];
  return {
    async team(settings: { routing?: 'push' | 'broadcast'; offerTimeoutSeconds?: number } = {}): Promise<string> {
      const name = `routing-${++teams}`;
      await upsertTeam(getHub().hub.db, { name, ...settings });
      return name;
    },
    async person(team: string, name: string, fields: { role?: 'agent' | 'lead'; skills?: string[]; capacity?: number } = {}): Promise<Person> {
      const { id, token } = await createAgent(getHub().hub.db, { id: `${team}-${name.toLowerCase().replace(/\W+/g, '-')}`, name, team, ...fields });
      return { id, name, token };
    },
    /** An app for the person, not yet connected: listeners attached now see everything. */
    app(person: Person): TestHubClient {
      const client = getHub().client(person.token);
      clients.push(client);
      return client;
    },
    async signIn(person: Person): Promise<TestHubClient> {
      const client = this.app(person);
      await client.ready();
      return client;
    },
    closeApps(): void {
      for (const client of clients) client.close();
      clients = [];
    },
  };
}

/** Every payload of `event` the client receives from now on. */
function record<E extends ServerEventName>(client: TestHubClient, event: E): Array<ServerEventPayload<E>> {
  const seen: Array<ServerEventPayload<E>> = [];
  client.on(event, (payload) => seen.push(payload));
  return seen;
}

/**
 * Lets everything the hub already sent this client arrive: the hub sends a command's events
 * before its ack, on the same connection. Setting presence to available again also runs a
 * routing pass for the team.
 */
async function settle(client: TestHubClient): Promise<void> {
  expect(await client.setPresence('available')).toMatchObject({ ok: true });
}

function packet(team: string, fields: { priority?: Priority; skills?: string[]; summary?: string } = {}) {
  return { ...VALID_BASE_PACKET, team, ...fields };
}

async function post(t: TestHub, body: ReturnType<typeof packet>): Promise<Handoff> {
  const response = await t.request('POST', '/v1/handoffs', { body });
  expect(response.status).toBe(201);
  return response.body.handoff as Handoff;
}

async function history(t: TestHub, id: string): Promise<{ handoff: Handoff; events: HandoffEvent[] }> {
  const response = await t.request('GET', `/v1/handoffs/${id}`);
  expect(response.status).toBe(200);
  return { handoff: response.body.handoff, events: response.body.handoff.events };
}

/** The event history as `type [agentIds]`, easy to read in a failure. */
const story = (events: HandoffEvent[]): string[] => events.map((e) => (e.agentIds ? `${e.type} [${e.agentIds.join(',')}]` : e.type));

describe('routing on a running hub', () => {
  let t: TestHub;
  const h = harness(() => t);
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterEach(() => h.closeApps());
  afterAll(async () => {
    await t?.stop();
  });

  describe('push', () => {
    it('moves an offer that timed out to the next agent, skipping the first, and keeps it queued once everybody had it, until a lead hands it on', async () => {
      const team = await h.team({ offerTimeoutSeconds: 0.4 });
      const ana = await h.person(team, 'Ana');
      const ben = await h.person(team, 'Ben');
      const lee = await h.person(team, 'Lee', { role: 'lead' });
      // Ana comes online first, so she has been idle the longest and is offered first.
      const a = await h.signIn(ana);
      const b = await h.signIn(ben);
      const lead = await h.signIn(lee);
      const aOffers = record(a, 'handoff:offered');
      const bOffers = record(b, 'handoff:offered');
      const aOffered = a.waitFor('handoff:offered');
      const aWithdrawn = a.waitFor('handoff:withdrawn');
      const bOffered = b.waitFor('handoff:offered');
      const bWithdrawn = b.waitFor('handoff:withdrawn');

      const created = await post(t, packet(team));
      expect((await aOffered).handoff.id).toBe(created.id);
      expect(await aWithdrawn).toEqual({ handoffId: created.id, reason: 'timed_out' });
      const second = await bOffered;
      expect(second.handoff).toMatchObject({ id: created.id, status: 'offered', offer: { agentIds: [ben.id] } });
      expect(await bWithdrawn).toEqual({ handoffId: created.id, reason: 'timed_out' });

      // Both had it: it waits in the queue, even through another routing pass.
      await settle(a);
      await settle(b);
      const waiting = await history(t, created.id);
      expect(waiting.handoff).toMatchObject({ status: 'queued', offer: null, assignee: null });
      expect(story(waiting.events)).toEqual(['created', `offered [${ana.id}]`, `offer_expired [${ana.id}]`, `offered [${ben.id}]`, `offer_expired [${ben.id}]`]);
      expect(waiting.events[2]).toMatchObject({ actor: { kind: 'system', id: 'router' }, reason: 'timed_out' });
      expect(aOffers).toHaveLength(1);
      expect(bOffers).toHaveLength(1);

      // Only a lead moves it on now (the queue refuses a handoff that is already queued, so the
      // lead gives it to someone).
      const benGetsIt = b.waitFor('handoff:changed', ({ handoff }) => handoff.id === created.id && handoff.status === 'accepted');
      expect(await lead.reassign(created.id, { agentId: ben.id }, 'Ben, please take this one')).toMatchObject({
        ok: true,
        handoff: { status: 'accepted', assignee: { id: ben.id } },
      });
      await benGetsIt;
      const handed = await history(t, created.id);
      expect(handed.events.slice(5)).toEqual([expect.objectContaining({ type: 'reassigned', actor: { kind: 'lead', id: lee.id }, agentIds: [ben.id] })]);
    });

    it('offers a declined handoff to the next agent, skips the one who declined, and starts afresh when a lead requeues it', async () => {
      const team = await h.team({ offerTimeoutSeconds: 30 });
      const ana = await h.person(team, 'Ana');
      const ben = await h.person(team, 'Ben');
      const lee = await h.person(team, 'Lee', { role: 'lead' });
      const a = await h.signIn(ana);
      const b = await h.signIn(ben);
      const lead = await h.signIn(lee);
      const aOffers = record(a, 'handoff:offered');
      const aOffered = a.waitFor('handoff:offered');
      const bOffered = b.waitFor('handoff:offered');

      const created = await post(t, packet(team));
      expect((await aOffered).handoff.id).toBe(created.id);
      expect(await a.decline(created.id, 'Not my area')).toMatchObject({ ok: true });
      expect((await bOffered).handoff).toMatchObject({ id: created.id, offer: { agentIds: [ben.id] } });

      // Ben declines too: nobody is left who has not had it, so Ana is not asked again.
      expect(await b.decline(created.id, 'Busy with a call')).toMatchObject({ ok: true, handoff: { status: 'queued' } });
      await settle(a);
      expect(aOffers).toHaveLength(1);
      const { handoff, events } = await history(t, created.id);
      expect(handoff.status).toBe('queued');
      expect(story(events)).toEqual(['created', `offered [${ana.id}]`, `declined [${ana.id}]`, `offered [${ben.id}]`, `declined [${ben.id}]`]);
      expect(events[2]).toMatchObject({ actor: { kind: 'agent', id: ana.id }, reason: 'Not my area' });

      // Back to the queue forgets who declined: Ana, idle the longest, is offered it again.
      const offeredAgain = a.waitFor('handoff:offered', ({ handoff: h2 }) => h2.id === created.id);
      expect(await lead.reassign(created.id, { queue: true }, 'Try again, please')).toMatchObject({ ok: true });
      expect((await offeredAgain).handoff.offer?.agentIds).toEqual([ana.id]);
      expect(await lead.reassign(created.id, { queue: true })).toMatchObject({ ok: true });
      expect(story((await history(t, created.id)).events).slice(5)).toEqual(['reassigned []', `offered [${ana.id}]`, 'reassigned []', `offered [${ana.id}]`]);
    });

    it('sets away an agent who lets two offers in a row expire, offers them nothing more, and offers again once they are available', async () => {
      const team = await h.team({ offerTimeoutSeconds: 0.3 });
      const ana = await h.person(team, 'Ana');
      const lee = await h.person(team, 'Lee', { role: 'lead' });
      const a = await h.signIn(ana);
      const lead = await h.signIn(lee);
      const offers = record(a, 'handoff:offered');
      const sessions = record(a, 'session');
      const awaySession = a.waitFor('session', (s) => s.agent.presence === 'away');
      const leadSeesAway = lead.waitFor('agents:changed', ({ agents }) => agents.some((x) => x.id === ana.id && x.presence === 'away'));

      const firstExpired = a.waitFor('handoff:withdrawn', (w) => w.reason === 'timed_out');
      const first = await post(t, packet(team, { summary: 'First' }));
      expect(await firstExpired).toEqual({ handoffId: first.id, reason: 'timed_out' });
      // One missed offer is not enough: the next one still comes to her.
      expect(sessions.filter((s) => s.agent.presence === 'away')).toHaveLength(0);

      const secondExpired = a.waitFor('handoff:withdrawn', (w) => w.reason === 'timed_out');
      const second = await post(t, packet(team, { summary: 'Second' }));
      expect(await secondExpired).toEqual({ handoffId: second.id, reason: 'timed_out' });
      expect((await awaySession).agent).toMatchObject({ id: ana.id, presence: 'away' });
      expect((await leadSeesAway).agents.find((x) => x.id === ana.id)).toMatchObject({ presence: 'away' });
      expect(offers.map((o) => o.handoff.id)).toEqual([first.id, second.id]);

      // Away: a new handoff waits in the queue although she has room.
      const third = await post(t, packet(team, { summary: 'Third' }));
      expect(third.status).toBe('queued');
      expect(offers).toHaveLength(2);

      // Available again: she is eligible (for what she has not already had).
      const offeredAgain = a.waitFor('handoff:offered');
      expect(await a.setPresence('available')).toMatchObject({ ok: true, agent: { presence: 'available' } });
      expect((await offeredAgain).handoff.id).toBe(third.id);
      expect(offers.map((o) => o.handoff.id)).toEqual([first.id, second.id, third.id]);
    });

    it('offers the highest priority first, then the oldest', async () => {
      const team = await h.team({ offerTimeoutSeconds: 30 });
      // Nobody is online yet: everything queues.
      const queued: Record<string, Handoff> = {};
      for (const [key, priority] of [
        ['low', 'low'],
        ['normal', 'normal'],
        ['urgent', 'urgent'],
        ['high', 'high'],
        ['normal, newer', 'normal'],
      ] as const) {
        queued[key] = await post(t, packet(team, { priority, summary: key }));
        expect(queued[key].status).toBe('queued');
      }

      const ana = await h.person(team, 'Ana', { capacity: 1 });
      const a = h.app(ana);
      const offers = record(a, 'handoff:offered');
      let next = a.waitFor('handoff:offered');
      const order = ['urgent', 'high', 'normal', 'normal, newer', 'low'];
      for (const [i, key] of order.entries()) {
        const offer = await next;
        expect(offer.handoff.packet.summary).toBe(key);
        expect(offer.handoff.id).toBe(queued[key]!.id);
        // Capacity 1: one offer at a time.
        expect(offers).toHaveLength(i + 1);
        if (i + 1 < order.length) next = a.waitFor('handoff:offered');
        expect(await a.accept(offer.handoff.id)).toMatchObject({ ok: true });
        expect(await a.resolve(offer.handoff.id)).toMatchObject({ ok: true });
      }
      await settle(a);
      expect(offers).toHaveLength(order.length);
    });

    it('offers a handoff only to an agent who has every skill it needs', async () => {
      const team = await h.team({ offerTimeoutSeconds: 30 });
      const tess = await h.person(team, 'Tess', { skills: ['technical'] });
      const bill = await h.person(team, 'Bill', { skills: ['billing'] });
      // Tess comes online first: on idle time alone she would be offered first.
      const tech = await h.signIn(tess);
      const billing = await h.signIn(bill);
      const techOffers = record(tech, 'handoff:offered');
      const billingOffers = record(billing, 'handoff:offered');

      const needsBilling = await post(t, packet(team, { skills: ['billing'] }));
      expect(needsBilling).toMatchObject({ status: 'offered', offer: { agentIds: [bill.id] } });
      // Routed before it was stored: one write, its history in order.
      expect(story((await history(t, needsBilling.id)).events)).toEqual(['created', `offered [${bill.id}]`]);
      const needsBoth = await post(t, packet(team, { skills: ['billing', 'technical'] }));
      expect(needsBoth).toMatchObject({ status: 'queued', offer: null });
      // With that one waiting for someone who has both skills, a new one that Tess can take is hers at once.
      const needsTech = await post(t, packet(team, { skills: ['technical'] }));
      expect(needsTech).toMatchObject({ status: 'offered', offer: { agentIds: [tess.id] } });

      await settle(tech);
      await settle(billing);
      expect(techOffers.map((o) => o.handoff.id)).toEqual([needsTech.id]);
      expect(billingOffers.map((o) => o.handoff.id)).toEqual([needsBilling.id]);
      expect((await history(t, needsBoth.id)).handoff.status).toBe('queued');

      // Someone with both skills comes online and gets it.
      const max = await h.person(team, 'Max', { skills: ['technical', 'billing'] });
      const m = h.app(max);
      expect((await m.waitFor('handoff:offered')).handoff.id).toBe(needsBoth.id);
    });

    it('offers an agent with capacity 1 who accepted one nothing more until they resolve it', async () => {
      const team = await h.team({ offerTimeoutSeconds: 30 });
      const ana = await h.person(team, 'Ana', { capacity: 1 });
      const a = await h.signIn(ana);
      const offers = record(a, 'handoff:offered');
      const offered = a.waitFor('handoff:offered');
      const first = await post(t, packet(team, { summary: 'First' }));
      expect((await offered).handoff.id).toBe(first.id);
      expect(await a.accept(first.id)).toMatchObject({ ok: true, handoff: { status: 'accepted' } });

      const second = await post(t, packet(team, { summary: 'Second' }));
      expect(second.status).toBe('queued');
      await settle(a);
      expect(offers).toHaveLength(1);

      const next = a.waitFor('handoff:offered');
      expect(await a.resolve(first.id)).toMatchObject({ ok: true });
      expect((await next).handoff.id).toBe(second.id);
    });
  });

  describe('re-routing when an agent leaves', () => {
    // The offers last 30 s and waitFor gives up after 10 s: only re-routing can pass these.
    it('gives an offer held by an agent who disconnects to the next agent at once', async () => {
      const team = await h.team({ offerTimeoutSeconds: 30 });
      const ana = await h.person(team, 'Ana');
      const ben = await h.person(team, 'Ben');
      const a = await h.signIn(ana);
      const b = await h.signIn(ben);
      const aOffered = a.waitFor('handoff:offered');
      const bOffered = b.waitFor('handoff:offered');
      const created = await post(t, packet(team));
      expect((await aOffered).handoff.id).toBe(created.id);

      a.close();
      expect((await bOffered).handoff).toMatchObject({ id: created.id, offer: { agentIds: [ben.id] } });
      const { events } = await history(t, created.id);
      expect(story(events)).toEqual(['created', `offered [${ana.id}]`, `offer_withdrawn [${ana.id}]`, `offered [${ben.id}]`]);
      expect(events[2]).toMatchObject({ reason: 'unavailable' });
    });

    it('takes agents who leave together out together: their offers go back to the queue, not from one to the other', async () => {
      const team = await h.team({ offerTimeoutSeconds: 30 });
      const ana = await h.person(team, 'Ana', { capacity: 2 });
      const ben = await h.person(team, 'Ben', { capacity: 2 });
      await h.signIn(ana);
      await h.signIn(ben);
      const first = await post(t, packet(team));
      const second = await post(t, packet(team));
      expect([first.offer?.agentIds, second.offer?.agentIds]).toEqual([[ana.id], [ben.id]]);

      // Both drop before the hub gets to either (as when a site loses its network). One at a time,
      // Ana's offer would go to Ben (he has room) and be taken back again when he leaves.
      await Promise.all([t.hub.service.disconnected(ana.id), t.hub.service.disconnected(ben.id)]);
      for (const [handoff, agent] of [[first, ana], [second, ben]] as const) {
        const { handoff: now, events } = await history(t, handoff.id);
        expect(now.status).toBe('queued');
        expect(story(events)).toEqual(['created', `offered [${agent.id}]`, `offer_withdrawn [${agent.id}]`]);
      }
    });

    it('gives an offer held by an agent who sets away to the next agent at once', async () => {
      const team = await h.team({ offerTimeoutSeconds: 30 });
      const ana = await h.person(team, 'Ana');
      const ben = await h.person(team, 'Ben');
      const a = await h.signIn(ana);
      const b = await h.signIn(ben);
      const aOffered = a.waitFor('handoff:offered');
      const bOffered = b.waitFor('handoff:offered');
      const created = await post(t, packet(team));
      expect((await aOffered).handoff.id).toBe(created.id);

      const aWithdrawn = a.waitFor('handoff:withdrawn');
      expect(await a.setPresence('away')).toMatchObject({ ok: true, agent: { presence: 'away' } });
      expect(await aWithdrawn).toEqual({ handoffId: created.id, reason: 'unavailable' });
      expect((await bOffered).handoff).toMatchObject({ id: created.id, offer: { agentIds: [ben.id] } });
    });

    it('leaves accepted handoffs with an agent who disconnects', async () => {
      const team = await h.team({ offerTimeoutSeconds: 30 });
      const ana = await h.person(team, 'Ana');
      const ben = await h.person(team, 'Ben');
      const lee = await h.person(team, 'Lee', { role: 'lead' });
      const a = await h.signIn(ana);
      const b = await h.signIn(ben);
      const lead = await h.signIn(lee);
      const bOffers = record(b, 'handoff:offered');
      const aOffered = a.waitFor('handoff:offered');
      const created = await post(t, packet(team));
      expect((await aOffered).handoff.id).toBe(created.id);
      expect(await a.accept(created.id)).toMatchObject({ ok: true });

      const anaOffline = lead.waitFor('agents:changed', ({ agents }) => agents.some((x) => x.id === ana.id && x.presence === 'offline'));
      a.close();
      await anaOffline;
      await settle(b);
      expect(bOffers).toHaveLength(0);
      const { handoff, events } = await history(t, created.id);
      expect(handoff).toMatchObject({ status: 'accepted', assignee: { id: ana.id, name: 'Ana' } });
      expect(events.map((e) => e.type)).toEqual(['created', 'offered', 'accepted']);

      // Back online, it is still hers.
      const { snapshot } = await h.signIn(ana).then((c) => c.ready());
      expect(snapshot.handoffs.map((x) => [x.id, x.status, x.assignee?.id])).toEqual([[created.id, 'accepted', ana.id]]);
    });
  });

  describe('broadcast', () => {
    it('offers a handoff to all 20 agents; of 20 simultaneous accepts exactly one wins and the 19 others are told who has it', async () => {
      const team = await h.team({ routing: 'broadcast', offerTimeoutSeconds: 30 });
      const people = await Promise.all(Array.from({ length: 20 }, (_, i) => h.person(team, `Agent ${String(i + 1).padStart(2, '0')}`)));
      const apps = await Promise.all(people.map((p) => h.signIn(p)));
      const offered = apps.map((app) => app.waitFor('handoff:offered'));

      const created = await post(t, packet(team));
      const offers = await Promise.all(offered);
      for (const offer of offers) {
        expect(offer.handoff.id).toBe(created.id);
        expect([...offer.handoff.offer!.agentIds].sort()).toEqual(people.map((p) => p.id).sort());
      }

      const withdrawn = apps.map((app) => record(app, 'handoff:withdrawn'));
      const acks = await Promise.all(apps.map((app) => app.accept(created.id)));
      const won = acks.flatMap((ack, i) => (ack.ok ? [i] : []));
      expect(won).toHaveLength(1);
      const winner = people[won[0]!]!;
      expect(acks[won[0]!]).toMatchObject({ ok: true, handoff: { status: 'accepted', assignee: { id: winner.id, name: winner.name } } });
      for (const [i, ack] of acks.entries()) {
        if (i === won[0]) continue;
        expect(ack.ok).toBe(false);
        if (ack.ok) continue;
        expect(ack.error.code).toBe('taken');
        expect(ack.error.message).toContain(winner.name);
      }

      // The withdrawals were sent with the winning accept, before any of the losers' acks.
      for (const [i, seen] of withdrawn.entries()) {
        expect(seen).toEqual(i === won[0] ? [] : [{ handoffId: created.id, reason: 'taken' }]);
      }
      const { handoff, events } = await history(t, created.id);
      expect(handoff).toMatchObject({ status: 'accepted', assignee: { id: winner.id } });
      expect(events.filter((e) => e.type === 'accepted')).toEqual([expect.objectContaining({ actor: { kind: 'agent', id: winner.id } })]);
    });
  });
});

describe('offers across a hub restart', () => {
  let t: TestHub;
  const h = harness(() => t);
  beforeAll(async () => {
    // A reconnect grace longer than the restart and the apps' backoff take on a loaded machine, so
    // the stopped hub's agents are still connected when the new one starts.
    t = await startTestHub({ lease: { reconnectGraceMs: 15_000 } });
  });
  afterAll(async () => {
    h.closeApps();
    await t?.stop();
  });

  it('moves on an offer that expired while the hub was down once the hub is back', async () => {
    const team = await h.team({ offerTimeoutSeconds: 2 });
    const ana = await h.person(team, 'Ana');
    const ben = await h.person(team, 'Ben');
    const a = await h.signIn(ana);
    const b = await h.signIn(ben);
    const aOffered = a.waitFor('handoff:offered');
    const created = await post(t, packet(team));
    const { offer } = await aOffered;
    expect((await aOffered).handoff.id).toBe(created.id);

    await t.stopHub();
    // The hub stopped before the offer was due, so it did not expire while the hub ran.
    const expiresAt = Date.parse(offer.expiresAt);
    expect(Date.now()).toBeLessThan(expiresAt);
    // Keep the hub down until the offer is due (waiting for the clock, not for an event).
    await delay(expiresAt - Date.now() + 50);

    // The apps reconnect on their own (socket.io backs off, so allow a few seconds). Until the
    // stopped hub's reconnect grace ends, both still count as connected: the offer moves to Ben at
    // once, reaching him in his snapshot or as an offer.
    const bReconnected = b.waitFor('handoffs:snapshot', undefined, 20_000);
    await t.restart();
    await bReconnected;
    // What happens next depends on whether Ben is back before his own 2 s offer runs out.
    const { events } = await vi.waitFor(
      async () => {
        const found = await history(t, created.id);
        expect(found.events.length).toBeGreaterThanOrEqual(4);
        return found;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(story(events).slice(0, 4)).toEqual(['created', `offered [${ana.id}]`, `offer_expired [${ana.id}]`, `offered [${ben.id}]`]);
  });
});
