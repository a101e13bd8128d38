// The credentials a hub holds (integration keys, signing secrets, agent and lead tokens, a
// connector's token) and the wrong ones people try: none of them ever reaches the hub's log, even
// at trace level, through sign-ins that succeed and fail, a lockout, ingress with a wrong key,
// webhook deliveries that fail and succeed, a callback URL with a password in it, and a connector's
// requests and incoming events. The store keeps keys and tokens only as hashes; the two secrets it
// must use (signing secrets, connector tokens) only where they are configured.
import { createHash, createHmac } from 'node:crypto';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createIntegration, setCallbackUrl } from '../../hub/admin/accounts.ts';
import { createLogger } from '../../hub/log.ts';
import { setConnector } from '../../hub/product/connectors/config.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { AGENTS_NAMESPACE } from '../../shared/protocol/index.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startReceiver, type HttpReceiver } from '../support/http-receiver.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';
import { send } from '../support/property.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const CONNECTOR_TOKEN = 'whsec_CONNECTOR-secret-7c1d9e4b2a';
const CALLBACK_PASSWORD = 'CALLBACK-password-3e8f2a';
const WRONG_TOKEN_SUFFIX = 'TYPO9';
const WRONG_KEY = 'key_WRONG-guess-5b7d1c9e';

describe('secrets in logs and in the store', () => {
  let t: TestHub;
  let bots: HttpReceiver;
  let tools: HttpReceiver;
  const logs: string[] = [];
  let waiters: Array<() => boolean> = [];
  let bot: { key: string; signingSecret: string };
  let passwordBot: { key: string; signingSecret: string };
  let sam: { id: string; token: string };
  let lou: { id: string; token: string };
  let connectorId: string;
  let samApp: TestHubClient;
  /** Baton-Signature values that went over the wire: derived from secrets, so not for logs either. */
  const signatures: string[] = [];

  /** Resolves once a log line matching `test` has been written. */
  function logLine(test: (line: string) => boolean): Promise<string> {
    return new Promise((resolve) => {
      const check = () => {
        const line = logs.find(test);
        if (line) resolve(line);
        return line !== undefined;
      };
      if (!check()) waiters.push(check);
    });
  }

  beforeAll(async () => {
    bots = await startReceiver();
    // The first webhook fails: the retry path is logged too.
    bots.respond = (_r, index) => ({ status: index === 0 ? 500 : 204 });
    tools = await startReceiver();
    tools.respond = () => ({ status: 200, body: { externalId: 'FB-1', url: 'https://feedback.example.com/1' } });
    t = await startTestHub({
      log: createLogger('trace', {
        write: (line: string) => {
          logs.push(line);
          waiters = waiters.filter((check) => !check());
        },
      }),
      webhooks: { baseDelayMs: 10, maxDelayMs: 50 },
      connectors: { baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 3 },
      rateLimits: { signIn: { maxFailures: 3 } },
    });
    const db = t.hub.db;
    bot = await createIntegration(db, { name: 'secret-bot', callbackUrl: `${bots.url}/hook` });
    // fetch refuses a URL with a user name and password, and names the URL in its error. The hub
    // no longer takes such a URL (createIntegration refuses it), but one stored before may remain.
    passwordBot = await createIntegration(db, { name: 'password-bot' });
    const passwordUrl = `${bots.url.replace('://', `://baton:${CALLBACK_PASSWORD}@`)}/hook`;
    await db.query(`update integrations set callback_url = $1 where name = 'password-bot'`, [passwordUrl]);
    await expect(setCallbackUrl(db, 'password-bot', passwordUrl)).rejects.toThrow(/--callback-url must not contain a user name or password/);
    sam = await createAgent(db, { name: 'Sam', team: 'support', skills: ['secret-skill'], capacity: 5 });
    lou = await createAgent(db, { name: 'Lou', role: 'lead', team: 'support' });
    connectorId = (await setConnector(db, { team: 'support', kind: 'webhook', url: `${tools.url}/product`, token: CONNECTOR_TOKEN })).id;
    samApp = await t.signIn(sam.token);
  });
  afterAll(async () => {
    await t?.stop();
    await bots?.close();
    await tools?.close();
  });

  const secrets = () => ({
    'integration key': bot.key,
    'signing secret': bot.signingSecret,
    "password-bot's key": passwordBot.key,
    "password-bot's signing secret": passwordBot.signingSecret,
    "callback URL's password": CALLBACK_PASSWORD,
    "agent's token": sam.token,
    "lead's token": lou.token,
    "connector's token": CONNECTOR_TOKEN,
    'a wrong token': `${sam.token}${WRONG_TOKEN_SUFFIX}`,
    'a wrong key': WRONG_KEY,
  });

  function handshake(token: string, from?: string): Promise<string> {
    const options = { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false, ...(from && { localAddress: from }) };
    const socket = io(`${t.url}${AGENTS_NAMESPACE}`, options);
    return new Promise((resolve) => {
      socket.once('connect', () => (socket.close(), resolve('connected')));
      socket.once('connect_error', (error) => (socket.close(), resolve(error.message)));
    });
  }

  it('signs people in and out, refuses wrong credentials and locks out a guesser, without logging any of them', async () => {
    expect(await handshake(lou.token)).toBe('connected');
    // Near misses of real credentials, from another address until it is locked out.
    const guesser = '127.0.0.2';
    expect(await handshake(`${sam.token}${WRONG_TOKEN_SUFFIX}`, guesser)).toBe('unauthorized');
    const metrics = (token: string, from?: string) =>
      send(`${t.url}/v1/teams/support/metrics?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z`, { headers: { authorization: `Bearer ${token}` }, ...(from && { localAddress: from }) });
    expect((await metrics(`${lou.token}${WRONG_TOKEN_SUFFIX}`, guesser)).status).toBe(401);
    const lockout = logLine((line) => line.includes('failed sign-ins'));
    expect((await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: { authorization: `Bearer ${WRONG_KEY}`, 'content-type': 'application/json' }, body: '{}', localAddress: guesser })).status).toBe(401);
    expect(await lockout).toContain('127.0.0.2');
    expect(await handshake(sam.token, guesser)).toBe('rate_limited');
    expect((await metrics(lou.token)).status).toBe(200);
  });

  it('takes a handoff, delivers its webhooks (after a failure) signed, and routes it to a connector, without logging a secret', async () => {
    const offered = samApp.waitFor('handoff:offered', (o) => o.handoff.packet.summary === 'secret-handling');
    const created = await send(`${t.url}/v1/handoffs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bot.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...VALID_BASE_PACKET, summary: 'secret-handling', skills: ['secret-skill'] }),
    });
    expect(created.status).toBe(201);
    const { handoff } = await offered;
    expect(await samApp.accept(handoff.id)).toMatchObject({ ok: true });
    expect(await samApp.routeToProduct(handoff.id, { kind: 'bug_report', title: 'Export drops the last row', details: 'Every CSV export.' })).toMatchObject({ ok: true });

    // Webhooks: offered (refused once, then delivered), accepted, routed to product.
    const delivered = await bots.waitFor(4, (r) => r.path === '/hook');
    for (const r of delivered) signatures.push(String(r.headers['baton-signature']));
    await logLine((line) => line.includes('webhook delivery failed'));
    // The connector's request, signed with its token.
    const [request] = await tools.waitFor(1, (r) => r.path === '/product');
    signatures.push(String(request!.headers['baton-signature']));
    await logLine((line) => line.includes('connector request delivered'));

    // The tool reports a status change, signed; and someone tries a forged one.
    const itemId = (await t.hub.db.query<{ id: string }>('select id from product_items')).rows[0]!.id;
    const body = JSON.stringify({ productItemId: itemId, status: 'planned', note: 'On the roadmap' });
    const at = Math.floor(Date.now() / 1000);
    const signature = `t=${at},v1=${createHmac('sha256', CONNECTOR_TOKEN).update(`${at}.${body}`).digest('hex')}`;
    signatures.push(signature);
    const event = (baton: string) => send(`${t.url}/v1/connectors/${connectorId}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'baton-signature': baton }, body });
    expect((await event(signature)).status).toBe(200);
    // One hex digit changed (to another: a digit that was already 0 would leave it valid one time in 16).
    expect((await event(signature.replace(/v1=(.)/, (_, digit: string) => `v1=${digit === '0' ? '1' : '0'}`))).status).toBe(401);
  });

  it('a callback URL with a password fails to deliver, and neither the log nor the stored error shows the password', async () => {
    const created = await send(`${t.url}/v1/handoffs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${passwordBot.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...VALID_BASE_PACKET, summary: 'password in the callback URL' }),
    });
    expect(created.status).toBe(201);
    const id = (created.json as { handoff: { id: string } }).handoff.id;
    const failure = await logLine((line) => line.includes('webhook delivery failed') && line.includes(id));
    expect(failure).toContain('[redacted]');
    const { rows } = await t.hub.db.query<{ last_error: string }>('select last_error from webhook_outbox where handoff_id = $1 and last_error is not null', [id]);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.last_error).not.toContain(CALLBACK_PASSWORD);
  });

  it('wrote none of the credentials, right or wrong, nor a signature, to the log', () => {
    const everything = logs.join('\n');
    // The log really covers what happened above.
    for (const message of ['handoff received', 'webhook delivered', 'webhook delivery failed', 'connector request delivered', 'connector event', 'failed sign-ins']) {
      expect(everything, message).toContain(message);
    }
    for (const [what, secret] of Object.entries(secrets())) expect(everything.includes(secret), `${what} in the log`).toBe(false);
    for (const signature of signatures) expect(everything.includes(signature.split('v1=')[1]!), `signature ${signature} in the log`).toBe(false);
  });

  it('stores keys and tokens only as their SHA-256, and the usable secrets only where they are configured', async () => {
    const db = t.hub.db;
    const { rows: agents } = await db.query<{ id: string; token_hash: string }>('select id, token_hash from agents');
    for (const agent of agents) expect(agent.token_hash, agent.id).toMatch(/^[0-9a-f]{64}$/);
    expect(agents.find((a) => a.id === sam.id)?.token_hash).toBe(sha256(sam.token));
    expect(agents.find((a) => a.id === lou.id)?.token_hash).toBe(sha256(lou.token));
    const { rows: integrations } = await db.query<{ name: string; key_hash: string }>('select name, key_hash from integrations');
    for (const integration of integrations) expect(integration.key_hash, integration.name).toMatch(/^[0-9a-f]{64}$/);
    expect(integrations.find((i) => i.name === 'secret-bot')?.key_hash).toBe(sha256(bot.key));

    // Every row of every table: where each secret appears, if anywhere.
    const { rows: tables } = await db.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
    expect(tables.length).toBeGreaterThan(5);
    const found = new Map<string, string[]>();
    for (const { table_name: table } of tables) {
      const { rows } = await db.query<Record<string, unknown>>(`select * from "${table}"`);
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
          for (const [what, secret] of Object.entries(secrets())) {
            if (text.includes(secret)) found.set(what, [...(found.get(what) ?? []), `${table}.${column}`]);
          }
        }
      }
    }
    expect(Object.fromEntries(found)).toEqual({
      // Kept because every webhook is signed with it, and a connector's token is sent to its tool.
      'signing secret': ['integrations.signing_secret'],
      "password-bot's signing secret": ['integrations.signing_secret'],
      "connector's token": ['product_connectors.credentials'],
      // The callback URL as configured; nothing derived from it (its delivery errors) keeps it.
      "callback URL's password": ['integrations.callback_url'],
    });
  });
});
