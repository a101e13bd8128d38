// Sunshine Conversations end to end against a local fake of its API v2: a passControl to the
// human side arrives with the transcript (paged back to the bot's first message) and the user;
// "Return to bot" passes control to the bot's switchboard integration with the agent's note.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from '../../hub/admin/accounts.ts';
import { setPlatform } from '../../hub/platforms/config.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { startFakeSunshine, sunshineSwitchboard, type FakeSunshine, type SunshineMessageFixture } from '../support/fake-platforms.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const KEY_ID = 'app_key_0123';
const KEY_SECRET = 'sunshine-key-secret-0123456789';
const WEBHOOK_SECRET = 'sunshine-webhook-secret-0123456789';
const ENV = { SC_KEY_SECRET: KEY_SECRET, SC_WEBHOOK_SECRET: WEBHOOK_SECRET };
const FAST = { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 200, fetchTimeoutMs: 1_000, completeBaseDelayMs: 50, completeMaxDelayMs: 200 };
const INTEGRATION_KEY = 'zendesk-integration-key';

function conversation(prefix: string): SunshineMessageFixture[] {
  const at = (i: number) => new Date(Date.UTC(2026, 11, 6, 9, 0, i)).toISOString();
  const user = (i: number, text: string): SunshineMessageFixture => ({
    id: `${prefix}${i}`,
    received: at(i),
    author: { type: 'user', userId: 'user_1', displayName: 'Maria' },
    content: { type: 'text', text },
    source: { type: 'whatsapp', integrationId: 'int_wa' },
  });
  const bot = (i: number, text: string): SunshineMessageFixture => ({
    id: `${prefix}${i}`,
    received: at(i),
    author: { type: 'business', displayName: 'Helpbot' },
    content: { type: 'text', text },
    source: { type: 'api:conversations' },
  });
  return [
    user(1, 'an older visit, before this bot session'),
    bot(2, 'older answer'),
    user(3, 'My parcel never arrived'),
    bot(4, 'Let me check the tracking number.'),
    { id: `${prefix}5`, received: at(5), author: { type: 'user', userId: 'user_1' }, content: { type: 'image' }, source: { type: 'whatsapp' } },
    bot(6, 'I could not find it; let me get you a person.'),
    user(7, 'Thanks, I want a refund'),
  ];
}

const USER = {
  id: 'user_1',
  externalId: 'crm-551',
  authenticated: true,
  profile: { givenName: 'Maria', surname: 'Lopez', email: 'maria@example.com', locale: 'es-ES' },
  identities: [{ type: 'email', value: 'maria@example.com', verification: 'verified' }],
  signedUpAt: '2025-01-01T00:00:00.000Z',
};

async function setUp(t: TestHub, fake: FakeSunshine): Promise<void> {
  await createIntegration(t.hub.db, { name: 'zendesk', team: 'support', key: INTEGRATION_KEY });
  await setPlatform(t.hub.db, {
    name: 'zendesk',
    kind: 'sunshine',
    apiUrl: fake.url,
    keyId: KEY_ID,
    keySecretEnv: 'SC_KEY_SECRET',
    webhookSecretEnv: 'SC_WEBHOOK_SECRET',
    humanSwitchboardName: 'zd-agentWorkspace',
    botSwitchboardName: 'helpbot',
  });
}

const post = (t: TestHub, body: unknown, apiKey = WEBHOOK_SECRET) =>
  t.request('POST', '/v1/ingress/sunshine/zendesk', { body, key: null, headers: { 'x-api-key': apiKey } });

describe('Sunshine Conversations', () => {
  let t: TestHub;
  let fake: FakeSunshine;
  let ana: TestHubClient;
  beforeAll(async () => {
    fake = await startFakeSunshine(KEY_ID, KEY_SECRET);
    fake.users.set('user_1', USER);
    fake.pageSize = 2;
    t = await startTestHub({ env: ENV, platforms: FAST });
    await setUp(t, fake);
    ana = await t.signIn('demo-ana');
  });
  afterAll(async () => {
    await t.stop();
    await fake.close();
  });

  it('takes a passControl to the human side with the transcript and user, and passes control back to the bot with the note', async () => {
    fake.conversations.set('conv_1', conversation('a'));
    const offered = ana.waitFor('handoff:offered');
    const created = await post(
      t,
      sunshineSwitchboard('switchboard:passControl', {
        eventId: 'evt_1',
        conversationId: 'conv_1',
        to: 'zd-agentWorkspace',
        metadata: { first_message_id: 'a3', core_issue: 'Lost parcel', handoff_reason: 'scope_limitation', customer_tier: 'gold', intent: 'refund', intent_confidence: '0.82', bot_attempts: 'tracking lookup; carrier check', frustration: 0.6, ticket_ref: 99 },
      }),
    );
    expect(created.status).toBe(201);
    const { packet } = created.body.handoff;
    expect(packet.source).toEqual({ platform: 'sunshine', conversationId: 'conv_1' });
    expect(packet.channel).toBe('social');
    expect(packet.customer).toEqual({ id: 'crm-551', name: 'Maria Lopez', email: 'maria@example.com', locale: 'es-ES', authenticated: true, tier: 'gold' });
    expect(packet.language).toBe('es-ES');
    expect(packet.trigger).toEqual({ reason: 'scope_limitation', detail: 'Handed off in Sunshine Conversations' });
    expect(packet.coreIssue).toBe('Lost parcel');
    expect(packet.intent).toEqual({ name: 'refund', confidence: 0.82 });
    expect(packet.sentiment).toEqual({ frustration: 0.6 });
    expect(packet.botAttempts).toEqual([{ step: 'tracking lookup' }, { step: 'carrier check' }]);
    expect(packet.summary).toBe('Sunshine Conversations: Thanks, I want a refund');
    expect(packet.metadata).toMatchObject({ ticket_ref: 99, first_message_id: 'a3', sunshineAppId: 'app_1', switchboard: 'zd-agentWorkspace', sunshineUserId: 'user_1' });
    // From the bot session's first message on, in order; an image without text says what it was.
    expect(packet.transcript.map((turn: { from: string; text: string }) => `${turn.from}: ${turn.text}`)).toEqual([
      'customer: My parcel never arrived',
      'bot: Let me check the tracking number.',
      'customer: (image)',
      'bot: I could not find it; let me get you a person.',
      'customer: Thanks, I want a refund',
    ]);
    expect(packet.transcript[0].at).toBe('2026-12-06T09:00:03.000Z');
    // Paged back with page[before] until the first message was in, then the user.
    expect(fake.receiver.requests.filter((r) => r.method === 'GET').map((r) => decodeURIComponent(r.path))).toEqual([
      '/v2/apps/app_1/conversations/conv_1/messages',
      '/v2/apps/app_1/conversations/conv_1/messages?page[before]=a6',
      '/v2/apps/app_1/conversations/conv_1/messages?page[before]=a4',
      '/v2/apps/app_1/users/user_1',
    ]);

    const id = (await offered).handoff.id;
    expect(await ana.accept(id)).toMatchObject({ ok: true });
    expect(await ana.returnToBot(id, 'Refund approved; the bot sends the label.')).toMatchObject({ ok: true });
    const [pass] = await fake.receiver.waitFor(1, (r) => r.method === 'POST');
    expect(pass!.path).toBe('/v2/apps/app_1/conversations/conv_1/passControl');
    expect(pass!.json).toEqual({ switchboardIntegration: 'helpbot', metadata: { baton_outcome: 'returned_to_bot', baton_note: 'Refund approved; the bot sends the label.' } });
    expect(pass!.headers.authorization).toBe(`Basic ${Buffer.from(`${KEY_ID}:${KEY_SECRET}`).toString('base64')}`);
    await expect
      .poll(async () => (await t.request('GET', `/v1/handoffs/${id}`, { key: INTEGRATION_KEY })).body.handoff.events.map((e: { type: string; note?: string }) => e.note ?? e.type))
      .toEqual(['created', 'offered', 'accepted', 'Refund approved; the bot sends the label.', 'given back to the bot in Sunshine Conversations']);

    // The switchboard's own passControl to the bot is not a handoff, and there is nothing open to cancel.
    const echo = await post(t, sunshineSwitchboard('switchboard:passControl', { eventId: 'evt_2', conversationId: 'conv_1', to: 'helpbot' }));
    expect(echo).toMatchObject({ status: 200, body: { ignored: expect.stringContaining('no open handoff') } });

    // Handed off again: linked to the earlier handoff.
    const again = await post(t, sunshineSwitchboard('switchboard:passControl', { eventId: 'evt_3', conversationId: 'conv_1', to: 'zd-agentWorkspace' }));
    expect(again.status).toBe(201);
    expect(again.body.handoff.previous).toMatchObject({ id, status: 'returned_to_bot', assignee: { name: 'Ana' }, note: 'Refund approved; the bot sends the label.' });
    expect((await t.request('GET', `/v1/handoffs/${again.body.handoff.id}`, { key: INTEGRATION_KEY })).body.handoff.previous.id).toBe(id);
    // Control released elsewhere first: cancelled.
    const released = await post(t, sunshineSwitchboard('switchboard:releaseControl', { eventId: 'evt_4', conversationId: 'conv_1' }));
    expect(released).toMatchObject({ status: 200, body: { cancelled: { id: again.body.handoff.id, status: 'cancelled' } } });
  });

  it('gives the same handoff for a retried event and for the acceptControl that follows', async () => {
    fake.conversations.set('conv_2', conversation('b'));
    const webhook = sunshineSwitchboard('switchboard:passControl', { eventId: 'evt_10', conversationId: 'conv_2', to: 'zd-agentWorkspace' });
    const first = await post(t, webhook);
    expect(first.status).toBe(201);
    const retry = await post(t, webhook);
    expect(retry).toMatchObject({ status: 200, body: { handoff: { id: first.body.handoff.id } } });
    const accepted = await post(t, sunshineSwitchboard('switchboard:acceptControl', { eventId: 'evt_11', conversationId: 'conv_2', to: 'zd-agentWorkspace' }));
    expect(accepted).toMatchObject({ status: 200, body: { handoff: { id: first.body.handoff.id } } });
    expect((await t.request('POST', `/v1/handoffs/${first.body.handoff.id}/cancel`, { key: INTEGRATION_KEY })).status).toBe(200);
    // Retried after the handoff ended: still the same handoff, not a new one.
    const late = await post(t, webhook);
    expect(late).toMatchObject({ status: 200, body: { handoff: { id: first.body.handoff.id, status: 'cancelled' } } });
  });

  it('acknowledges what is not a handoff with 200 and why', async () => {
    expect(await post(t, sunshineSwitchboard('switchboard:passControl', { eventId: 'evt_20', conversationId: 'conv_3', to: 'another-bot' }))).toEqual({
      status: 200,
      body: { ignored: 'switchboard:passControl to another-bot, not the human side (zd-agentWorkspace)' },
    });
    const message = { app: { id: 'app_1' }, webhook: { id: 'wh', version: 'v2' }, events: [{ id: 'e', type: 'conversation:message', payload: { conversation: { id: 'conv_3' }, message: { id: 'm' } } }] };
    expect(await post(t, message)).toEqual({ status: 200, body: { ignored: 'conversation:message is not a handoff' } });
  });

  it('refuses a wrong or missing X-API-Key with 401', async () => {
    const webhook = sunshineSwitchboard('switchboard:passControl', { eventId: 'evt_30', conversationId: 'conv_4', to: 'zd-agentWorkspace' });
    expect((await post(t, webhook, 'not-the-secret')).status).toBe(401);
    expect((await t.request('POST', '/v1/ingress/sunshine/zendesk', { body: webhook, key: INTEGRATION_KEY })).status).toBe(401);
    const none = await t.hub.db.query<{ n: number }>(`select count(*)::int as n from handoffs where platform_conversation = 'sunshine:app_1:conv_4'`);
    expect(none.rows[0]!.n).toBe(0);
  });

  it('creates the handoff at once, partial, when the API is down, and completes it when the API is back', async () => {
    fake.conversations.set('conv_5', conversation('c'));
    fake.down = true;
    const created = await post(t, sunshineSwitchboard('switchboard:passControl', { eventId: 'evt_40', conversationId: 'conv_5', to: 'zd-agentWorkspace', metadata: { summary: 'Parcel lost' } }));
    expect(created.status).toBe(201);
    const id = created.body.handoff.id;
    expect(created.body.handoff).toMatchObject({ partial: true, packet: { summary: 'Parcel lost', transcript: [] } });
    const completed = ana.waitFor('handoff:changed', ({ handoff }) => handoff.id === id && handoff.partial !== true, 10_000);
    fake.down = false;
    const { handoff } = await completed;
    expect(handoff.packet.transcript).toHaveLength(7);
    expect(handoff.packet.customer?.name).toBe('Maria Lopez');
    expect((await t.request('POST', `/v1/handoffs/${id}/cancel`, { key: INTEGRATION_KEY })).status).toBe(200);
  });
});

describe('Sunshine Conversations, across a restart of the hub', () => {
  it('sends a return to bot that was pending when the hub stopped, once, after it is back', async () => {
    const fake = await startFakeSunshine(KEY_ID, KEY_SECRET);
    fake.users.set('user_1', USER);
    const t = await startTestHub({ env: ENV, platforms: { ...FAST, baseDelayMs: 200, maxDelayMs: 400 } });
    try {
      await setUp(t, fake);
      const ana = await t.signIn('demo-ana');
      fake.conversations.set('conv_9', conversation('z'));
      const offered = ana.waitFor('handoff:offered');
      expect((await post(t, sunshineSwitchboard('switchboard:passControl', { eventId: 'evt_90', conversationId: 'conv_9', to: 'zd-agentWorkspace' }))).status).toBe(201);
      const id = (await offered).handoff.id;
      await ana.accept(id);
      fake.down = true;
      expect(await ana.returnToBot(id, 'Back to the bot')).toMatchObject({ ok: true });
      await fake.receiver.waitFor(1, (r) => r.method === 'POST');
      await t.stopHub();
      const before = fake.receiver.requests.length;
      fake.down = false;
      await t.restart();
      await fake.receiver.waitFor(1, (r) => r.method === 'POST' && fake.receiver.requests.indexOf(r) >= before);
      await new Promise((resolve) => setTimeout(resolve, 600));
      const after = fake.receiver.requests.slice(before).filter((r) => r.method === 'POST');
      expect(after.map((r) => r.path)).toEqual(['/v2/apps/app_1/conversations/conv_9/passControl']);
    } finally {
      await t.stop();
      await fake.close();
    }
  });
});
