// The socket.io `/agents` namespace against a real hub: who may connect, what an app hears on
// (re)connect, every command with its ack, opId idempotency, who may do what, and who hears what.
import { randomUUID } from 'node:crypto';
import { io as connectRaw, type Socket as RawSocket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, upsertTeam } from '../../hub/admin/accounts.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { AGENTS_NAMESPACE, type CommandName, type ErrorCode, type Handoff, type HandoffAck } from '../../shared/protocol/index.ts';
import { readFixture } from '../support/fixtures.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const BASE_PACKET = readFixture<Record<string, unknown>>('packets/billing-dispute-chat.json');

/** Everything a test hub needs to hand out handoffs and clean them up again. */
function handoffKit(hub: () => TestHub) {
  const open: string[] = [];

  /** A new handoff from the demo bot, which routing offers to `client` (the only one who can get it). */
  async function offeredTo(client: TestHubClient, label: string): Promise<Handoff> {
    const summary = `${label} (${randomUUID()})`;
    const offered = client.waitFor('handoff:offered', (p) => p.handoff.packet.summary === summary, 5_000);
    const created = await hub().request('POST', '/v1/handoffs', { body: { ...BASE_PACKET, summary } });
    expect(created.status).toBe(201);
    open.push(created.body.handoff.id);
    return (await offered).handoff;
  }

  async function acceptedBy(client: TestHubClient, label: string, opId?: string): Promise<Handoff> {
    const offer = await offeredTo(client, label);
    return okHandoff(await client.accept(offer.id, opId === undefined ? undefined : { opId }));
  }

  /** The handoff as the bot sees it, with its event history. */
  async function history(id: string): Promise<Handoff & { events: NonNullable<Handoff['events']> }> {
    const { status, body } = await hub().request('GET', `/v1/handoffs/${id}`);
    expect(status).toBe(200);
    return body.handoff;
  }

  /** The bot takes back whatever a test left open, so every test starts with idle agents. */
  async function cancelOpen(): Promise<void> {
    for (const id of open.splice(0)) {
      const { status } = await hub().request('POST', `/v1/handoffs/${id}/cancel`, { body: {} });
      expect([200, 409]).toContain(status); // 409: the test already finished it
    }
  }

  return { offeredTo, acceptedBy, history, cancelOpen };
}

function okHandoff(ack: HandoffAck): Handoff {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack.handoff;
}

function errorOf(ack: { ok: boolean; error?: { code: ErrorCode; message: string; issues?: Array<{ path: string; message: string }> } }) {
  if (ack.ok || !ack.error) throw new Error(`expected a refusal, got ${JSON.stringify(ack)}`);
  return ack.error;
}

/** What each handoff event an app received said, per handoff, in order of arrival. */
function recordHandoffEvents(client: TestHubClient): (handoffId: string) => string[] {
  const seen = new Map<string, string[]>();
  const add = (id: string, what: string) => seen.set(id, [...(seen.get(id) ?? []), what]);
  client.on('handoff:offered', (p) => add(p.handoff.id, 'offered'));
  client.on('handoff:changed', (p) => add(p.handoff.id, `changed:${p.handoff.status}`));
  client.on('handoff:withdrawn', (p) => add(p.handoffId, `withdrawn:${p.reason}`));
  return (id) => seen.get(id) ?? [];
}

/** A bare socket.io-client socket, for payloads the typed client refuses to send. */
function rawSocket(t: TestHub, auth: Record<string, unknown> | undefined, options: Record<string, unknown> = {}): RawSocket {
  return connectRaw(`${t.url}${AGENTS_NAMESPACE}`, {
    ...(auth && { auth }),
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    autoConnect: false,
    ...options,
  });
}

function nextEvent<T = unknown>(socket: RawSocket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, resolve));
}

/** Connects and resolves once the hub answered with a connection or a refusal. */
function handshake(socket: RawSocket): Promise<{ connected: true } | { connected: false; message: string }> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true }));
    socket.once('connect_error', (error) => resolve({ connected: false, message: error.message }));
    socket.connect();
  });
}

async function rawAgent(t: TestHub, token: string): Promise<RawSocket> {
  const socket = rawSocket(t, { token });
  expect(await handshake(socket)).toEqual({ connected: true });
  return socket;
}

const rawCommand = (socket: RawSocket, name: string, payload: unknown): Promise<any> => socket.timeout(5_000).emitWithAck(name, payload);

// ---------------------------------------------------------------------------------------------

describe('signing in to /agents', () => {
  let t: TestHub;
  let ana: TestHubClient;
  const kit = handoffKit(() => t);
  const raw: RawSocket[] = [];
  beforeAll(async () => {
    t = await startTestHub();
    ana = await t.signIn('demo-ana');
  });
  afterEach(() => kit.cancelOpen());
  afterAll(async () => {
    for (const socket of raw) socket.close();
    await t.stop();
  });

  it('refuses a wrong, empty or oversized token: the client ends up unauthorized and never gets a session', async () => {
    for (const token of ['not-a-token', '', 'demo-ana'.repeat(80)]) {
      const intruder = t.client(token);
      const sessions: unknown[] = [];
      intruder.on('session', (s) => sessions.push(s));
      await expect(intruder.ready(), `token ${JSON.stringify(token.slice(0, 20))}`).rejects.toThrow(/unauthorized/);
      expect(intruder.state).toEqual({ status: 'unauthorized' });
      expect(sessions).toEqual([]);
      // Nothing reaches the hub from a refused client.
      expect(errorOf(await intruder.setPresence('away'))).toMatchObject({ code: 'timeout', message: expect.stringMatching(/not connected/) });
    }
  });

  it('refuses a handshake without a token, or with a token that is not a string', async () => {
    for (const auth of [undefined, {}, { token: 42 }, { token: null }, { token: ['demo-ana'] }]) {
      const socket = rawSocket(t, auth);
      raw.push(socket);
      expect(await handshake(socket), JSON.stringify(auth)).toEqual({ connected: false, message: 'unauthorized' });
    }
  });

  it('greets a good token with a session (the agent, available, and the server time) and an empty snapshot', async () => {
    const before = Date.now();
    const app = t.client('demo-ana');
    const { session, snapshot } = await app.ready();
    expect(session.agent).toEqual({
      id: 'demo-ana',
      name: 'Ana',
      role: 'agent',
      team: 'support',
      skills: ['billing', 'technical', 'accounts'],
      capacity: 3,
      presence: 'available',
      load: 0,
    });
    const serverTime = Date.parse(session.serverTime);
    expect(serverTime).toBeGreaterThanOrEqual(before - 1_000);
    expect(serverTime).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(snapshot).toEqual({ handoffs: [] });
    app.close();
  });

  it('sends the snapshot again on reconnect, with each of the agent’s offers and handoffs exactly once', async () => {
    const accepted = await kit.acceptedBy(ana, 'kept across reconnects');
    const offered = await kit.offeredTo(ana, 'offered across reconnects');

    // A second app of Ana's (the first stays connected, so her offer stays hers) that drops its connection.
    const second = rawSocket(t, { token: 'demo-ana' }, { reconnection: true, reconnectionDelay: 20, reconnectionDelayMax: 50 });
    raw.push(second);
    const received: Array<{ event: string; payload: any }> = [];
    for (const event of ['session', 'handoffs:snapshot']) second.on(event, (payload: unknown) => received.push({ event, payload }));
    const first = nextEvent(second, 'handoffs:snapshot');
    expect(await handshake(second)).toEqual({ connected: true });
    await first;

    const again = nextEvent(second, 'handoffs:snapshot');
    second.io.engine.close(); // the transport dies; socket.io reconnects on its own
    await again;

    const snapshots = received.flatMap((r, i) => (r.event === 'handoffs:snapshot' ? [{ snapshot: r.payload, before: received[i - 1] }] : []));
    expect(snapshots).toHaveLength(2);
    for (const { snapshot, before } of snapshots) {
      // Each connection: a session (Ana, available, one handoff) and right after it the snapshot.
      expect(before).toMatchObject({ event: 'session', payload: { agent: { id: 'demo-ana', presence: 'available', load: 1 } } });
      expect(snapshot.handoffs.map((h: Handoff) => [h.id, h.status, h.assignee?.id ?? null, h.offer?.agentIds ?? null])).toEqual([
        [accepted.id, 'accepted', 'demo-ana', null],
        [offered.id, 'offered', null, ['demo-ana']],
      ]);
    }
  });

  it('tells a lead the team’s agents with presence, load and capacity on connect, and again when someone comes or goes', async () => {
    await kit.acceptedBy(ana, 'load for the lead to see');
    const lee = t.client('demo-lee');
    const team = lee.waitFor('agents:changed');
    const { snapshot } = await lee.ready();
    const pick = (agents: Array<{ id: string; presence: string; load: number; capacity: number; role: string }>) =>
      agents.map(({ id, role, presence, load, capacity }) => ({ id, role, presence, load, capacity }));
    expect(pick((await team).agents)).toEqual([
      { id: 'demo-ana', role: 'agent', presence: 'available', load: 1, capacity: 3 },
      { id: 'demo-ben', role: 'agent', presence: 'offline', load: 0, capacity: 3 },
      { id: 'demo-lee', role: 'lead', presence: 'available', load: 0, capacity: 3 },
    ]);
    // A lead's snapshot is the team's open work.
    expect(snapshot.handoffs.map((h) => h.status)).toEqual(['accepted']);

    const benArrives = lee.waitFor('agents:changed', (p) => p.agents.find((a) => a.id === 'demo-ben')?.presence === 'available');
    const ben = await t.signIn('demo-ben');
    await benArrives;
    const benLeaves = lee.waitFor('agents:changed', (p) => p.agents.find((a) => a.id === 'demo-ben')?.presence === 'offline');
    ben.close();
    await benLeaves;
    lee.close();
  });
});

// ---------------------------------------------------------------------------------------------

describe('after the hub restarts', () => {
  let t: TestHub;
  let ana: TestHubClient;
  const kit = handoffKit(() => t);
  beforeAll(async () => {
    // A reconnect grace longer than the restart and the app's backoff take on a loaded machine:
    // the agent is back before the stopped hub's lease ends, as apps normally are.
    t = await startTestHub({ lease: { reconnectGraceMs: 15_000 } });
    ana = await t.signIn('demo-ana');
  });
  afterEach(() => kit.cancelOpen());
  afterAll(() => t.stop());

  it('the app reconnects on its own and gets its session and a snapshot with its offer and its handoff, each exactly once', async () => {
    const kept = await kit.acceptedBy(ana, 'accepted before the restart');
    const held = await kit.offeredTo(ana, 'offered before the restart');
    const snapshotAfter = ana.waitFor('handoffs:snapshot', undefined, 20_000);

    await t.restart();

    const snapshot = await snapshotAfter;
    const { session } = await ana.ready();
    expect(session.agent).toMatchObject({ id: 'demo-ana', presence: 'available', load: 1 });
    expect(snapshot.handoffs.map((h) => [h.id, h.status, h.assignee?.id ?? null, h.offer?.agentIds ?? null])).toEqual([
      [kept.id, 'accepted', 'demo-ana', null],
      [held.id, 'offered', null, ['demo-ana']],
    ]);
    // A hub restart is not Ana leaving: her offer was never withdrawn, and she can still take it.
    expect((await kit.history(held.id)).events.map((e) => e.type)).toEqual(['created', 'offered']);
    expect(await ana.accept(held.id)).toMatchObject({ ok: true, handoff: { status: 'accepted' } });
  });

  it('a command replayed with the same opId after a restart gets the ack stored before it', async () => {
    const opId = randomUUID();
    const offer = await kit.offeredTo(ana, 'replayed after a restart');
    const first = await ana.accept(offer.id, { opId });
    expect(first).toMatchObject({ ok: true, handoff: { status: 'accepted' } });
    okHandoff(await ana.resolve(offer.id));

    await t.restart();

    // The app lost the first ack, restarted too, and retries.
    const app = await t.signIn('demo-ana');
    expect(await app.accept(offer.id, { opId })).toStrictEqual(first);
    // A new attempt (new opId) is a new command, and is refused: the handoff is finished.
    expect(errorOf(await app.accept(offer.id)).code).toBe('invalid_state');
    expect((await kit.history(offer.id)).events.filter((e) => e.type === 'accepted')).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------

describe('commands over /agents', () => {
  let t: TestHub;
  let ana: TestHubClient; // available: routing offers every handoff to her
  let ben: TestHubClient; // same team, away: he gets nothing unless a test says so
  let lee: TestHubClient; // the team's lead
  let sam: TestHubClient; // agent of team sales
  let sue: TestHubClient; // lead of team sales
  let intruder: TestHubClient; // a token the hub does not know
  let anaSaw: (id: string) => string[];
  let benSaw: (id: string) => string[];
  let rawAna: RawSocket;
  let rawLee: RawSocket;
  const kit = handoffKit(() => t);
  const { offeredTo, acceptedBy, history } = kit;

  beforeAll(async () => {
    t = await startTestHub();
    const samAccount = await createAgent(t.hub.db, { id: 'sales-sam', name: 'Sam', team: 'sales', skills: ['billing'] });
    const sueAccount = await createAgent(t.hub.db, { id: 'sales-sue', name: 'Sue', role: 'lead', team: 'sales' });
    [ana, ben, lee, sam, sue] = await Promise.all([
      t.signIn('demo-ana'),
      t.signIn('demo-ben'),
      t.signIn('demo-lee'),
      t.signIn(samAccount.token),
      t.signIn(sueAccount.token),
    ]);
    expect(await ben.setPresence('away')).toMatchObject({ ok: true, agent: { presence: 'away' } });
    anaSaw = recordHandoffEvents(ana);
    benSaw = recordHandoffEvents(ben);
    intruder = t.client('agt_not-a-real-token');
    await expect(intruder.ready()).rejects.toThrow(/unauthorized/);
    [rawAna, rawLee] = await Promise.all([rawAgent(t, 'demo-ana'), rawAgent(t, 'demo-lee')]);
  });
  afterEach(() => kit.cancelOpen());
  afterAll(async () => {
    rawAna?.close();
    rawLee?.close();
    await t.stop();
  });

  /** Every event sent to Ben before this call has arrived once it returns (socket.io keeps order). */
  const benBarrier = async () => expect(await ben.setPresence('away')).toMatchObject({ ok: true });
  /** The same for Ana's app, without changing anything: a command the hub refuses. */
  const anaBarrier = async () => expect(errorOf(await ana.accept('barrier-no-such-handoff')).code).toBe('not_found');

  describe('each command and its ack', () => {
    it('accept: Ana gets the handoff, her lead sees it change, Ben hears nothing of it', async () => {
      const offer = await offeredTo(ana, 'accept');
      const leeSees = lee.waitFor('handoff:changed', (p) => p.handoff.id === offer.id && p.handoff.status === 'accepted');
      const ack = await ana.accept(offer.id);
      expect(ack).toMatchObject({ ok: true, handoff: { id: offer.id, status: 'accepted', assignee: { id: 'demo-ana', name: 'Ana' }, offer: null } });
      expect((await leeSees).handoff.assignee).toEqual({ id: 'demo-ana', name: 'Ana' });
      const { events } = await history(offer.id);
      expect(events.map((e) => e.type)).toEqual(['created', 'offered', 'accepted']);
      expect(events[2]!.actor).toEqual({ kind: 'agent', id: 'demo-ana' });
      await benBarrier();
      expect(benSaw(offer.id)).toEqual([]);
    });

    it('decline with a reason: the offer goes back to routing, skipping Ana, and her accept is then refused in words', async () => {
      const offer = await offeredTo(ana, 'decline');
      const ack = await ana.decline(offer.id, 'Not my area');
      // Nobody else is available, so it waits in the queue.
      expect(ack).toMatchObject({ ok: true, handoff: { status: 'queued', assignee: null, offer: null } });
      expect((await history(offer.id)).events.at(-1)).toMatchObject({ type: 'declined', reason: 'Not my area', actor: { kind: 'agent', id: 'demo-ana' } });
      expect(errorOf(await ana.accept(offer.id))).toMatchObject({ code: 'offer_expired', message: expect.stringMatching(/ended.*queue/) });
    });

    it('returnToBot needs a note: an empty or blank note is invalid_command naming `note`, and nothing changes', async () => {
      const handoff = await acceptedBy(ana, 'return to bot');
      const before = await history(handoff.id);
      for (const note of ['', '   ']) {
        const ack = await rawCommand(rawAna, 'handoff:returnToBot', { opId: randomUUID(), handoffId: handoff.id, note });
        expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_command', issues: [{ path: 'note', message: 'must not be empty' }] } });
        expect(ack.error.message).toMatch(/note/);
      }
      expect(await history(handoff.id)).toStrictEqual(before);

      const ack = await ana.returnToBot(handoff.id, 'Customer verified; the bot can finish the refund flow.');
      expect(ack).toMatchObject({ ok: true, handoff: { status: 'returned_to_bot', assignee: { id: 'demo-ana' } } });
      expect((await history(handoff.id)).events.at(-1)).toMatchObject({
        type: 'returned_to_bot',
        actor: { kind: 'agent', id: 'demo-ana' },
        note: 'Customer verified; the bot can finish the refund flow.',
      });
    });

    it('routeToProduct: a bug report carries its severity, a feature request with a severity is invalid_command naming `severity`', async () => {
      const bug = await acceptedBy(ana, 'route a bug');
      const featureWithSeverity = { opId: randomUUID(), handoffId: bug.id, kind: 'feature_request', title: 'Dark mode', details: 'Wanted', severity: 'high' };
      const before = await history(bug.id);
      const refused = await rawCommand(rawAna, 'handoff:routeToProduct', featureWithSeverity);
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_command', issues: [{ path: 'severity' }] } });
      expect(await history(bug.id)).toStrictEqual(before);

      const report = { kind: 'bug_report', title: 'Invoice charged twice', details: 'INV-2291 captured two payments.', severity: 'high' } as const;
      expect(await ana.routeToProduct(bug.id, report)).toMatchObject({ ok: true, handoff: { status: 'routed_to_product' } });
      expect((await history(bug.id)).events.at(-1)).toMatchObject({ type: 'routed_to_product', actor: { kind: 'agent', id: 'demo-ana' }, product: report });

      const feature = await acceptedBy(ana, 'route a feature request');
      const request = { kind: 'feature_request', title: 'Export invoices as CSV', details: 'For the accountant.' } as const;
      expect(await ana.routeToProduct(feature.id, request)).toMatchObject({ ok: true, handoff: { status: 'routed_to_product' } });
      // The event also names the product item the handoff was filed as.
      expect((await history(feature.id)).events.at(-1)?.product).toEqual({ ...request, productItemId: expect.any(String) });
    });

    it('resolve: with or without a note', async () => {
      const plain = await acceptedBy(ana, 'resolve without a note');
      expect(await ana.resolve(plain.id)).toMatchObject({ ok: true, handoff: { status: 'resolved' } });
      const plainEvent = (await history(plain.id)).events.at(-1)!;
      expect(plainEvent).toMatchObject({ type: 'resolved', actor: { kind: 'agent', id: 'demo-ana' } });
      expect(plainEvent.note).toBeUndefined();

      const noted = await acceptedBy(ana, 'resolve with a note');
      expect(await ana.resolve(noted.id, 'Refunded INV-2291.')).toMatchObject({ ok: true, handoff: { status: 'resolved' } });
      expect((await history(noted.id)).events.at(-1)).toMatchObject({ type: 'resolved', note: 'Refunded INV-2291.' });
    });

    it('presence:set acks with the agent as they now are, and the lead sees it', async () => {
      const leeSeesAway = lee.waitFor('agents:changed', (p) => p.agents.find((a) => a.id === 'demo-ana')?.presence === 'away');
      expect(await ana.setPresence('away')).toEqual({ ok: true, agent: expect.objectContaining({ id: 'demo-ana', presence: 'away', load: 0 }) });
      await leeSeesAway;
      const leeSeesBack = lee.waitFor('agents:changed', (p) => p.agents.find((a) => a.id === 'demo-ana')?.presence === 'available');
      expect(await ana.setPresence('available')).toEqual({ ok: true, agent: expect.objectContaining({ id: 'demo-ana', presence: 'available' }) });
      await leeSeesBack;
    });
  });

  describe('malformed commands', () => {
    type Malformed = { name: string; change: (payload: Record<string, unknown>) => Record<string, unknown>; field: string };
    const withoutKey = (key: string) => (p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== key));
    const MALFORMED: Malformed[] = [
      { name: 'unknown field', change: (p) => ({ ...p, assignee: 'demo-ana' }), field: 'assignee' },
      { name: 'opId not a UUID', change: (p) => ({ ...p, opId: 'retry-1' }), field: 'opId' },
      { name: 'opId missing', change: withoutKey('opId'), field: 'opId' },
    ];
    // The state in which the valid payload would succeed, so "nothing changes" can fail.
    const COMMANDS: Array<{ command: CommandName; sender: 'ana' | 'lee'; state: 'offered' | 'accepted'; valid: (id: string) => Record<string, unknown>; required: string }> = [
      { command: 'handoff:accept', sender: 'ana', state: 'offered', valid: (id) => ({ handoffId: id }), required: 'handoffId' },
      { command: 'handoff:decline', sender: 'ana', state: 'offered', valid: (id) => ({ handoffId: id, reason: 'busy' }), required: 'handoffId' },
      { command: 'handoff:returnToBot', sender: 'ana', state: 'accepted', valid: (id) => ({ handoffId: id, note: 'Done' }), required: 'handoffId' },
      {
        command: 'handoff:routeToProduct',
        sender: 'ana',
        state: 'accepted',
        valid: (id) => ({ handoffId: id, kind: 'bug_report', title: 'Broken', details: 'It broke', severity: 'low' }),
        required: 'handoffId',
      },
      { command: 'handoff:resolve', sender: 'ana', state: 'accepted', valid: (id) => ({ handoffId: id }), required: 'handoffId' },
      { command: 'handoff:reassign', sender: 'lee', state: 'accepted', valid: (id) => ({ handoffId: id, to: { agentId: 'demo-ben' } }), required: 'handoffId' },
      { command: 'presence:set', sender: 'ana', state: 'accepted', valid: () => ({ status: 'away' }), required: 'status' },
    ];

    it.each(COMMANDS)('$command with a missing $required, an unknown field or a bad opId is invalid_command naming the field, and nothing changes', async ({ command, sender, state, valid, required }) => {
      const handoff = state === 'offered' ? await offeredTo(ana, `malformed ${command}`) : await acceptedBy(ana, `malformed ${command}`);
      const socket = sender === 'ana' ? rawAna : rawLee;
      const before = await history(handoff.id);
      const cases: Malformed[] = [...MALFORMED, { name: `${required} missing`, change: withoutKey(required), field: required }];
      const opId = randomUUID();
      for (const { name, change, field } of cases) {
        const ack = await rawCommand(socket, command, change({ opId, ...valid(handoff.id) }));
        expect(ack, name).toMatchObject({ ok: false, error: { code: 'invalid_command', message: expect.stringContaining(field) } });
        expect(ack.error.issues.map((i: { path: string }) => i.path), name).toContain(field);
      }
      expect(await history(handoff.id)).toStrictEqual(before);
      await anaBarrier();
      expect((await ana.ready()).session.agent.presence).toBe('available');
      // The same command well formed, even with the same opId, is applied: nothing of the refusals was stored.
      expect(await rawCommand(socket, command, { opId, ...valid(handoff.id) })).toMatchObject({ ok: true });
      if (command === 'presence:set') expect(await ana.setPresence('available')).toMatchObject({ ok: true });
    });

    it('a payload that is not an object is invalid_command', async () => {
      for (const payload of [null, 'accept please', 42, [randomUUID()]]) {
        expect(await rawCommand(rawAna, 'handoff:accept', payload), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'invalid_command' } });
      }
    });

    it('a command sent without an ack callback is ignored, and the hub keeps answering', async () => {
      const offer = await offeredTo(ana, 'no ack');
      const socket = rawSocket(t, { token: 'demo-ana' });
      expect(await handshake(socket)).toEqual({ connected: true });
      try {
        socket.emit('handoff:accept', { opId: randomUUID(), handoffId: offer.id });
        socket.emit('handoff:accept');
        // Acked commands on the same connection are handled in order, so this one comes after.
        expect(await rawCommand(socket, 'presence:set', { opId: randomUUID(), status: 'available' })).toMatchObject({ ok: true });
        const after = await history(offer.id);
        expect(after.status).toBe('offered');
        expect(after.events.map((e) => e.type)).toEqual(['created', 'offered']);
        expect(await rawCommand(socket, 'handoff:accept', { opId: randomUUID(), handoffId: offer.id })).toMatchObject({ ok: true, handoff: { status: 'accepted' } });
      } finally {
        socket.close();
      }
    });
  });

  describe('opId idempotency', () => {
    it('the same opId sent twice is applied once, both acks are equal, and a later replay still gets that ack', async () => {
      const offer = await offeredTo(ana, 'accept twice');
      const opId = randomUUID();
      const first = await ana.accept(offer.id, { opId });
      expect(first).toMatchObject({ ok: true, handoff: { status: 'accepted' } });
      expect(await ana.accept(offer.id, { opId })).toStrictEqual(first);

      okHandoff(await ana.resolve(offer.id, 'Sorted.'));
      // A retry of the lost ack, after the handoff moved on: the stored ack, not a new attempt …
      expect(await ana.accept(offer.id, { opId })).toStrictEqual(first);
      // … which would be refused.
      expect(errorOf(await ana.accept(offer.id)).code).toBe('invalid_state');
      expect((await history(offer.id)).events.map((e) => e.type)).toEqual(['created', 'offered', 'accepted', 'resolved']);
    });

    it('the same opId sent twice at once is applied once and both acks are equal', async () => {
      const offer = await offeredTo(ana, 'accept twice at once');
      const opId = randomUUID();
      const [a, b] = await Promise.all([ana.accept(offer.id, { opId }), ana.accept(offer.id, { opId })]);
      expect(a).toMatchObject({ ok: true, handoff: { status: 'accepted' } });
      expect(b).toStrictEqual(a);
      expect((await history(offer.id)).events.filter((e) => e.type === 'accepted')).toHaveLength(1);

      // Decline is not idempotent by itself: a second real decline would be refused.
      const other = await offeredTo(ana, 'decline twice at once');
      const declineOp = randomUUID();
      const [c, d] = await Promise.all([ana.decline(other.id, 'busy', { opId: declineOp }), ana.decline(other.id, 'busy', { opId: declineOp })]);
      expect(c).toMatchObject({ ok: true, handoff: { status: 'queued' } });
      expect(d).toStrictEqual(c);
      expect((await history(other.id)).events.filter((e) => e.type === 'declined')).toHaveLength(1);
    });

    it('an opId reused for a different command, or by another agent, is op_conflict and changes nothing', async () => {
      const handoff = await offeredTo(ana, 'op conflict');
      const opId = randomUUID();
      okHandoff(await ana.accept(handoff.id, { opId }));
      const before = await history(handoff.id);

      const conflict = errorOf(await ana.resolve(handoff.id, undefined, { opId }));
      expect(conflict.code).toBe('op_conflict');
      expect(conflict.message).toContain(opId);
      expect(errorOf(await ana.setPresence('away', { opId })).code).toBe('op_conflict');
      expect(errorOf(await ben.accept(handoff.id, { opId })).code).toBe('op_conflict');
      expect(await history(handoff.id)).toStrictEqual(before);
      expect((await ana.ready()).session.agent.presence).toBe('available');
    });

    it('a refused command replayed with its opId gets the same refusal, even once the handoff has moved on', async () => {
      const handoff = await acceptedBy(ana, 'refusal replayed');
      const opId = randomUUID();
      const taken = await ben.accept(handoff.id, { opId });
      expect(errorOf(taken)).toMatchObject({ code: 'taken', message: expect.stringContaining('Ana') });

      okHandoff(await ana.returnToBot(handoff.id, 'Back to you, bot.'));
      expect(await ben.accept(handoff.id, { opId })).toStrictEqual(taken);
      expect(errorOf(await ben.accept(handoff.id)).code).toBe('invalid_state');
    });
  });

  describe('reassign', () => {
    it('a lead moves an accepted handoff from Ana to Ben with a note: Ben is told it is his, Ana that it was reassigned', async () => {
      const handoff = await acceptedBy(ana, 'reassign to Ben');
      const benGetsIt = ben.waitFor('handoff:changed', (p) => p.handoff.id === handoff.id);
      const anaLosesIt = ana.waitFor('handoff:withdrawn', (p) => p.handoffId === handoff.id);
      const leeSees = lee.waitFor('handoff:changed', (p) => p.handoff.id === handoff.id && p.handoff.assignee?.id === 'demo-ben');

      const ack = await lee.reassign(handoff.id, { agentId: 'demo-ben' }, 'Ben handled this customer last week.');
      expect(ack).toMatchObject({ ok: true, handoff: { status: 'accepted', assignee: { id: 'demo-ben', name: 'Ben' } } });
      expect((await benGetsIt).handoff).toMatchObject({ status: 'accepted', assignee: { id: 'demo-ben', name: 'Ben' } });
      expect(await anaLosesIt).toEqual({ handoffId: handoff.id, reason: 'reassigned', by: { id: 'demo-lee', name: 'Lee' }, note: 'Ben handled this customer last week.' });
      await leeSees;
      expect((await history(handoff.id)).events.at(-1)).toMatchObject({
        type: 'reassigned',
        actor: { kind: 'lead', id: 'demo-lee' },
        note: 'Ben handled this customer last week.',
        agentIds: ['demo-ben'],
      });

      // It is Ben's now: Ana can no longer finish it, and hears nothing more of it.
      expect(errorOf(await ana.resolve(handoff.id))).toMatchObject({ code: 'forbidden', message: expect.stringContaining('Ben') });
      okHandoff(await ben.resolve(handoff.id, 'Done.'));
      expect(await ana.setPresence('available')).toMatchObject({ ok: true }); // barrier for Ana's events
      expect(anaSaw(handoff.id)).toEqual(['offered', 'changed:accepted', 'withdrawn:reassigned']);
    });

    it('reassigned to the queue, a handoff is queued and then offered again', async () => {
      const handoff = await acceptedBy(ana, 'reassign to the queue');
      const withdrawn = ana.waitFor('handoff:withdrawn', (p) => p.handoffId === handoff.id);
      const offeredAgain = ana.waitFor('handoff:offered', (p) => p.handoff.id === handoff.id);
      const ack = await lee.reassign(handoff.id, { queue: true });
      expect(ack).toMatchObject({ ok: true, handoff: { status: 'queued', assignee: null, offer: null } });
      expect(await withdrawn).toEqual({ handoffId: handoff.id, reason: 'reassigned', by: { id: 'demo-lee', name: 'Lee' } });
      expect((await offeredAgain).handoff.status).toBe('offered');
      const events = (await history(handoff.id)).events;
      expect(events.slice(-2)).toMatchObject([
        { type: 'reassigned', actor: { kind: 'lead', id: 'demo-lee' }, agentIds: [] },
        { type: 'offered', agentIds: ['demo-ana'] },
      ]);
    });

    it('cannot reassign to an agent of another team (not_found) or reassign a finished handoff (invalid_state)', async () => {
      const handoff = await acceptedBy(ana, 'reassign across teams');
      const before = await history(handoff.id);
      const notFound = errorOf(await lee.reassign(handoff.id, { agentId: 'sales-sam' }));
      expect(notFound).toMatchObject({ code: 'not_found', message: expect.stringMatching(/sales-sam.*support/) });
      expect(errorOf(await lee.reassign(handoff.id, { agentId: 'nobody' })).code).toBe('not_found');
      expect(errorOf(await lee.reassign('no-such-handoff', { agentId: 'demo-ben' })).code).toBe('not_found');
      expect(await history(handoff.id)).toStrictEqual(before);

      okHandoff(await ana.resolve(handoff.id));
      expect(errorOf(await lee.reassign(handoff.id, { agentId: 'demo-ben' }))).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('resolved') });
      expect(errorOf(await lee.reassign(handoff.id, { queue: true })).code).toBe('invalid_state');
    });
  });

  describe('who hears what', () => {
    it('with broadcast routing Ben hears of his own offer and that it was taken, and nothing of what Ana does with it; the lead hears every change', async () => {
      await upsertTeam(t.hub.db, { name: 'support', routing: 'broadcast' });
      expect(await ben.setPresence('available')).toMatchObject({ ok: true });
      try {
        const summary = `broadcast (${randomUUID()})`;
        const anaOffer = ana.waitFor('handoff:offered', (p) => p.handoff.packet.summary === summary);
        const benOffer = ben.waitFor('handoff:offered', (p) => p.handoff.packet.summary === summary);
        const created = await t.request('POST', '/v1/handoffs', { body: { ...BASE_PACKET, summary } });
        expect(created.status).toBe(201);
        const id: string = created.body.handoff.id;
        const [a, b] = await Promise.all([anaOffer, benOffer]);
        expect(a.handoff.offer?.agentIds.sort()).toEqual(['demo-ana', 'demo-ben']);
        expect(b.offer.id).toBe(a.offer.id);

        const benLoses = ben.waitFor('handoff:withdrawn', (p) => p.handoffId === id);
        const leeAccepted = lee.waitFor('handoff:changed', (p) => p.handoff.id === id && p.handoff.status === 'accepted');
        okHandoff(await ana.accept(id));
        expect(await benLoses).toEqual({ handoffId: id, reason: 'taken' });
        await leeAccepted;
        const leeResolved = lee.waitFor('handoff:changed', (p) => p.handoff.id === id && p.handoff.status === 'resolved');
        okHandoff(await ana.resolve(id, 'Done.'));
        await leeResolved;

        await benBarrier();
        expect(benSaw(id)).toEqual(['offered', 'withdrawn:taken']);
        expect(anaSaw(id)).toEqual(['offered', 'changed:accepted', 'changed:resolved']);
      } finally {
        await upsertTeam(t.hub.db, { name: 'support', routing: 'push' });
        await benBarrier();
      }
    });

    it('acks explain a refusal in words: who has the handoff, whose it is, what to do instead', async () => {
      const handoff = await acceptedBy(ana, 'messages');
      expect(errorOf(await ben.accept(handoff.id))).toMatchObject({ code: 'taken', message: 'Ana already has this handoff.' });
      expect(errorOf(await ben.resolve(handoff.id))).toMatchObject({ code: 'forbidden', message: 'This handoff belongs to Ana.' });
      expect(errorOf(await ben.reassign(handoff.id, { queue: true }))).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/lead/) });
      expect(errorOf(await ana.accept('no-such-handoff'))).toMatchObject({ code: 'not_found', message: expect.stringContaining('no-such-handoff') });
      expect(errorOf(await ana.decline(handoff.id, 'Changed my mind'))).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/already accepted/) });
      // Another team learns nothing about who has it.
      const crossTeam = errorOf(await sam.accept(handoff.id));
      expect(crossTeam).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/another team/) });
      expect(crossTeam.message).not.toContain('Ana');
    });
  });

  describe('who may do what', () => {
    type Actor = 'holder' | 'teammate' | 'otherTeamAgent' | 'lead' | 'otherTeamLead' | 'badToken';
    type Outcome = 'ok' | 'refused' | ErrorCode;
    type Command = 'accept' | 'decline' | 'returnToBot' | 'routeToProduct' | 'resolve' | 'reassign';
    const ACTORS: Actor[] = ['holder', 'teammate', 'otherTeamAgent', 'lead', 'otherTeamLead', 'badToken'];
    // holder: Ana, who was offered / accepted the handoff; teammate: Ben; lead: Lee (support);
    // other team: Sam and Sue of team sales; badToken: a connection the hub refused.
    //                 holder           teammate      otherTeamAgent  lead           otherTeamLead  badToken
    const MATRIX: Record<'offered' | 'accepted', Record<Command, Outcome[]>> = {
      offered: {
        accept:         ['ok',            'not_offered', 'forbidden', 'not_offered', 'forbidden', 'refused'],
        decline:        ['ok',            'not_offered', 'forbidden', 'not_offered', 'forbidden', 'refused'],
        returnToBot:    ['invalid_state', 'forbidden',   'forbidden', 'forbidden',   'forbidden', 'refused'],
        routeToProduct: ['invalid_state', 'forbidden',   'forbidden', 'forbidden',   'forbidden', 'refused'],
        resolve:        ['invalid_state', 'forbidden',   'forbidden', 'forbidden',   'forbidden', 'refused'],
        reassign:       ['forbidden',     'forbidden',   'forbidden', 'ok',          'forbidden', 'refused'],
      },
      accepted: {
        accept:         ['ok',            'taken',       'forbidden', 'taken',       'forbidden', 'refused'],
        decline:        ['invalid_state', 'taken',       'forbidden', 'taken',       'forbidden', 'refused'],
        returnToBot:    ['ok',            'forbidden',   'forbidden', 'forbidden',   'forbidden', 'refused'],
        routeToProduct: ['ok',            'forbidden',   'forbidden', 'forbidden',   'forbidden', 'refused'],
        resolve:        ['ok',            'forbidden',   'forbidden', 'forbidden',   'forbidden', 'refused'],
        reassign:       ['forbidden',     'forbidden',   'forbidden', 'ok',          'forbidden', 'refused'],
      },
    };
    const STATUS_AFTER: Record<Command, Handoff['status']> = {
      accept: 'accepted',
      decline: 'queued',
      returnToBot: 'returned_to_bot',
      routeToProduct: 'routed_to_product',
      resolve: 'resolved',
      reassign: 'accepted',
    };
    const run: Record<Command, (client: TestHubClient, id: string) => Promise<HandoffAck>> = {
      accept: (c, id) => c.accept(id),
      decline: (c, id) => c.decline(id, 'Not now'),
      returnToBot: (c, id) => c.returnToBot(id, 'Over to the bot'),
      routeToProduct: (c, id) => c.routeToProduct(id, { kind: 'feature_request', title: 'Bulk refunds', details: 'Asked twice this week.' }),
      resolve: (c, id) => c.resolve(id),
      reassign: (c, id) => c.reassign(id, { agentId: 'demo-ben' }),
    };
    const CASES = (['offered', 'accepted'] as const).flatMap((state) =>
      (Object.keys(MATRIX[state]) as Command[]).flatMap((command) => ACTORS.map((actor, i) => ({ state, command, actor, expected: MATRIX[state][command][i]! }))),
    );

    it.each(CASES)('$command on a handoff $state to Ana, by $actor: $expected', async ({ state, command, actor, expected }) => {
      const client = { holder: ana, teammate: ben, otherTeamAgent: sam, lead: lee, otherTeamLead: sue, badToken: intruder }[actor];
      const handoff = state === 'offered' ? await offeredTo(ana, `${command} by ${actor}`) : await acceptedBy(ana, `${command} by ${actor}`);
      const before = await history(handoff.id);

      const ack = await run[command](client, handoff.id);

      if (expected === 'ok') {
        expect(ack).toMatchObject({ ok: true, handoff: { id: handoff.id, status: STATUS_AFTER[command] } });
        return;
      }
      if (expected === 'refused') {
        expect(client.state).toEqual({ status: 'unauthorized' });
        expect(errorOf(ack)).toMatchObject({ code: 'timeout', message: expect.stringContaining('not connected') });
      } else {
        expect(errorOf(ack)).toMatchObject({ code: expected, message: expect.stringMatching(/\w/) });
      }
      expect(await history(handoff.id)).toStrictEqual(before);
    });
  });
});
