// A hub killed with SIGKILL in the middle of a burst of handoffs, then started again on the same
// data folder: what it answered 2xx to is there exactly once, retries with the Idempotency-Key
// make no second handoff, no offer or handoff was ever held by two agents, and the webhooks it
// had queued still reach the bot. The hub runs as its own process (the CLI), as in production,
// and two agents work the offers through the typed client the whole time.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { setCallbackUrl, upsertTeam } from '../../hub/admin/accounts.ts';
import { openPglite } from '../../hub/store/db.ts';
import { connectTestHub, type TestHubClient } from '../support/hub-client.ts';
import type { Handoff, HandoffEvent, HandoffEventType, HandoffWebhookType } from '../../shared/protocol/index.ts';
import { loadEvents, replayHistories, type ReplayResult } from '../support/handoff-history.ts';
import { startReceiver, type HttpReceiver } from '../support/http-receiver.ts';
import { DEMO_KEY, startTestHub } from '../support/hub.ts';
import { startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';

const BURST = 1_000;
const KILL_AFTER_2XX = 400;
const CONCURRENCY = 32;
const DEMO_CAPACITY = 3;

/** The webhook each event type calls for (docs/protocol.md: webhooks back to the integration). */
const WEBHOOK_OF: Partial<Record<HandoffEventType, HandoffWebhookType>> = {
  offered: 'handoff.offered',
  accepted: 'handoff.accepted',
  returned_to_bot: 'handoff.returned_to_bot',
  routed_to_product: 'handoff.routed_to_product',
  resolved: 'handoff.resolved',
  reassigned: 'handoff.reassigned',
  cancelled: 'handoff.cancelled',
};
const webhooksFor = (events: readonly HandoffEvent[]): HandoffWebhookType[] => events.flatMap((e) => WEBHOOK_OF[e.type] ?? []);

const keyOf = (i: number) => `crash-burst-${i}`;
const packetOf = (i: number) => ({ ...VALID_BASE_PACKET, summary: `Crash burst #${i}: customer charged twice for the March invoice.` });

type Outcome = { kind: 'answered'; status: number; id: string } | { kind: 'unknown'; error: string } | { kind: 'not_sent' };

/** Request `i` of the burst; `id` is the handoff's when the answer carries one. */
async function postHandoff(url: string, i: number): Promise<{ status: number; id: string | undefined }> {
  const response = await fetch(`${url}/v1/handoffs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json', 'idempotency-key': keyOf(i) },
    body: JSON.stringify(packetOf(i)),
  });
  const body = (await response.json()) as { handoff?: { id?: string } };
  return { status: response.status, id: body.handoff?.id };
}

/** Runs `work` over `items`, `concurrency` at a time, until `stop()` says so. */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>, stop = () => false): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * An agent who accepts every offer and resolves what they accepted, as an app would: each action
 * keeps its opId until the hub acks it, and is sent again with that opId after a reconnect.
 */
function workOffers(client: TestHubClient, agentId: string) {
  type Action = { command: 'accept' | 'resolve'; opId: string };
  const unacked = new Map<string, Action>(); // by handoff id
  const sending = new Set<Promise<void>>();
  /** How each attempt was answered: `accept ok`, `resolve timeout`, `accept taken`… */
  const answers: Record<string, number> = {};
  let taking = true;

  const send = (handoffId: string, action: Action) => {
    const sent = (action.command === 'accept' ? client.accept(handoffId, { opId: action.opId }) : client.resolve(handoffId, undefined, { opId: action.opId })).then((ack) => {
      const answer = `${action.command} ${ack.ok ? 'ok' : ack.error.code}`;
      answers[answer] = (answers[answer] ?? 0) + 1;
      if (unacked.get(handoffId) !== action) return; // a repeat of an action already settled
      if (!ack.ok && ack.error.code === 'timeout') return; // outcome unknown: sent again on reconnect
      unacked.delete(handoffId);
      if (ack.ok && action.command === 'accept') act(handoffId, 'resolve');
    });
    sending.add(sent);
    void sent.finally(() => sending.delete(sent));
  };
  const act = (handoffId: string, command: Action['command']) => {
    if (!taking || unacked.has(handoffId)) return;
    const action = { command, opId: randomUUID() };
    unacked.set(handoffId, action);
    send(handoffId, action);
  };
  client.on('handoff:offered', ({ handoff }) => act(handoff.id, 'accept'));
  client.on('handoffs:snapshot', ({ handoffs }) => {
    for (const [handoffId, action] of unacked) send(handoffId, action);
    for (const h of handoffs) {
      if (h.status === 'offered' && h.offer?.agentIds.includes(agentId)) act(h.id, 'accept');
      if (h.status === 'accepted' && h.assignee?.id === agentId) act(h.id, 'resolve');
    }
  });

  return {
    answers,
    /** Takes no new work, and resolves once every action taken has been acked. */
    async finish(): Promise<void> {
      taking = false;
      await client.ready(30_000);
      for (const [handoffId, action] of unacked) send(handoffId, action);
      while (sending.size > 0) await Promise.all([...sending]);
      expect([...unacked.keys()], `${agentId}'s actions without an ack`).toEqual([]);
    },
  };
}

interface Ack {
  webhookId: string;
  handoffId: string;
  at: number;
}

/**
 * The bot's callback URL: until the kill every webhook's first attempt is refused (503) and the
 * rest are answered slowly, so webhooks are waiting in the outbox when the hub dies; afterwards
 * it answers 200 at once. Each 2xx answer is recorded with the Baton-Webhook-Id it acknowledged.
 */
function slowBot(receiver: HttpReceiver) {
  const seen = new Set<string>();
  const acks: Ack[] = [];
  let recovered = false;
  let checks: Array<() => boolean> = [];
  receiver.respond = async (request) => {
    const webhookId = String(request.headers['baton-webhook-id']);
    if (!recovered) {
      const first = !seen.has(webhookId);
      seen.add(webhookId);
      if (first) return { status: 503, body: { error: 'not ready yet' } };
      await new Promise((resolve) => setTimeout(resolve, 150)); // a slow bot, not a wait for an event
    }
    acks.push({ webhookId, handoffId: String(request.json?.handoff?.id), at: Date.now() });
    checks = checks.filter((check) => !check());
    return { status: 200 };
  };
  return {
    acks,
    recover: () => (recovered = true),
    /** Resolves once `done()` holds (checked on every acknowledged webhook). */
    until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
        const check = () => {
          if (!done()) return false;
          clearTimeout(timer);
          resolve();
          return true;
        };
        if (!check()) checks.push(check);
      });
    },
  };
}

describe('a hub killed (SIGKILL) in the middle of a burst of 1,000 handoffs and started again on its data folder', () => {
  let root: string;
  let dataDir: string;
  let receiver: HttpReceiver;
  let bot: ReturnType<typeof slowBot>;
  const hubs: HubProcess[] = [];
  const clients: TestHubClient[] = [];
  let agents: Array<{ agentId: string; client: TestHubClient; work: ReturnType<typeof workOffers> }> = [];

  const outcomes: Outcome[] = Array.from({ length: BURST }, () => ({ kind: 'not_sent' }));
  let killedAt = 0;
  /** What the restarted hub answered to the requests sent again with their Idempotency-Key. */
  const retried = new Map<number, { status: number; id: string | undefined }>();
  let finalHandoffs: Map<string, Handoff>;
  let handoffRows: Array<{ id: string; idempotency_key: string | null; status: string; assignee_id: string | null; offer_agent_ids: string[] }>;
  let createdCounts: Map<string, number>;
  let replay: ReplayResult;
  let outbox: Array<{ id: string; handoff_id: string; type: string; created_at: Date; delivered_at: Date | null; failed_at: Date | null }>;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const started = Date.now();
    const lap = (what: string) => (timings[what] = Date.now() - started);
    root = await mkdtemp(join(tmpdir(), 'baton-crash-'));
    dataDir = join(root, 'data');
    await cp(inject('templateDataDir'), dataDir, { recursive: true });
    receiver = await startReceiver();
    bot = slowBot(receiver);
    const setup = await openPglite(dataDir);
    await setCallbackUrl(setup, 'demo-bot', `${receiver.url}/baton/webhooks`);
    // Offers outlast the test however slow the machine: expiry is not what this test is about (the
    // last test below is), and an expired offer would make the agents' work depend on timing.
    await upsertTeam(setup, { name: 'support', offerTimeoutSeconds: 3600 });
    await setup.close();

    const first = await startHubProcess(['serve', '--port', '0', '--data-dir', dataDir]);
    hubs.push(first);
    lap('first hub ready');
    agents = ['demo-ana', 'demo-ben'].map((agentId) => {
      const client = connectTestHub({ url: first.url, token: agentId, socketOptions: { transports: ['websocket'] } });
      clients.push(client);
      return { agentId, client, work: workOffers(client, agentId) };
    });
    await Promise.all(agents.map(({ client }) => client.ready()));

    // The burst: the hub dies once it has answered KILL_AFTER_2XX of them, whatever is in flight.
    let answered = 0;
    const indexes = Array.from({ length: BURST }, (_, i) => i);
    await pool(
      indexes,
      CONCURRENCY,
      async (i) => {
        outcomes[i] = { kind: 'unknown', error: 'in flight' };
        try {
          const { status, id } = await postHandoff(first.url, i);
          outcomes[i] = status >= 200 && status < 300 && id ? { kind: 'answered', status, id } : { kind: 'unknown', error: `HTTP ${status}` };
          if (status >= 200 && status < 300 && ++answered === KILL_AFTER_2XX) {
            first.child.kill('SIGKILL');
            killedAt = Date.now();
          }
        } catch (error) {
          outcomes[i] = { kind: 'unknown', error: String(error) };
        }
      },
      () => killedAt > 0,
    );
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(readFileSync(join(dataDir, 'baton-hub.pid'), 'utf8')).toMatch(new RegExp(`^${first.child.pid} \\d+$`)); // the dead hub's lock is left behind
    lap('killed');
    bot.recover();

    // Same folder, same port (the agents' apps reconnect on their own): the pid file the dead hub
    // left must not keep it out.
    const second = await startHubProcess(['serve', '--port', String(first.port), '--data-dir', dataDir]);
    hubs.push(second);
    lap('second hub ready');

    // The bot sends again what got no answer (same Idempotency-Key), then the rest of the burst;
    // and a few answered ones again, as a bot whose answer got lost would.
    const again = [...indexes.filter((i) => outcomes[i]!.kind !== 'answered'), ...indexes.filter((i) => outcomes[i]!.kind === 'answered').slice(0, 50)];
    await pool(again, CONCURRENCY, async (i) => {
      retried.set(i, await postHandoff(second.url, i));
    });
    lap('burst resent');

    for (const { work } of agents) await work.finish();
    for (const { client } of agents) client.close();
    lap('agents done');

    // The bot reads every handoff back; each webhook its history calls for must arrive.
    const ids = indexes.map((i) => retried.get(i)?.id ?? (outcomes[i] as { id: string }).id);
    finalHandoffs = new Map();
    await pool(ids, 16, async (id) => {
      const response = await fetch(`${second.url}/v1/handoffs/${id}`, { headers: { authorization: `Bearer ${DEMO_KEY}` } });
      expect(response.status, `GET /v1/handoffs/${id}`).toBe(200);
      finalHandoffs.set(id, ((await response.json()) as { handoff: Handoff }).handoff);
    });
    lap('read back');
    const expected = new Map([...finalHandoffs].map(([id, h]) => [id, webhooksFor(h.events ?? []).length]));
    const ackedIds = (handoffId: string) => new Set(bot.acks.filter((a) => a.handoffId === handoffId).map((a) => a.webhookId));
    await bot.until(
      'every webhook the handoffs’ histories call for',
      () => [...expected].every(([id, count]) => ackedIds(id).size >= count),
      45_000,
    );
    lap('webhooks delivered');

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    const db = await openPglite(dataDir);
    try {
      handoffRows = (await db.query<(typeof handoffRows)[number]>('select id, idempotency_key, status, assignee_id, offer_agent_ids from handoffs')).rows;
      createdCounts = new Map(
        (await db.query<{ handoff_id: string; n: number }>(`select handoff_id, count(*)::int as n from handoff_events where type = 'created' group by 1`)).rows.map((r) => [r.handoff_id, r.n]),
      );
      replay = replayHistories(await loadEvents(db), { push: true, capacity: DEMO_CAPACITY });
      outbox = (await db.query<(typeof outbox)[number]>('select id, handoff_id, type, created_at, delivered_at, failed_at from webhook_outbox o order by o.seq')).rows;
    } finally {
      await db.close();
    }
    lap('checked the store');
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const hub of hubs) {
      if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGKILL');
      await hub.exited;
    }
    await receiver?.close();
    if (root) await rm(root, { recursive: true, force: true });
    const count = (kind: Outcome['kind']) => outcomes.filter((o) => o.kind === kind).length;
    console.info(
      `crash-safety: ${count('answered')} answered 2xx before the kill, ${count('unknown')} unknown (in flight), ${count('not_sent')} not sent; ` +
        `${outcomes.filter((o, i) => o.kind === 'unknown' && retried.get(i)?.status === 200).length} of the unknown had been stored; ` +
        `${outbox?.length ?? 0} webhooks queued, ${pendingAtKill().length} of them pending at the kill; ${bot?.acks.length ?? 0} 2xx answers by the bot; ` +
        `agents' answers: ${JSON.stringify(Object.fromEntries(agents.map((a) => [a.agentId, a.work.answers])))}; timings (ms since start): ${JSON.stringify(timings)}`,
    );
  });

  /** Webhooks written before the kill that the bot had not acknowledged by then. */
  function pendingAtKill() {
    if (!outbox || !bot) return [];
    const ackedBefore = new Set(bot.acks.filter((a) => a.at < killedAt).map((a) => a.webhookId));
    return outbox.filter((row) => row.created_at.getTime() <= killedAt && !ackedBefore.has(row.id));
  }

  const answered = () => outcomes.flatMap((o, i) => (o.kind === 'answered' ? [{ i, ...o }] : []));

  it('kills the hub part-way: some requests were answered, some were in flight, some not sent yet', () => {
    // The kill is sent at the KILL_AFTER_2XX-th answer; answers already on their way still arrive.
    expect(answered().length).toBeGreaterThanOrEqual(KILL_AFTER_2XX);
    expect(outcomes.filter((o) => o.kind === 'unknown').length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.kind === 'not_sent').length).toBeGreaterThan(0);
  });

  it('every handoff answered 2xx before the kill is there after the restart, once, with one created event', () => {
    const rowsById = new Map(handoffRows.map((r) => [r.id, r]));
    for (const { i, id, status } of answered()) {
      expect(status).toBe(201);
      expect(rowsById.get(id), `handoff ${id} (request ${i})`).toMatchObject({ idempotency_key: keyOf(i) });
      expect(createdCounts.get(id), `created events of ${id}`).toBe(1);
      expect(finalHandoffs.get(id)?.packet).toStrictEqual(packetOf(i));
    }
  });

  it('a request sent again with its Idempotency-Key makes no second handoff: one handoff per key, 1,000 in all', () => {
    for (const [i, { status, id }] of retried) {
      const before = outcomes[i]!;
      if (before.kind === 'answered') expect({ status, id }, `request ${i} again`).toEqual({ status: 200, id: before.id });
      else if (before.kind === 'not_sent') expect(status, `request ${i}, first sent after the restart`).toBe(201);
      else expect([200, 201], `request ${i}, unanswered before the kill`).toContain(status);
    }
    const perKey = new Map<string, string[]>();
    for (const row of handoffRows) if (row.idempotency_key) perKey.set(row.idempotency_key, [...(perKey.get(row.idempotency_key) ?? []), row.id]);
    expect(handoffRows).toHaveLength(BURST);
    for (let i = 0; i < BURST; i += 1) {
      const id = retried.get(i)?.id ?? (outcomes[i] as { id: string }).id;
      expect(perKey.get(keyOf(i)), `handoffs with key ${keyOf(i)}`).toEqual([id]);
      expect(createdCounts.get(id)).toBe(1);
    }
  });

  it('no handoff was ever offered to two agents or while another offer was out, or accepted twice, and no agent held more than capacity', () => {
    expect(replay.violations).toEqual([]);
    for (const row of handoffRows) {
      const replayed = replay.handoffs.get(row.id);
      expect({ status: replayed?.status, holders: replayed?.holders }, `handoff ${row.id}`).toEqual({ status: row.status, holders: row.offer_agent_ids });
      if (row.status === 'accepted') expect(replayed?.assignee).toBe(row.assignee_id);
    }
    // The agents did work through the crash, so the histories have something to say.
    expect([...replay.peakLoad.keys()].sort()).toEqual(['demo-ana', 'demo-ben']);
  });

  it('every webhook the hub had queued reaches the bot after the restart, once each at least, in each handoff’s order', () => {
    expect(pendingAtKill().length).toBeGreaterThan(0);
    expect(outbox.filter((row) => row.delivered_at === null || row.failed_at !== null)).toEqual([]);
    const outboxIds = new Set(outbox.map((row) => row.id));
    expect(bot.acks.filter((a) => !outboxIds.has(a.webhookId))).toEqual([]); // nothing the outbox never held
    for (const [id, handoff] of finalHandoffs) {
      const rows = outbox.filter((row) => row.handoff_id === id);
      // One webhook per transition the bot hears about, written with it.
      expect(rows.map((row) => row.type), `webhooks of ${id}`).toEqual(webhooksFor(handoff.events ?? []));
      // First acknowledgements (deduplicated by Baton-Webhook-Id) in the order they were written.
      const firstAcks = [...new Set(bot.acks.filter((a) => a.handoffId === id).map((a) => a.webhookId))];
      expect(firstAcks, `arrival order of ${id}'s webhooks`).toEqual(rows.map((row) => row.id));
    }
  });
});

describe('offers that came due while the hub was down', () => {
  it('end once each after the restart: two expire, the agent is set away, and the third is withdrawn, not also expired', async () => {
    let clock = Date.now();
    const t = await startTestHub({ now: () => new Date(clock) });
    try {
      // Ben is the only agent online, so push routing offers him all three (his capacity).
      const ben = await t.signIn('demo-ben');
      const ids: string[] = [];
      for (let i = 0; i < DEMO_CAPACITY; i += 1) {
        const summary = `Offered before the outage #${i} (${randomUUID()})`;
        const offered = ben.waitFor('handoff:offered', (o) => o.handoff.packet.summary === summary);
        const { status, body } = await t.request('POST', '/v1/handoffs', { body: { ...VALID_BASE_PACKET, summary } });
        expect(status).toBe(201);
        ids.push(body.handoff.id);
        await offered;
        clock += 10;
      }
      // The hub goes down with the offers still Ben's (as when it crashes), his app does not come
      // back, and the hub is down longer than the offer timeout.
      await t.stopHub();
      ben.close();
      clock += 60_000;
      await t.restart();
      await t.hub.service.expireDueOffers(); // whatever the restart's own expiry pass has not done yet

      const replayed = replayHistories(await loadEvents(t.hub.db, 'e.handoff_id = any($1)', [ids]), { push: true, capacity: DEMO_CAPACITY });
      const histories = await Promise.all(ids.map(async (id) => (await t.request('GET', `/v1/handoffs/${id}`)).body.handoff.events.map((e: HandoffEvent) => e.type)));
      expect(histories).toEqual([
        ['created', 'offered', 'offer_expired'],
        ['created', 'offered', 'offer_expired'],
        ['created', 'offered', 'offer_withdrawn'],
      ]);
      expect(replayed.violations).toEqual([]);
      const { rows } = await t.hub.db.query<{ presence: string; missed_offers: number }>(`select presence, missed_offers from agents where id = 'demo-ben'`);
      expect(rows[0]).toEqual({ presence: 'away', missed_offers: 2 });
    } finally {
      await t.stop();
    }
  });
});

describe('a hub stopped while it is still answering a request', () => {
  it('answers it and stops within seconds, though the bot keeps its connection open', async () => {
    const t = await startTestHub();
    // The bot's connection, kept alive after each answer as HTTP clients do.
    const keepAlive = new Agent({ keepAlive: true });
    try {
      // A change of state in progress (its transaction holds the store), so the request waits in
      // the hub while the stop begins; it has arrived once it asks the store for its integration.
      let release!: () => void;
      const held = t.hub.service.change(() => new Promise<void>((resolve) => (release = resolve)));
      const query = t.hub.db.query.bind(t.hub.db);
      const arrived = new Promise<void>((resolve) => {
        vi.spyOn(t.hub.db, 'query').mockImplementation((text, params) => {
          if (text.includes('from integrations')) resolve();
          return query(text, params);
        });
      });
      const answered = new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ ...VALID_BASE_PACKET, summary: 'Sent just before the hub was stopped.' });
        request(`${t.url}/v1/handoffs`, { method: 'POST', agent: keepAlive, headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' } }, (response) => {
          response.resume().on('end', () => resolve(response.statusCode ?? 0));
        })
          .on('error', reject)
          .end(body);
      });
      await arrived;

      const stopped = t.stopHub().then(() => 'stopped');
      release();
      await held;
      expect(await answered).toBe(201);
      const tooLong = new Promise<string>((resolve) => setTimeout(() => resolve('still stopping 5 s after the answer'), 5_000).unref());
      expect(await Promise.race([stopped, tooLong])).toBe('stopped');
    } finally {
      keepAlive.destroy(); // lets a stuck stop finish, so the cleanup does not wait for it
      await t.stop();
    }
  });
});
