// Rasa end to end: the bot's handoff action posts the tracker; the handoff has the transcript
// (reverted utterances left out), the bot's attempts, the intent and the trigger reason from the
// integration's table, the Baton keys from slots and session metadata. "Return to bot" resumes the
// conversation through Rasa's HTTP API (a local fake records it) and goes out as the signed webhook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from '../../hub/admin/accounts.ts';
import { setPlatform } from '../../hub/platforms/config.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { signedBy, startReceiver, type HttpReceiver } from '../support/http-receiver.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const KEY = 'rasa-integration-key-0123456789';
const PLAIN_KEY = 'rasa-plain-integration-key-0123456789';
const SIGNING = 'rasa-signing-secret-0123456789';
const TOKEN = 'rasa-auth-token-0123456789';
const T0 = 1765000000;

/** A tracker as `tracker.current_state()` gives it to the handoff action. */
function tracker(sender: string, overrides: Record<string, unknown> = {}) {
  return {
    sender_id: sender,
    slots: { customer_id: 'cust-7', customer_tier: 'gold', order_id: 'A-17', attempts: 2, cart: ['x'], session_started_metadata: null },
    latest_message: { intent: { name: 'talk_to_human', confidence: 0.97 }, intent_ranking: [{ name: 'talk_to_human', confidence: 0.97 }], text: 'let me talk to a human' },
    latest_event_time: T0 + 60,
    followup_action: null,
    paused: false,
    latest_input_channel: 'telegram',
    latest_action_name: 'action_listen',
    active_loop: {},
    events: [
      { event: 'action', timestamp: T0, name: 'action_session_start' },
      { event: 'session_started', timestamp: T0, metadata: { customer_name: 'Maria Lopez', customer_email: 'maria@example.com' } },
      { event: 'action', timestamp: T0, name: 'action_listen' },
      { event: 'user', timestamp: T0 + 10, text: 'what is my balance?', parse_data: { intent: { name: 'check_balance', confidence: 0.91 }, entities: [], text: 'what is my balance?' }, input_channel: 'telegram' },
      { event: 'user_featurization', timestamp: T0 + 10, use_text_for_featurization: false },
      { event: 'action', timestamp: T0 + 11, name: 'action_fetch_balance', policy: 'RulePolicy', confidence: 1 },
      { event: 'slot', timestamp: T0 + 11, name: 'balance', value: 40 },
      { event: 'bot', timestamp: T0 + 12, text: 'Your balance is 40 EUR.', data: {}, metadata: { utter_action: 'utter_balance' } },
      { event: 'action', timestamp: T0 + 12, name: 'utter_balance' },
      { event: 'action', timestamp: T0 + 13, name: 'action_listen' },
      { event: 'user', timestamp: T0 + 20, text: 'asdf qwer', parse_data: { intent: { name: 'nlu_fallback', confidence: 0.3 } } },
      { event: 'action', timestamp: T0 + 21, name: 'action_two_stage_fallback' },
      { event: 'rewind', timestamp: T0 + 22 },
      { event: 'action', timestamp: T0 + 23, name: 'action_check_refund' },
      { event: 'action_execution_rejected', timestamp: T0 + 23, name: 'action_check_refund' },
      { event: 'action', timestamp: T0 + 24, name: 'action_listen' },
      { event: 'user', timestamp: T0 + 60, text: 'let me talk to a human', parse_data: { intent: { name: 'talk_to_human', confidence: 0.97 } } },
      { event: 'action', timestamp: T0 + 61, name: 'action_handoff' },
    ],
    ...overrides,
  };
}

describe('Rasa', () => {
  let t: TestHub;
  let rasaApi: HttpReceiver;
  let bot: HttpReceiver;
  let ana: TestHubClient;
  const post = (integration: string, body: unknown, key: string | null) =>
    t.request('POST', `/v1/ingress/rasa/${integration}`, { rawBody: JSON.stringify(body), key: null, headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) } });

  beforeAll(async () => {
    rasaApi = await startReceiver();
    bot = await startReceiver();
    t = await startTestHub({ env: { RASA_TOKEN: TOKEN }, webhooks: { baseDelayMs: 10, maxDelayMs: 50 }, platforms: { baseDelayMs: 20, maxDelayMs: 100 } });
    await createIntegration(t.hub.db, { name: 'rasa-bot', team: 'support', key: KEY, signingSecret: SIGNING, callbackUrl: `${bot.url}/rasa` });
    await setPlatform(t.hub.db, { name: 'rasa-bot', kind: 'rasa', apiUrl: rasaApi.url, tokenEnv: 'RASA_TOKEN', resumeIntent: 'agent_done' });
    await createIntegration(t.hub.db, { name: 'rasa-plain', team: 'support', key: PLAIN_KEY });
    await setPlatform(t.hub.db, { name: 'rasa-plain', kind: 'rasa', reasons: 'out_of_scope=other, billing_dispute=emotional_state' });
    ana = await t.signIn('demo-ana');
  });
  afterAll(async () => {
    await t.stop();
    await rasaApi.close();
    await bot.close();
  });

  it('takes the tracker the handoff action posts, and resumes the conversation in Rasa on return to bot', async () => {
    const body = tracker('telegram-5521');
    const created = await post('rasa-bot', body, KEY);
    expect(created.status).toBe(201);
    const { handoff } = created.body;
    const { packet } = handoff;
    expect(packet.source).toEqual({ platform: 'rasa', conversationId: 'telegram-5521' });
    expect(packet.channel).toBe('social');
    // The rewound utterance (and the fallback that answered it) are gone; timestamps are Rasa's.
    expect(packet.transcript).toEqual([
      { from: 'customer', text: 'what is my balance?', at: new Date((T0 + 10) * 1000).toISOString() },
      { from: 'bot', text: 'Your balance is 40 EUR.', at: new Date((T0 + 12) * 1000).toISOString() },
      { from: 'customer', text: 'let me talk to a human', at: new Date((T0 + 60) * 1000).toISOString() },
    ]);
    // Not listen, session start, utterances, the rejected action or the handoff action.
    expect(packet.botAttempts).toEqual([{ step: 'action_fetch_balance' }]);
    expect(packet.intent).toEqual({ name: 'check_balance', confidence: 0.91 });
    expect(packet.trigger).toEqual({ reason: 'customer_request', detail: 'Rasa: talk_to_human' });
    expect(packet.customer).toEqual({ id: 'cust-7', name: 'Maria Lopez', email: 'maria@example.com', tier: 'gold' });
    expect(packet.summary).toBe('Rasa: let me talk to a human');
    expect(packet.metadata).toEqual({ order_id: 'A-17', attempts: 2, rasaInputChannel: 'telegram' });

    // The action retried: the same handoff.
    const retry = await post('rasa-bot', body, KEY);
    expect(retry).toMatchObject({ status: 200, body: { handoff: { id: handoff.id } } });

    expect(await ana.accept(handoff.id)).toMatchObject({ ok: true });
    expect(await ana.returnToBot(handoff.id, 'Balance corrected.')).toMatchObject({ ok: true });
    const [resume, trigger] = await rasaApi.waitFor(2);
    expect(resume).toMatchObject({ method: 'POST', path: `/conversations/telegram-5521/tracker/events?token=${TOKEN}`, json: { event: 'resume' } });
    expect(resume!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(trigger).toMatchObject({ method: 'POST', path: `/conversations/telegram-5521/trigger_intent?output_channel=latest&token=${TOKEN}`, json: { name: 'agent_done', entities: { baton_note: 'Balance corrected.' } } });
    const [returned] = await bot.waitFor(1, (r) => r.json?.type === 'handoff.returned_to_bot');
    expect(signedBy(SIGNING, returned!)).toBe(true);
    expect(returned!.json.handoff).toMatchObject({ id: handoff.id, status: 'returned_to_bot' });
    const notes = async () => (await t.request('GET', `/v1/handoffs/${handoff.id}`, { key: KEY })).body.handoff.events.map((e: { type: string; note?: string }) => e.note ?? e.type);
    await expect.poll(notes).toEqual(['created', 'offered', 'accepted', 'Balance corrected.', 'given back to the bot in Rasa', 'intent agent_done triggered in Rasa']);

    // Handed off again: a new handoff linked to the earlier one.
    const again = await post('rasa-bot', tracker('telegram-5521', { latest_event_time: T0 + 999 }), KEY);
    expect(again.status).toBe(201);
    expect(again.body.handoff.previous).toMatchObject({ id: handoff.id, status: 'returned_to_bot', note: 'Balance corrected.' });
  });

  it('reads the reason from the integration\'s table, takes conversation_id, and calls nothing back without an API URL', async () => {
    const created = await post(
      'rasa-plain',
      {
        conversation_id: 'web-77',
        latest_input_channel: 'rest',
        events: [
          { event: 'user', timestamp: T0, text: 'you charged me twice!!', parse_data: { intent: { name: 'billing_dispute', confidence: 0.8 } } },
          { event: 'action', timestamp: T0 + 1, name: 'action_handoff' },
        ],
      },
      PLAIN_KEY,
    );
    expect(created.status).toBe(201);
    const { packet, id } = created.body.handoff;
    expect(packet).toMatchObject({ source: { conversationId: 'web-77' }, channel: 'chat', trigger: { reason: 'emotional_state', detail: 'Rasa: billing_dispute' }, intent: { name: 'billing_dispute' } });
    expect(packet.botAttempts).toBeUndefined();
    const before = rasaApi.requests.length;
    expect(await ana.accept(id)).toMatchObject({ ok: true });
    expect(await ana.returnToBot(id, 'Done.')).toMatchObject({ ok: true });
    const { rows } = await t.hub.db.query('select count(*)::int as n from platform_outbox where handoff_id = $1', [id]);
    expect(rows[0]).toEqual({ n: 0 });
    expect(rasaApi.requests.length).toBe(before);
  });

  it('refuses a wrong key, and names a malformed field by its path in the tracker', async () => {
    expect((await post('rasa-bot', tracker('x-1'), PLAIN_KEY)).status).toBe(401);
    expect((await post('rasa-bot', tracker('x-1'), null)).status).toBe(401);
    const badEvent = await post('rasa-bot', tracker('x-2', { events: [{ event: 'user', text: 'hi' }, { timestamp: 1 }] }), KEY);
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['events.1.event']);
    const noSender = await post('rasa-bot', tracker('x-3', { sender_id: null }), KEY);
    expect(noSender.status).toBe(400);
    expect(noSender.body.error.issues).toEqual([{ path: 'sender_id', message: expect.stringContaining('conversation_id') }]);
    const { rows } = await t.hub.db.query("select count(*)::int as n from handoffs where platform_conversation like 'rasa:x-%'");
    expect(rows[0]).toEqual({ n: 0 });
  });
});
