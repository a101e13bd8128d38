// POST /v1/handoffs under hostile input, over real HTTP: valid packets, valid packets with one
// thing broken (a field removed, retyped, oversized, a prototype key added), any JSON at all, raw
// bytes and wrong content types. Whatever arrives, the hub answers 201/200 for a packet the schema
// accepts or a 4xx in the protocol's error shape, never a 5xx; it keeps answering; and it stores
// exactly the handoffs it answered 201 for, each with its `created` event.
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextPacket, HandoffResponse, LIMITS, MAX_BODY_BYTES, MAX_JSON_DEPTH } from '../../shared/protocol/index.ts';
import { DEMO_KEY, startTestHub, type TestHub } from '../support/hub.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';
import {
  PROTOTYPE_KEYS,
  canonical,
  containsUnstorable,
  deeplyNestedText,
  expectClientError,
  hostileJson,
  mutate,
  mutations,
  runParameters,
  send,
  textDepth,
  validPacket,
  type RawReply,
} from '../support/property.ts';

// --- what is sent ----------------------------------------------------------------------------

type Body = { kind: 'json'; text: string; contentType: string } | { kind: 'bytes'; bytes: Uint8Array; contentType: string | null };
interface Case {
  body: Body;
  idempotencyKey: string | null;
  /** Send the last request that created a handoff under an Idempotency-Key again, instead (a bot's retry). */
  retry: boolean;
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON'];
const OTHER_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/*', 'text/json', 'application/json-patch+json'];

const jsonText = (value: unknown, contentType = 'application/json'): Body => ({ kind: 'json', text: JSON.stringify(value), contentType });

const bodies: fc.Arbitrary<Body> = fc.oneof(
  { weight: 18, arbitrary: fc.tuple(validPacket, fc.constantFrom(...JSON_TYPES)).map(([p, type]) => jsonText(p, type)) },
  {
    weight: 38,
    arbitrary: fc
      .tuple(validPacket, mutations)
      .map(([p, m]) => jsonText(mutate(p, m))),
  },
  { weight: 22, arbitrary: hostileJson.map((v) => jsonText(v)) },
  // Prototype keys at the top of an otherwise valid packet, written as JSON text.
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS), hostileJson).map(([key, v]): Body => ({ kind: 'json', text: `${JSON.stringify(VALID_BASE_PACKET).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(v)}}`, contentType: 'application/json' })) },
  { weight: 10, arbitrary: fc.record({ bytes: fc.uint8Array({ maxLength: 300 }), contentType: fc.option(fc.constantFrom(...JSON_TYPES, ...OTHER_TYPES), { nil: null }) }).map((b): Body => ({ kind: 'bytes', ...b })) },
  { weight: 4, arbitrary: fc.tuple(validPacket, fc.constantFrom(...OTHER_TYPES)).map(([p, type]) => jsonText(p, type)) },
  // Nested around the bound and far past it (the reproduction nests 130,000 deep), in any field.
  {
    weight: 2,
    arbitrary: fc
      .tuple(deeplyNestedText(MAX_JSON_DEPTH - 3, 130_000), fc.constantFrom('summary', 'metadata', 'x'))
      .map(([deep, key]): Body => ({ kind: 'json', text: `{"${key}":${deep},"summary":"s","trigger":{"reason":"other"}}`, contentType: 'application/json' })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Body>(
      jsonText({ ...VALID_BASE_PACKET, summary: 'x'.repeat(MAX_BODY_BYTES) }),
      { kind: 'json', text: `{"summary":${'['.repeat(60_000)}${']'.repeat(60_000)},"trigger":{"reason":"other"}}`, contentType: 'application/json' },
      { kind: 'json', text: '', contentType: 'application/json' },
      { kind: 'json', text: '{"summary":"unterminated', contentType: 'application/json' },
      { kind: 'bytes', bytes: new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(JSON.stringify(VALID_BASE_PACKET))]), contentType: 'application/json' },
    ),
  },
);

// A few keys reused often, so the same key comes back with the same or another packet.
const KEY_POOL = Array.from({ length: 12 }, (_, i) => `prop-key-${i}`);
const idempotencyKeys: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 12, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constantFrom(...KEY_POOL) },
  // What a header can carry: visible ASCII and inner spaces (the hub refuses the invalid ones).
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 210 }).filter((k) => k === k.trim()) },
);

const cases: fc.Arbitrary<Case> = fc.record({ body: bodies, idempotencyKey: idempotencyKeys, retry: fc.integer({ min: 0, max: 19 }).map((n) => n === 0) });

function describeCase(c: Case): string {
  const body = c.body.kind === 'json' ? c.body.text : `bytes ${Buffer.from(c.body.bytes).toString('hex')}`;
  return `POST /v1/handoffs content-type=${c.body.contentType} idempotency-key=${JSON.stringify(c.idempotencyKey)} body=${body.slice(0, 400)}${body.length > 400 ? `… (${body.length} chars)` : ''}`;
}

/** The longest string (value or key) in a JSON value, in UTF-16 units. */
function longestString(value: unknown): number {
  let longest = 0;
  JSON.stringify(value, (key, v: unknown) => {
    longest = Math.max(longest, key.length, typeof v === 'string' ? v.length : 0);
    return v;
  });
  return longest;
}

// --- the property ----------------------------------------------------------------------------

describe('POST /v1/handoffs under hostile input', () => {
  let t: TestHub;
  /** Ids the hub answered 201 for. */
  const created = new Set<string>();
  /** Idempotency key → the packet (canonical JSON) and handoff of its 201. */
  const byKey = new Map<string, { packet: string; id: string }>();
  /** The last JSON request that made a handoff under an Idempotency-Key. */
  let lastKeyed: Case | undefined;

  beforeAll(async () => {
    // Without rate limits: a flood of cases is this file's method, not an attack (rate-limits.test.ts covers those).
    t = await startTestHub({ rateLimits: { ingress: { max: 0 }, signIn: { maxFailures: 0 } } });
  });
  afterAll(() => t?.stop());

  async function post(c: Case): Promise<RawReply> {
    const headers: Record<string, string> = { authorization: `Bearer ${DEMO_KEY}` };
    if (c.body.contentType !== null) headers['content-type'] = c.body.contentType;
    if (c.idempotencyKey !== null) headers['idempotency-key'] = c.idempotencyKey;
    return send(`${t.url}/v1/handoffs`, { method: 'POST', headers, body: c.body.kind === 'json' ? c.body.text : Buffer.from(c.body.bytes) });
  }

  /** What the hub must answer a JSON body with, as the protocol says, in the order it checks. */
  function expected(c: Body & { kind: 'json' }, idempotencyKey: string | null): { status: number; code?: string; packet?: unknown } {
    if (Buffer.byteLength(c.text) > MAX_BODY_BYTES) return { status: 413, code: 'too_large' };
    if (!/^application\/json(;|$)/i.test(c.contentType)) return { status: 415, code: 'unsupported_media_type' };
    // Nested deeper than the bound as written (a key written twice counts too): refused before it is parsed.
    if (textDepth(c.text) > MAX_JSON_DEPTH) return { status: 400, code: 'invalid_packet' };
    let parsed: unknown;
    try {
      parsed = c.text.trim() === '' ? undefined : JSON.parse(c.text);
    } catch {
      return { status: 400, code: 'invalid_packet' };
    }
    // Text the store cannot keep (U+0000, lone surrogates) is refused anywhere in the body, with the JSON errors.
    if (containsUnstorable(parsed)) return { status: 400, code: 'invalid_packet' };
    if (idempotencyKey !== null && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) return { status: 400, code: 'invalid_request' };
    if (!ContextPacket.safeParse(parsed).success) return { status: 400, code: 'invalid_packet' };
    const earlier = idempotencyKey === null ? undefined : byKey.get(idempotencyKey);
    if (earlier) return earlier.packet === canonical(parsed) ? { status: 200, packet: parsed } : { status: 409, code: 'idempotency_conflict' };
    // Well formed, but naming a team this hub does not have (the demo hub has only `support`).
    const team = (parsed as { team?: string }).team;
    if (team !== undefined && team !== 'support') return { status: 400, code: 'invalid_packet' };
    return { status: 201, packet: parsed };
  }

  function recordSuccess(reply: RawReply, c: Case, packet: unknown): void {
    const context = describeCase(c);
    const handoff = HandoffResponse.parse(reply.json).handoff;
    if (reply.status === 201) {
      expect(created.has(handoff.id), `${context}\n→ 201 for an id already created`).toBe(false);
      created.add(handoff.id);
      if (c.idempotencyKey !== null) {
        byKey.set(c.idempotencyKey, { packet: canonical(packet), id: handoff.id });
        if (c.body.kind === 'json') lastKeyed = c;
      }
    } else {
      expect(c.idempotencyKey, `${context}\n→ 200 without an Idempotency-Key`).not.toBeNull();
      expect(handoff.id).toBe(byKey.get(c.idempotencyKey!)?.id);
    }
  }

  it('answers 201/200 for a packet the schema accepts and a 4xx in the error shape otherwise, never a 5xx, and stores exactly the 201s with their created events', async () => {
    const tally = { created: 0, replayed: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(cases, async (generated) => {
        const c = generated.retry && lastKeyed ? lastKeyed : generated;
        const reply = await post(c);
        const context = describeCase(c);
        expect(reply.status, `${context}\n→ ${reply.status} ${reply.text.slice(0, 500)}`).toBeLessThan(500);
        if (c.body.kind === 'json') {
          const want = expected(c.body, c.idempotencyKey);
          expect(reply.status, `${context}\n→ ${reply.text.slice(0, 500)}`).toBe(want.status);
          if (want.code) expect(expectClientError(reply, context).code).toBe(want.code);
          else {
            // Stored and returned exactly as sent, key order included.
            expect(JSON.stringify(HandoffResponse.parse(reply.json).handoff.packet)).toBe(JSON.stringify(want.packet));
            // No text over the documented limit, counted in UTF-16 units (whatever the schema counts).
            expect(longestString(want.packet), context).toBeLessThanOrEqual(LIMITS.longText);
            recordSuccess(reply, c, want.packet);
          }
        } else if (reply.status === 200 || reply.status === 201) {
          // Bytes that happen to decode to a valid packet are a packet like any other.
          recordSuccess(reply, c, HandoffResponse.parse(reply.json).handoff.packet);
        } else {
          expectClientError(reply, context);
        }
        if (reply.status === 201) tally.created += 1;
        else if (reply.status === 200) tally.replayed += 1;
        else tally.refused += 1;
      }),
      runParameters('handoffs'),
    );
    console.info(`[fast-check] handoffs: ${tally.created} created, ${tally.replayed} replayed, ${tally.refused} refused`);
    expect(tally.created).toBeGreaterThan(500); // the valid side was really exercised

    // Still answering, and still taking handoffs.
    expect((await send(`${t.url}/healthz`)).status).toBe(200);
    const last = await t.request('POST', '/v1/handoffs', { body: VALID_BASE_PACKET });
    expect(last.status).toBe(201);
    created.add(last.body.handoff.id);

    // No partial writes: the handoffs are exactly the 201s, each with one `created` event, and no event without its handoff.
    const db = t.hub.db;
    const { rows: ids } = await db.query<{ id: string }>('select id from handoffs');
    expect(new Set(ids.map((r) => r.id))).toEqual(created);
    const { rows: withoutCreated } = await db.query<{ id: string }>(
      `select h.id from handoffs h where (select count(*) from handoff_events e where e.handoff_id = h.id and e.type = 'created') <> 1`,
    );
    expect(withoutCreated).toEqual([]);
    const { rows: orphans } = await db.query('select e.id from handoff_events e left join handoffs h on h.id = e.handoff_id where h.id is null');
    expect(orphans).toEqual([]);
  }, 180_000);
});
