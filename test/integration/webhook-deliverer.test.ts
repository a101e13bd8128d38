import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Handoff, type WebhookType } from '../../shared/protocol/index.ts';
import { openPglite, type Db } from '../../hub/store/db.ts';
import { migrate } from '../../hub/store/migrate.ts';
import { enqueueWebhook } from '../../hub/webhooks/outbox.ts';
import { startWebhookDeliverer, webhookRetryDelayMs, type WebhookDeliverer, type WebhookDelivererOptions } from '../../hub/webhooks/deliverer.ts';
import { signWebhook, verifyWebhookSignature } from '../../hub/webhooks/signature.ts';

const SECRET = 'whsec_test_0123456789abcdef';
const INTEGRATION = 'int-test';

// The receiver checks signatures with its own code, as an integration would, so a bug in
// signature.ts cannot hide itself.
function receiverAcceptsSignature(header: string | undefined, rawBody: Buffer, secret: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const [, t = '', v1 = ''] = match;
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  signatureOk: boolean;
  payloadId: string;
  handoffId: string;
}

interface Receiver {
  url: string;
  requests: Received[];
  /** Status to answer with; may hold the answer back by returning a promise. */
  respond: (request: Received, index: number) => number | Promise<number>;
  /** Resolves once `count` requests have arrived (matching `filter` if given). */
  waitFor(count: number, filter?: (r: Received) => boolean, timeoutMs?: number): Promise<Received[]>;
  reset(): void;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  let waiters: Array<() => boolean> = [];
  const receiver: Receiver = {
    url: '',
    requests: [],
    respond: () => 200,
    waitFor(count, filter = () => true, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const matching = receiver.requests.filter(filter);
          if (matching.length < count) return false;
          clearTimeout(timeout);
          resolve(matching);
          return true;
        };
        const timeout = setTimeout(() => reject(new Error(`timed out waiting for ${count} request(s), got ${receiver.requests.filter(filter).length}`)), timeoutMs);
        if (!check()) waiters.push(check);
      });
    },
    reset() {
      receiver.requests = [];
      receiver.respond = () => 200;
      waiters = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void (async () => {
      const raw = Buffer.concat(chunks);
      const payload = JSON.parse(raw.toString('utf8')) as { id: string; handoff: { id: string } };
      const signature = req.headers['baton-signature'];
      const request: Received = {
        headers: req.headers,
        body: raw.toString('utf8'),
        signatureOk: receiverAcceptsSignature(typeof signature === 'string' ? signature : undefined, raw, SECRET),
        payloadId: payload.id,
        handoffId: payload.handoff.id,
      };
      const index = receiver.requests.push(request) - 1;
      waiters = waiters.filter((check) => !check());
      const status = await receiver.respond(request, index);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    })());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/baton`;
  return receiver;
}

let db: Db;
let receiver: Receiver;
let logs: Array<{ level: string; obj: Record<string, unknown>; msg: string }>;
const running: WebhookDeliverer[] = [];

function start(options: Partial<WebhookDelivererOptions> = {}): WebhookDeliverer {
  const record = (level: string) => (obj: Record<string, unknown>, msg: string) => void logs.push({ level, obj, msg });
  const deliverer = startWebhookDeliverer({
    db,
    log: { info: record('info'), warn: record('warn'), error: record('error') },
    baseDelayMs: 20,
    maxDelayMs: 200,
    ...options,
  });
  running.push(deliverer);
  return deliverer;
}

function makeHandoff(id: string, at: Date): Handoff {
  return Handoff.parse({
    id,
    status: 'queued',
    packet: { summary: 'Customer wants a refund for a double charge', trigger: { reason: 'customer_request' } },
    team: 'support',
    assignee: null,
    offer: null,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  });
}

async function addHandoff(id: string): Promise<Handoff> {
  const at = new Date();
  const handoff = makeHandoff(id, at);
  await db.query(
    `insert into handoffs (id, integration_id, team, status, packet, priority, request_hash, created_at, updated_at)
     values ($1, $2, 'support', 'queued', $3, 'normal', 'hash', $4, $4)`,
    [id, INTEGRATION, JSON.stringify(handoff.packet), at.toISOString()],
  );
  return handoff;
}

/** Enqueues webhooks in one transaction, 1 ms apart so their order is their created_at. */
async function enqueue(handoff: Handoff, ...types: WebhookType[]): Promise<string[]> {
  const base = Date.now();
  await db.transaction(async (tx) => {
    for (const [i, type] of types.entries()) await enqueueWebhook(tx, INTEGRATION, type, handoff, new Date(base + i));
  });
  const { rows } = await db.query<{ id: string }>('select id from webhook_outbox where handoff_id = $1 order by created_at, id', [handoff.id]);
  return rows.map((r) => r.id);
}

interface OutboxRow {
  id: string;
  body: string;
  attempts: number;
  delivered_at: Date | null;
  failed_at: Date | null;
  last_error: string | null;
  next_attempt_at: Date;
}

async function outboxRow(id: string): Promise<OutboxRow> {
  const { rows } = await db.query<OutboxRow>('select * from webhook_outbox where id = $1', [id]);
  if (!rows[0]) throw new Error(`no outbox row ${id}`);
  return rows[0];
}

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  receiver = await startReceiver();
  await db.query(`insert into teams (name) values ('support')`);
  await db.query(
    `insert into integrations (id, name, key_hash, signing_secret, callback_url, default_team)
     values ($1, 'test-bot', 'key-hash', $2, $3, 'support')`,
    [INTEGRATION, SECRET, receiver.url],
  );
});

afterAll(async () => {
  await receiver?.close();
  await db?.close();
});

beforeEach(async () => {
  logs = [];
  receiver.reset();
  await db.query('delete from webhook_outbox');
  await db.query('delete from handoffs');
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
});

describe('webhook deliverer', () => {
  it('POSTs the stored body with a valid signature, the webhook id and JSON content type', async () => {
    const deliverer = start();
    const handoff = await addHandoff('h-basic');
    const [id] = await enqueue(handoff, 'handoff.offered');
    deliverer.wake();

    const [request] = await receiver.waitFor(1);
    await deliverer.stop();
    const row = await outboxRow(id!);
    expect(request!.body).toBe(row.body);
    expect(request!.signatureOk).toBe(true);
    expect(request!.headers['baton-webhook-id']).toBe(id);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^Baton/);
    expect(JSON.parse(request!.body)).toMatchObject({ id, type: 'handoff.offered', handoff: { id: 'h-basic' } });
    expect(row.delivered_at).toBeInstanceOf(Date);
    expect(row.failed_at).toBeNull();
    expect(row.attempts).toBe(1);
    expect(receiver.requests).toHaveLength(1);
  });

  it('retries with backoff: a receiver that fails twice gets the webhook on the third attempt', async () => {
    receiver.respond = (_r, index) => (index < 2 ? 500 : 204);
    const handoff = await addHandoff('h-retry');
    const [id] = await enqueue(handoff, 'handoff.accepted');
    const deliverer = start({ baseDelayMs: 20 });

    const requests = await receiver.waitFor(3);
    await deliverer.stop();
    expect(requests.every((r) => r.signatureOk && r.headers['baton-webhook-id'] === id)).toBe(true);
    const row = await outboxRow(id!);
    expect(row.delivered_at).toBeInstanceOf(Date);
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBe('HTTP 500');
    expect(receiver.requests).toHaveLength(3);
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  it('keeps each handoff in order, and does not hold other handoffs behind it', async () => {
    const a = await addHandoff('h-a');
    const b = await addHandoff('h-b');
    const aIds = await enqueue(a, 'handoff.offered', 'handoff.accepted', 'handoff.resolved');
    const [bId] = await enqueue(b, 'handoff.offered');
    let aFirstFailures = 0;
    receiver.respond = async (request) => {
      if (request.payloadId !== aIds[0] || aFirstFailures >= 2) return 200;
      aFirstFailures += 1;
      // While a's first webhook is stuck, b's must still arrive.
      if (aFirstFailures === 1) await receiver.waitFor(1, (r) => r.handoffId === 'h-b');
      return 503;
    };
    const deliverer = start();

    const aRequests = await receiver.waitFor(5, (r) => r.handoffId === 'h-a');
    await deliverer.stop();
    expect(aRequests.map((r) => r.payloadId)).toEqual([aIds[0], aIds[0], aIds[0], aIds[1], aIds[2]]);
    expect(receiver.requests.filter((r) => r.handoffId === 'h-b').map((r) => r.payloadId)).toEqual([bId]);
    for (const id of [...aIds, bId]) expect((await outboxRow(id!)).delivered_at).toBeInstanceOf(Date);
  });

  it('delivers rows already in the outbox when it starts (after a restart)', async () => {
    const handoff = await addHandoff('h-restart');
    const [id] = await enqueue(handoff, 'handoff.cancelled');
    receiver.respond = (_r, index) => (index === 0 ? 503 : 200);

    const first = start();
    await receiver.waitFor(1);
    await first.stop();
    const between = await outboxRow(id!);
    expect(between).toMatchObject({ attempts: 1, delivered_at: null, failed_at: null, last_error: 'HTTP 503' });

    const second = start(); // no wake(): the start-up pass finds the row
    const requests = await receiver.waitFor(2);
    await second.stop();
    expect(requests.map((r) => r.payloadId)).toEqual([id, id]);
    expect((await outboxRow(id!)).delivered_at).toBeInstanceOf(Date);
  });

  it('gives up after maxAttempts: failed_at set, an error logged, no secret or signature in the logs', async () => {
    receiver.respond = () => 500;
    const handoff = await addHandoff('h-fail');
    const [id] = await enqueue(handoff, 'handoff.offered');
    const deliverer = start({ maxAttempts: 3, baseDelayMs: 5 });

    const requests = await receiver.waitFor(3);
    await deliverer.stop();
    const row = await outboxRow(id!);
    expect(row.failed_at).toBeInstanceOf(Date);
    expect(row.delivered_at).toBeNull();
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBe('HTTP 500');
    expect(receiver.requests).toHaveLength(3);
    expect(logs.filter((l) => l.level === 'error')).toEqual([
      expect.objectContaining({ obj: expect.objectContaining({ webhookId: id, attempt: 3 }) }),
    ]);
    const logged = JSON.stringify(logs);
    expect(logged).not.toContain(SECRET);
    for (const r of requests) expect(logged).not.toContain(String(r.headers['baton-signature']).split('v1=')[1]);
  });

  it('counts a request that outlives requestTimeoutMs as a failure', async () => {
    const never = new Promise<number>(() => undefined);
    receiver.respond = (_r, index) => (index === 0 ? never : 200);
    const handoff = await addHandoff('h-timeout');
    const [id] = await enqueue(handoff, 'handoff.offered');
    const deliverer = start({ requestTimeoutMs: 200 });

    await receiver.waitFor(2);
    await deliverer.stop();
    const row = await outboxRow(id!);
    expect(row.delivered_at).toBeInstanceOf(Date);
    expect(row.attempts).toBe(2);
    expect(row.last_error).toBe('no response within 200 ms');
  });

  it('stop() waits for the request in flight and records its result', async () => {
    let release!: () => void;
    const released = new Promise<number>((resolve) => (release = () => resolve(200)));
    receiver.respond = () => released;
    const handoff = await addHandoff('h-stop');
    const [id] = await enqueue(handoff, 'handoff.resolved');
    const deliverer = start();

    await receiver.waitFor(1);
    const stopping = deliverer.stop();
    release();
    await stopping;
    expect((await outboxRow(id!)).delivered_at).toBeInstanceOf(Date);
  });
});

describe('webhook signature', () => {
  const body = JSON.stringify({ id: 'w1', type: 'handoff.offered', at: '2025-01-01T00:00:00.000Z', handoff: { id: 'h1' } });
  const t = 1_750_000_000;
  const at = (seconds: number) => ({ now: new Date(seconds * 1000) });

  it('signs as the protocol says (checked against independent HMAC code)', () => {
    const header = signWebhook(SECRET, body, t);
    const hex = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${hex}`);
    expect(verifyWebhookSignature(header, body, SECRET, at(t))).toBe(true);
    expect(verifyWebhookSignature(header, Buffer.from(body), SECRET, at(t + 299))).toBe(true);
  });

  it('rejects a tampered body, a wrong secret and a timestamp outside the tolerance', () => {
    const header = signWebhook(SECRET, body, t);
    expect(verifyWebhookSignature(header, body.replace('h1', 'h2'), SECRET, at(t))).toBe(false);
    expect(verifyWebhookSignature(header, `${body} `, SECRET, at(t))).toBe(false);
    expect(verifyWebhookSignature(header, body, 'whsec_other', at(t))).toBe(false);
    expect(verifyWebhookSignature(header, body, SECRET, at(t + 301))).toBe(false);
    expect(verifyWebhookSignature(header, body, SECRET, at(t - 301))).toBe(false);
    expect(verifyWebhookSignature(header, body, SECRET, { now: new Date((t + 60) * 1000), toleranceSeconds: 30 })).toBe(false);
  });

  it('parses the header strictly', () => {
    const header = signWebhook(SECRET, body, t);
    const v1 = header.split('v1=')[1]!;
    for (const bad of [undefined, null, '', `v1=${v1},t=${t}`, ` ${header}`, `${header},v1=${v1}`, `t=${t},v1=${v1.toUpperCase()}`, `t=${t},v1=${v1.slice(2)}`, `t=${t}.5,v1=${v1}`, `t=${t}`]) {
      expect(verifyWebhookSignature(bad, body, SECRET, at(t))).toBe(false);
    }
  });
});

describe('webhook retry backoff', () => {
  const options = { baseDelayMs: 1_000, maxDelayMs: 3_600_000 };

  it('stays within [0, min(max, base * 2^attempts)) with full jitter', () => {
    for (let attempts = 0; attempts <= 40; attempts += 1) {
      const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempts);
      expect(webhookRetryDelayMs(attempts, options, () => 0)).toBe(0);
      expect(webhookRetryDelayMs(attempts, options, () => 0.999999)).toBeLessThan(ceiling);
      for (let i = 0; i < 50; i += 1) {
        const delay = webhookRetryDelayMs(attempts, options);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
    expect(webhookRetryDelayMs(0, options, () => 0.5)).toBe(500);
    expect(webhookRetryDelayMs(3, options, () => 0.5)).toBe(4_000);
    expect(webhookRetryDelayMs(5_000, options, () => 0.5)).toBe(1_800_000);
  });
});
