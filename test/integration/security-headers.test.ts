// Security headers on every HTTP answer (API, errors, the console, socket.io's own answers), and
// the CORS policy: browsers on other origins are refused unless their origin is configured, while
// the desktop's console (app://baton, WebSocket) keeps signing in.
import { request } from 'node:http';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_HEADERS } from '../../hub/http/console.ts';
import { AGENTS_NAMESPACE, SessionEvent } from '../../shared/protocol/index.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';
import { send, type RawReply } from '../support/property.ts';

const ALLOWED = 'https://console.example.com';
const UNLISTED = 'https://evil.example.net';

/** What every answer carries, the console's pages included. */
const EVERY_RESPONSE = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};
const API_CSP = "default-src 'none';frame-ancestors 'none'";

function expectSecured(reply: RawReply, what: string, csp = API_CSP): void {
  expect(reply.headers, what).toMatchObject({ ...EVERY_RESPONSE, 'content-security-policy': csp });
  // The hub speaks plain HTTP: HSTS is for the TLS proxy in front of it to set.
  expect(reply.headers['strict-transport-security'], what).toBeUndefined();
  expect(reply.headers['x-powered-by'], what).toBeUndefined();
}

describe('a hub with no CORS origins configured (the default)', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t?.stop());

  it('puts the security headers on API answers: success, validation error, unauthorized, not found and a preflight', async () => {
    const key = { authorization: 'Bearer demo-integration-key', 'content-type': 'application/json' };
    const answers: Array<[string, RawReply]> = [
      ['GET /healthz', await send(`${t.url}/healthz`)],
      ['POST /v1/handoffs 201', await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: key, body: JSON.stringify(VALID_BASE_PACKET) })],
      ['POST /v1/handoffs 400', await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: key, body: '{"summary":' })],
      ['POST /v1/handoffs 401', await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })],
      ['GET /nowhere 404', await send(`${t.url}/nowhere`)],
      ['OPTIONS /v1/handoffs', await send(`${t.url}/v1/handoffs`, { method: 'OPTIONS', headers: { origin: UNLISTED, 'access-control-request-method': 'POST' } })],
    ];
    expect(answers.map(([what, r]) => `${what}: ${r.status}`)).toEqual(
      ['GET /healthz: 200', 'POST /v1/handoffs 201: 201', 'POST /v1/handoffs 400: 400', 'POST /v1/handoffs 401: 401', 'GET /nowhere 404: 404', expect.stringMatching(/^OPTIONS \/v1\/handoffs: (204|404)$/)],
    );
    for (const [what, reply] of answers) expectSecured(reply, what);
  });

  it('serves the console under its own strict CSP, with the same headers besides', async () => {
    const page = await send(`${t.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers).toMatchObject(CONSOLE_HEADERS);
    expectSecured(page, 'GET /', CONSOLE_HEADERS['content-security-policy']);
    expect(CONSOLE_HEADERS['content-security-policy']).toContain("script-src 'self'");
    expect(CONSOLE_HEADERS['content-security-policy']).toContain("frame-ancestors 'none'");
    // Its script files too, when the console is built.
    const script = /src="\.?\/?(assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    if (script) expectSecured(await send(`${t.url}/${script}`), script, CONSOLE_HEADERS['content-security-policy']);
  });

  it('gives a browser on another origin no Access-Control-Allow-Origin, on the API or on socket.io long-polling', async () => {
    const api = await send(`${t.url}/healthz`, { headers: { origin: ALLOWED } });
    expect(api.status).toBe(200);
    expect(api.headers['access-control-allow-origin']).toBeUndefined();

    const polling = await send(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: ALLOWED } });
    expect(polling.status).toBe(200); // socket.io answers; the browser would not let the page read it
    expect(polling.headers['access-control-allow-origin']).toBeUndefined();
    expect(polling.headers).toMatchObject(EVERY_RESPONSE);
  });

  it('answers the desktop console at app://baton across origins, so it can sign in through the provider and renew its session', async () => {
    const preflight = await send(`${t.url}/v1/session/refresh`, {
      method: 'OPTIONS',
      headers: { origin: 'app://baton', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBe('app://baton');
    const options = await send(`${t.url}/v1/sign-in/options`, { headers: { origin: 'app://baton' } });
    expect(options.status).toBe(200);
    expect(options.headers['access-control-allow-origin']).toBe('app://baton');
    expect(options.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('lets the desktop console at app://baton sign in over WebSocket: the upgrade is not refused for its origin', async () => {
    // The WebSocket handshake as Chromium sends it from app://baton.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.url}/socket.io/?EIO=4&transport=websocket`, {
        headers: { connection: 'Upgrade', upgrade: 'websocket', origin: 'app://baton', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(101);

    // And the whole sign-in, as the desktop's client does it.
    const socket = io(`${t.url}${AGENTS_NAMESPACE}`, { auth: { token: 'demo-ana' }, transports: ['websocket'], extraHeaders: { origin: 'app://baton' }, forceNew: true, reconnection: false });
    try {
      const session = await new Promise<unknown>((resolve, reject) => {
        socket.once('session', resolve);
        socket.once('connect_error', reject);
      });
      expect(SessionEvent.parse(session).agent.id).toBe('demo-ana');
    } finally {
      socket.close();
    }
  });
});

describe(`a hub with --cors-origin ${ALLOWED}`, () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ corsOrigins: [ALLOWED] });
  });
  afterAll(() => t?.stop());

  it('answers the listed origin with its own origin in Access-Control-Allow-Origin, and no credentials mode', async () => {
    const created = await send(`${t.url}/v1/handoffs`, {
      method: 'POST',
      headers: { origin: ALLOWED, authorization: 'Bearer demo-integration-key', 'content-type': 'application/json' },
      body: JSON.stringify(VALID_BASE_PACKET),
    });
    expect(created.status).toBe(201);
    expect(created.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(created.headers.vary).toMatch(/origin/i);
    expect(created.headers['access-control-allow-credentials']).toBeUndefined();
    expectSecured(created, 'POST /v1/handoffs from the listed origin');
  });

  it('answers the listed origin’s preflight with the methods and headers the API takes', async () => {
    const preflight = await send(`${t.url}/v1/handoffs`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(preflight.headers['access-control-allow-methods']).split(/,\s*/)).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(String(preflight.headers['access-control-allow-headers']).split(/,\s*/)).toEqual(['authorization', 'content-type', 'idempotency-key']);
  });

  it('still refuses an unlisted origin: no Access-Control-Allow-Origin on answers, preflights or socket.io long-polling', async () => {
    const api = await send(`${t.url}/healthz`, { headers: { origin: UNLISTED } });
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await send(`${t.url}/v1/handoffs`, { method: 'OPTIONS', headers: { origin: UNLISTED, 'access-control-request-method': 'POST' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const polling = await send(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: UNLISTED } });
    expect(polling.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets the listed origin use socket.io long-polling', async () => {
    const polling = await send(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: ALLOWED } });
    expect(polling.status).toBe(200);
    expect(polling.headers['access-control-allow-origin']).toBe(ALLOWED);
  });
});
