// What a black-box test of the hub sends, over real HTTP and real sockets: bodies and payloads nested
// far deeper than anything legitimate, thousands of bad fields, paths hundreds of kilobytes long,
// U+0000 in path parameters, a Bot Framework `value` nested 20,000 deep, commands with arguments after
// their payload and text of astral characters. Every answer is a 4xx (or invalid_command) of bounded
// size; a stranger's body is refused before it is read; nothing is logged at error level; and the
// query string of a failed request never reaches the log.
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../hub/log.ts';
import { AGENTS_NAMESPACE, ErrorBody, MAX_ISSUES, MAX_ISSUE_MESSAGE, MAX_ISSUE_PATH, MAX_JSON_DEPTH, ackSchema } from '../../shared/protocol/index.ts';
import { DEMO_KEY, startTestHub, type TestHub } from '../support/hub.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';
import { send, type RawReply } from '../support/property.ts';

/** The reproduction's body: `count` strings holding U+0000, `depth` arrays deep under `x`. */
const nested = (depth: number, count: number, key = 'x') => `{"${key}":${'['.repeat(depth)}${Array(count).fill('"\\u0000"').join(',')}${']'.repeat(depth)}}`;
const json = { 'content-type': 'application/json' };
const withKey = { ...json, authorization: `Bearer ${DEMO_KEY}` };

/** A 4xx in the protocol's shape whose issues respect the bounds; returns the error. */
function bounded(reply: RawReply, status: number, code: string) {
  expect(reply.status, reply.text.slice(0, 300)).toBe(status);
  const { error } = ErrorBody.parse(reply.json);
  expect(error.code).toBe(code);
  expect(error.issues?.length ?? 0).toBeLessThanOrEqual(MAX_ISSUES);
  for (const issue of error.issues ?? []) {
    expect(issue.path.length).toBeLessThanOrEqual(MAX_ISSUE_PATH);
    expect(issue.message.length).toBeLessThanOrEqual(MAX_ISSUE_MESSAGE);
  }
  return error;
}

describe('hostile input', () => {
  let t: TestHub;
  const logs: Array<{ level: number; msg: string; [key: string]: unknown }> = [];
  let ana: Socket;

  beforeAll(async () => {
    t = await startTestHub({
      log: createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line)) }),
      rateLimits: { ingress: { max: 0 }, signIn: { maxFailures: 1_000 } },
    });
    ana = io(`${t.url}${AGENTS_NAMESPACE}`, { auth: { token: 'demo-ana' }, transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise((resolve, reject) => {
      ana.once('connect', () => resolve(undefined));
      ana.once('connect_error', reject);
    });
  });
  afterAll(async () => {
    ana?.close();
    await t?.stop();
    expect(logs.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
  });

  describe('over HTTP', () => {
    it('refuses a body without a valid key before reading it: 401, a few hundred bytes, whatever the body', async () => {
      const body = nested(130_000, 100);
      expect(body.length).toBeGreaterThan(255_000);
      for (const headers of [json, { ...json, authorization: 'Bearer not-a-key' }]) {
        for (const path of ['/v1/handoffs', '/v1/ingress/botframework', '/v1/handoffs/some-id/cancel', '/v1/stats/conversations']) {
          const reply = await send(`${t.url}${path}`, { method: 'POST', headers, body });
          expect(bounded(reply, 401, 'unauthorized').issues, path).toBeUndefined();
          expect(reply.text.length).toBeLessThan(500);
        }
      }
    });

    it(`refuses a body nested deeper than ${MAX_JSON_DEPTH} levels with one short issue, before looking inside it`, async () => {
      for (const body of [nested(130_000, 100), nested(MAX_JSON_DEPTH, 1), `[${'{"a":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}]`]) {
        const reply = await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: withKey, body });
        const error = bounded(reply, 400, 'invalid_packet');
        expect(error.issues).toEqual([{ path: '', message: `nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep` }]);
        expect(reply.text.length).toBeLessThan(500);
      }
      // Brackets inside strings are text, not nesting.
      const summary = '['.repeat(10_000);
      expect((await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: withKey, body: JSON.stringify({ ...VALID_BASE_PACKET, summary }) })).status).toBe(201);
    });

    it(`names at most ${MAX_ISSUES} issues and says how many more there were`, async () => {
      // Deep (but allowed) text the store cannot keep.
      const unstorable = bounded(await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: withKey, body: nested(MAX_JSON_DEPTH - 1, 300) }), 400, 'invalid_packet');
      expect(unstorable.issues).toHaveLength(MAX_ISSUES);
      expect(unstorable.moreIssues).toBe(300 - MAX_ISSUES);
      expect(unstorable.message).toContain(`and ${300 - MAX_ISSUES} more`);
      // Thousands of unknown fields, one of them with a name 100,000 characters long.
      const fields = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`field${i}`, i]));
      const many = await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: withKey, body: JSON.stringify({ ...VALID_BASE_PACKET, [`k${'y'.repeat(100_000)}`]: 1, ...fields }) });
      const error = bounded(many, 400, 'invalid_packet');
      expect(error.issues).toHaveLength(MAX_ISSUES);
      expect(error.moreIssues).toBe(2_001 - MAX_ISSUES);
      expect(error.issues![0]!.path).toMatch(/^kyyy+…y+$/);
      expect(many.text.length).toBeLessThan(2 * MAX_ISSUES * (MAX_ISSUE_PATH + MAX_ISSUE_MESSAGE));
      // The same bounds on routes that answer invalid_request.
      const count = await send(`${t.url}/v1/stats/conversations`, { method: 'POST', headers: withKey, body: JSON.stringify({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', count: 1, ...fields }) });
      expect(bounded(count, 400, 'invalid_request').moreIssues).toBe(2_000 - MAX_ISSUES);
    });

    it('answers a Bot Framework value nested 20,000 deep with a 400, not a 500', async () => {
      const depth = 20_000;
      const body = `{"type":"event","name":"handoff.initiate","conversation":{"id":"c1"},"value":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      const reply = await send(`${t.url}/v1/ingress/botframework`, { method: 'POST', headers: withKey, body });
      bounded(reply, 400, 'invalid_packet');
      // Deep, but within the bound: it travels as metadata like any other variable.
      const fine = `{"type":"event","name":"handoff.initiate","conversation":{"id":"c1"},"value":{"deep":${'['.repeat(20)}${']'.repeat(20)}}}`;
      expect((await send(`${t.url}/v1/ingress/botframework`, { method: 'POST', headers: withKey, body: fine })).status).toBe(201);
    });

    it('answers U+0000 in a path parameter with 400 invalid_request, with or without credentials', async () => {
      const cases: Array<[string, string, Record<string, string>]> = [
        ['POST', '/v1/connectors/%00/events', json],
        ['GET', '/v1/handoffs/%00', withKey],
        ['POST', '/v1/handoffs/a%00b/cancel', withKey],
        ['GET', '/v1/handoffs/%00', {}],
        ['GET', '/v1/teams/%00/metrics?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', { authorization: 'Bearer demo-lee' }],
        ['GET', '/v1/teams/%00/metrics.csv?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', { authorization: 'Bearer demo-lee' }],
      ];
      for (const [method, path, headers] of cases) {
        const reply = await send(`${t.url}${path}`, { method, headers, ...(method === 'POST' && { body: '{}' }) });
        const error = bounded(reply, 400, 'invalid_request');
        expect(error.issues?.[0]?.message, path).toContain('U+0000');
      }
    });

    it('keeps the query string of a failed request out of the log', async () => {
      const { service } = t.hub;
      const original = service.handoffWithEvents.bind(service);
      service.handoffWithEvents = async () => {
        throw new Error('the store went away');
      };
      try {
        const reply = await send(`${t.url}/v1/handoffs/h1?access_token=QUERY-SECRET-1&x=2`, { headers: { authorization: `Bearer ${DEMO_KEY}` } });
        expect(reply.status).toBe(500);
      } finally {
        service.handoffWithEvents = original;
      }
      const failure = logs.find((l) => l.msg === 'request failed');
      expect(failure).toMatchObject({ url: '/v1/handoffs/h1', method: 'GET' });
      expect(JSON.stringify(logs)).not.toContain('QUERY-SECRET-1');
      logs.splice(logs.indexOf(failure!), 1); // the one error-level line this file means to cause
    });
  });

  describe('over the socket', () => {
    it(`refuses a payload nested deeper than ${MAX_JSON_DEPTH} levels with a short invalid_command`, async () => {
      // Deep enough to be refused, shallow enough for socket.io-client's own recursion.
      const payload = JSON.parse(nested(3_000, 100)) as unknown;
      const sent = await ana.timeout(10_000).emitWithAck('presence:set', payload);
      expect(sent).toEqual({
        ok: false,
        error: { code: 'invalid_command', message: `Invalid presence:set: the payload nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`, issues: [{ path: '', message: `nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep` }] },
      });
    });

    it(`names at most ${MAX_ISSUES} issues and says how many more there were`, async () => {
      const payload = JSON.parse(nested(MAX_JSON_DEPTH - 1, 300)) as unknown;
      const ack = ackSchema('presence:set').parse(await ana.timeout(10_000).emitWithAck('presence:set', payload));
      expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_command', moreIssues: 300 - MAX_ISSUES } });
      if (ack.ok) return;
      expect(ack.error.issues).toHaveLength(MAX_ISSUES);
      expect(JSON.stringify(ack).length).toBeLessThan(2 * MAX_ISSUES * (MAX_ISSUE_PATH + MAX_ISSUE_MESSAGE));
      const fields = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`field${i}`, i]));
      const many = ackSchema('presence:set').parse(await ana.timeout(10_000).emitWithAck('presence:set', { opId: crypto.randomUUID(), status: 'away', ...fields }));
      expect(many).toMatchObject({ ok: false, error: { code: 'invalid_command', moreIssues: 1_000 - MAX_ISSUES } });
    });

    it('answers a command with arguments after its payload invalid_command, and does nothing', async () => {
      const extra = await ana.timeout(10_000).emitWithAck('presence:set', { opId: crypto.randomUUID(), status: 'away' }, 'extra', { more: 1 });
      expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_command', issues: [{ path: '', message: 'extra arguments after the payload' }] } });
      const { rows } = await t.hub.db.query<{ presence: string }>(`select presence from agents where id = 'demo-ana'`);
      expect(rows[0]!.presence).toBe('available');
    });

    it('counts text limits in UTF-16 code units, as the protocol says', async () => {
      const reason = '😀'.repeat(101); // 101 characters, 202 UTF-16 units; the limit is 200
      const decline = await ana.timeout(10_000).emitWithAck('handoff:decline', { opId: crypto.randomUUID(), handoffId: 'h1', reason });
      expect(decline).toMatchObject({ ok: false, error: { code: 'invalid_command', issues: [{ path: 'reason' }] } });
      const summary = '😀'.repeat(10_001); // 20,002 units; the limit is 20,000
      const over = await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: withKey, body: JSON.stringify({ summary, trigger: { reason: 'other' } }) });
      expect(bounded(over, 400, 'invalid_packet').issues).toEqual([{ path: 'summary', message: 'Too big: expected string to have <=20000 characters' }]);
      const at = await send(`${t.url}/v1/handoffs`, { method: 'POST', headers: withKey, body: JSON.stringify({ summary: '😀'.repeat(10_000), trigger: { reason: 'other' } }) });
      expect(at.status).toBe(201);
    });
  });
});
