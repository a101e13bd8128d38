// POST /v1/ingress/botframework under hostile input, over real HTTP: well-formed handoff.initiate
// activities (any channel id, account roles, transcript turns, va_* variables and extra context,
// within the packet's limits), the same with one thing broken, any JSON, raw bytes and wrong
// content types. A well-formed activity always becomes a handoff (201); anything else is a 4xx in
// the protocol's error shape, never a 5xx; and the store holds exactly the 201s with their events.
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotFrameworkHandoffActivity, ContextPacket, HandoffResponse, MAX_JSON_DEPTH } from '../../shared/protocol/index.ts';
import { readFixture } from '../support/fixtures.ts';
import { DEMO_KEY, startTestHub, type TestHub } from '../support/hub.ts';
import { containsUnstorable, deeplyNestedText, expectClientError, textDepth, hostileJson, mutate, mutations, runParameters, send, shortText, timestamp, type RawReply } from '../support/property.ts';

// --- well-formed activities, built so their packet stays within the packet's limits ------------

const text = (max: number) => shortText.map((s) => s.slice(0, max)).filter((s) => s.length > 0);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 3, nil: null });
const ROLES = ['user', 'bot', 'skill', 'User', 'agent', ''] as const;
const account = fc.record({ id: maybe(shortText), name: maybe(shortText), role: maybe(fc.constantFrom(...ROLES)) }, { requiredKeys: [] });
const CHANNEL_IDS = ['msteams', 'webchat', 'directline', 'email', 'sms', 'telephony', 'facebook', 'MSTeams', 'omnichannel', 'somechannel', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''];

const turn = fc.record(
  {
    type: fc.constantFrom('message', 'message', 'event', 'typing', 'conversationUpdate'),
    timestamp,
    from: account,
    recipient: account,
    text: maybe(shortText),
  },
  { requiredKeys: ['type', 'timestamp'] },
);

const context = fc
  .tuple(
    fc.record(
      {
        va_Scope: maybe(shortText),
        va_LastTopic: maybe(shortText),
        va_Topics: maybe(fc.array(text(40), { maxLength: 3 })),
        va_LastPhrase: maybe(shortText),
        va_Phrases: maybe(fc.array(shortText, { maxLength: 3 })),
        va_ConversationId: maybe(shortText),
        va_AgentMessage: maybe(shortText),
        va_BotId: maybe(shortText),
        va_BotName: maybe(shortText),
        va_Language: maybe(shortText),
      },
      { requiredKeys: [] },
    ),
    // What else a bot maker passes along: it travels as metadata.
    fc.dictionary(
      shortText.filter((k) => !k.startsWith('va_') && k !== '__proto__'),
      fc.jsonValue({ maxDepth: 2 }).filter((v) => JSON.stringify(v).length < 2_000 && !containsUnstorable(v)),
      { maxKeys: 3 },
    ),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

const transcriptAttachment = fc.record({
  name: fc.constantFrom('Transcript', 'transcript', 'TRANSCRIPT'),
  contentType: fc.constant('application/vnd.microsoft.botframework.transcript'),
  content: fc.record({ activities: fc.array(turn, { maxLength: 5 }) }),
});
const otherAttachment = fc.record({ name: maybe(shortText), contentType: maybe(shortText), content: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] });

const validActivity = fc.record(
  {
    type: fc.constant('event'),
    name: fc.constant('handoff.initiate'),
    id: maybe(shortText),
    timestamp: maybe(timestamp),
    channelId: maybe(fc.oneof(fc.constantFrom(...CHANNEL_IDS), shortText)),
    serviceUrl: maybe(shortText),
    locale: maybe(shortText),
    from: maybe(account),
    recipient: maybe(account),
    conversation: fc.record({ id: shortText }),
    value: maybe(context),
    attachments: maybe(fc.tuple(fc.array(otherAttachment, { maxLength: 1 }), fc.option(transcriptAttachment, { nil: undefined })).map(([others, t]) => (t ? [...others, t] : others))),
    relatesTo: maybe(
      fc.record(
        { activityId: maybe(shortText), user: maybe(account), bot: maybe(account), conversation: maybe(fc.record({ id: maybe(shortText) }, { requiredKeys: [] })), channelId: maybe(shortText), serviceUrl: maybe(shortText) },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ['type', 'name', 'conversation'] },
)
  // Turns kept as transcript need a time: theirs, or the event's (every generated turn has one).
  .filter((a) => BotFrameworkHandoffActivity.safeParse(a).success);

// --- what is sent ----------------------------------------------------------------------------

interface Case {
  /** JSON text, or raw bytes. */
  body: string | Uint8Array;
  contentType: string | null;
  /** A well-formed activity: the hub must take it. */
  wellFormed: boolean;
  /** Nested deeper than the protocol allows: the hub must refuse it (400 invalid_packet). */
  tooDeep?: boolean;
}

const json = (value: unknown, wellFormed = false): Case => ({ body: JSON.stringify(value), contentType: 'application/json', wellFormed });
const cases: fc.Arbitrary<Case> = fc.oneof(
  { weight: 14, arbitrary: validActivity.map((a) => json(a, true)) },
  { weight: 40, arbitrary: fc.tuple(validActivity, mutations).map(([a, m]) => json(mutate(a, m))) },
  { weight: 36, arbitrary: hostileJson.map((v) => json(v)) },
  // The fixture Copilot Studio sends, with any value in its context.
  { weight: 5, arbitrary: fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), hostileJson).map(([key, v]) => json({ ...fixture(), value: { ...fixture().value, [key]: v } })) },
  // The fixture with a variable nested around the bound, or far past it (JSON.stringify of 20,000 levels overflows).
  {
    weight: 3,
    arbitrary: deeplyNestedText(MAX_JSON_DEPTH - 4, 25_000).map((deep): Case => {
      const text = JSON.stringify(fixture());
      const body = `${text.slice(0, text.indexOf('"value":{') + '"value":{'.length)}"deep":${deep},${text.slice(text.indexOf('"value":{') + '"value":{'.length)}`;
      return { body, contentType: 'application/json', wellFormed: false, tooDeep: textDepth(body) > MAX_JSON_DEPTH };
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      body: fc.uint8Array({ maxLength: 200 }),
      contentType: fc.option(fc.constantFrom('application/json', 'text/plain', 'application/xml', 'application/x-www-form-urlencoded'), { nil: null }),
      wellFormed: fc.constant(false),
    }),
  },
);

function fixture(): { value: Record<string, unknown> } & Record<string, unknown> {
  return readFixture('botframework/handoff-initiate.json');
}

const describeCase = (c: Case) =>
  `POST /v1/ingress/botframework content-type=${c.contentType} body=${typeof c.body === 'string' ? c.body.slice(0, 600) : `bytes ${Buffer.from(c.body).toString('hex')}`}`;

// --- the property ----------------------------------------------------------------------------

describe('POST /v1/ingress/botframework under hostile input', () => {
  let t: TestHub;
  const created = new Set<string>();

  beforeAll(async () => {
    // Without rate limits: a flood of cases is this file's method, not an attack (rate-limits.test.ts covers those).
    t = await startTestHub({ rateLimits: { ingress: { max: 0 }, signIn: { maxFailures: 0 } } });
  });
  afterAll(() => t?.stop());

  const post = (c: Case): Promise<RawReply> =>
    send(`${t.url}/v1/ingress/botframework`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_KEY}`, ...(c.contentType !== null && { 'content-type': c.contentType }) },
      body: typeof c.body === 'string' ? c.body : Buffer.from(c.body),
    });

  it('takes every well-formed activity (201) and answers anything else with a 4xx in the error shape, never a 5xx; the store holds exactly the 201s', async () => {
    const tally = { created: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const reply = await post(c);
        const context = describeCase(c);
        expect(reply.status, `${context}\n→ ${reply.status} ${reply.text.slice(0, 500)}`).toBeLessThan(500);
        if (c.wellFormed) expect(reply.status, `${context}\n→ ${reply.text.slice(0, 500)}`).toBe(201);
        if (c.tooDeep) expect(expectClientError(reply, context).code).toBe('invalid_packet');
        if (reply.status === 201) {
          const { handoff } = HandoffResponse.parse(reply.json);
          expect(ContextPacket.safeParse(handoff.packet).success).toBe(true);
          expect(handoff.packet.source?.platform).toBe('botframework');
          expect(created.has(handoff.id)).toBe(false);
          created.add(handoff.id);
          tally.created += 1;
        } else {
          expectClientError(reply, context);
          // Not an activity at all: named as such, on the body or the field that is wrong.
          if (typeof c.body === 'string' && c.contentType === 'application/json') {
            let parsed: unknown;
            try {
              parsed = JSON.parse(c.body);
            } catch {
              return;
            }
            if (!BotFrameworkHandoffActivity.safeParse(parsed).success) expect(expectClientError(reply, context).code).toBe('invalid_packet');
          }
          tally.refused += 1;
        }
      }),
      runParameters('botframework'),
    );
    console.info(`[fast-check] botframework: ${tally.created} created, ${tally.refused} refused`);
    expect(tally.created).toBeGreaterThan(300);

    expect((await send(`${t.url}/healthz`)).status).toBe(200);
    const last = await t.request('POST', '/v1/ingress/botframework', { body: fixture() });
    expect(last.status).toBe(201);
    created.add(last.body.handoff.id);

    const db = t.hub.db;
    const { rows: ids } = await db.query<{ id: string }>('select id from handoffs');
    expect(new Set(ids.map((r) => r.id))).toEqual(created);
    const { rows: withoutCreated } = await db.query(`select h.id from handoffs h where (select count(*) from handoff_events e where e.handoff_id = h.id and e.type = 'created') <> 1`);
    expect(withoutCreated).toEqual([]);
    const { rows: orphans } = await db.query('select e.id from handoff_events e left join handoffs h on h.id = e.handoff_id where h.id is null');
    expect(orphans).toEqual([]);
  }, 180_000);
});
