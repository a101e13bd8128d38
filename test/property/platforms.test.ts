// POST /v1/ingress/chatwoot|sunshine|dialogflow-cx|rasa|lex/<integration> under hostile
// input, over real HTTP, with each platform's API served by a local fake that answers with hostile
// messages and users too: well-formed handoff webhooks (any Baton keys and extra keys, any
// customer, any text, unknown fields), the same with one thing broken, any JSON, raw bytes, wrong
// content types, and wrong signatures. A well-formed, correctly signed handoff webhook always
// becomes a handoff (201; Dialogflow CX: a 200 WebhookResponse naming a new handoff); a wrong
// signature or key is a 401; everything else is a 200 acknowledgement or a 4xx in the error shape;
// never a 5xx. The store holds exactly the handoffs answered, each whole.
import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from '../../hub/admin/accounts.ts';
import { setPlatform } from '../../hub/platforms/config.ts';
import { ContextPacket, TRIGGER_REASONS } from '../../shared/protocol/index.ts';
import { startFakeChatwoot, startFakeSunshine, type FakeChatwoot, type FakeSunshine } from '../support/fake-platforms.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { expectClientError, hostileJson, hostileString, mutate, mutations, runParameters, send, shortText, timestamp, type RawReply } from '../support/property.ts';

const CW_SECRET = 'cw-webhook-secret-0123456789';
const SC_SECRET = 'sc-webhook-secret-0123456789';
const ENV = { CW_TOKEN: 'cw-api-token-0123456789', CW_SECRET, SC_KEY: 'sc-key-secret-0123456789', SC_SECRET };

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 3, nil: null });
const anyValue = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), hostileJson);

/** The Baton keys with any value (right, wrong, hostile), and any other keys beside them. */
const flatMap = fc
  .tuple(
    fc.record(
      {
        summary: anyValue,
        core_issue: anyValue,
        handoff_reason: fc.oneof(fc.constantFrom(...TRIGGER_REASONS), anyValue),
        handoff_detail: anyValue,
        intent: anyValue,
        intent_confidence: fc.oneof(fc.double({ min: -2, max: 2 }), anyValue),
        sentiment_score: fc.oneof(fc.double({ min: -2, max: 2 }), anyValue),
        frustration: anyValue,
        priority: fc.oneof(fc.constantFrom('low', 'normal', 'high', 'urgent'), anyValue),
        skills: fc.oneof(fc.constantFrom('billing', 'billing, accounts', ' , ,'), anyValue),
        team: fc.oneof(fc.constantFrom('support', 'no-such-team'), anyValue),
        bot_attempts: anyValue,
        customer_id: anyValue,
        customer_name: anyValue,
        customer_email: fc.oneof(fc.constantFrom('maria@example.com', 'not an email'), anyValue),
        customer_tier: anyValue,
        language: anyValue,
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor')), anyValue, { maxKeys: 4 }),
  )
  .map(([keys, extra]) => ({ ...extra, ...keys }));

// --- Chatwoot --------------------------------------------------------------------------------

const chatwootSender = fc.record({ id: maybe(fc.oneof(fc.nat(), hostileString)), name: maybe(hostileString), email: maybe(hostileString), identifier: maybe(hostileString), type: maybe(fc.constantFrom('contact', 'user', 'agent_bot', '')) }, { requiredKeys: [] });
const chatwootMessage = fc.record(
  {
    id: maybe(fc.nat({ max: 100_000 })),
    content: maybe(hostileString),
    message_type: maybe(fc.oneof(fc.constantFrom(0, 1, 2, 3, 'incoming', 'outgoing', 'template'), hostileJson)),
    created_at: maybe(fc.oneof(fc.integer(), timestamp, hostileString)),
    private: maybe(fc.boolean()),
    sender: maybe(chatwootSender),
    extra: hostileJson,
  },
  { requiredKeys: [] },
);
const chatwootHandoff = fc.record(
  {
    event: fc.constantFrom('conversation_status_changed', 'conversation_updated'),
    id: fc.nat(),
    account_id: fc.constantFrom(1, '1', 42),
    inbox_id: maybe(fc.oneof(fc.nat(), hostileString)),
    status: fc.constant('open'),
    channel: maybe(fc.oneof(fc.constantFrom('Channel::WebWidget', 'Channel::Email', 'Channel::Whatsapp', 'Channel::Api'), hostileString)),
    meta: maybe(fc.record({ sender: maybe(chatwootSender), assignee: maybe(chatwootSender) }, { requiredKeys: [] })),
    custom_attributes: maybe(flatMap),
    additional_attributes: maybe(fc.dictionary(hostileString, hostileJson, { maxKeys: 3 })),
    messages: maybe(fc.array(chatwootMessage, { maxLength: 3 })),
    changed_attributes: fc.constant([{ status: { previous_value: 'pending', current_value: 'open' } }]),
    unknown_field: hostileJson,
  },
  { requiredKeys: ['event', 'id', 'account_id', 'changed_attributes'] },
);

// --- Sunshine Conversations ------------------------------------------------------------------

const sunshineHandoff = fc.record(
  {
    app: fc.record({ id: fc.oneof(fc.constantFrom('app_1', '5d8cff3cd55b040010928b5b', 'app/with:odd?chars'), shortText.filter((s) => s.trim() !== '')) }),
    webhook: maybe(fc.record({ id: maybe(hostileString), version: maybe(hostileString) }, { requiredKeys: [] })),
    events: fc.tuple(
      fc.record(
        {
          id: fc.nat(),
          type: fc.constantFrom('switchboard:passControl', 'switchboard:acceptControl'),
          createdAt: maybe(fc.oneof(timestamp, hostileString)),
          payload: fc.record(
            {
              conversation: fc.record(
                {
                  id: fc.nat(),
                  type: maybe(hostileString),
                  metadata: maybe(flatMap),
                  activeSwitchboardIntegration: fc.record({ id: maybe(hostileString), name: fc.constant('zd-agentWorkspace'), integrationType: maybe(hostileString) }, { requiredKeys: ['name'] }),
                },
                { requiredKeys: ['id', 'activeSwitchboardIntegration'] },
              ),
              metadata: maybe(flatMap),
              reason: maybe(hostileString),
            },
            { requiredKeys: ['conversation'] },
          ),
        },
        { requiredKeys: ['id', 'type', 'payload'] },
      ),
    ),
  },
  { requiredKeys: ['app', 'events'] },
);

// --- Dialogflow CX -------------------------------------------------------------------------

const cxMessage = fc.record(
  {
    text: maybe(fc.record({ text: maybe(fc.array(fc.oneof(hostileString, hostileJson), { maxLength: 3 })), allowPlaybackInterruption: maybe(fc.boolean()) }, { requiredKeys: [] })),
    payload: maybe(fc.dictionary(hostileString, hostileJson, { maxKeys: 3 })),
    outputAudioText: maybe(fc.record({ text: maybe(hostileString), ssml: maybe(hostileString) }, { requiredKeys: [] })),
    responseType: maybe(hostileString),
  },
  { requiredKeys: [] },
);
const cxTurn = fc.record(
  { from: fc.oneof(fc.constantFrom('customer', 'bot', 'agent', 'system'), hostileString), text: fc.oneof(hostileString, hostileJson), at: fc.oneof(timestamp, hostileString, fc.integer()) },
  { requiredKeys: [] },
);
const cxHandoff = fc.record(
  {
    detectIntentResponseId: fc.constant(''),
    intentInfo: maybe(
      fc.record(
        { lastMatchedIntent: maybe(hostileString), displayName: maybe(hostileString), parameters: maybe(fc.dictionary(hostileString, hostileJson, { maxKeys: 3 })), confidence: maybe(fc.double()) },
        { requiredKeys: [] },
      ),
    ),
    pageInfo: maybe(fc.record({ currentPage: maybe(hostileString), displayName: maybe(hostileString) }, { requiredKeys: [] })),
    sessionInfo: fc.record({ session: fc.constant(''), parameters: maybe(flatMap) }),
    fulfillmentInfo: maybe(fc.record({ tag: maybe(hostileString) }, { requiredKeys: [] })),
    messages: fc
      .tuple(fc.array(cxMessage, { maxLength: 3 }), fc.record({ liveAgentHandoff: fc.record({ metadata: maybe(flatMap) }, { requiredKeys: [] }) }))
      .map(([messages, handoff]) => [...messages, handoff]),
    text: maybe(hostileString),
    transcript: maybe(hostileString),
    triggerEvent: maybe(hostileString),
    payload: maybe(fc.record({ transcript: maybe(fc.oneof(fc.array(cxTurn, { maxLength: 4 }), hostileJson)), extra: hostileJson }, { requiredKeys: [] })),
    sentimentAnalysisResult: maybe(fc.record({ score: maybe(fc.double()), magnitude: maybe(fc.double()) }, { requiredKeys: [] })),
    languageCode: maybe(hostileString),
    unknown_field: hostileJson,
  },
  { requiredKeys: ['detectIntentResponseId', 'sessionInfo', 'messages'] },
);

// --- Rasa ----------------------------------------------------------------------------------

const rasaEvent = fc.oneof(
  fc.record(
    {
      event: fc.constant('user'),
      timestamp: maybe(fc.oneof(fc.double(), fc.integer())),
      text: maybe(hostileString),
      parse_data: maybe(fc.record({ intent: maybe(fc.record({ name: maybe(fc.oneof(fc.constantFrom('nlu_fallback', 'out_of_scope', 'talk_to_human', 'report_bug'), hostileString)), confidence: maybe(fc.double()) }, { requiredKeys: [] })), entities: hostileJson }, { requiredKeys: [] })),
      input_channel: maybe(hostileString),
    },
    { requiredKeys: ['event'] },
  ),
  fc.record({ event: fc.constant('bot'), timestamp: maybe(fc.double()), text: maybe(hostileString), data: hostileJson, metadata: maybe(fc.dictionary(hostileString, hostileJson, { maxKeys: 2 })) }, { requiredKeys: ['event'] }),
  fc.record({ event: fc.constantFrom('action', 'action_execution_rejected'), timestamp: maybe(fc.double()), name: maybe(fc.oneof(fc.constantFrom('action_listen', 'action_handoff', 'utter_greet', 'action_default_fallback'), hostileString)) }, { requiredKeys: ['event'] }),
  fc.record({ event: fc.constant('session_started'), timestamp: maybe(fc.double()), metadata: maybe(flatMap) }, { requiredKeys: ['event'] }),
  fc.record({ event: fc.oneof(fc.constantFrom('rewind', 'undo', 'restart', 'slot', 'user_featurization', 'active_loop'), hostileString), timestamp: maybe(fc.double()), name: maybe(hostileString), value: hostileJson }, { requiredKeys: ['event'] }),
);
const rasaHandoff = fc.record(
  {
    sender_id: fc.constant(''),
    slots: maybe(fc.tuple(flatMap, fc.dictionary(hostileString, hostileJson, { maxKeys: 3 })).map(([keys, other]) => ({ ...other, ...keys }))),
    latest_message: maybe(fc.record({ intent: maybe(fc.record({ name: maybe(hostileString), confidence: maybe(fc.double()) }, { requiredKeys: [] })), intent_ranking: maybe(fc.array(hostileJson, { maxLength: 2 })), text: maybe(hostileString) }, { requiredKeys: [] })),
    latest_event_time: maybe(fc.double()),
    latest_input_channel: maybe(fc.oneof(fc.constantFrom('rest', 'telegram', 'twilio_voice', 'socketio'), hostileString)),
    events: maybe(fc.array(rasaEvent, { maxLength: 8 })),
    active_loop: maybe(fc.record({ name: maybe(hostileString) }, { requiredKeys: [] })),
    paused: maybe(fc.boolean()),
    unknown_field: hostileJson,
  },
  { requiredKeys: ['sender_id'] },
);

// --- Amazon Lex V2 ---------------------------------------------------------------------------

const lexSlot = maybe(fc.record({ shape: maybe(fc.constantFrom('Scalar', 'List')), value: maybe(fc.record({ originalValue: maybe(hostileString), interpretedValue: maybe(hostileString), resolvedValues: maybe(fc.array(hostileJson, { maxLength: 2 })) }, { requiredKeys: [] })) }, { requiredKeys: [] }));
const lexIntent = fc.record(
  { name: maybe(fc.oneof(fc.constantFrom('TalkToAgent', 'FallbackIntent'), hostileString)), slots: maybe(fc.dictionary(hostileString, lexSlot, { maxKeys: 3 })), state: maybe(hostileString), confirmationState: maybe(hostileString) },
  { requiredKeys: [] },
);
const lexHandoff = fc.record(
  {
    messageVersion: maybe(fc.constant('1.0')),
    invocationSource: maybe(fc.constantFrom('FulfillmentCodeHook', 'DialogCodeHook')),
    inputMode: maybe(fc.oneof(fc.constantFrom('Text', 'Speech', 'DTMF'), hostileString)),
    sessionId: fc.constant(''),
    inputTranscript: maybe(hostileString),
    bot: maybe(fc.record({ id: maybe(hostileString), name: maybe(hostileString), aliasId: maybe(hostileString), localeId: maybe(fc.oneof(fc.constantFrom('en_US', 'de_DE'), hostileString)), version: maybe(hostileString) }, { requiredKeys: [] })),
    interpretations: maybe(
      fc.array(
        fc.record(
          {
            intent: maybe(lexIntent),
            nluConfidence: maybe(fc.oneof(fc.double(), fc.record({ score: maybe(fc.double()) }, { requiredKeys: [] }))),
            sentimentResponse: maybe(fc.record({ sentiment: maybe(fc.oneof(fc.constantFrom('POSITIVE', 'NEGATIVE', 'MIXED'), hostileString)), sentimentScore: maybe(fc.record({ positive: maybe(fc.double()), negative: maybe(fc.double()) }, { requiredKeys: [] })) }, { requiredKeys: [] })),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    ),
    requestAttributes: maybe(fc.dictionary(hostileString, hostileJson, { maxKeys: 2 })),
    sessionState: maybe(fc.record({ sessionAttributes: maybe(flatMap), intent: maybe(lexIntent), activeContexts: maybe(fc.array(hostileJson, { maxLength: 2 })) }, { requiredKeys: [] })),
    unknown_field: hostileJson,
  },
  { requiredKeys: ['sessionId'] },
);

// --- what is sent ----------------------------------------------------------------------------

interface Case {
  platform: 'chatwoot' | 'sunshine' | 'dialogflow-cx' | 'rasa' | 'lex';
  body: string | Uint8Array;
  contentType: string | null;
  wellFormed: boolean;
  badAuth: boolean;
}

let sequence = 0;
/** Every well-formed handoff is a new conversation (and Sunshine event), so each must be a new handoff. */
function fresh(platform: Case['platform'], value: Record<string, any>): Record<string, any> {
  sequence += 1;
  if (platform === 'chatwoot') return { ...value, id: 100_000 + sequence };
  if (platform === 'rasa') return { ...value, sender_id: `sender-${sequence}` };
  if (platform === 'lex') return { ...value, sessionId: `session-${sequence}` };
  if (platform === 'dialogflow-cx') {
    const session = `projects/p/locations/global/agents/a/sessions/s-${sequence}`;
    return { ...value, detectIntentResponseId: `dir-${sequence}`, sessionInfo: { ...value.sessionInfo, session } };
  }
  const [event] = value.events;
  return { ...value, events: [{ ...event, id: `evt_${sequence}`, payload: { ...event.payload, conversation: { ...event.payload.conversation, id: `conv_${sequence}` } } }] };
}

const json = (platform: Case['platform'], value: unknown, wellFormed = false): Case => ({ platform, body: JSON.stringify(value), contentType: 'application/json', wellFormed, badAuth: false });
const forPlatform = (platform: Case['platform'], valid: fc.Arbitrary<Record<string, any>>): fc.Arbitrary<Case> =>
  fc.oneof(
    { weight: 30, arbitrary: valid.map((v) => json(platform, fresh(platform, v), true)) },
    { weight: 30, arbitrary: fc.tuple(valid, mutations).map(([v, m]) => json(platform, mutate(fresh(platform, v), m))) },
    { weight: 25, arbitrary: hostileJson.map((v) => json(platform, v)) },
    { weight: 8, arbitrary: valid.map((v) => ({ ...json(platform, fresh(platform, v)), badAuth: true })) },
    {
      weight: 7,
      arbitrary: fc.record({
        platform: fc.constant(platform),
        body: fc.uint8Array({ maxLength: 200 }),
        contentType: fc.option(fc.constantFrom('application/json', 'text/plain', 'application/xml'), { nil: null }),
        wellFormed: fc.constant(false),
        badAuth: fc.constant(false),
      }),
    },
  );
const cases = fc.oneof(forPlatform('chatwoot', chatwootHandoff), forPlatform('sunshine', sunshineHandoff), forPlatform('dialogflow-cx', cxHandoff), forPlatform('rasa', rasaHandoff), forPlatform('lex', lexHandoff));
const CX_KEY = 'cx-integration-key-0123456789';
const RASA_KEY = 'rasa-integration-key-0123456789';
const LEX_KEY = 'lex-integration-key-0123456789';

function headers(c: Case): Record<string, string> {
  const raw = Buffer.from(c.body);
  const type: Record<string, string> = c.contentType !== null ? { 'content-type': c.contentType } : {};
  if (c.platform === 'lex') return { ...type, authorization: `Bearer ${c.badAuth ? 'lex-wrong-key-0123456789' : LEX_KEY}` };
  if (c.platform === 'rasa') return { ...type, authorization: `Bearer ${c.badAuth ? 'rasa-wrong-key-0123456789' : RASA_KEY}` };
  if (c.platform === 'dialogflow-cx') return { ...type, authorization: `Bearer ${c.badAuth ? 'cx-wrong-key-0123456789' : CX_KEY}` };
  if (c.platform === 'sunshine') return { ...type, 'x-api-key': c.badAuth ? 'wrong-secret-0123456789' : SC_SECRET };
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', c.badAuth ? 'wrong-secret' : CW_SECRET).update(`${timestamp}.`).update(raw).digest('hex');
  return { ...type, 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': `sha256=${signature}` };
}

const describeCase = (c: Case) =>
  `POST /v1/ingress/${c.platform}/helpdesk-${c.platform} content-type=${c.contentType} badAuth=${c.badAuth} body=${typeof c.body === 'string' ? c.body.slice(0, 600) : `bytes ${Buffer.from(c.body).toString('hex')}`}`;

// --- the property ----------------------------------------------------------------------------

describe('the platform endpoints under hostile input', () => {
  let t: TestHub;
  let chatwoot: FakeChatwoot;
  let sunshine: FakeSunshine;
  const created = new Set<string>();

  beforeAll(async () => {
    chatwoot = await startFakeChatwoot(ENV.CW_TOKEN);
    sunshine = await startFakeSunshine('key_1', ENV.SC_KEY);
    // The platforms answer with hostile messages and users too.
    const nasty = fc.sample(fc.tuple(hostileString, hostileJson), { numRuns: 30, seed: 7 });
    chatwoot.conversations.set('*', nasty.map(([text, extra], i) => ({ id: i + 1, content: text, message_type: i % 4, created_at: extra, private: i % 5 === 0, sender: { type: i % 2 ? 'contact' : 'agent_bot', name: text } })));
    sunshine.conversations.set('*', nasty.map(([text, extra], i) => ({ id: `m${i}`, received: extra, author: { type: i % 2 ? 'user' : 'business', userId: 'u1', subtypes: [text] }, content: { type: i % 3 ? 'text' : text, text }, source: { type: text } })));
    sunshine.users.set('*', { id: 'u1', externalId: nasty[0]![0], authenticated: 'yes', profile: { givenName: nasty[1]![0], surname: nasty[2]![1], email: nasty[3]![0], locale: nasty[4]![1] }, identities: nasty[5] });
    t = await startTestHub({ env: ENV, rateLimits: { ingress: { max: 0 }, signIn: { maxFailures: 0 } }, platforms: { fetchTimeoutMs: 2_000 } });
    for (const kind of ['chatwoot', 'sunshine'] as const) await createIntegration(t.hub.db, { name: `helpdesk-${kind}`, team: 'support' });
    await createIntegration(t.hub.db, { name: 'helpdesk-dialogflow-cx', team: 'support', key: CX_KEY });
    await setPlatform(t.hub.db, { name: 'helpdesk-dialogflow-cx', kind: 'dialogflow-cx' });
    await createIntegration(t.hub.db, { name: 'helpdesk-rasa', team: 'support', key: RASA_KEY });
    await setPlatform(t.hub.db, { name: 'helpdesk-rasa', kind: 'rasa', reasons: 'billing_dispute=emotional_state' });
    await createIntegration(t.hub.db, { name: 'helpdesk-lex', team: 'support', key: LEX_KEY });
    await setPlatform(t.hub.db, { name: 'helpdesk-lex', kind: 'lex' });
    await setPlatform(t.hub.db, { name: 'helpdesk-chatwoot', kind: 'chatwoot', apiUrl: chatwoot.url, tokenEnv: 'CW_TOKEN', webhookSecretEnv: 'CW_SECRET' });
    await setPlatform(t.hub.db, {
      name: 'helpdesk-sunshine',
      kind: 'sunshine',
      apiUrl: sunshine.url,
      keyId: 'key_1',
      keySecretEnv: 'SC_KEY',
      webhookSecretEnv: 'SC_SECRET',
      humanSwitchboardName: 'zd-agentWorkspace',
      botSwitchboardName: 'bot',
    });
  });
  afterAll(async () => {
    await t?.stop();
    await chatwoot?.close();
    await sunshine?.close();
  });

  const post = (c: Case): Promise<RawReply> =>
    send(`${t.url}/v1/ingress/${c.platform}/helpdesk-${c.platform}`, { method: 'POST', headers: headers(c), body: typeof c.body === 'string' ? c.body : Buffer.from(c.body) });

  it('takes every well-formed handoff webhook (201), refuses a wrong signature (401), acknowledges or refuses the rest, never a 5xx; the store holds exactly the handoffs answered', async () => {
    const tally = { created: 0, acknowledged: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const reply = await post(c);
        const context = `${describeCase(c)}\n→ ${reply.status} ${reply.text.slice(0, 500)}`;
        expect(reply.status, context).toBeLessThan(500);
        if (c.badAuth) expect(reply.status, context).toBe(401);
        if (c.platform === 'dialogflow-cx' && reply.status === 200) {
          // A handoff is answered with a WebhookResponse naming it, anything else with an empty one.
          const body = reply.json as { sessionInfo?: { parameters: { baton_handoff_id: string } } };
          const id = body.sessionInfo?.parameters.baton_handoff_id;
          if (c.wellFormed) expect(id !== undefined && !created.has(id), context).toBe(true);
          if (id === undefined) {
            expect(body, context).toEqual({});
            tally.acknowledged += 1;
          } else if (!created.has(id)) {
            const read = await send(`${t.url}/v1/handoffs/${id}`, { method: 'GET', headers: { authorization: `Bearer ${CX_KEY}` } });
            expect(ContextPacket.safeParse((read.json as { handoff: { packet: unknown } }).handoff.packet).success, context).toBe(true);
            created.add(id);
            tally.created += 1;
          } else tally.acknowledged += 1;
          return;
        }
        if (c.wellFormed) expect(reply.status, context).toBe(201);
        if (reply.status === 201) {
          const handoff = (reply.json as { handoff: { id: string; packet: unknown } }).handoff;
          expect(ContextPacket.safeParse(handoff.packet).success, context).toBe(true);
          expect(created.has(handoff.id), context).toBe(false);
          created.add(handoff.id);
          tally.created += 1;
        } else if (reply.status === 200) {
          const body = reply.json as { ignored?: string; handoff?: { id: string } };
          // A mutated body may still be a handoff of a conversation already handed off.
          if (body.handoff) expect(created.has(body.handoff.id), context).toBe(true);
          else expect(typeof body.ignored, context).toBe('string');
          tally.acknowledged += 1;
        } else {
          expectClientError(reply, context);
          tally.refused += 1;
        }
      }),
      runParameters('platforms'),
    );
    console.info(`[fast-check] platforms: ${tally.created} created, ${tally.acknowledged} acknowledged, ${tally.refused} refused`);
    expect(tally.created).toBeGreaterThan(200);

    const db = t.hub.db;
    const { rows: ids } = await db.query<{ id: string }>('select id from handoffs');
    expect(new Set(ids.map((r) => r.id))).toEqual(created);
    const { rows: whole } = await db.query(`select h.id from handoffs h where h.platform_conversation is null or (select count(*) from handoff_events e where e.handoff_id = h.id and e.type = 'created') <> 1`);
    expect(whole).toEqual([]);
    const { rows: orphans } = await db.query('select e.id from handoff_events e left join handoffs h on h.id = e.handoff_id where h.id is null');
    expect(orphans).toEqual([]);
  }, 300_000);
});
