// Every route's path parameters and every date field, under hostile values, over real HTTP and the
// socket: U+0000, lone surrogates, long and odd ids in each `:param` of every route the hub declares,
// and date-times from year 0000 to past 9999 with any offset in every period a client sends
// (metrics as JSON and CSV, `team:metrics`, conversation counts). Whatever arrives, the answer is a
// 2xx or a 4xx in the protocol's error shape (a socket ack other than `internal`), never a 5xx, and
// nothing is logged at error level; a period the store can hold is answered.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../hub/log.ts';
import { setConnector } from '../../hub/product/connectors/config.ts';
import { AGENTS_NAMESPACE, MAX_CONVERSATION_PERIOD_DAYS, MAX_METRICS_PERIOD_DAYS, ackSchema } from '../../shared/protocol/index.ts';
import { DEMO_KEY, startTestHub, type TestHub } from '../support/hub.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';
import { expectClientError, hostileString, runParameters, send } from '../support/property.ts';

// --- every route with path parameters, as the hub's sources declare them ---------------------

type Credential = 'integration' | 'lead' | 'none';
/** Each route with a `:param`, with the credential it takes. A route added without an entry here fails the first test. */
const PARAM_ROUTES: Record<string, Credential> = {
  'GET /v1/handoffs/:id': 'integration',
  'POST /v1/handoffs/:id/cancel': 'integration',
  'GET /v1/teams/:team/metrics': 'lead',
  'GET /v1/teams/:team/metrics.csv': 'lead',
  'POST /v1/connectors/:connectorId/events': 'none',
  'POST /v1/ingress/:platform/:integration': 'none',
};

function declaredRoutes(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...declaredRoutes(path));
    else if (entry.name.endsWith('.ts')) {
      for (const m of readFileSync(path, 'utf8').matchAll(/\.(get|post|put|patch|delete)(?:<[^>]*>)?\(\s*['`](\/[^'`]*)['`]/g)) found.push(`${m[1]!.toUpperCase()} ${m[2]}`);
    }
  }
  return found;
}

/** A path parameter as a client could send it, percent-encoded byte by byte (a lone surrogate as the bytes a careless encoder writes). */
function encodeParam(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
    else out += encodeURIComponent(char);
  }
  return out;
}

// --- dates -----------------------------------------------------------------------------------

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** ISO 8601 date-times with an offset, from year 0000 to 9999 in local time, and the odd extended-year form. */
const dateTime: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        year: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 9998, max: 9999 }), fc.integer({ min: 0, max: 9999 })),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
        hour: fc.integer({ min: 0, max: 23 }),
        offset: fc.constantFrom('Z', '+00:00', '+01:00', '-05:00', '+14:00', '-12:00'),
      })
      .map(({ year, month, day, hour, offset }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:00:00${offset}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('0000-01-01T00:00:00Z', '0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59-05:00', '+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '0000-00-00T00:00:00Z') },
  { weight: 1, arbitrary: hostileString.filter((v) => encodeParam(v).length < 4_000) },
);

const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const DAY = 86_400_000;
/** Whether [from, to) is a period the hub must answer: both instants in years 0001–9999 UTC, `to` after `from`, at most `maxDays` later. */
function storable(from: string, to: string, maxDays: number): boolean {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  if (!iso.test(from) || !iso.test(to)) return false;
  const [a, b] = [Date.parse(from), Date.parse(to)];
  return a >= EARLIEST && b <= LATEST && b > a && b - a <= maxDays * DAY;
}

// --- cases -----------------------------------------------------------------------------------

type Case =
  | { kind: 'param'; route: string; value: string; real: boolean; withCredential: boolean }
  | { kind: 'metrics'; csv: boolean; from: string; to: string }
  | { kind: 'socketMetrics'; from: string; to: string }
  | { kind: 'conversations'; from: string; to: string };

const period = fc.oneof(
  fc.record({ from: dateTime, to: dateTime }),
  // Mostly short periods, so many are valid.
  fc.tuple(dateTime, fc.integer({ min: 1, max: 40 * 24 })).map(([from, hours]) => {
    const start = Date.parse(from);
    return { from, to: Number.isNaN(start) ? from : new Date(start + hours * 3_600_000).toISOString() };
  }),
);

const cases: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('param' as const),
      route: fc.constantFrom(...Object.keys(PARAM_ROUTES)),
      // Up to what fits in a request line: Node closes the connection on a longer one, before the hub sees it.
      value: fc.oneof(hostileString, fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '..', '%', '%00', 'x'.repeat(5_000), ' ')).filter((v) => encodeParam(v).length < 8_000),
      real: fc.boolean(),
      withCredential: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.tuple(period, fc.boolean()).map(([p, csv]): Case => ({ kind: 'metrics', csv, ...p })) },
  { weight: 2, arbitrary: period.map((p): Case => ({ kind: 'socketMetrics', ...p })) },
  { weight: 2, arbitrary: period.map((p): Case => ({ kind: 'conversations', ...p })) },
);

// --- the property ----------------------------------------------------------------------------

describe('path parameters and date fields under hostile values', () => {
  let t: TestHub;
  let lee: Socket;
  const errors: string[] = [];
  const real: Record<string, string> = { id: '', team: 'support', connectorId: '' };

  beforeAll(async () => {
    t = await startTestHub({
      rateLimits: { ingress: { max: 0 }, signIn: { maxFailures: 0 } },
      log: createLogger('warn', { write: (line: string) => void ((JSON.parse(line) as { level: number }).level >= 50 && errors.push(line)) }),
    });
    real.id = (await t.request('POST', '/v1/handoffs', { body: VALID_BASE_PACKET })).body.handoff.id;
    real.connectorId = (await setConnector(t.hub.db, { team: 'support', kind: 'webhook', url: 'http://127.0.0.1:9/never', token: 'route-property-secret' })).id;
    lee = io(`${t.url}${AGENTS_NAMESPACE}`, { auth: { token: 'demo-lee' }, transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise((resolve, reject) => {
      lee.once('connect', () => resolve(undefined));
      lee.once('connect_error', reject);
    });
  });
  afterAll(async () => {
    lee?.close();
    await t?.stop();
  });

  it('lists every route with a path parameter the hub declares', () => {
    const declared = declaredRoutes(join(import.meta.dirname, '../../hub')).filter((route) => route.includes('/:'));
    expect(declared.length).toBeGreaterThan(0);
    for (const route of declared) expect(Object.keys(PARAM_ROUTES), `${route} needs an entry in PARAM_ROUTES`).toContain(route);
  });

  it('answers every case with a 2xx or a 4xx in the error shape (an ack other than internal), never a 5xx, and logs no error', async () => {
    const tally = { answered: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        if (c.kind === 'socketMetrics') {
          const context = `team:metrics ${JSON.stringify(c)}`;
          const ack = ackSchema('team:metrics').parse(await lee.timeout(10_000).emitWithAck('team:metrics', { from: c.from, to: c.to }));
          if (ack.ok) tally.answered += 1;
          else {
            expect(ack.error.code, `${context}\n→ ${JSON.stringify(ack.error)}`).toBe('invalid_command');
            tally.refused += 1;
          }
          expect(ack.ok, context).toBe(storable(c.from, c.to, MAX_METRICS_PERIOD_DAYS));
          return;
        }
        let method = 'GET';
        let path: string;
        let headers: Record<string, string> = {};
        let body: string | undefined;
        let mustAnswer = false;
        if (c.kind === 'param') {
          const [verb, template] = c.route.split(' ') as [string, string];
          method = verb;
          path = template.replace(/:(\w+)/g, (_, name: string) => encodeParam(c.real ? (real[name] ?? c.value) : c.value));
          if (template.includes('/metrics')) path += '?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z';
          const credential = PARAM_ROUTES[c.route]!;
          if (c.withCredential && credential !== 'none') headers = { authorization: `Bearer ${credential === 'lead' ? 'demo-lee' : DEMO_KEY}` };
          if (method === 'POST') {
            headers['content-type'] = 'application/json';
            body = '{}';
          }
        } else if (c.kind === 'metrics') {
          path = `/v1/teams/support/metrics${c.csv ? '.csv' : ''}?from=${encodeParam(c.from)}&to=${encodeParam(c.to)}`;
          headers = { authorization: 'Bearer demo-lee' };
          mustAnswer = storable(c.from, c.to, MAX_METRICS_PERIOD_DAYS);
        } else {
          method = 'POST';
          path = '/v1/stats/conversations';
          headers = { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' };
          body = JSON.stringify({ from: c.from, to: c.to, count: 1 });
        }
        const reply = await send(`${t.url}${path}`, { method, headers, ...(body !== undefined && { body }) });
        const context = `${method} ${path.slice(0, 300)} ${body ?? ''}`;
        expect(reply.status, `${context}\n→ ${reply.status} ${reply.text.slice(0, 300)}`).toBeLessThan(500);
        if (reply.status >= 400) {
          expectClientError(reply, context);
          tally.refused += 1;
        } else tally.answered += 1;
        if (mustAnswer) expect(reply.status, `${context}\n→ ${reply.text.slice(0, 300)}`).toBe(200);
        // A count for a period the store can hold is taken, or refused only as overlapping one taken before.
        if (c.kind === 'conversations' && storable(c.from, c.to, MAX_CONVERSATION_PERIOD_DAYS)) expect([200, 201, 409], `${context}\n→ ${reply.text.slice(0, 300)}`).toContain(reply.status);
      }),
      runParameters('routes'),
    );
    console.info(`[fast-check] routes: ${tally.answered} answered, ${tally.refused} refused`);
    expect(tally.answered).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    expect((await send(`${t.url}/healthz`)).status).toBe(200);
  }, 180_000);
});
