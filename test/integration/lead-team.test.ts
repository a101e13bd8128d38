// A lead's view of the team and what they change in it, on a hub whose clock the test moves:
// the team's settings on the board, stalled work (derived from what the hub sends with the same
// pure function the board uses), routing changes that take effect at once, and setting an
// agent's presence. Each test has its own team, so the tests share one hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestHubClient } from '../support/hub-client.ts';
import { stalledInfo } from '../../shared/domain/stalled.ts';
import type { Handoff, HandoffStatus } from '../../shared/protocol/index.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { Board, Clock, history, ok, post, refusal, teamKit, type Person } from '../support/lead.ts';

const clock = new Clock('2026-03-02T09:00:00.000Z');

describe('a lead and their team', () => {
  let t: TestHub;
  const kit = teamKit(() => t, 'team');
  beforeAll(async () => {
    t = await startTestHub({ now: clock.now });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const signIn = (person: Person) => t.signIn(person.token);
  /** Every event sent to the app before this call has arrived once it returns. */
  const barrier = async (client: TestHubClient) => expect(refusal(await client.getHandoff('barrier')).code).toBe('not_found');
  const sees = (client: TestHubClient, id: string, status: HandoffStatus, more: (h: Handoff) => boolean = () => true) =>
    client.waitFor('handoff:changed', (p) => p.handoff.id === id && p.handoff.status === status && more(p.handoff));
  const offerTo = (client: TestHubClient, summary: string) => client.waitFor('handoff:offered', (p) => p.handoff.packet.summary.startsWith(summary));

  /** A lead's board, signed in: it has the snapshot, the team's settings and its agents. */
  async function boardOf(lead: Person): Promise<Board> {
    const client = t.client(lead.token);
    const board = new Board(client);
    const agents = client.waitFor('agents:changed');
    await client.ready();
    await agents;
    return board;
  }

  it('hears the team’s settings on connect, right after its session, and again whenever they change; agents do not', async () => {
    const team = await kit.team();
    const lia = await kit.person(team, 'Lia', { role: 'lead' });
    const ann = await signIn(await kit.person(team, 'Ann'));
    const annHeard: unknown[] = [];
    ann.on('team:changed', (p) => annHeard.push(p));

    const client = t.client(lia.token);
    const order: string[] = [];
    for (const event of ['session', 'team:changed', 'handoffs:snapshot', 'agents:changed'] as const) client.on(event, () => order.push(event));
    const settings = client.waitFor('team:changed');
    const agents = client.waitFor('agents:changed');
    await client.ready();
    await agents;
    // (Coming online is a presence change, so a fresh session and agents:changed follow.)
    expect(order.slice(0, 4)).toEqual(['session', 'team:changed', 'handoffs:snapshot', 'agents:changed']);
    expect((await settings).team).toEqual({ name: team, routing: 'push', offerTimeoutSeconds: 45, stalledQueueSeconds: 120, stalledAcceptedSeconds: 900 });

    const changed = client.waitFor('team:changed', (p) => p.team.stalledQueueSeconds === 300);
    const ack = ok(await client.configureTeam({ stalledQueueSeconds: 300, stalledAcceptedSeconds: 600 }));
    expect(ack.team).toEqual({ name: team, routing: 'push', offerTimeoutSeconds: 45, stalledQueueSeconds: 300, stalledAcceptedSeconds: 600 });
    expect((await changed).team).toEqual(ack.team);
    await barrier(ann);
    expect(annHeard).toEqual([]);
  });

  it('shows stalled work: queued or offered past the target since it entered the queue, accepted with no event past the accepted target', async () => {
    const T = clock.iso();
    const at = (seconds: number) => clock.set(T, seconds);
    const team = await kit.team();
    const lia = await kit.person(team, 'Lia', { role: 'lead' });
    const annPerson = await kit.person(team, 'Ann', { capacity: 1 });
    const bo = await kit.person(team, 'Bo'); // never signs in: only a lead gives him work
    const ann = await signIn(annPerson);
    const board = await boardOf(lia);
    const names = new Map<string, string>();
    /** What the board highlights now, computed as the board computes it. */
    const stalled = (on: Board = board) =>
      [...on.handoffs.values()].flatMap((h) => {
        const info = stalledInfo(h, on.team!, clock.now());
        return info?.stalled ? [`${names.get(h.id)} ${info.kind} since ${(Date.parse(info.since) - Date.parse(T)) / 1000}`] : [];
      });

    at(0);
    const h1Offer = offerTo(ann, 'H1');
    const h1 = await post(t, team, { summary: 'H1' });
    names.set(h1.id, 'H1');
    await h1Offer;
    at(5);
    let seen = sees(board.client, h1.id, 'accepted');
    ok(await ann.accept(h1.id));
    await seen;
    at(10); // Ann is full (capacity 1): H2 and H3 wait in the queue
    const h2 = await post(t, team, { summary: 'H2' });
    at(20);
    const h3 = await post(t, team, { summary: 'H3' });
    names.set(h2.id, 'H2').set(h3.id, 'H3');
    await barrier(board.client);
    expect([...board.handoffs.values()].map((h) => `${names.get(h.id)} ${h.status}`)).toEqual(['H1 accepted', 'H2 queued', 'H3 queued']);

    // Target 120 s: H2 (queued at 10 s) is stalled from 130 s on, H3 from 140 s.
    at(129);
    expect(stalled()).toEqual([]);
    at(130);
    expect(stalled()).toEqual(['H2 waiting since 10']);
    at(140);
    expect(stalled()).toEqual(['H2 waiting since 10', 'H3 waiting since 20']);

    // A new target counts at once, from the same start.
    const retargeted = board.client.waitFor('team:changed', (p) => p.team.stalledQueueSeconds === 300);
    ok(await board.client.configureTeam({ stalledQueueSeconds: 300 }));
    await retargeted;
    expect(stalled()).toEqual([]);
    at(310);
    expect(stalled()).toEqual(['H2 waiting since 10']);

    // H1 was accepted at 5 s and nothing happened since: idle and stalled from 905 s on (target 900 s).
    at(904);
    expect(stalled()).toEqual(['H2 waiting since 10', 'H3 waiting since 20']);
    at(905);
    expect(stalled()).toEqual(['H1 idle since 5', 'H2 waiting since 10', 'H3 waiting since 20']);

    // One step: the lead gives everything stalled to Bo. Each is idle from now on.
    const ids = [h1.id, h2.id, h3.id];
    const moved = ids.map((id) => sees(board.client, id, 'accepted', (h) => h.assignee?.id === bo.id));
    const ack = ok(await board.client.reassignMany(ids, { agentId: bo.id }, 'Stalled'));
    expect(ack.failures).toEqual([]);
    await Promise.all(moved);
    expect(stalled()).toEqual([]);
    at(1804);
    expect(stalled()).toEqual([]);
    at(1805);
    expect(stalled()).toEqual(['H1 idle since 905', 'H2 idle since 905', 'H3 idle since 905']);

    // Sent back to the queue at 2,000 s, H1 waits from then on; Ann's decline does not restart the wait.
    at(2000);
    const h1Again = offerTo(ann, 'H1');
    ok(await board.client.reassign(h1.id, { queue: true }));
    await h1Again;
    at(2010);
    seen = sees(board.client, h1.id, 'queued');
    ok(await ann.decline(h1.id, 'Not today'));
    await seen;
    at(2299);
    expect(stalled()).toEqual(['H2 idle since 905', 'H3 idle since 905']);
    at(2300);
    expect(stalled()).toEqual(['H1 waiting since 2000', 'H2 idle since 905', 'H3 idle since 905']);

    // A board that connects now finds the same in its snapshot.
    expect(stalled(await boardOf(lia))).toEqual(['H1 waiting since 2000', 'H2 idle since 905', 'H3 idle since 905']);
  });

  describe('routing changes take effect at once', () => {
    it('push to broadcast: the next handoff is offered to every available agent', async () => {
      const team = await kit.team();
      const lia = await signIn(await kit.person(team, 'Lia', { role: 'lead' }));
      const [ann, bo] = await Promise.all([signIn(await kit.person(team, 'Ann')), signIn(await kit.person(team, 'Bo'))]);
      const pushed = await post(t, team, { summary: 'pushed' });
      expect(pushed.offer?.agentIds).toHaveLength(1);

      const changed = lia.waitFor('team:changed', (p) => p.team.routing === 'broadcast');
      expect(ok(await lia.configureTeam({ routing: 'broadcast' })).team.routing).toBe('broadcast');
      await changed;
      const [annOffer, boOffer] = [offerTo(ann, 'broadcast'), offerTo(bo, 'broadcast')];
      const broadcast = await post(t, team, { summary: 'broadcast' });
      expect(broadcast.offer?.agentIds.sort()).toEqual([`${team}-ann`, `${team}-bo`]);
      expect((await annOffer).offer.id).toBe((await boOffer).offer.id);
      // An offer made before the change stands as it was until it ends.
      expect((await history(t, pushed.id)).offer?.agentIds).toEqual(pushed.offer?.agentIds);
    });

    it('offer timeout: the next offer expires after the new timeout, and then moves on', async () => {
      const T = clock.iso();
      const team = await kit.team();
      const lia = await signIn(await kit.person(team, 'Lia', { role: 'lead' }));
      const ann = await signIn(await kit.person(team, 'Ann'));
      const bo = await signIn(await kit.person(team, 'Bo'));
      ok(await bo.setPresence('away'));
      expect(ok(await lia.configureTeam({ offerTimeoutSeconds: 90 })).team.offerTimeoutSeconds).toBe(90);

      const handoff = await post(t, team);
      expect(handoff.offer).toMatchObject({ agentIds: [`${team}-ann`], expiresAt: new Date(Date.parse(T) + 90_000).toISOString() });
      clock.set(T, 89.999);
      await t.hub.service.expireDueOffers();
      expect((await history(t, handoff.id)).status).toBe('offered');

      const withdrawn = ann.waitFor('handoff:withdrawn', (p) => p.handoffId === handoff.id);
      clock.set(T, 90);
      await t.hub.service.expireDueOffers();
      expect(await withdrawn).toEqual({ handoffId: handoff.id, reason: 'timed_out' });
      const boOffer = bo.waitFor('handoff:offered', (p) => p.handoff.id === handoff.id);
      ok(await bo.setPresence('available'));
      expect((await boOffer).offer.expiresAt).toBe(new Date(Date.parse(T) + 180_000).toISOString());
    });

    it('capacity: more room brings the next offer at once; less room takes back an offer the agent can no longer take', async () => {
      const team = await kit.team();
      const lia = await boardOf(await kit.person(team, 'Lia', { role: 'lead' }));
      const ann = await signIn(await kit.person(team, 'Ann', { capacity: 1 }));
      const first = await post(t, team, { summary: 'first' });
      ok(await ann.accept(first.id));
      const waiting = await post(t, team, { summary: 'waiting' });
      expect(waiting.status).toBe('queued');

      const offered = offerTo(ann, 'waiting');
      const session = ann.waitFor('session', (p) => p.agent.capacity === 2);
      const board = lia.client.waitFor('agents:changed', (p) => p.agents.some((a) => a.id === `${team}-ann` && a.capacity === 2));
      const ack = ok(await lia.client.configureTeam({ capacity: [{ agentId: `${team}-ann`, capacity: 2 }] }));
      expect(ack.agents.find((a) => a.id === `${team}-ann`)).toMatchObject({ capacity: 2, load: 1, handoffIds: [first.id] });
      expect((await offered).handoff.id).toBe(waiting.id);
      await Promise.all([session, board]);

      const withdrawn = ann.waitFor('handoff:withdrawn', (p) => p.handoffId === waiting.id);
      const queued = sees(lia.client, waiting.id, 'queued');
      ok(await lia.client.configureTeam({ capacity: [{ agentId: `${team}-ann`, capacity: 1 }] }));
      expect(await withdrawn).toEqual({ handoffId: waiting.id, reason: 'unavailable' });
      await queued;
    });

    it('skills: an agent who gains the skill a handoff needs is offered it at once, and loses the offer with the skill', async () => {
      const team = await kit.team();
      const lia = await signIn(await kit.person(team, 'Lia', { role: 'lead' }));
      const ann = await signIn(await kit.person(team, 'Ann', { skills: ['billing'] }));
      const spanish = await post(t, team, { summary: 'spanish', skills: ['spanish'] });
      expect(spanish.status).toBe('queued');

      const offered = offerTo(ann, 'spanish');
      const ack = ok(await lia.configureTeam({ skills: [{ agentId: `${team}-ann`, skills: ['billing', 'spanish', 'billing'] }] }));
      expect(ack.agents.find((a) => a.id === `${team}-ann`)?.skills).toEqual(['billing', 'spanish']);
      expect((await offered).handoff.id).toBe(spanish.id);

      const withdrawn = ann.waitFor('handoff:withdrawn', (p) => p.handoffId === spanish.id);
      ok(await lia.configureTeam({ skills: [{ agentId: `${team}-ann`, skills: ['billing'] }] }));
      expect(await withdrawn).toEqual({ handoffId: spanish.id, reason: 'unavailable' });
      expect((await history(t, spanish.id)).status).toBe('queued');
    });

    it('a change that names someone outside the team changes nothing at all; malformed changes are invalid_command', async () => {
      const team = await kit.team();
      const lia = await signIn(await kit.person(team, 'Lia', { role: 'lead' }));
      const ann = await kit.person(team, 'Ann');
      const settings = async () => (await t.hub.db.query('select routing, offer_timeout_ms from teams where name = $1', [team])).rows[0];
      const before = await settings();

      const error = refusal(await lia.configureTeam({ routing: 'broadcast', offerTimeoutSeconds: 10, capacity: [{ agentId: 'demo-ana', capacity: 9 }] }));
      expect(error).toMatchObject({ code: 'not_found', message: expect.stringContaining('demo-ana') });
      expect(await settings()).toEqual(before);

      const cases: Array<[Record<string, unknown>, string]> = [
        [{}, ''],
        [{ offerTimeoutSeconds: 0 }, 'offerTimeoutSeconds'],
        [{ routing: 'round-robin' }, 'routing'],
        [{ capacity: [{ agentId: ann.id, capacity: 1 }, { agentId: ann.id, capacity: 2 }] }, 'capacity.1'],
        [{ capacity: [{ agentId: ann.id, capacity: -1 }] }, 'capacity.0.capacity'],
        [{ skills: [{ agentId: ann.id, skills: [' '] }] }, 'skills.0.skills.0'],
        [{ stalledQueueSeconds: 0.5 }, 'stalledQueueSeconds'],
        [{ stalledAcceptedSeconds: 10, colour: 'red' }, 'colour'],
      ];
      for (const [change, path] of cases) {
        const invalid = refusal(await lia.send('team:configure', change));
        expect(invalid.code, JSON.stringify(change)).toBe('invalid_command');
        expect(invalid.issues?.map((i) => i.path), JSON.stringify(change)).toEqual([path]);
      }
      expect(await settings()).toEqual(before);
    });
  });

  it('a lead sets an agent’s presence: the agent’s app hears it, their offers move on, and setting them available again routes to them', async () => {
    const team = await kit.team();
    const lia = await boardOf(await kit.person(team, 'Lia', { role: 'lead' }));
    const ann = await signIn(await kit.person(team, 'Ann'));
    const bo = await signIn(await kit.person(team, 'Bo'));
    ok(await bo.setPresence('away'));
    const handoff = await post(t, team);
    expect(handoff.offer?.agentIds).toEqual([`${team}-ann`]);

    const annAway = ann.waitFor('session', (p) => p.agent.presence === 'away');
    const withdrawn = ann.waitFor('handoff:withdrawn', (p) => p.handoffId === handoff.id);
    const board = lia.client.waitFor('agents:changed', (p) => p.agents.some((a) => a.id === `${team}-ann` && a.presence === 'away'));
    const ack = ok(await lia.client.setAgentPresence(`${team}-ann`, 'away'));
    expect(ack.agent).toMatchObject({ id: `${team}-ann`, presence: 'away' });
    await Promise.all([annAway, board]);
    expect(await withdrawn).toEqual({ handoffId: handoff.id, reason: 'unavailable' });

    const offered = bo.waitFor('handoff:offered', (p) => p.handoff.id === handoff.id);
    ok(await lia.client.setAgentPresence(`${team}-bo`, 'available'));
    await offered;
    expect(refusal(await lia.client.setAgentPresence('nobody', 'away')).code).toBe('not_found');
  });
});
