// Rate limits: requests per integration key on the routes bots call (429 rate_limited with
// Retry-After, other keys unaffected), and failed sign-ins per client address, over the socket.io
// handshake and over HTTP (after N failures the address is refused even with the right token
// until the window passes; other addresses are unaffected). Clients come from different loopback
// addresses (127.0.0.x), or through a trusted proxy's X-Forwarded-For.
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from '../../hub/admin/accounts.ts';
import { DEFAULT_RATE_LIMITS } from '../../hub/http/rate-limits.ts';
import { AGENTS_NAMESPACE, ErrorBody } from '../../shared/protocol/index.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';
import { send, type RawReply } from '../support/property.ts';

const METRICS = '/v1/teams/support/metrics?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z';

/** A 429 in the protocol's shape, with Retry-After agreeing with the body; returns the seconds. */
function expectRateLimited(reply: RawReply, what: string): number {
  expect(reply.status, `${what}: ${reply.text}`).toBe(429);
  const { error } = ErrorBody.parse(reply.json);
  expect(error.code).toBe('rate_limited');
  expect(error.message.length).toBeGreaterThan(10);
  expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  expect(reply.headers['retry-after']).toBe(String(error.retryAfterSeconds));
  return error.retryAfterSeconds!;
}

type HandshakeResult = { connected: true } | { connected: false; message: string; data: unknown };

/** Signs in over socket.io from `from` (a local address) with extra headers; resolves with the hub's answer. */
function handshake(t: TestHub, token: string, { from, headers }: { from?: string; headers?: Record<string, string> } = {}): Promise<HandshakeResult> {
  // engine.io-client passes localAddress on to the WebSocket in Node; its types do not list it.
  const options: Partial<ManagerOptions & SocketOptions> & { localAddress?: string } = {
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(from && { localAddress: from }),
    ...(headers && { extraHeaders: headers }),
  };
  const socket = io(`${t.url}${AGENTS_NAMESPACE}`, options);
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve({ connected: true });
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      resolve({ connected: false, message: error.message, data: error.data });
    });
  });
}

describe('a hub with small limits (5 requests a minute per key, 3 failed sign-ins per 30 s)', () => {
  let t: TestHub;
  /** The hub's clock runs this far ahead of the real one: a test ends a window without waiting. */
  let ahead = 0;
  let limited: { key: string };
  let other: { key: string };

  beforeAll(async () => {
    t = await startTestHub({
      now: () => new Date(Date.now() + ahead),
      rateLimits: { ingress: { max: 5, windowMs: 60_000 }, signIn: { maxFailures: 3, windowMs: 30_000 } },
    });
    limited = await createIntegration(t.hub.db, { name: 'limited-bot' });
    other = await createIntegration(t.hub.db, { name: 'other-bot' });
  });
  afterAll(() => t?.stop());

  const handoffCount = async () => (await t.hub.db.query<{ n: number }>('select count(*)::int as n from handoffs')).rows[0]!.n;
  const post = (key: string, body: unknown = VALID_BASE_PACKET, from?: string) =>
    send(`${t.url}/v1/handoffs`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body), ...(from && { localAddress: from }) });
  const metrics = (token: string, from: string) => send(`${t.url}${METRICS}`, { headers: { authorization: `Bearer ${token}` }, localAddress: from });

  it('lets an integration key make 5 requests of any kind in the window, then answers 429 rate_limited with Retry-After, storing nothing; another key is unaffected', async () => {
    const first = await post(limited.key);
    expect(first.status).toBe(201);
    expect(first.headers['x-ratelimit-limit']).toBe('5');
    const id = (first.json as { handoff: { id: string } }).handoff.id;
    // Reads, refused bodies and cancels count as much as creates.
    expect((await send(`${t.url}/v1/handoffs/${id}`, { headers: { authorization: `Bearer ${limited.key}` } })).status).toBe(200);
    expect((await post(limited.key, { summary: 42 })).status).toBe(400);
    expect((await post(limited.key)).status).toBe(201);
    const fifth = await post(limited.key);
    expect(fifth.status).toBe(201);
    expect(fifth.headers['x-ratelimit-remaining']).toBe('0');

    const before = await handoffCount();
    const refused = await post(limited.key);
    const seconds = expectRateLimited(refused, 'the 6th request');
    expect(seconds).toBeLessThanOrEqual(60);
    expect(await handoffCount()).toBe(before);
    // Every route a bot calls, and whatever the body: refused before it is read.
    expectRateLimited(await send(`${t.url}/v1/handoffs/${id}`, { headers: { authorization: `Bearer ${limited.key}` } }), 'a read');
    expectRateLimited(await post(limited.key, 'not even a packet'), 'a bad body');

    const theirs = await post(other.key);
    expect(theirs.status).toBe(201);
    expect(theirs.headers['x-ratelimit-remaining']).toBe('4');
    // Nothing else on the hub is limited by it.
    expect((await send(`${t.url}/healthz`)).status).toBe(200);
  });

  it('refuses an address after 3 failed socket sign-ins, even with the right token, until the window passes; another address signs in meanwhile', async () => {
    const attacker = '127.0.0.2';
    for (const token of ['guess-1', 'guess-2', '']) {
      expect(await handshake(t, token, { from: attacker })).toMatchObject({ connected: false, message: 'unauthorized' });
    }
    const refused = await handshake(t, 'demo-ana', { from: attacker });
    expect(refused).toMatchObject({ connected: false, message: 'rate_limited', data: { code: 'rate_limited', retryAfterSeconds: expect.any(Number) } });
    const { retryAfterSeconds } = (refused as { data: { retryAfterSeconds: number } }).data;
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds).toBeLessThanOrEqual(30);
    // The same address is refused over HTTP too, for a lead's token and a bot's key alike.
    expectRateLimited(await metrics('demo-lee', attacker), "a lead's metrics from that address");
    expectRateLimited(await post(other.key, VALID_BASE_PACKET, attacker), "a bot's handoff from that address");

    expect(await handshake(t, 'demo-ana', { from: '127.0.0.3' })).toEqual({ connected: true });

    ahead += 30_000; // the window ends
    expect(await handshake(t, 'demo-ana', { from: attacker })).toEqual({ connected: true });
    // A fresh window: one failure does not lock it again.
    expect(await handshake(t, 'guess-4', { from: attacker })).toMatchObject({ message: 'unauthorized' });
    expect(await handshake(t, 'demo-ana', { from: attacker })).toEqual({ connected: true });
  });

  it("refuses an address after 3 failed bearer tokens on a lead's metrics, even with the right token, until the window passes", async () => {
    const prober = '127.0.0.4';
    for (const token of ['not-a-lead', 'demo-le', 'x'.repeat(600)]) {
      const reply = await metrics(token, prober);
      expect(reply.status, reply.text).toBe(401);
    }
    const seconds = expectRateLimited(await metrics('demo-lee', prober), 'the right token, locked');
    expect(seconds).toBeLessThanOrEqual(30);
    expect(await handshake(t, 'demo-lee', { from: prober })).toMatchObject({ connected: false, message: 'rate_limited' });
    // A token the hub knows but that may not read metrics (403) is no failed sign-in.
    for (let i = 0; i < 4; i += 1) expect((await metrics('demo-ana', '127.0.0.5')).status).toBe(403);
    expect((await metrics('demo-lee', '127.0.0.5')).status).toBe(200);

    ahead += 30_000;
    expect((await metrics('demo-lee', prober)).status).toBe(200);
  });

  it('counts wrong integration keys as failed sign-ins too', async () => {
    const guesser = '127.0.0.6';
    for (const key of ['key_wrong-1', 'key_wrong-2', 'key_wrong-3']) expect((await post(key, VALID_BASE_PACKET, guesser)).status).toBe(401);
    expectRateLimited(await post(other.key, VALID_BASE_PACKET, guesser), 'the right key, locked');
    expect((await post(other.key, VALID_BASE_PACKET, '127.0.0.7')).status).toBe(201);
  });
});

describe('behind one trusted proxy (--trust-proxy), limits off for ingress (--ingress-limit 0)', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ trustProxy: true, rateLimits: { ingress: { max: 0 }, signIn: { maxFailures: 2, windowMs: 60_000 } } });
  });
  afterAll(() => t?.stop());

  // The proxy appends the address it received the request from; anything left of it the client wrote.
  const via = (...entries: string[]) => ({ headers: { 'x-forwarded-for': entries.join(', ') } });
  const metrics = (token: string, ...entries: string[]) => send(`${t.url}${METRICS}`, { headers: { authorization: `Bearer ${token}`, ...via(...entries).headers } });
  const keyed = (key: string, ...entries: string[]) => send(`${t.url}/v1/handoffs/some-id`, { headers: { authorization: `Bearer ${key}`, ...via(...entries).headers } });

  it('limits each client by the address the proxy added, whatever the client wrote before it, over sockets and HTTP alike', async () => {
    expect(await handshake(t, 'nope', via('192.0.2.1', '203.0.113.7'))).toMatchObject({ message: 'unauthorized' });
    expect(await handshake(t, 'nope', via('192.0.2.2', '203.0.113.7'))).toMatchObject({ message: 'unauthorized' });
    // A new claim at the front each time changes nothing: the proxy's entry is the same.
    expect(await handshake(t, 'demo-ana', via('192.0.2.3', '203.0.113.7'))).toMatchObject({ message: 'rate_limited' });
    expectRateLimited(await metrics('demo-lee', '203.0.113.7'), 'the same client over HTTP');
    expectRateLimited(await keyed('demo-integration-key', '198.51.100.99', '203.0.113.7'), 'the same client with a right integration key');
    // Everyone else behind the same proxy is unaffected, and so is the proxy's own address.
    expect(await handshake(t, 'demo-ana', via('203.0.113.8'))).toEqual({ connected: true });
    expect(await handshake(t, 'demo-ana')).toEqual({ connected: true });
  });

  it('does not let a client rotate a claimed address past the limit, nor lock out the address it claims', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await keyed(`wrong-${i}`, `192.0.2.${10 + i}`, '203.0.113.66')).status);
    expect(statuses).toEqual([401, 401, 429, 429, 429, 429]);
    // The victim whose address the attacker wrote first is not locked out; the attacker is.
    expect((await keyed('demo-integration-key', '198.51.100.7')).status).toBe(404);
    for (let i = 0; i < 3; i += 1) await keyed(`wrong-again-${i}`, '198.51.100.7', '203.0.113.67');
    expect((await keyed('demo-integration-key', '198.51.100.7')).status).toBe(404);
    expect(await handshake(t, 'demo-ana', via('198.51.100.7'))).toEqual({ connected: true });
    expectRateLimited(await keyed('demo-integration-key', '203.0.113.67'), 'the attacker, from its real address');
  });

  it('with the ingress limit off, a key is never refused and no rate-limit headers are sent', async () => {
    const replies = await Promise.all(
      Array.from({ length: 40 }, () => send(`${t.url}/v1/handoffs`, { method: 'POST', headers: { authorization: 'Bearer demo-integration-key', 'content-type': 'application/json' }, body: '{}' })),
    );
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([400]));
    expect(replies[0]!.headers['x-ratelimit-limit']).toBeUndefined();
  });
});

describe('behind a chain of proxies named by their addresses (--trusted-proxy)', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ trustProxy: ['127.0.0.0/8', '10.0.0.0/8'], rateLimits: { ingress: { max: 0 }, signIn: { maxFailures: 1, windowMs: 60_000 } } });
  });
  afterAll(() => t?.stop());

  it('takes the first address from the right that is not a trusted proxy', async () => {
    const keyed = (key: string, forwarded: string) => send(`${t.url}/v1/handoffs/some-id`, { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': forwarded } });
    expect((await keyed('wrong', '192.0.2.1, 203.0.113.20, 10.1.2.3')).status).toBe(401);
    // 203.0.113.20 is locked, however the chain in front of it is written.
    expectRateLimited(await keyed('demo-integration-key', '203.0.113.20, 10.9.9.9'), 'the same client through another trusted proxy');
    expectRateLimited(await keyed('demo-integration-key', '198.51.100.1, 203.0.113.20'), 'the same client with another claim in front');
    expect((await keyed('demo-integration-key', '203.0.113.20, 198.51.100.2')).status).toBe(404); // a client that is not it
    expect(await handshake(t, 'demo-ana', { headers: { 'x-forwarded-for': '203.0.113.20, 10.1.2.3' } })).toMatchObject({ message: 'rate_limited' });
  });
});

describe('the defaults, with the sign-in limit off (--sign-in-limit 0)', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ rateLimits: { signIn: { maxFailures: 0 } } });
  });
  afterAll(() => t?.stop());

  it(`allow ${DEFAULT_RATE_LIMITS.ingress.max} requests per key per ${DEFAULT_RATE_LIMITS.ingress.windowMs / 1000} s: four times the 300 handoffs a second a hub is built to take from one bot`, async () => {
    expect(DEFAULT_RATE_LIMITS.ingress.max / (DEFAULT_RATE_LIMITS.ingress.windowMs / 1000)).toBeGreaterThanOrEqual(4 * 300);
    const reply = await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: { authorization: 'Bearer demo-integration-key', 'content-type': 'application/json' }, body: JSON.stringify(VALID_BASE_PACKET) });
    expect(reply.status).toBe(201);
    expect(reply.headers['x-ratelimit-limit']).toBe(String(DEFAULT_RATE_LIMITS.ingress.max));
  });

  it('never refuses a sign-in for earlier failures when the sign-in limit is off', async () => {
    for (let i = 0; i < DEFAULT_RATE_LIMITS.signIn.maxFailures + 5; i += 1) {
      expect((await send(`${t.url}${METRICS}`, { headers: { authorization: `Bearer guess-${i}` } })).status).toBe(401);
    }
    expect(await handshake(t, 'demo-ana')).toEqual({ connected: true });
    expect((await send(`${t.url}${METRICS}`, { headers: { authorization: 'Bearer demo-lee' } })).status).toBe(200);
  });
});
