// A lead moves handoffs: one or many, to an agent or back to the queue. Who hears what over
// /agents, what the bot's callback URL receives, what the board shows, and `handoff:get`, which
// gives the agent who got a handoff its whole history.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, setCallbackUrl } from '../../hub/admin/accounts.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import type { Handoff, WebhookPayload } from '../../shared/protocol/index.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { history, ok, post, refusal } from '../support/lead.ts';

const LEE = { id: 'demo-lee', name: 'Lee' };

/** The demo bot's callback URL: records each webhook and answers 200. */
class Receiver {
  url = '';
  readonly deliveries: WebhookPayload[] = [];
  readonly #server: Server;
  #waiting: Array<{ match: (d: WebhookPayload) => boolean; resolve: (d: WebhookPayload) => void }> = [];

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload;
        this.deliveries.push(payload);
        res.writeHead(200).end('ok');
        this.#waiting = this.#waiting.filter((w) => !(w.match(payload) && (w.resolve(payload), true)));
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/webhooks`;
  }

  /** The first delivery (already received or still to come) that matches. */
  waitFor(match: (d: WebhookPayload) => boolean): Promise<WebhookPayload> {
    const seen = this.deliveries.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiting.push({ match, resolve }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** Each handoff event an app received, per handoff, in order of arrival. */
function recordHandoffEvents(client: TestHubClient): (handoffId: string) => string[] {
  const seen = new Map<string, string[]>();
  const add = (id: string, what: string) => seen.set(id, [...(seen.get(id) ?? []), what]);
  client.on('handoff:offered', (p) => add(p.handoff.id, 'offered'));
  client.on('handoff:changed', (p) => add(p.handoff.id, `changed:${p.handoff.status}`));
  client.on('handoff:withdrawn', (p) => add(p.handoffId, `withdrawn:${p.reason}`));
  client.on('handoff:reassigned', (p) => add(p.handoff.id, 'reassigned'));
  return (id) => seen.get(id) ?? [];
}

describe('reassigning handoffs', () => {
  let t: TestHub;
  let ana: TestHubClient; // available: routing offers every support handoff to her
  let ben: TestHubClient; // away: he gets what a lead gives him, nothing else
  let lee: TestHubClient; // lead of support
  let sam: TestHubClient; // agent of sales, available
  let sue: TestHubClient; // lead of sales
  let anaSaw: (id: string) => string[];
  let benSaw: (id: string) => string[];
  const receiver = new Receiver();
  const open: string[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    await receiver.listen();
    await setCallbackUrl(t.hub.db, 'demo-bot', receiver.url);
    const samAccount = await createAgent(t.hub.db, { id: 'sales-sam', name: 'Sam', team: 'sales' });
    const sueAccount = await createAgent(t.hub.db, { id: 'sales-sue', name: 'Sue', role: 'lead', team: 'sales' });
    [ana, ben, lee, sam, sue] = await Promise.all([
      t.signIn('demo-ana'),
      t.signIn('demo-ben'),
      t.signIn('demo-lee'),
      t.signIn(samAccount.token),
      t.signIn(sueAccount.token),
    ]);
    ok(await ben.setPresence('away'));
    anaSaw = recordHandoffEvents(ana);
    benSaw = recordHandoffEvents(ben);
  });
  afterEach(async () => {
    // The bot takes back what a test left open, so every test starts with idle agents.
    for (const id of open.splice(0)) {
      const { status } = await t.request('POST', `/v1/handoffs/${id}/cancel`, { body: {} });
      expect([200, 409]).toContain(status);
    }
  });
  afterAll(async () => {
    await t?.stop();
    await receiver.close();
  });

  /** Every event sent to the app before this call has arrived once it returns (one connection keeps order). */
  const barrier = async (client: TestHubClient) => expect(refusal(await client.getHandoff('barrier')).code).toBe('not_found');

  async function offeredTo(client: TestHubClient, team: string, label: string): Promise<Handoff> {
    const summary = `${label} ${randomUUID()}`;
    const offered = client.waitFor('handoff:offered', (p) => p.handoff.packet.summary.startsWith(summary));
    const handoff = await post(t, team, { summary });
    open.push(handoff.id);
    return (await offered).handoff;
  }

  async function acceptedBy(client: TestHubClient, label: string): Promise<Handoff> {
    const offer = await offeredTo(client, 'support', label);
    return ok(await client.accept(offer.id)).handoff;
  }

  describe('one handoff', () => {
    it('to another agent: Ben hears it is his and that Lee gave it to him, with the note and its history; Ana hears Lee moved it; the bot gets handoff.reassigned', async () => {
      const note = 'Ben handled this customer last week.';
      const handoff = await acceptedBy(ana, 'to Ben');
      const benNotice = ben.waitFor('handoff:reassigned', (p) => p.handoff.id === handoff.id);
      const anaNotice = ana.waitFor('handoff:withdrawn', (p) => p.handoffId === handoff.id);
      const webhook = receiver.waitFor((d) => d.type === 'handoff.reassigned' && d.handoff.id === handoff.id);
      const board = lee.waitFor('agents:changed', (p) => p.agents.some((a) => a.id === 'demo-ben' && a.handoffIds.includes(handoff.id)));

      const ack = ok(await lee.reassign(handoff.id, { agentId: 'demo-ben' }, note));
      expect(ack.handoff).toMatchObject({ status: 'accepted', assignee: { id: 'demo-ben', name: 'Ben' } });

      const notice = await benNotice;
      expect(notice.by).toEqual(LEE);
      expect(notice.note).toBe(note);
      expect(notice.handoff).toMatchObject({ id: handoff.id, status: 'accepted', assignee: { id: 'demo-ben' } });
      expect(notice.handoff.packet).toStrictEqual(handoff.packet);
      expect(notice.handoff.events?.map((e) => e.type)).toEqual(['created', 'offered', 'accepted', 'reassigned']);
      expect(notice.handoff.events?.at(-1)).toMatchObject({ actor: { kind: 'lead', id: 'demo-lee' }, note, agentIds: ['demo-ben'] });
      expect(await anaNotice).toEqual({ handoffId: handoff.id, reason: 'reassigned', by: LEE, note });

      // Ben's app learns the handoff's new state first, then who gave it to him.
      await barrier(ben);
      expect(benSaw(handoff.id)).toEqual(['changed:accepted', 'reassigned']);
      await barrier(ana);
      expect(anaSaw(handoff.id)).toEqual(['offered', 'changed:accepted', 'withdrawn:reassigned']);

      const delivery = await webhook;
      expect(delivery.handoff).toMatchObject({ status: 'accepted', assignee: { id: 'demo-ben', name: 'Ben' } });
      expect(delivery.handoff.events?.at(-1)).toMatchObject({ type: 'reassigned', note, agentIds: ['demo-ben'] });

      // The board: Ben holds it, Ana no longer does; Ana last accepted when she took it, Ben never
      // accepted anything (a lead's reassignment is not an accept).
      const agents = (await board).agents;
      expect(agents.find((a) => a.id === 'demo-ben')).toMatchObject({ handoffIds: [handoff.id], load: 1, lastAcceptedAt: null });
      expect(agents.find((a) => a.id === 'demo-ana')).toMatchObject({ handoffIds: [], load: 0, lastAcceptedAt: handoff.updatedAt });

      // Ben can read it whole; Ana, who no longer has it, cannot.
      expect(ok(await ben.getHandoff(handoff.id)).handoff.events).toEqual(notice.handoff.events);
      expect(refusal(await ana.getHandoff(handoff.id)).code).toBe('forbidden');
    });

    it('back to the queue: Ana hears Lee moved it, it waits from now on, routing offers it again, the bot gets handoff.reassigned; nobody gets handoff:reassigned', async () => {
      const note = 'The customer asked for a Spanish speaker.';
      const handoff = await acceptedBy(ana, 'to the queue');
      const anaNotice = ana.waitFor('handoff:withdrawn', (p) => p.handoffId === handoff.id);
      const offeredAgain = ana.waitFor('handoff:offered', (p) => p.handoff.id === handoff.id);
      const webhook = receiver.waitFor((d) => d.type === 'handoff.reassigned' && d.handoff.id === handoff.id);

      const ack = ok(await lee.reassign(handoff.id, { queue: true }, note));
      expect(ack.handoff).toMatchObject({ status: 'queued', assignee: null, offer: null });
      // It entered the queue again just now: the board counts its wait from here, not from its creation.
      expect(ack.handoff.queuedAt).toBe(ack.handoff.updatedAt);
      expect(Date.parse(ack.handoff.queuedAt!)).toBeGreaterThan(Date.parse(handoff.createdAt));

      expect(await anaNotice).toEqual({ handoffId: handoff.id, reason: 'reassigned', by: LEE, note });
      const again = await offeredAgain;
      expect(again.handoff).toMatchObject({ status: 'offered', queuedAt: ack.handoff.queuedAt });
      expect((await webhook).handoff).toMatchObject({ status: 'queued', assignee: null });

      await barrier(ana);
      expect(anaSaw(handoff.id)).toEqual(['offered', 'changed:accepted', 'withdrawn:reassigned', 'offered']);
      expect((await history(t, handoff.id)).events.map((e) => e.type)).toEqual(['created', 'offered', 'accepted', 'reassigned', 'offered']);
    });
  });

  describe('several at once (handoffs:reassign)', () => {
    it('moves each handoff it can and lists why the others were not moved: finished, another team’s, unknown', async () => {
      const note = 'Ana is off early today.';
      const resolved = await acceptedBy(ana, 'bulk resolved');
      ok(await ana.resolve(resolved.id));
      const [h1, h2, h3] = [await acceptedBy(ana, 'bulk 1'), await acceptedBy(ana, 'bulk 2'), await acceptedBy(ana, 'bulk 3')];
      const sales = await offeredTo(sam, 'sales', 'bulk other team');
      const moved = [h1.id, h2.id, h3.id];
      const notices = moved.map((id) => ben.waitFor('handoff:reassigned', (p) => p.handoff.id === id));
      const withdrawals = moved.map((id) => ana.waitFor('handoff:withdrawn', (p) => p.handoffId === id));
      const webhooks = moved.map((id) => receiver.waitFor((d) => d.type === 'handoff.reassigned' && d.handoff.id === id));
      const board = lee.waitFor('agents:changed', (p) => p.agents.some((a) => a.id === 'demo-ben' && a.load === 3));
      const salesBefore = await history(t, sales.id);
      const resolvedBefore = await history(t, resolved.id);

      const opId = randomUUID();
      const handoffIds = [h1.id, resolved.id, 'no-such-handoff', h2.id, sales.id, h3.id];
      const ack = ok(await lee.send('handoffs:reassign', { handoffIds, to: { agentId: 'demo-ben' }, note }, { opId }));

      // The ones it moved, in the order asked, and why each other one was not moved.
      expect(ack.handoffs.map((h) => [h.id, h.status, h.assignee?.id])).toEqual(moved.map((id) => [id, 'accepted', 'demo-ben']));
      expect(ack.failures).toEqual([
        { handoffId: resolved.id, error: { code: 'invalid_state', message: expect.stringContaining('resolved') } },
        { handoffId: 'no-such-handoff', error: { code: 'not_found', message: expect.stringContaining('no-such-handoff') } },
        { handoffId: sales.id, error: { code: 'forbidden', message: expect.stringContaining('sales') } },
      ]);

      for (const notice of await Promise.all(notices)) expect(notice).toMatchObject({ by: LEE, note });
      for (const [i, withdrawal] of (await Promise.all(withdrawals)).entries()) {
        expect(withdrawal).toEqual({ handoffId: moved[i], reason: 'reassigned', by: LEE, note });
      }
      for (const delivery of await Promise.all(webhooks)) expect(delivery.handoff.assignee?.id).toBe('demo-ben');
      expect((await board).agents.find((a) => a.id === 'demo-ben')?.handoffIds).toEqual(moved);

      // What was not moved is untouched, and the bot was told nothing about it.
      expect(await history(t, resolved.id)).toStrictEqual(resolvedBefore);
      expect(await history(t, sales.id)).toStrictEqual(salesBefore);
      const { rows } = await t.hub.db.query<{ handoff_id: string }>(
        `select handoff_id from webhook_outbox where type = 'handoff.reassigned' and handoff_id = any($1)`,
        [[resolved.id, sales.id]],
      );
      expect(rows).toEqual([]);

      // The same opId again gets the same ack and moves nothing twice.
      const events = (await history(t, h1.id)).events.length;
      expect(await lee.send('handoffs:reassign', { handoffIds, to: { agentId: 'demo-ben' }, note }, { opId })).toStrictEqual(ack);
      expect((await history(t, h1.id)).events).toHaveLength(events);
    });

    it('back to the queue: every handoff waits from now, Ana hears of each, and they are offered again once someone is available', async () => {
      const [h1, h2] = [await acceptedBy(ana, 'bulk queue 1'), await acceptedBy(ana, 'bulk queue 2')];
      ok(await ana.setPresence('away')); // nobody available: they stay in the queue
      const withdrawals = [h1, h2].map((h) => ana.waitFor('handoff:withdrawn', (p) => p.handoffId === h.id));
      try {
        const ack = ok(await lee.reassignMany([h1.id, h2.id], { queue: true }));
        expect(ack.failures).toEqual([]);
        expect(ack.handoffs.map((h) => [h.id, h.status, h.assignee, h.queuedAt === h.updatedAt])).toEqual([
          [h1.id, 'queued', null, true],
          [h2.id, 'queued', null, true],
        ]);
        // No note: the notice says who moved it and nothing more.
        for (const withdrawal of await Promise.all(withdrawals)) expect(withdrawal).toEqual({ handoffId: withdrawal.handoffId, reason: 'reassigned', by: LEE });
      } finally {
        const offers = [h1, h2].map((h) => ana.waitFor('handoff:offered', (p) => p.handoff.id === h.id));
        ok(await ana.setPresence('available'));
        await Promise.all(offers);
      }
    });

    it('refuses the whole command when the target is not an agent of the team, and malformed lists, changing nothing', async () => {
      const handoff = await acceptedBy(ana, 'bulk refused');
      const before = await history(t, handoff.id);
      for (const agentId of ['sales-sam', 'nobody']) {
        const error = refusal(await lee.send('handoffs:reassign', { handoffIds: [handoff.id], to: { agentId } }));
        expect(error).toMatchObject({ code: 'not_found', message: expect.stringContaining(agentId) });
      }
      const invalid = [
        { handoffIds: [], path: 'handoffIds' },
        { handoffIds: [handoff.id, handoff.id], path: 'handoffIds.1' },
        { handoffIds: Array.from({ length: 101 }, (_, i) => `h-${i}`), path: 'handoffIds' },
      ];
      for (const { handoffIds, path } of invalid) {
        const error = refusal(await lee.send('handoffs:reassign', { handoffIds, to: { queue: true } }));
        expect(error.code).toBe('invalid_command');
        expect(error.issues?.map((i) => i.path)).toEqual([path]);
      }
      expect(await history(t, handoff.id)).toStrictEqual(before);
    });
  });

  describe('handoff:get', () => {
    it('gives the handoff with its history to the agent it is offered to, its assignee and the team’s leads, and to nobody else', async () => {
      const offer = await offeredTo(ana, 'support', 'get');
      const asOffered = ok(await ana.getHandoff(offer.id)).handoff;
      expect(asOffered).toMatchObject({ id: offer.id, status: 'offered', packet: offer.packet });
      expect(asOffered.events?.map((e) => e.type)).toEqual(['created', 'offered']);

      for (const [client, who] of [
        [ben, 'a teammate it was not offered to'],
        [sam, 'an agent of another team'],
        [sue, 'the lead of another team'],
      ] as const) {
        expect(refusal(await client.getHandoff(offer.id)).code, who).toBe('forbidden');
      }
      expect(refusal(await lee.getHandoff('no-such-handoff')).code).toBe('not_found');

      ok(await ana.accept(offer.id));
      ok(await ana.resolve(offer.id, 'Refunded.'));
      // Its assignee and the team's lead still read it once it is finished.
      for (const client of [ana, lee]) {
        const read = ok(await client.getHandoff(offer.id)).handoff;
        expect(read.events?.map((e) => e.type)).toEqual(['created', 'offered', 'accepted', 'resolved']);
        expect(read.events?.at(-1)?.note).toBe('Refunded.');
      }
    });

    it('is a read: its opId is not recorded, so repeating it reads the handoff as it is now and the opId stays free', async () => {
      const offer = await offeredTo(ana, 'support', 'get twice');
      const opId = randomUUID();
      const read = async () => ok(await ana.getHandoff(offer.id, { opId })).handoff.status;
      expect(await read()).toBe('offered');
      ok(await ana.accept(offer.id));
      expect(await read()).toBe('accepted'); // not the first answer again
      // The read left no trace: the opId is still free for a command that changes something.
      expect(ok(await ana.resolve(offer.id, undefined, { opId })).handoff.status).toBe('resolved');
    });
  });
});
