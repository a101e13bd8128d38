// Dialogflow CX end to end: CX calls the agent's webhook with a WebhookRequest; a liveAgentHandoff
// (or the `baton-handoff` fulfillment tag) becomes a handoff with the turn, the history the client
// passed, intent, sentiment and the Baton keys, answered with a WebhookResponse; anything else gets
// an empty one. Return to bot reaches the client as the signed `handoff.returned_to_bot` webhook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from '../../hub/admin/accounts.ts';
import { setPlatform } from '../../hub/platforms/config.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { signedBy, startReceiver, type HttpReceiver } from '../support/http-receiver.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const KEY = 'cx-integration-key-0123456789';
const SIGNING = 'cx-signing-secret-0123456789';
const SESSION = 'projects/acme-support/locations/global/agents/6f1c8b2e-1d2a-4a55-9d0e-0c4b1e8e1a11/sessions/cx-session-77';

/** A WebhookRequest as CX sends it from a page whose fulfillment has a liveAgentHandoff message. */
function handoffRequest(overrides: Record<string, unknown> = {}) {
  return {
    detectIntentResponseId: '1f0b3c44-7a9e-4a7e-9d7d-2b9f3a1c5e01',
    intentInfo: {
      lastMatchedIntent: 'projects/acme-support/locations/global/agents/6f1c8b2e-1d2a-4a55-9d0e-0c4b1e8e1a11/intents/00000000-0000-0000-0000-000000000042',
      displayName: 'billing.refund',
      parameters: { amount: { originalValue: '40 euros', resolvedValue: 40 } },
      confidence: 0.87,
    },
    pageInfo: { currentPage: 'projects/acme-support/locations/global/agents/6f1c8b2e-1d2a-4a55-9d0e-0c4b1e8e1a11/flows/00000000-0000-0000-0000-000000000000/pages/handoff', displayName: 'Live agent' },
    sessionInfo: {
      session: SESSION,
      parameters: { customer_id: 'cust-7', customer_name: 'Maria Lopez', order_id: 'A-17', attempts: 2, address: { city: 'Lyon' } },
    },
    fulfillmentInfo: { tag: 'handoff' },
    messages: [
      { text: { text: ['Let me get someone who can help.'], allowPlaybackInterruption: false }, responseType: 'HANDLER_PROMPT', source: 'VIRTUAL_AGENT' },
      { liveAgentHandoff: { metadata: { summary: 'Refund for a double charge', handoff_reason: 'billing_dispute', priority: 'high', skills: 'billing' } }, responseType: 'HANDLER_PROMPT', source: 'VIRTUAL_AGENT' },
    ],
    text: 'I was charged twice, I want a person',
    payload: {
      transcript: [
        { from: 'bot', text: 'Hi, how can I help?', at: '2026-12-06T10:00:00Z' },
        { from: 'customer', text: 'My card was charged twice', at: '2026-12-06T10:00:05Z' },
        { from: 'nobody', text: 'skipped' },
      ],
    },
    sentimentAnalysisResult: { score: -0.6, magnitude: 1.2 },
    languageCode: 'en',
    ...overrides,
  };
}

describe('Dialogflow CX', () => {
  let t: TestHub;
  let bot: HttpReceiver;
  let ana: TestHubClient;
  const post = (body: unknown, key: string | null = KEY) =>
    t.request('POST', '/v1/ingress/dialogflow-cx/cx-agent', { rawBody: JSON.stringify(body), key: null, headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) } });

  beforeAll(async () => {
    bot = await startReceiver();
    t = await startTestHub({ webhooks: { baseDelayMs: 10, maxDelayMs: 50 } });
    await createIntegration(t.hub.db, { name: 'cx-agent', team: 'support', key: KEY, signingSecret: SIGNING, callbackUrl: `${bot.url}/cx` });
    await setPlatform(t.hub.db, { name: 'cx-agent', kind: 'dialogflow-cx', fulfillmentText: 'One moment, a colleague takes over.' });
    ana = await t.signIn('demo-ana');
  });
  afterAll(async () => {
    await t.stop();
    await bot.close();
  });

  it('answers a call that is not a handoff with an empty WebhookResponse and creates nothing', async () => {
    const answer = await post({ detectIntentResponseId: 'x-1', fulfillmentInfo: { tag: 'order-status' }, sessionInfo: { session: SESSION }, text: 'where is my order?' });
    expect(answer).toMatchObject({ status: 200, body: {} });
    expect(Object.keys(answer.body)).toEqual([]);
    const { rows } = await t.hub.db.query("select count(*)::int as n from handoffs where platform_conversation like 'dialogflow-cx:%'");
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('turns a liveAgentHandoff into a handoff, answers a WebhookResponse, and returns it to the bot with the signed webhook', async () => {
    const offered = ana.waitFor('handoff:offered');
    const answer = await post(handoffRequest());
    expect(answer.status).toBe(200);
    const id = answer.body.sessionInfo.parameters.baton_handoff_id as string;
    expect(answer.body).toEqual({
      fulfillmentResponse: { messages: [{ text: { text: ['One moment, a colleague takes over.'] } }], mergeBehavior: 'APPEND' },
      sessionInfo: { parameters: { baton_handoff_id: id } },
    });
    expect((await offered).handoff.id).toBe(id);

    const read = await t.request('GET', `/v1/handoffs/${id}`, { key: KEY });
    const { packet } = read.body.handoff;
    expect(packet.source).toEqual({ platform: 'dialogflow-cx', conversationId: 'cx-session-77' });
    expect(packet.summary).toBe('Refund for a double charge');
    expect(packet.trigger).toEqual({ reason: 'other', detail: 'billing_dispute' });
    expect(packet.intent).toEqual({ name: 'billing.refund', confidence: 0.87 });
    expect(packet.sentiment).toEqual({ score: -0.6 });
    expect(packet.language).toBe('en');
    expect(packet.priority).toBe('high');
    expect(packet.skills).toEqual(['billing']);
    expect(packet.channel).toBe('chat');
    expect(packet.customer).toEqual({ id: 'cust-7', name: 'Maria Lopez' });
    expect(packet.metadata).toEqual({ order_id: 'A-17', attempts: 2, dialogflowSession: SESSION, dialogflowPage: 'Live agent', dialogflowTag: 'handoff' });
    expect(packet.transcript.map((turn: { from: string; text: string }) => [turn.from, turn.text])).toEqual([
      ['bot', 'Hi, how can I help?'],
      ['customer', 'My card was charged twice'],
      ['customer', 'I was charged twice, I want a person'],
      ['bot', 'Let me get someone who can help.'],
    ]);
    expect(packet.transcript[0].at).toBe('2026-12-06T10:00:00.000Z');

    // CX retries the same call: the same handoff, the same answer.
    const retry = await post(handoffRequest());
    expect(retry).toMatchObject({ status: 200, body: { sessionInfo: { parameters: { baton_handoff_id: id } } } });

    expect(await ana.accept(id)).toMatchObject({ ok: true });
    expect(await ana.returnToBot(id, 'Refund issued; the bot confirms by email.')).toMatchObject({ ok: true });
    const [returned] = await bot.waitFor(1, (r) => r.json?.type === 'handoff.returned_to_bot');
    expect(signedBy(SIGNING, returned!)).toBe(true);
    expect(returned!.json.handoff).toMatchObject({ id, status: 'returned_to_bot', packet: { source: { platform: 'dialogflow-cx', conversationId: 'cx-session-77' } } });

    // Handed off again, this time by the fulfillment tag: a new handoff, linked to the earlier one.
    const again = await post({
      detectIntentResponseId: '1f0b3c44-7a9e-4a7e-9d7d-2b9f3a1c5e02',
      fulfillmentInfo: { tag: 'baton-handoff' },
      sessionInfo: { session: SESSION, parameters: { baton_handoff_id: id } },
      transcript: 'still charged twice',
      languageCode: 'en-US',
    });
    const next = again.body.sessionInfo.parameters.baton_handoff_id as string;
    expect(next).not.toBe(id);
    const second = (await t.request('GET', `/v1/handoffs/${next}`, { key: KEY })).body.handoff;
    expect(second.previous).toMatchObject({ id, status: 'returned_to_bot', note: 'Refund issued; the bot confirms by email.' });
    expect(second.packet).toMatchObject({ channel: 'voice', language: 'en-US', summary: 'Dialogflow CX: still charged twice', trigger: { reason: 'customer_request' } });
    expect(second.packet.metadata).toEqual({ dialogflowSession: SESSION, dialogflowTag: 'baton-handoff' });
  });

  it('refuses a call without the integration key', async () => {
    expect((await post(handoffRequest(), null)).status).toBe(401);
    expect((await post(handoffRequest(), 'demo-integration-key')).status).toBe(401);
  });

  it('names the malformed field by its path in the WebhookRequest', async () => {
    const wrongType = await post(handoffRequest({ intentInfo: { displayName: 'x', confidence: 'high' } }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['intentInfo.confidence']);
    expect(wrongType.body.error.message).toContain('intentInfo.confidence');
    const badMessage = await post(handoffRequest({ messages: [{ liveAgentHandoff: { metadata: 'oops' } }] }));
    expect(badMessage.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['messages.0.liveAgentHandoff.metadata']);
    const noSession = await post(handoffRequest({ sessionInfo: { parameters: {} } }));
    expect(noSession.status).toBe(400);
    expect(noSession.body.error.issues).toEqual([{ path: 'sessionInfo.session', message: expect.stringContaining('required') }]);
    const { rows } = await t.hub.db.query("select count(*)::int as n from handoffs where platform_conversation like 'dialogflow-cx:%'");
    expect(rows[0]).toEqual({ n: 2 });
  });
});
