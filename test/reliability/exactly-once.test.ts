// An agent's action is applied once however often it reaches the hub: the same opId sent several
// times at once, from two connections, after a reconnect or a restart; an action whose
// connection drops before its ack and is sent again; and 500 apps reconnecting at once after
// the hub restarts, each sending again what it had not heard back about. At the end each app's
// view (folded as the console's handoff store folds it) is what the hub holds for that agent.
import { randomUUID } from 'node:crypto';
import { io as connectRaw, type Socket as RawSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAgent, setCallbackUrl, upsertTeam } from '../../hub/admin/accounts.ts';
import { findAgent, toAgentView } from '../../hub/store/agents.ts';
import { connectTestHub, type TestHubClient } from '../support/hub-client.ts';
import { applyAckedHandoff, applyHandoff, applySnapshot, applyWithdrawal, clearHandoffs, handoffsStore, type Me } from '../../renderer/state/handoffs.ts';
import {
  AGENTS_NAMESPACE,
  type AckOf,
  type Handoff,
  type HandoffAck,
  type HandoffEventType,
  type WithdrawReason,
} from '../../shared/protocol/index.ts';
import { loadEvents, replayHistories } from '../support/handoff-history.ts';
import { startReceiver, type HttpReceiver } from '../support/http-receiver.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';

type AgentCommand = 'handoff:accept' | 'handoff:decline' | 'handoff:returnToBot' | 'handoff:resolve';
const EVENT_OF: Record<AgentCommand, HandoffEventType> = {
  'handoff:accept': 'accepted',
  'handoff:decline': 'declined',
  'handoff:returnToBot': 'returned_to_bot',
  'handoff:resolve': 'resolved',
};

function okHandoff(ack: HandoffAck): Handoff {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack.handoff;
}

/** How many events of each type a handoff has, agents' per agent: `{ created: 1, offered: 1, 'accepted by demo-ana': 1 }`. */
async function eventCounts(t: TestHub, handoffId: string): Promise<Record<string, number>> {
  const { rows } = await t.hub.db.query<{ type: string; actor: string; n: number }>(
    `select type, case when actor_kind = 'agent' then actor_id end as actor, count(*)::int as n from handoff_events where handoff_id = $1 group by 1, 2`,
    [handoffId],
  );
  return Object.fromEntries(rows.map((r) => [r.actor ? `${r.type} by ${r.actor}` : r.type, r.n]));
}

async function webhookCounts(t: TestHub, handoffId: string): Promise<Record<string, number>> {
  const { rows } = await t.hub.db.query<{ type: string; n: number }>('select type, count(*)::int as n from webhook_outbox where handoff_id = $1 group by 1', [handoffId]);
  return Object.fromEntries(rows.map((r) => [r.type, r.n]));
}

/** One of an app's entries, in the order it got them: what the console's stores are fed. */
type Received =
  | { kind: 'snapshot'; handoffs: Handoff[] }
  /** The handoff an action's ack carried, as the console's outbox hands it to the store. */
  | { kind: 'ack'; handoff: Handoff }
  | { kind: 'handoff'; handoff: Handoff }
  | { kind: 'withdrawn'; handoffId: string; reason: WithdrawReason };

/** Records what a client receives, as `syncStores` and the outbox hand it to the handoff store. */
function recordReceived(client: TestHubClient): Received[] {
  const log: Received[] = [];
  client.on('handoffs:snapshot', ({ handoffs }) => log.push({ kind: 'snapshot', handoffs }));
  client.on('handoff:offered', ({ handoff }) => log.push({ kind: 'handoff', handoff }));
  client.on('handoff:changed', ({ handoff }) => log.push({ kind: 'handoff', handoff }));
  client.on('handoff:withdrawn', ({ handoffId, reason }) => log.push({ kind: 'withdrawn', handoffId, reason }));
  return log;
}

/** The console's inbox (open handoffs by id) after folding `log` with renderer/state/handoffs.ts. */
function foldView(log: readonly Received[], me: Me): Record<string, Handoff> {
  clearHandoffs();
  for (const entry of log) {
    if (entry.kind === 'snapshot') applySnapshot(entry.handoffs);
    else if (entry.kind === 'handoff') applyHandoff(entry.handoff, me);
    else if (entry.kind === 'ack') applyAckedHandoff(entry.handoff, me);
    else applyWithdrawal(entry.handoffId, entry.reason);
  }
  const view = handoffsStore.getState().byId;
  clearHandoffs();
  return view;
}

/** What the hub holds for the agent: what it would send them as their snapshot now. */
async function hubView(t: TestHub, agentId: string): Promise<Record<string, Handoff>> {
  const agent = toAgentView((await findAgent(t.hub.db, agentId))!);
  return Object.fromEntries((await t.hub.service.snapshotFor(agent)).map((h) => [h.id, h]));
}

const emit = (socket: RawSocket, command: AgentCommand, payload: Record<string, unknown>): Promise<unknown> =>
  socket.timeout(10_000).emitWithAck(command, payload);

// ---------------------------------------------------------------------------------------------

describe('one opId, one change', () => {
  let t: TestHub;
  let receiver: HttpReceiver;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    receiver = await startReceiver(); // answers 200: the webhooks are only counted in the outbox
    t = await startTestHub();
    await setCallbackUrl(t.hub.db, 'demo-bot', `${receiver.url}/baton/webhooks`);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.stop();
    await receiver?.close();
  });

  /** A new handoff offered to `client` (Ana: the only demo agent these tests sign in). */
  async function offeredTo(client: TestHubClient, label: string): Promise<Handoff> {
    const summary = `${label} (${randomUUID()})`;
    const offered = client.waitFor('handoff:offered', (o) => o.handoff.packet.summary === summary);
    const { status } = await t.request('POST', '/v1/handoffs', { body: { ...VALID_BASE_PACKET, summary } });
    expect(status).toBe(201);
    return (await offered).handoff;
  }

  it('accept, returnToBot and resolve sent 2 to 5 times at once with one opId, from two apps of the agent, are applied once, and every repeat gets the same ack, also after a restart', async () => {
    const [app1, app2] = await Promise.all([t.signIn('demo-ana'), t.signIn('demo-ana')]);
    const kept = await offeredTo(app1, 'Accepted, then resolved');
    const returned = await offeredTo(app1, 'Accepted, then returned to the bot');
    okHandoff(await app1.accept(returned.id));

    const ops = { accept: randomUUID(), returnToBot: randomUUID(), resolve: randomUUID() };
    const accepts = await Promise.all([app1, app2, app1, app2].map((app) => app.accept(kept.id, { opId: ops.accept })));
    const returns = await Promise.all([app2, app1, app2].map((app) => app.returnToBot(returned.id, 'Refund done; the bot confirms by email.', { opId: ops.returnToBot })));
    const resolves = await Promise.all([app1, app2, app1, app2, app1].map((app) => app.resolve(kept.id, 'Explained the invoice.', { opId: ops.resolve })));
    for (const acks of [accepts, returns, resolves]) {
      expect(acks[0]).toMatchObject({ ok: true });
      for (const ack of acks) expect(ack).toStrictEqual(acks[0]);
    }
    expect(okHandoff(accepts[0]!)).toMatchObject({ status: 'accepted', assignee: { id: 'demo-ana' } });
    expect(okHandoff(returns[0]!).status).toBe('returned_to_bot');
    expect(okHandoff(resolves[0]!).status).toBe('resolved');

    // The hub restarts; the app reconnects on its own and sends each of them once more.
    const back = app1.waitFor('handoffs:snapshot', undefined, 20_000);
    await t.restart();
    await back;
    expect(await app1.accept(kept.id, { opId: ops.accept })).toStrictEqual(accepts[0]);
    expect(await app1.returnToBot(returned.id, 'Refund done; the bot confirms by email.', { opId: ops.returnToBot })).toStrictEqual(returns[0]);
    expect(await app1.resolve(kept.id, 'Explained the invoice.', { opId: ops.resolve })).toStrictEqual(resolves[0]);

    expect(await eventCounts(t, kept.id)).toEqual({ created: 1, offered: 1, 'accepted by demo-ana': 1, 'resolved by demo-ana': 1 });
    expect(await eventCounts(t, returned.id)).toEqual({ created: 1, offered: 1, 'accepted by demo-ana': 1, 'returned_to_bot by demo-ana': 1 });
    expect(await webhookCounts(t, kept.id)).toEqual({ 'handoff.offered': 1, 'handoff.accepted': 1, 'handoff.resolved': 1 });
    expect(await webhookCounts(t, returned.id)).toEqual({ 'handoff.offered': 1, 'handoff.accepted': 1, 'handoff.returned_to_bot': 1 });
    const { rows } = await t.hub.db.query<{ op_id: string; n: number }>('select op_id, count(*)::int as n from agent_ops where op_id = any($1) group by 1', [Object.values(ops)]);
    expect(rows.map((r) => r.n)).toEqual([1, 1, 1]);
    app1.close();
    app2.close();
  });

  /** A raw socket that records what it receives (for the console fold) and waits for Ana's offer. */
  async function rawAna(options: { reconnection?: boolean } = {}) {
    const socket = connectRaw(`${t.url}${AGENTS_NAMESPACE}`, { auth: { token: 'demo-ana' }, forceNew: true, transports: ['websocket'], ...options });
    sockets.push(socket);
    const log: Received[] = [];
    socket.on('handoffs:snapshot', ({ handoffs }: { handoffs: Handoff[] }) => log.push({ kind: 'snapshot', handoffs }));
    socket.on('handoff:offered', ({ handoff }: { handoff: Handoff }) => log.push({ kind: 'handoff', handoff }));
    socket.on('handoff:changed', ({ handoff }: { handoff: Handoff }) => log.push({ kind: 'handoff', handoff }));
    socket.on('handoff:withdrawn', ({ handoffId, reason }: { handoffId: string; reason: WithdrawReason }) => log.push({ kind: 'withdrawn', handoffId, reason }));
    await new Promise((resolve) => socket.once('handoffs:snapshot', resolve));
    const offer = async (label: string): Promise<Handoff> => {
      const summary = `${label} (${randomUUID()})`;
      const offered = new Promise<Handoff>((resolve) => {
        const listener = ({ handoff }: { handoff: Handoff }) => {
          if (handoff.packet.summary !== summary) return;
          socket.off('handoff:offered', listener);
          resolve(handoff);
        };
        socket.on('handoff:offered', listener);
      });
      expect((await t.request('POST', '/v1/handoffs', { body: { ...VALID_BASE_PACKET, summary } })).status).toBe(201);
      return offered;
    };
    /** The snapshot of the next connection (registered now, so a fast reconnect is not missed). */
    const nextSnapshot = () => new Promise<Handoff[]>((resolve) => socket.once('handoffs:snapshot', ({ handoffs }: { handoffs: Handoff[] }) => resolve(handoffs)));
    return { socket, log, offer, nextSnapshot };
  }

  /** Sends a command and drops the connection before anything can come back. */
  function sendAndDrop(socket: RawSocket, command: AgentCommand, payload: Record<string, unknown>): Promise<string> {
    const outcome = emit(socket, command, payload).then(
      () => 'acked',
      (error: Error) => `no ack (${error.message})`,
    );
    socket.io.engine.close();
    return outcome;
  }

  /**
   * Sends a command and drops the connection once the hub has applied it, before its ack is
   * written (the hub's command handler is wrapped for this one command).
   */
  async function sendAppliedThenDrop(socket: RawSocket, command: AgentCommand, payload: Record<string, unknown> & { opId: string }): Promise<string> {
    const run = t.hub.service.command.bind(t.hub.service);
    const spy = vi.spyOn(t.hub.service, 'command').mockImplementation(async (agentId, name, input) => {
      const ack = await run(agentId, name, input);
      if ((input as { opId?: unknown } | null)?.opId === payload.opId) socket.io.engine.close();
      return ack;
    });
    try {
      return await emit(socket, command, payload).then(
        () => 'acked',
        (error: Error) => `no ack (${error.message})`,
      );
    } finally {
      spy.mockRestore();
    }
  }

  it('an accept, a returnToBot and a resolve whose connection drops before the ack are sent again with their opId after the reconnect and applied once', async () => {
    const ana = await rawAna();
    const handoff = await ana.offer('Dropped mid-action');
    const ops = { accept: randomUUID(), returnToBot: randomUUID(), resolve: randomUUID() };

    // Dropped right after sending: the hub may or may not have got it.
    let back = ana.nextSnapshot();
    expect(await sendAndDrop(ana.socket, 'handoff:accept', { opId: ops.accept, handoffId: handoff.id })).toMatch(/^no ack/);
    await back;
    const accepted = await emit(ana.socket, 'handoff:accept', { opId: ops.accept, handoffId: handoff.id });
    expect(accepted).toMatchObject({ ok: true, handoff: { status: 'accepted', assignee: { id: 'demo-ana' } } });

    // Dropped after the hub applied it, before the ack was written: the outcome is only in the store.
    const note = 'Customer will retry the payment tomorrow.';
    back = ana.nextSnapshot();
    expect(await sendAppliedThenDrop(ana.socket, 'handoff:returnToBot', { opId: ops.returnToBot, handoffId: handoff.id, note })).toMatch(/^no ack/);
    expect((await eventCounts(t, handoff.id))['returned_to_bot by demo-ana']).toBe(1); // applied before the resend
    await back;
    const returned = await emit(ana.socket, 'handoff:returnToBot', { opId: ops.returnToBot, handoffId: handoff.id, note });
    expect(returned).toMatchObject({ ok: true, handoff: { status: 'returned_to_bot' } });
    const { rows } = await t.hub.db.query<{ ack: unknown }>('select ack from agent_ops where op_id = $1', [ops.returnToBot]);
    expect(returned).toEqual(rows[0]!.ack); // the ack stored when it was applied

    // A resolve of the returned handoff, dropped and sent again: refused once, the same way each time.
    back = ana.nextSnapshot();
    await sendAndDrop(ana.socket, 'handoff:resolve', { opId: ops.resolve, handoffId: handoff.id });
    await back;
    const refused = await emit(ana.socket, 'handoff:resolve', { opId: ops.resolve, handoffId: handoff.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect(await emit(ana.socket, 'handoff:resolve', { opId: ops.resolve, handoffId: handoff.id })).toStrictEqual(refused);

    expect(await eventCounts(t, handoff.id)).toEqual({ created: 1, offered: 1, 'accepted by demo-ana': 1, 'returned_to_bot by demo-ana': 1 });
    expect(await webhookCounts(t, handoff.id)).toEqual({ 'handoff.offered': 1, 'handoff.accepted': 1, 'handoff.returned_to_bot': 1 });
    ana.socket.close();
  });

  it('the ack of an accept applied before the drop, fetched again after the bot cancelled the handoff, leaves the console’s view equal to the hub’s', async () => {
    const ana = await rawAna({ reconnection: false });
    const handoff = await ana.offer('Cancelled while the app was away');
    const opId = randomUUID();
    expect(await sendAppliedThenDrop(ana.socket, 'handoff:accept', { opId, handoffId: handoff.id })).toMatch(/^no ack/);
    // While the app is away the customer leaves and the bot takes the handoff back.
    expect((await t.request('POST', `/v1/handoffs/${handoff.id}/cancel`, { body: { reason: 'customer left' } })).status).toBe(200);

    const back = ana.nextSnapshot();
    ana.socket.connect();
    expect((await back).map((h) => h.id)).not.toContain(handoff.id);
    // The app's outbox sends the accept again with its opId, and (as renderer/state/outbox.ts does)
    // puts the ack's handoff into the store.
    const ack = (await emit(ana.socket, 'handoff:accept', { opId, handoffId: handoff.id })) as AckOf<'handoff:accept'>;
    expect(ack).toMatchObject({ ok: true, handoff: { status: 'accepted' } }); // the stored ack, as the protocol promises
    ana.log.push({ kind: 'ack', handoff: okHandoff(ack) });

    const me: Me = { id: 'demo-ana', role: 'agent', team: 'support' };
    expect(Object.keys(foldView(ana.log, me)), 'open handoffs in Ana’s console after the replayed ack of her accept').toEqual(Object.keys(await hubView(t, 'demo-ana')));
    ana.socket.close();
  });
});

// ---------------------------------------------------------------------------------------------

const GROUPS = 100;
const PER_GROUP = 5;
const STORM_AGENTS = GROUPS * PER_GROUP;
const STORM_HANDOFFS = 500;
const STORM_CAPACITY = 2;

/**
 * What the agents of a group do with each of its five handoffs (broadcast: offered to the whole
 * group, the first accept wins): 0 accept and resolve, 1 accept and return to the bot, 2 accept and
 * keep, 3 the group's first agent declines and the others accept and resolve, 4 nobody answers.
 */
const kindOf = (handoff: Handoff): number => Number(handoff.packet.metadata?.stormKind);
const FOLLOW_UP: Record<number, 'handoff:resolve' | 'handoff:returnToBot' | undefined> = { 0: 'handoff:resolve', 1: 'handoff:returnToBot', 3: 'handoff:resolve' };

interface Op {
  opId: string;
  command: AgentCommand;
  handoffId: string;
  /** The answer that settled it (an ack or a refusal); undefined while the outcome is unknown. */
  ack?: HandoffAck;
  inFlight: boolean;
}

/**
 * An agent's app with the console's discipline: every action gets its opId once, when the agent
 * acts, and is sent again with it until the hub answers; what it receives is recorded for the fold.
 */
class StormAgent {
  readonly ops = new Map<string, Op>(); // `${handoffId} ${command}`
  readonly log: Received[];
  readonly #sending = new Set<Promise<void>>();
  static opsTaken = 0;

  constructor(
    readonly id: string,
    readonly client: TestHubClient,
    private readonly rank: number,
  ) {
    this.log = recordReceived(client);
    client.on('handoff:offered', ({ handoff }) => this.#offered(handoff));
    client.on('handoffs:snapshot', ({ handoffs }) => {
      this.resendUnanswered();
      for (const h of handoffs) if (h.status === 'offered' && h.offer?.agentIds.includes(id)) this.#offered(h);
    });
  }

  get me(): Me {
    return { id: this.id, role: 'agent', team: 'storm' };
  }

  unanswered(): Op[] {
    return [...this.ops.values()].filter((op) => !op.ack);
  }

  resendUnanswered(): void {
    for (const op of this.unanswered()) this.#send(op);
  }

  /** Resolves once no attempt is on its way. */
  async idle(): Promise<void> {
    while (this.#sending.size > 0) await Promise.all([...this.#sending]);
  }

  #offered(handoff: Handoff): void {
    const kind = kindOf(handoff);
    if (kind === 4) return;
    this.#take(handoff.id, kind === 3 && this.rank === 0 ? 'handoff:decline' : 'handoff:accept');
  }

  #take(handoffId: string, command: AgentCommand): void {
    const key = `${handoffId} ${command}`;
    if (this.ops.has(key)) return;
    const op: Op = { opId: randomUUID(), command, handoffId, inFlight: false };
    this.ops.set(key, op);
    StormAgent.opsTaken += 1;
    this.#send(op);
  }

  #send(op: Op): void {
    if (op.inFlight || op.ack) return;
    op.inFlight = true;
    const options = { opId: op.opId, timeoutMs: 30_000 };
    const { client } = this;
    const { handoffId } = op;
    const attempt =
      op.command === 'handoff:accept'
        ? client.accept(handoffId, options)
        : op.command === 'handoff:decline'
          ? client.decline(handoffId, 'Not my area', options)
          : op.command === 'handoff:returnToBot'
            ? client.returnToBot(handoffId, 'The bot can finish this one.', options)
            : client.resolve(handoffId, undefined, options);
    const sent = attempt.then((ack) => {
      op.inFlight = false;
      if (!ack.ok && ack.error.code === 'timeout') return; // unknown: sent again after the reconnect
      op.ack = ack;
      if (!ack.ok) return;
      this.log.push({ kind: 'ack', handoff: ack.handoff }); // as the console's outbox does
      const next = op.command === 'handoff:accept' ? FOLLOW_UP[kindOf(ack.handoff)] : undefined;
      if (next) this.#take(handoffId, next);
    });
    this.#sending.add(sent);
    void sent.finally(() => this.#sending.delete(sent));
  }
}

describe('a reconnect storm: 500 apps reconnect at once after the hub restarts mid-work', () => {
  let t: TestHub;
  const agents: StormAgent[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    await upsertTeam(t.hub.db, { name: 'storm', routing: 'broadcast', offerTimeoutSeconds: 3600 });
    // Five agents per skill group, so each handoff is offered to five of the 500 and they race for it.
    const tokens = await t.hub.db.transaction(async (q) => {
      const made: string[] = [];
      for (let i = 0; i < STORM_AGENTS; i += 1) {
        const id = `storm-${String(i).padStart(3, '0')}`;
        made.push((await createAgent(q, { id, name: `Storm ${i}`, team: 'storm', skills: [`group-${i % GROUPS}`], capacity: STORM_CAPACITY })).token);
      }
      return made;
    });
    for (const [i, token] of tokens.entries()) {
      const client = connectTestHub({ url: t.url, token, socketOptions: { transports: ['websocket'] } });
      agents.push(new StormAgent(`storm-${String(i).padStart(3, '0')}`, client, Math.floor(i / GROUPS)));
    }
    await Promise.all(agents.map((a) => a.client.ready(60_000)));
  }, 120_000);

  afterAll(async () => {
    await t?.stopHub(); // first, so 500 sign-outs are not each a change to make
    for (const agent of agents) agent.client.close();
    await t?.stop();
  });

  it('applies every action exactly once, and every app’s view ends equal to the hub’s', async () => {
    const started = Date.now();
    // The bot hands the 500 over, 32 at a time, while the agents race for them. Once half are in
    // and the agents have actions on their way, the hub restarts: all 500 apps lose their
    // connection at once and come back together; the bot sends again (same Idempotency-Key)
    // whatever the restart cut off.
    let restart: Promise<void> | undefined;
    let unansweredAtStorm = 0;
    let stormStarted = 0;
    let allBack: Promise<number> | undefined;
    const unanswered = () => agents.reduce((n, a) => n + a.unanswered().length, 0);
    const maybeRestart = () => {
      if (restart || next < STORM_HANDOFFS / 2 || unanswered() < 10) return;
      unansweredAtStorm = unanswered();
      stormStarted = Date.now();
      let back = 0;
      const snapshots = agents.map((a) => a.client.waitFor('handoffs:snapshot', undefined, 90_000).then(() => (back += 1)));
      allBack = Promise.all(snapshots).then(
        () => Date.now(),
        (error: Error) => Promise.reject(new Error(`${back} of ${STORM_AGENTS} apps got a snapshot after the restart: ${error.message}`)),
      );
      allBack.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
      restart = t.restart();
    };
    let next = 0;
    const handOver = async (j: number) => {
      const body = { ...VALID_BASE_PACKET, summary: `Storm handoff #${j}`, team: 'storm', skills: [`group-${j % GROUPS}`], metadata: { stormKind: Math.floor(j / GROUPS) } };
      for (;;) {
        const answer = await t.request('POST', '/v1/handoffs', { body, headers: { 'idempotency-key': `storm-${j}` } }).catch((error: Error) => ({ status: 0, body: error.message }));
        if (answer.status === 201 || answer.status === 200) return;
        if (!restart) throw new Error(`POST /v1/handoffs answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        await restart;
        await allBack; // the bot waits out the storm, so the storm is only the apps coming back
      }
    };
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < STORM_HANDOFFS) {
          if (restart) await Promise.all([restart, allBack]);
          await handOver(next++);
          maybeRestart();
        }
      }),
    );
    const posted = Date.now();
    expect(restart, 'the hub restarted while the handoffs were handed over').toBeDefined();
    await restart;
    const backAt = await allBack!;

    // Settled: every action answered, and a round trip from every app (a read, answered after
    // everything the hub sent that app before it) brought no new action.
    let rounds = 0;
    for (;;) {
      rounds += 1;
      await Promise.all(agents.map((a) => a.client.ready(30_000)));
      for (const a of agents) a.resendUnanswered();
      await Promise.all(agents.map((a) => a.idle()));
      const taken = StormAgent.opsTaken;
      await Promise.all(agents.map((a) => a.client.getHandoff(randomUUID())));
      await Promise.all(agents.map((a) => a.idle()));
      if (StormAgent.opsTaken === taken && agents.every((a) => a.unanswered().length === 0)) break;
      expect(rounds, 'rounds until every action was answered').toBeLessThan(10);
    }
    const settled = Date.now();
    console.info(
      `reconnect storm: ${STORM_AGENTS} apps, ${STORM_HANDOFFS} handoffs handed over in ${posted - started} ms; the hub restarted after ${stormStarted - started} ms ` +
        `with ${unansweredAtStorm} actions unanswered; all ${STORM_AGENTS} apps were back with a snapshot ${backAt - stormStarted} ms after the restart began, ` +
        `and every action was answered ${settled - posted} ms after the last handoff was in (${rounds} round(s)); ${StormAgent.opsTaken} actions in all`,
    );
    expect(unansweredAtStorm).toBeGreaterThan(0);

    // Exactly once: each answered action left exactly one event, by its agent, and no event came
    // from anything else; refused ones left none.
    const ops = agents.flatMap((a) => [...a.ops.values()].map((op) => ({ agentId: a.id, ...op })));
    const expectedEvents: Record<string, number> = {};
    for (const op of ops) {
      if (!op.ack?.ok) continue;
      const key = `${op.handoffId} ${EVENT_OF[op.command]} by ${op.agentId}`;
      expectedEvents[key] = (expectedEvents[key] ?? 0) + 1;
    }
    const { rows: agentEvents } = await t.hub.db.query<{ handoff_id: string; type: string; actor_id: string; n: number }>(
      `select e.handoff_id, e.type, e.actor_id, count(*)::int as n from handoff_events e join handoffs h on h.id = e.handoff_id
       where h.team = 'storm' and e.actor_kind = 'agent' group by 1, 2, 3`,
    );
    expect(Object.fromEntries(agentEvents.map((r) => [`${r.handoff_id} ${r.type} by ${r.actor_id}`, r.n]))).toEqual(expectedEvents);
    expect(Object.values(expectedEvents).every((n) => n === 1)).toBe(true);

    // Each opId is stored once, with the answer its app ended up with.
    const { rows: stored } = await t.hub.db.query<{ op_id: string; agent_id: string; command: string; ack: unknown }>(`select op_id, agent_id, command, ack from agent_ops where agent_id like 'storm-%'`);
    expect(stored).toHaveLength(ops.length);
    const byOpId = new Map(stored.map((row) => [row.op_id, row]));
    for (const op of ops) expect(byOpId.get(op.opId), `op ${op.command} of ${op.agentId}`).toEqual({ op_id: op.opId, agent_id: op.agentId, command: op.command, ack: op.ack });

    // The lifecycle held (first accept wins, never over capacity), and every handoff ended as its kind says.
    const replay = replayHistories(await loadEvents(t.hub.db, `e.handoff_id in (select id from handoffs where team = 'storm')`), { push: false, capacity: STORM_CAPACITY });
    expect(replay.violations).toEqual([]);
    const { rows: outcomes } = await t.hub.db.query<{ kind: string; status: string; n: number }>(
      `select packet->'metadata'->>'stormKind' as kind, status, count(*)::int as n from handoffs where team = 'storm' group by 1, 2 order by 1, 2`,
    );
    expect(outcomes).toEqual([
      { kind: '0', status: 'resolved', n: GROUPS },
      { kind: '1', status: 'returned_to_bot', n: GROUPS },
      { kind: '2', status: 'accepted', n: GROUPS },
      { kind: '3', status: 'resolved', n: GROUPS },
      { kind: '4', status: 'offered', n: GROUPS },
    ]);

    // Every app's view, folded from its snapshot after the reconnect, the events and the acks it
    // got, is what the hub holds for that agent.
    for (const agent of agents) expect(foldView(agent.log, agent.me), `${agent.id}'s view`).toEqual(await hubView(t, agent.id));
  }, 120_000);
});
