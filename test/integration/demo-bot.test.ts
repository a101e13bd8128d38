import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHANNELS,
  ContextPacket,
  ConversationCountBody,
  Handoff,
  TRIGGER_REASONS,
  type HandoffEvent,
  type HandoffStatus,
  type WebhookType,
} from '../../shared/protocol/index.ts';
import { DEMO_CONVERSATIONS, demoPacket } from '../../hub/demo/conversations.ts';
import { startDemoBot, type DemoBot, type DemoBotOptions } from '../../hub/demo/demo-bot.ts';

const KEY = 'demo-integration-key';
const SECRET = 'whsec_demo_0123456789abcdef';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Everything the tests wait on (hub requests, log lines) calls `changed()`, so waiting is
// event-driven: no sleeps, only a timeout that fails the test.
let waiters: Array<() => boolean> = [];
function changed(): void {
  waiters = waiters.filter((check) => !check());
}
function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const value = probe();
      if (value === undefined || value === false) return false;
      clearTimeout(timer);
      resolve(value);
      return true;
    };
    const first = probe();
    if (first !== undefined && first !== false) return resolve(first);
    const timer = setTimeout(() => {
      waiters = waiters.filter((w) => w !== check);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    waiters.push(check);
  });
}

interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

interface FakeHub {
  url: string;
  posts: Array<{ headers: IncomingHttpHeaders; body: unknown; valid: boolean }>;
  gets: Array<{ id: string; headers: IncomingHttpHeaders }>;
  cancels: Array<{ id: string; headers: IncomingHttpHeaders; body: unknown }>;
  /** POST /v1/stats/conversations, with the status answered. */
  counts: Array<{ headers: IncomingHttpHeaders; body: ConversationCountBody; status: number }>;
  /** Status for a conversation count: 201 for a new period, 200 for one seen before, unless it says otherwise. */
  countStatus: (body: ConversationCountBody, seenBefore: boolean) => number;
  handoffs: Map<string, Handoff>;
  /** Status for the n-th POST /v1/handoffs (0-based); 201 unless it says otherwise. */
  postStatus: (index: number) => number;
  /** The hub's state right after creating a handoff; `queued` unless it says otherwise. */
  statusAfterCreate: (id: string) => HandoffStatus;
  close(): Promise<void>;
}

function makeHandoff(id: string, packet: ContextPacket, status: HandoffStatus = 'queued', events?: HandoffEvent[]): Handoff {
  const at = new Date().toISOString();
  return Handoff.parse({ id, status, packet, team: 'support', assignee: null, offer: null, createdAt: at, updatedAt: at, events });
}

async function startFakeHub(): Promise<FakeHub> {
  const hub: FakeHub = {
    url: '',
    posts: [],
    gets: [],
    cancels: [],
    counts: [],
    countStatus: (_body, seenBefore) => (seenBefore ? 200 : 201),
    handoffs: new Map(),
    postStatus: () => 201,
    statusAfterCreate: () => 'queued',
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : undefined;
      const send = (status: number, payload: object): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
        changed();
      };
      if (req.headers.authorization !== `Bearer ${KEY}`) return send(401, { error: { code: 'unauthorized', message: 'bad key' } });
      const cancel = /^\/v1\/handoffs\/([^/]+)\/cancel$/.exec(req.url ?? '');
      const single = /^\/v1\/handoffs\/([^/]+)$/.exec(req.url ?? '');

      if (req.method === 'POST' && req.url === '/v1/stats/conversations') {
        const parsed = ConversationCountBody.safeParse(body);
        if (!parsed.success) return send(400, { error: { code: 'invalid_request', message: parsed.error.message } });
        const seenBefore = hub.counts.some((c) => c.body.from === parsed.data.from && c.body.to === parsed.data.to);
        const status = hub.countStatus(parsed.data, seenBefore);
        hub.counts.push({ headers: req.headers, body: parsed.data, status });
        return send(status, status < 300 ? { conversations: { ...parsed.data, team: 'support', receivedAt: new Date().toISOString() }, replaced: status === 200 } : { error: { code: 'conflict', message: 'overlaps' } });
      }
      if (req.method === 'POST' && req.url === '/v1/handoffs') {
        const parsed = ContextPacket.safeParse(body);
        const index = hub.posts.push({ headers: req.headers, body, valid: parsed.success }) - 1;
        if (!parsed.success) return send(400, { error: { code: 'invalid_packet', message: parsed.error.message } });
        const status = hub.postStatus(index);
        if (status !== 201) return send(status, { error: { code: 'internal', message: 'try again' } });
        const id = `h-${hub.handoffs.size + 1}`;
        const created = makeHandoff(id, parsed.data);
        hub.handoffs.set(id, { ...created, status: hub.statusAfterCreate(id) });
        return send(201, { handoff: created });
      }
      if (req.method === 'GET' && single) {
        const id = decodeURIComponent(single[1]!);
        hub.gets.push({ id, headers: req.headers });
        const handoff = hub.handoffs.get(id);
        return handoff ? send(200, { handoff }) : send(404, { error: { code: 'not_found', message: 'no such handoff' } });
      }
      if (req.method === 'POST' && cancel) {
        const id = decodeURIComponent(cancel[1]!);
        hub.cancels.push({ id, headers: req.headers, body });
        const handoff = hub.handoffs.get(id);
        if (!handoff) return send(404, { error: { code: 'not_found', message: 'no such handoff' } });
        const cancelled = { ...handoff, status: 'cancelled' as const, updatedAt: new Date().toISOString() };
        hub.handoffs.set(id, cancelled);
        return send(200, { handoff: cancelled });
      }
      send(404, { error: { code: 'not_found', message: 'no route' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return hub;
}

let hub: FakeHub | undefined;
let bot: DemoBot | undefined;
let logs: LogLine[] = [];

async function start(options: Partial<DemoBotOptions> = {}, setupHub?: (hub: FakeHub) => void): Promise<DemoBot> {
  hub = await startFakeHub();
  setupHub?.(hub);
  const record = (level: LogLine['level']) => (obj: object, msg: string) => {
    logs.push({ level, obj: obj as Record<string, unknown>, msg });
    changed();
  };
  bot = await startDemoBot({
    hubUrl: hub.url,
    integrationKey: KEY,
    signingSecret: SECRET,
    log: { info: record('info'), warn: record('warn'), error: record('error') },
    firstDelayMs: 0,
    intervalMs: [1, 5],
    ...options,
  });
  return bot;
}

afterEach(async () => {
  await bot?.stop();
  await hub?.close();
  bot = undefined;
  hub = undefined;
  logs = [];
  waiters = [];
});

// Signed here with node:crypto directly, as docs/protocol.md describes, so a bug in hub/webhooks/signature.ts
// cannot hide itself.
function sign(body: string, secret = SECRET, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

function webhookBody(type: WebhookType, handoff: Handoff, id = `wh-${Math.random().toString(36).slice(2)}`): string {
  const { events: _events, ...withoutEvents } = handoff;
  return JSON.stringify({ id, type, at: new Date().toISOString(), handoff: withoutEvents });
}

/** POSTs a webhook to the bot; `signature: null` sends none. */
async function deliver(body: string, signature: string | null = sign(body)): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['Baton-Signature'] = signature;
  const res = await fetch(bot!.callbackUrl, { method: 'POST', headers, body });
  await res.text();
  return res.status;
}

const newLogs = (from: number): LogLine[] => logs.slice(from);
const logged = (text: string) => () => logs.find((l) => l.msg.includes(text));

describe('demo conversations', () => {
  const packets = DEMO_CONVERSATIONS.map((_, i) => demoPacket(i));

  it('are at least 12, all valid packets, and cover every trigger reason and channel', () => {
    expect(packets.length).toBeGreaterThanOrEqual(12);
    for (const packet of packets) expect(ContextPacket.safeParse(packet).error).toBeUndefined();
    expect(new Set(packets.map((p) => p.trigger.reason))).toEqual(new Set(TRIGGER_REASONS));
    expect(new Set(packets.map((p) => p.channel))).toEqual(new Set(CHANNELS));
    // The bot cycles in order, so a new user sees every reason and channel in the first seven.
    expect(new Set(packets.slice(0, 7).map((p) => p.trigger.reason))).toEqual(new Set(TRIGGER_REASONS));
    expect(new Set(packets.slice(0, 7).map((p) => p.channel))).toEqual(new Set(CHANNELS));
  });

  it('route with the default team, known skills, varied customers, and a live-looking transcript', () => {
    const now = new Date('2026-11-20T12:00:00.000Z');
    for (const packet of DEMO_CONVERSATIONS.map((_, i) => demoPacket(i, now))) {
      expect(packet.team).toBeUndefined();
      for (const skill of packet.skills ?? []) expect(['billing', 'technical', 'accounts']).toContain(skill);
      expect(packet.source?.conversationUrl).toMatch(/^https:\/\/helpdesk\.example\.com\/conversations\/\d+$/);
      const times = (packet.transcript ?? []).map((t) => Date.parse(t.at));
      expect(times.length).toBeGreaterThanOrEqual(2);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(times.every((t) => t < now.getTime())).toBe(true);
    }
    expect(new Set(packets.map((p) => p.priority))).toEqual(new Set(['low', 'normal', 'high', 'urgent']));
    expect(packets.some((p) => p.customer?.authenticated === false)).toBe(true);
    expect(packets.some((p) => /[\u0590-\u08ff]/.test(p.customer?.name ?? ''))).toBe(true);
    // A second round looks like new conversations, not the same ones again.
    expect(demoPacket(DEMO_CONVERSATIONS.length).source?.conversationUrl).not.toBe(packets[0]!.source?.conversationUrl);
  });
});

describe('demo bot', () => {
  it('posts valid packets with the key, JSON and a fresh Idempotency-Key, every reason first', async () => {
    await start();
    const posts = await until('7 posts', () => hub!.posts.length >= 7 && hub!.posts);
    await until('the 7th handoff to be counted', () => bot!.sent() >= 7);
    for (const post of posts) {
      expect(post.valid).toBe(true);
      expect(post.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(post.headers['content-type']).toBe('application/json');
      expect(post.headers['idempotency-key']).toMatch(UUID);
    }
    const first7 = posts.slice(0, 7);
    expect(new Set(first7.map((p) => p.headers['idempotency-key'])).size).toBe(7);
    expect(new Set(first7.map((p) => (p.body as ContextPacket).trigger.reason))).toEqual(new Set(TRIGGER_REASONS));
  });

  it('retries a failed POST on the next tick with the same Idempotency-Key and body', async () => {
    await start({ maxOpen: 1 }, (hub) => {
      hub.postStatus = (index) => (index < 2 ? 503 : 201);
    });
    await until('a handoff to be created', logged('bot hands over'));
    const [a, b, c] = hub!.posts;
    expect([a, b, c].map((p) => p?.headers['idempotency-key'])).toEqual(Array(3).fill(a?.headers['idempotency-key']));
    expect(b?.body).toEqual(a?.body);
    expect(c?.body).toEqual(a?.body);
    expect(logs.filter((l) => l.level === 'warn' && l.msg.includes('retrying'))).toHaveLength(2);
    expect(bot!.sent()).toBe(1);
  });

  it('logs and keeps retrying when the hub cannot be reached', async () => {
    // A port that was just free and now has nobody listening.
    const dead = await startFakeHub();
    await dead.close();
    await start({ hubUrl: dead.url });
    await until('two failed ticks', () => logs.filter((l) => l.msg.includes('could not reach the hub')).length >= 2);
    expect(bot!.sent()).toBe(0);
  });

  it('answers 200 to a signed webhook and 401 to unsigned, tampered, wrong-secret or stale ones', async () => {
    await start({ firstDelayMs: 60_000 });
    const body = webhookBody('handoff.offered', makeHandoff('h-9', demoPacket(0)));
    expect(await deliver(body)).toBe(200);
    expect(await deliver(body, null)).toBe(401);
    expect(await deliver(body.replace('"h-9"', '"h-8"'), sign(body))).toBe(401);
    expect(await deliver(body, sign(body, 'not-the-secret'))).toBe(401);
    expect(await deliver(body, sign(body, SECRET, Math.floor(Date.now() / 1000) - 3_600))).toBe(401);
    expect(await deliver(body, 'garbage')).toBe(401);
  });

  it('reacts to webhooks as a bot would, fetching the agent note for returned_to_bot', async () => {
    await start({ firstDelayMs: 60_000 });
    const note = 'Refund of 49.00 issued; please confirm with the customer and close.';
    const packet = demoPacket(0);
    const accepted = { ...makeHandoff('h-7', packet, 'accepted'), assignee: { id: 'demo-ana', name: 'Ana' } };
    const returned = makeHandoff('h-7', packet, 'returned_to_bot', [
      { type: 'created', at: accepted.createdAt, actor: { kind: 'bot', id: 'demo-bot' } },
      { type: 'returned_to_bot', at: accepted.createdAt, actor: { kind: 'agent', id: 'demo-ben' }, note: 'older note' },
      { type: 'returned_to_bot', at: accepted.updatedAt, actor: { kind: 'agent', id: 'demo-ana' }, note },
    ]);
    hub!.handoffs.set('h-7', returned);

    // offered is quiet; a redelivered accepted (same webhook id) is acted on once.
    const before = logs.length;
    expect(await deliver(webhookBody('handoff.offered', makeHandoff('h-7', packet, 'offered')))).toBe(200);
    const acceptedBody = webhookBody('handoff.accepted', accepted, 'wh-accepted');
    expect(await deliver(acceptedBody)).toBe(200);
    expect(await deliver(acceptedBody)).toBe(200);
    await until('agent joined', logged('agent Ana joined'));

    expect(await deliver(webhookBody('handoff.returned_to_bot', returned))).toBe(200);
    const resumed = await until('bot resumes', logged('bot resumes the conversation'));
    expect(resumed.obj.note).toBe(note);
    expect(resumed.msg).toContain(note);
    expect(hub!.gets.map((g) => g.id)).toEqual(['h-7']);
    expect(hub!.gets[0]!.headers.authorization).toBe(`Bearer ${KEY}`);

    for (const [type, text] of [
      ['handoff.routed_to_product', 'passed on to the product team'],
      ['handoff.resolved', 'resolved by'],
      ['handoff.cancelled', 'cancelled'],
    ] as const) {
      expect(await deliver(webhookBody(type, makeHandoff(`h-${type}`, packet, type.slice(8) as HandoffStatus)))).toBe(200);
      await until(type, logged(text));
    }
    expect(newLogs(before).map((l) => l.level)).toEqual(['info', 'info', 'info', 'info', 'info']);
  });

  it('keeps at most maxOpen handoffs open, and a finishing webhook frees a slot', async () => {
    await start({ maxOpen: 2 });
    await until('the bot to wait for agents', logged('waits for agents'));
    expect(hub!.posts).toHaveLength(2);

    const resolved = { ...hub!.handoffs.get('h-1')!, status: 'resolved' as const, updatedAt: new Date(Date.now() + 1_000).toISOString() };
    hub!.handoffs.set('h-1', resolved);
    expect(await deliver(webhookBody('handoff.resolved', resolved))).toBe(200);
    await until('a third post', () => hub!.posts.length >= 3);
    expect(hub!.cancels).toEqual([]);
  });

  // A 30-day period (the longest the hub takes is 31) so that no test run straddles two periods.
  const PERIOD_MS = 30 * 86_400_000;

  it('reports the conversations it handled, handed off or not, for the current period, replacing the count as it grows', async () => {
    const startedAt = Date.now();
    await start({ selfServedPerTick: [2, 2], conversationPeriodMs: PERIOD_MS });
    const [first, second, third] = await until('three conversation counts', () => hub!.counts.length >= 3 && hub!.counts);
    for (const report of [first!, second!, third!]) expect(report.headers.authorization).toBe(`Bearer ${KEY}`);
    // One period: from when the bot started (not before: it knows nothing earlier) to the end of the aligned period.
    expect(Date.parse(first!.body.from)).toBeGreaterThanOrEqual(startedAt);
    expect(Date.parse(first!.body.from)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(first!.body.to) % PERIOD_MS).toBe(0);
    expect([second!.body, third!.body].map((b) => [b.from, b.to])).toEqual([
      [first!.body.from, first!.body.to],
      [first!.body.from, first!.body.to],
    ]);
    // Every tick: one handoff and two conversations the bot settled itself, so 3, 6, 9, and the hub replaces the count.
    expect([first, second, third].map((r) => [r!.body.count, r!.status])).toEqual([
      [3, 201],
      [6, 200],
      [9, 200],
    ]);
    expect(hub!.posts.length).toBeGreaterThanOrEqual(3);
    expect(logs.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('leaves a period the hub refuses (an overlap after a restart) alone, with one warning', async () => {
    await start({ conversationPeriodMs: PERIOD_MS }, (hub) => {
      hub.countStatus = () => 409;
    });
    await until('the refusal to be logged', logged('hub did not take the conversation count'));
    await until('three more handoffs', () => hub!.posts.length >= 4);
    expect(hub!.counts).toHaveLength(1);
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('cancels a handoff left waiting too long, but not one an agent took meanwhile', async () => {
    // h-1 is accepted at the hub before any webhook says so: the bot must check before cancelling.
    await start({ maxOpen: 2, cancelAfterMs: 0 }, (hub) => {
      hub.statusAfterCreate = (id) => (id === 'h-1' ? 'accepted' : 'queued');
    });
    const [cancel] = await until('a cancel', () => hub!.cancels.length >= 1 && hub!.cancels);
    expect(cancel!.id).toBe('h-2');
    expect(cancel!.body).toEqual({ reason: 'customer left the chat' });
    expect(cancel!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(cancel!.headers['content-type']).toBe('application/json');
    await until('the cancel to be logged', logged('bot cancelled the handoff'));
    expect(hub!.gets.some((g) => g.id === 'h-1')).toBe(true);
    expect(hub!.cancels.some((c) => c.id === 'h-1')).toBe(false);
  });
});
