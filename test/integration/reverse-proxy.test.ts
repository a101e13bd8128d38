// The hub behind nginx with the shipped configuration (deploy/nginx/, docs/scaling.md): bots and
// agent apps reach it through the proxy, over WebSocket and over long-polling; the client's address
// reaches the hub's sign-in limit through X-Forwarded-For; bodies over the limit are refused; a
// browser's long-polling session stays on one hub; with two hubs on one PostgreSQL database, any
// hub answers, a stopped hub is passed over, and no POST is sent twice.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../shared/protocol/index.ts';
import { readFixture } from '../support/fixtures.ts';
import { connectTestHub, type TestHubClient } from '../support/hub-client.ts';
import { DEMO_KEY, startTestHub, type TestHub } from '../support/hub.ts';
import { startNginx, type TestNginx } from '../support/nginx.ts';
import { describeWithNginx } from '../support/with-nginx.ts';
import { send } from '../support/property.ts';

const PACKET = readFixture<Record<string, unknown>>('packets/billing-dispute-chat.json');
const json = { 'content-type': 'application/json' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** The request lines nginx logged with `status`. */
const logged = async (nginx: TestNginx, status: number) => (await nginx.requests()).filter((r) => r.status === status).map((r) => r.request);
/** The host:port of a hub's URL, as nginx logs it. */
const hostOf = (url: string) => new URL(url).host;

describeWithNginx('one hub behind nginx (deploy/nginx/baton.conf)', () => {
  let t: TestHub;
  let nginx: TestNginx;
  const clients: TestHubClient[] = [];
  const through = (token: string, socketOptions = {}) => {
    const client = connectTestHub({ url: nginx.url, token, socketOptions });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await startTestHub({ trustProxy: true, rateLimits: { signIn: { maxFailures: 3 } } });
    nginx = await startNginx([t.url]);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await nginx?.stop();
    await t?.stop();
  });

  it("offers a bot's handoff, posted through nginx, to the desktop app connected through nginx over WebSocket only", async () => {
    const ana = through('demo-ana', { transports: ['websocket'] });
    await ana.ready();
    const offered = ana.waitFor('handoff:offered');
    const created = await send(`${nginx.url}/v1/handoffs`, { method: 'POST', headers: { ...json, ...bearer(DEMO_KEY) }, body: JSON.stringify(PACKET) });
    expect(created.status, created.text).toBe(201);
    const id = (created.json as { handoff: { id: string } }).handoff.id;
    const offer = await offered;
    expect(offer.handoff.id).toBe(id);
    expect((await ana.accept(id)).ok).toBe(true);
    expect((await ana.resolve(id, 'Settled through the proxy.')).ok).toBe(true);
    ana.close();
    // nginx logs the upgraded request once the WebSocket closes: 101, so it was one from the start.
    await expect.poll(() => logged(nginx, 101)).toContainEqual(expect.stringMatching(/^GET \/socket\.io\/\?EIO=4&transport=websocket HTTP\/1\.1$/));
  });

  it("serves the web console's socket.io (long-polling first, then the upgrade to WebSocket)", async () => {
    const ben = through('demo-ben');
    await ben.ready();
    const offered = ben.waitFor('handoff:offered');
    const created = await send(`${nginx.url}/v1/handoffs`, { method: 'POST', headers: { ...json, ...bearer(DEMO_KEY) }, body: JSON.stringify(PACKET) });
    expect(created.status, created.text).toBe(201);
    const id = (created.json as { handoff: { id: string } }).handoff.id;
    expect((await offered).handoff.id).toBe(id);
    expect((await ben.decline(id, 'Testing the proxy')).ok).toBe(true);
    const ok = await logged(nginx, 200);
    expect(ok).toContainEqual(expect.stringMatching(/^GET \/socket\.io\/\?EIO=4&transport=polling&t=\S+ HTTP\/1\.1$/));
    expect(ok).toContainEqual(expect.stringMatching(/^POST \/socket\.io\/\?EIO=4&transport=polling&t=\S+&sid=\S+ HTTP\/1\.1$/));
    const cancelled = await send(`${nginx.url}/v1/handoffs/${id}/cancel`, { method: 'POST', headers: { ...json, ...bearer(DEMO_KEY) }, body: '{}' });
    expect(cancelled.status, cancelled.text).toBe(200);
  });

  it("locks out the client's own address after failed sign-ins, not nginx's, whatever X-Forwarded-For the client sends", async () => {
    const unknown = `${nginx.url}/v1/handoffs/${randomUUID()}`;
    for (let i = 0; i < 3; i += 1) {
      const refused = await send(unknown, { headers: bearer('not-a-key'), localAddress: '127.0.0.2' });
      expect(refused.status, refused.text).toBe(401);
    }
    const locked = await send(unknown, { headers: bearer(DEMO_KEY), localAddress: '127.0.0.2' });
    expect(locked.status, locked.text).toBe(429);
    expect(ErrorBody.parse(locked.json).error.code).toBe('rate_limited');
    // An address the client writes itself is to the left of the one nginx appends: not believed.
    const forged = await send(unknown, { headers: { ...bearer(DEMO_KEY), 'x-forwarded-for': '127.0.0.9' }, localAddress: '127.0.0.2' });
    expect(forged.status, forged.text).toBe(429);
    // Another client behind the same nginx is not locked out with it.
    const other = await send(unknown, { headers: bearer(DEMO_KEY), localAddress: '127.0.0.3' });
    expect(other.status, other.text).toBe(404);
  });

  it("refuses a body over the hub's limit for its route itself, with the hub's answer, so that it never reaches a hub", async () => {
    const post = (route: string, bytes: number) =>
      send(`${nginx.url}${route}`, { method: 'POST', headers: { ...json, ...bearer(DEMO_KEY) }, body: Buffer.alloc(bytes, 0x20) });
    const cases = [
      { route: '/v1/handoffs', limit: 256 * 1024, message: 'The body is larger than 256 KiB.' },
      { route: '/v1/ingress/botframework', limit: 256 * 1024, message: 'The body is larger than 256 KiB.' },
      { route: '/v1/ingress/rasa/demo-bot', limit: 1024 * 1024, message: 'The body is larger than 1 MiB.' },
      { route: `/v1/connectors/${randomUUID()}/events`, limit: 1024 * 1024, message: 'The body is larger than 1 MiB.' },
    ];
    for (const { route, limit, message } of cases) {
      // Refused by a hub that has not read it, a body could reach the client as a 502 (the hub
      // closes while nginx still sends): each try must be nginx's own 413.
      for (let i = 0; i < 3; i += 1) {
        const over = await post(route, limit + 1);
        expect(over.status, `${route}: ${over.text.slice(0, 200)}`).toBe(413);
        expect(over.headers['content-type']).toBe('application/json');
        expect(ErrorBody.parse(over.json).error).toEqual({ code: 'too_large', message });
      }
      const within = await post(route, limit);
      expect(within.status, `${route}: ${within.text.slice(0, 200)}`).not.toBe(413);
      expect(ErrorBody.safeParse(within.json).success, within.text.slice(0, 200)).toBe(true); // the hub's answer (the body is not a valid request)
    }
    const refused = (await nginx.requests()).filter((r) => r.status === 413);
    expect(refused).toHaveLength(cases.length * 3);
    expect(refused.every((r) => r.hubs.length === 0)).toBe(true);
  });
});

describeWithNginx('a hub behind nginx without --trust-proxy', () => {
  it("counts every client's failed sign-ins against nginx's address, so one client locks out all (why the hubs need --trust-proxy)", async () => {
    const t = await startTestHub({ rateLimits: { signIn: { maxFailures: 2 } } });
    const nginx = await startNginx([t.url]);
    try {
      const unknown = `${nginx.url}/v1/handoffs/${randomUUID()}`;
      for (let i = 0; i < 2; i += 1) expect((await send(unknown, { headers: bearer('not-a-key'), localAddress: '127.0.0.4' })).status).toBe(401);
      expect((await send(unknown, { headers: bearer(DEMO_KEY), localAddress: '127.0.0.5' })).status).toBe(429);
    } finally {
      await nginx.stop();
      await t.stop();
    }
  });
});

/** An HTTP server on a free loopback port that records each request's x-test-id and lets `answer` reply (or not). */
async function upstream(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    if (req.headers['x-test-id']) seen.push(`${req.method} ${String(req.headers['x-test-id'])}`);
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeWithNginx("nginx's retries", () => {
  it('send a GET on to the next hub when a hub fails it, but never a POST that a hub received', async () => {
    // One hub dies while it handles each request (the connection ends without an answer); the other answers.
    // (startNginx's own probe, without an id, is answered.)
    const dying = await upstream((req, res) => (req.headers['x-test-id'] ? req.socket.destroy() : res.end()));
    const healthy = await upstream((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    const nginx = await startNginx([dying.url, healthy.url]);
    try {
      const answers = new Map<string, number>();
      // Round robin: of two requests one reaches the dying hub first (before max_fails leaves it out).
      for (const method of ['POST', 'POST', 'GET', 'GET']) {
        const id = `${method} ${randomUUID()}`;
        const reply = await send(`${nginx.url}/v1/handoffs`, { method, headers: { ...json, 'x-test-id': id.split(' ')[1]! }, ...(method === 'POST' && { body: '{}' }) });
        answers.set(id, reply.status);
      }
      const died = dying.seen.filter((id) => id.startsWith('POST'));
      expect(died).toHaveLength(1);
      expect(dying.seen.filter((id) => id.startsWith('GET'))).toHaveLength(1);
      // The POST the dying hub received was not sent again: its bot gets a 502 and retries with its Idempotency-Key.
      expect(healthy.seen).not.toContain(died[0]);
      expect(answers.get(died[0]!)).toBe(502);
      // Every GET was answered, by the other hub when the first failed it.
      for (const [id, status] of answers) if (id.startsWith('GET')) expect(status).toBe(200);
      expect(healthy.seen.filter((id) => id.startsWith('GET'))).toHaveLength(2);
    } finally {
      await nginx.stop();
      await dying.close();
      await healthy.close();
    }
  });
});

describeWithNginx('two hubs behind nginx', () => {
  it("keeps a browser's long-polling session on the hub that opened it", async () => {
    const [a, b] = await Promise.all([startTestHub(), startTestHub()]);
    const nginx = await startNginx([a.url, b.url]);
    const client = connectTestHub({ url: nginx.url, token: 'demo-ana', socketOptions: { transports: ['polling'] } });
    try {
      // Every command is a long-polling POST with the session's id; any on the other hub would end it.
      await client.ready();
      for (let i = 0; i < 6; i += 1) expect((await client.setPresence(i % 2 === 0 ? 'away' : 'available')).ok).toBe(true);
      expect(client.state.status).toBe('connected');
      const polls = (await nginx.requests()).filter((r) => r.request.startsWith('POST /socket.io/'));
      expect(polls.length).toBeGreaterThanOrEqual(6);
      expect(new Set(polls.flatMap((r) => r.hubs)).size).toBe(1);
      // The API is not sticky: requests take turns between the hubs.
      for (let i = 0; i < 2; i += 1) expect((await send(`${nginx.url}/healthz`)).status).toBe(200);
      const health = (await nginx.requests()).filter((r) => r.request.startsWith('GET /healthz'));
      expect(new Set(health.slice(-2).flatMap((r) => r.hubs))).toEqual(new Set([hostOf(a.url), hostOf(b.url)]));
    } finally {
      client.close();
      await nginx.stop();
      await a.stop();
      await b.stop();
    }
  });

  // Two hubs share a database only on PostgreSQL (a PGlite folder is for one process).
  describe.runIf(process.env.BATON_TEST_STORE === 'postgres')('on one PostgreSQL database', () => {
    let t: TestHub;
    let nginx: TestNginx;
    let peerUrl: string;
    beforeAll(async () => {
      t = await startTestHub({ trustProxy: true });
      peerUrl = (await t.startPeer()).url;
      nginx = await startNginx([t.url, peerUrl]);
    });
    afterAll(async () => {
      await nginx?.stop();
      await t?.stop();
    });

    it('answers a read from either hub, and a retried POST with its Idempotency-Key makes one handoff', async () => {
      const headers = { ...json, ...bearer(DEMO_KEY), 'idempotency-key': `proxy-${randomUUID()}` };
      // nginx takes turns between the hubs, so these reach both.
      const posts = [];
      for (let i = 0; i < 4; i += 1) posts.push(await send(`${nginx.url}/v1/handoffs`, { method: 'POST', headers, body: JSON.stringify(PACKET) }));
      const ids = new Set(posts.map((post) => (post.json as { handoff: { id: string } }).handoff.id));
      expect(posts.map((post) => post.status)).toEqual([201, 200, 200, 200]);
      const reached = (await nginx.requests()).filter((r) => r.request.startsWith('POST /v1/handoffs ')).flatMap((r) => r.hubs);
      expect(new Set(reached)).toEqual(new Set([hostOf(t.url), hostOf(peerUrl)]));
      expect(ids.size).toBe(1);
      const [id] = ids;
      for (let i = 0; i < 4; i += 1) expect((await send(`${nginx.url}/v1/handoffs/${id}`, { headers: bearer(DEMO_KEY) })).status).toBe(200);
      expect((await send(`${nginx.url}/v1/handoffs/${id}/cancel`, { method: 'POST', headers: { ...json, ...bearer(DEMO_KEY) }, body: '{}' })).status).toBe(200);
    });

    it('offers a handoff a bot posted on one hub to an agent app connected to the other, and both hubs see it accepted', async () => {
      const ana = connectTestHub({ url: peerUrl, token: 'demo-ana', socketOptions: { transports: ['websocket'] } });
      const lee = connectTestHub({ url: t.url, token: 'demo-lee', socketOptions: { transports: ['websocket'] } });
      try {
        await Promise.all([ana.ready(), lee.ready()]);
        const offered = ana.waitFor('handoff:offered', undefined, 5_000);
        const created = await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: { ...json, ...bearer(DEMO_KEY) }, body: JSON.stringify(PACKET) });
        expect(created.status, created.text).toBe(201);
        const id = (created.json as { handoff: { id: string } }).handoff.id;
        expect((await offered).handoff.id).toBe(id);
        // The lead, on the first hub, hears of the acceptance made on the second.
        const accepted = lee.waitFor('handoff:changed', (event) => event.handoff.id === id && event.handoff.status === 'accepted', 5_000);
        expect((await ana.accept(id)).ok).toBe(true);
        await accepted;
        expect((await ana.resolve(id)).ok).toBe(true);
      } finally {
        ana.close();
        lee.close();
      }
    });

    it('passes over a stopped hub: a POST no hub received is sent to the other, once', async () => {
      const stopped = hostOf(t.url);
      await t.stopHub();
      const before = (await nginx.requests()).length;
      const created: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const post = await send(`${nginx.url}/v1/handoffs`, { method: 'POST', headers: { ...json, ...bearer(DEMO_KEY), 'idempotency-key': `down-${randomUUID()}` }, body: JSON.stringify(PACKET) });
        expect(post.status, post.text).toBe(201);
        created.push((post.json as { handoff: { id: string } }).handoff.id);
      }
      expect(new Set(created).size).toBe(4);
      // The stopped hub refused the connection (nothing was sent), so nginx tried the other hub;
      // after max_fails it leaves the stopped hub out altogether.
      const posts = (await nginx.requests()).slice(before).filter((r) => r.request.startsWith('POST /v1/handoffs '));
      expect(posts.map((r) => r.hubs.at(-1))).toEqual(Array(4).fill(hostOf(peerUrl)));
      expect(posts.some((r) => r.hubs[0] === stopped)).toBe(true);
      for (const id of created) {
        expect((await send(`${nginx.url}/v1/handoffs/${id}/cancel`, { method: 'POST', headers: { ...json, ...bearer(DEMO_KEY) }, body: '{}' })).status).toBe(200);
      }
    });
  });
});
