// Amazon Lex V2 end to end: the Lambda shipped in integrations/lex-lambda runs against a local hub,
// forwards the Lambda input event unchanged and closes the intent with a "connecting you" message;
// the handoff carries the intent with its interpretation's confidence, the sentiment, the Baton keys
// from the session attributes, slots and the bot's identity. Return to bot reaches the client as the
// signed `handoff.returned_to_bot` webhook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from '../../hub/admin/accounts.ts';
import { setPlatform } from '../../hub/platforms/config.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { signedBy, startReceiver, type HttpReceiver } from '../support/http-receiver.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const KEY = 'lex-integration-key-0123456789';
const SIGNING = 'lex-signing-secret-0123456789';
const LAMBDA = '../../integrations/lex-lambda/index.mjs';

type Handler = (event: unknown, context: unknown, env: Record<string, string>) => Promise<any>;

/** A Lex V2 Lambda input event for the fulfillment of a TalkToAgent intent, as Amazon Connect runs it. */
function lexEvent(sessionId: string, overrides: Record<string, unknown> = {}) {
  return {
    messageVersion: '1.0',
    invocationSource: 'FulfillmentCodeHook',
    inputMode: 'Speech',
    responseContentType: 'text/plain; charset=utf-8',
    sessionId,
    inputTranscript: 'i want to speak to an agent about my refund',
    rawInputTranscript: 'I want to speak to an agent about my refund',
    bot: { id: 'QWERTY1234', name: 'SupportBot', aliasId: 'TSTALIASID', aliasName: 'TestBotAlias', localeId: 'en_US', version: 'DRAFT' },
    interpretations: [
      {
        intent: { name: 'TalkToAgent', slots: {}, state: 'ReadyForFulfillment', confirmationState: 'None' },
        interpretationSource: 'Lex',
        nluConfidence: 0.92,
        sentimentResponse: { sentiment: 'NEGATIVE', sentimentScore: { positive: 0.05, negative: 0.85, neutral: 0.08, mixed: 0.02 } },
      },
      { intent: { name: 'FallbackIntent', slots: {}, state: 'InProgress', confirmationState: 'None' }, interpretationSource: 'Lex' },
    ],
    proposedNextState: null,
    requestAttributes: { 'x-amz-lex:accept-content-types': 'PlainText,SSML' },
    sessionState: {
      sessionAttributes: { customer_id: 'cust-7', customer_name: 'Maria Lopez', handoff_reason: 'complexity', queue: 'billing' },
      activeContexts: [],
      intent: {
        name: 'TalkToAgent',
        slots: { OrderNumber: { shape: 'Scalar', value: { originalValue: 'a seventeen', interpretedValue: 'A17', resolvedValues: ['A17'] } }, Reason: null },
        state: 'ReadyForFulfillment',
        confirmationState: 'None',
      },
      originatingRequestId: '2b1c9d2e-0f3a-4b5c-8d7e-9f0a1b2c3d4e',
    },
    transcriptions: [{ transcription: 'i want to speak to an agent about my refund', transcriptionConfidence: 0.94 }],
    ...overrides,
  };
}

describe('Amazon Lex V2', () => {
  let t: TestHub;
  let bot: HttpReceiver;
  let ana: TestHubClient;
  let handler: Handler;
  let env: Record<string, string>;

  beforeAll(async () => {
    bot = await startReceiver();
    t = await startTestHub({ webhooks: { baseDelayMs: 10, maxDelayMs: 50 } });
    await createIntegration(t.hub.db, { name: 'lex-bot', team: 'support', key: KEY, signingSecret: SIGNING, callbackUrl: `${bot.url}/lex` });
    await setPlatform(t.hub.db, { name: 'lex-bot', kind: 'lex' });
    ana = await t.signIn('demo-ana');
    ({ handler } = (await import(LAMBDA)) as { handler: Handler });
    env = { BATON_INGRESS_URL: `${t.url}/v1/ingress/lex/lex-bot`, BATON_INTEGRATION_KEY: KEY, BATON_CONNECTING_TEXT: 'Connecting you to an agent.' };
  });
  afterAll(async () => {
    await t.stop();
    await bot.close();
  });

  it('the Lambda forwards the event and closes the intent; the handoff carries what Lex knew; return to bot is the signed webhook', async () => {
    const event = lexEvent('contact-0f9e8d7c');
    const response = await handler(event, {}, env);
    const id = response.sessionState.sessionAttributes.baton_handoff_id as string;
    expect(response).toEqual({
      sessionState: {
        ...event.sessionState,
        sessionAttributes: { ...event.sessionState.sessionAttributes, baton_handoff_id: id },
        dialogAction: { type: 'Close' },
        intent: { ...event.sessionState.intent, state: 'Fulfilled' },
      },
      messages: [{ contentType: 'PlainText', content: 'Connecting you to an agent.' }],
    });

    const { packet } = (await t.request('GET', `/v1/handoffs/${id}`, { key: KEY })).body.handoff;
    expect(packet.source).toEqual({ platform: 'lex', conversationId: 'contact-0f9e8d7c' });
    expect(packet.intent).toEqual({ name: 'TalkToAgent', confidence: 0.92 });
    expect(packet.sentiment.score).toBeCloseTo(-0.8);
    expect(packet.language).toBe('en-US');
    expect(packet.channel).toBe('voice');
    expect(packet.trigger).toEqual({ reason: 'complexity', detail: 'Handed off in Amazon Lex' });
    expect(packet.customer).toEqual({ id: 'cust-7', name: 'Maria Lopez' });
    expect(packet.transcript).toEqual([{ from: 'customer', text: 'i want to speak to an agent about my refund', at: expect.any(String) }]);
    expect(packet.metadata).toEqual({
      queue: 'billing',
      slot_OrderNumber: 'A17',
      lexBotId: 'QWERTY1234',
      lexBotName: 'SupportBot',
      lexBotAliasId: 'TSTALIASID',
      lexBotAliasName: 'TestBotAlias',
      lexBotVersion: 'DRAFT',
      lexLocaleId: 'en_US',
      lexInputMode: 'Speech',
      lexIntentState: 'ReadyForFulfillment',
    });

    // Lex invoking the Lambda again for the same session: the same handoff.
    expect((await handler(event, {}, env)).sessionState.sessionAttributes.baton_handoff_id).toBe(id);

    expect(await ana.accept(id)).toMatchObject({ ok: true });
    expect(await ana.returnToBot(id, 'Refund issued.')).toMatchObject({ ok: true });
    const [returned] = await bot.waitFor(1, (r) => r.json?.type === 'handoff.returned_to_bot');
    expect(signedBy(SIGNING, returned!)).toBe(true);
    expect(returned!.json.handoff).toMatchObject({ id, status: 'returned_to_bot', packet: { source: { platform: 'lex', conversationId: 'contact-0f9e8d7c' } } });

    // Handed off again: a new handoff, linked to the earlier one.
    const again = await handler(lexEvent('contact-0f9e8d7c', { inputTranscript: 'agent again please', inputMode: 'Text' }), {}, env);
    const next = again.sessionState.sessionAttributes.baton_handoff_id as string;
    expect(next).not.toBe(id);
    const second = (await t.request('GET', `/v1/handoffs/${next}`, { key: KEY })).body.handoff;
    expect(second.previous).toMatchObject({ id, status: 'returned_to_bot', note: 'Refund issued.' });
    expect(second.packet.channel).toBe('chat');
  });

  it('the Lambda closes the intent as Failed, with its failure message, when the hub refuses it', async () => {
    const response = await handler(lexEvent('contact-failed'), {}, { ...env, BATON_INTEGRATION_KEY: 'not-the-key-0123456789', BATON_FAILED_TEXT: 'No agent right now.' });
    expect(response.sessionState.intent).toMatchObject({ name: 'TalkToAgent', state: 'Failed' });
    expect(response.sessionState.sessionAttributes.baton_handoff_id).toBeUndefined();
    expect(response.messages).toEqual([{ contentType: 'PlainText', content: 'No agent right now.' }]);
  });

  it('names a malformed field by its path in the Lex event, and refuses a wrong key', async () => {
    const post = (body: unknown, key = KEY) =>
      t.request('POST', '/v1/ingress/lex/lex-bot', { rawBody: JSON.stringify(body), key: null, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
    expect((await post(lexEvent('x-1'), 'demo-integration-key')).status).toBe(401);
    const badSlot = await post(lexEvent('x-2', { interpretations: [{ intent: { name: 'TalkToAgent', slots: { OrderNumber: { value: { interpretedValue: 17 } } } } }] }));
    expect(badSlot.status).toBe(400);
    expect(badSlot.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['interpretations.0.intent.slots.OrderNumber.value.interpretedValue']);
    const noSession = await post({ ...lexEvent('x-3'), sessionId: undefined });
    expect(noSession.status).toBe(400);
    expect(noSession.body.error.issues).toEqual([{ path: 'sessionId', message: 'is required' }]);
    const { rows } = await t.hub.db.query("select count(*)::int as n from handoffs where platform_conversation like 'lex:x-%' or platform_conversation = 'lex:contact-failed'");
    expect(rows[0]).toEqual({ n: 0 });
  });
});
