// Chatwoot end to end against a local fake of its API: a conversation the agent bot moves from
// pending to open arrives with its whole transcript and customer; accepting assigns it to the
// agent's Chatwoot user; "Return to bot" writes a private note and sets it back to pending.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from '../../hub/admin/accounts.ts';
import { linkAgent, setPlatform } from '../../hub/platforms/config.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { chatwootHeaders, chatwootStatusChanged, startFakeChatwoot, type ChatwootMessageFixture, type FakeChatwoot } from '../support/fake-platforms.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const TOKEN = 'cw-api-token-0123456789';
const SECRET = 'cw-webhook-secret-0123456789';
const ENV = { CW_TOKEN: TOKEN, CW_SECRET: SECRET };
const FAST = { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 200, fetchTimeoutMs: 1_000, completeBaseDelayMs: 50, completeMaxDelayMs: 200 };

/** 25 messages (more than one page of 20): bot, customer, a private note, an activity line. */
function conversation(start: number): ChatwootMessageFixture[] {
  const messages: ChatwootMessageFixture[] = [];
  for (let i = 0; i < 22; i++) {
    const customer = i % 2 === 0;
    messages.push({
      id: start + i,
      content: customer ? `customer says ${i}` : `bot answers ${i}`,
      message_type: customer ? 0 : 1,
      created_at: 1765000000 + i * 10,
      private: false,
      sender: customer ? { id: 7, name: 'Maria Lopez', type: 'contact' } : { id: 2, name: 'Helpbot', type: 'agent_bot' },
    });
  }
  messages.push({ id: start + 22, content: 'internal: VIP, be nice', message_type: 1, created_at: 1765000230, private: true, sender: { id: 9, name: 'Sam', type: 'user' } });
  messages.push({ id: start + 23, content: 'Conversation was marked open by Helpbot', message_type: 2, created_at: 1765000240, private: false, sender: null });
  messages.push({ id: start + 24, content: 'I want a human, please', message_type: 0, created_at: 1765000250, private: false, sender: { id: 7, name: 'Maria Lopez', type: 'contact' } });
  return messages;
}

async function setUp(t: TestHub, fake: FakeChatwoot, webhookSecret = true): Promise<void> {
  await createIntegration(t.hub.db, { name: 'helpdesk', team: 'support', key: 'helpdesk-integration-key' });
  await setPlatform(t.hub.db, { name: 'helpdesk', kind: 'chatwoot', apiUrl: fake.url, tokenEnv: 'CW_TOKEN', ...(webhookSecret && { webhookSecretEnv: 'CW_SECRET' }) });
  await linkAgent(t.hub.db, 'demo-ana', '31');
}

async function post(t: TestHub, body: unknown, headers?: Record<string, string>) {
  const raw = JSON.stringify(body);
  return t.request('POST', '/v1/ingress/chatwoot/helpdesk', { rawBody: raw, key: null, headers: headers ?? chatwootHeaders(SECRET, raw) });
}

describe('Chatwoot', () => {
  let t: TestHub;
  let fake: FakeChatwoot;
  let ana: TestHubClient;
  beforeAll(async () => {
    fake = await startFakeChatwoot(TOKEN);
    t = await startTestHub({ env: ENV, platforms: FAST });
    await setUp(t, fake);
    ana = await t.signIn('demo-ana');
  });
  afterAll(async () => {
    await t.stop();
    await fake.close();
  });

  it('takes a pending → open handoff with its whole transcript and customer, assigns it on accept, and gives it back to the bot', async () => {
    fake.conversations.set('42', conversation(1000));
    const offered = ana.waitFor('handoff:offered');
    const webhook = chatwootStatusChanged(42, 'pending', 'open', {
      custom_attributes: { summary: 'Wants a refund for a double charge', handoff_reason: 'billing_dispute', priority: 'high', skills: 'billing, accounts', order_id: 'A-17' },
    });
    const created = await post(t, webhook);
    expect(created.status).toBe(201);
    const handoff = created.body.handoff;
    expect(handoff.partial).toBeUndefined();
    const { packet } = handoff;
    expect(packet.source).toEqual({ platform: 'chatwoot', conversationId: '42', conversationUrl: `${fake.url}/app/accounts/1/conversations/42` });
    expect(packet.customer).toEqual({ id: 'cust-7', name: 'Maria Lopez', email: 'maria@example.com' });
    expect(packet.channel).toBe('chat');
    expect(packet.summary).toBe('Wants a refund for a double charge');
    expect(packet.trigger).toEqual({ reason: 'other', detail: 'billing_dispute' });
    expect(packet.priority).toBe('high');
    expect(packet.skills).toEqual(['billing', 'accounts']);
    expect(packet.metadata).toMatchObject({ order_id: 'A-17', chatwootAccountId: '1', chatwootInboxId: '1' });
    // 24 turns: every message but the private note, in order, speakers mapped.
    expect(packet.transcript).toHaveLength(24);
    expect(packet.transcript[0]).toEqual({ from: 'customer', text: 'customer says 0', at: new Date(1765000000 * 1000).toISOString() });
    expect(packet.transcript[1]).toMatchObject({ from: 'bot', text: 'bot answers 1' });
    expect(packet.transcript.map((turn: { text: string }) => turn.text)).not.toContain('internal: VIP, be nice');
    expect(packet.transcript.at(-2)).toMatchObject({ from: 'system', text: 'Conversation was marked open by Helpbot' });
    expect(packet.transcript.at(-1)).toMatchObject({ from: 'customer', text: 'I want a human, please' });
    // Paged back: the latest 20, the 5 before them, then an empty page (the start).
    const reads = fake.receiver.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(reads).toEqual([
      '/api/v1/accounts/1/conversations/42/messages',
      '/api/v1/accounts/1/conversations/42/messages?before=1005',
      '/api/v1/accounts/1/conversations/42/messages?before=1000',
    ]);

    expect(handoff.status).toBe("offered");
    expect((await offered).handoff.id).toBe(handoff.id);
    expect(await ana.accept(handoff.id)).toMatchObject({ ok: true });
    const [assignment] = await fake.receiver.waitFor(1, (r) => r.path.endsWith('/assignments'));
    expect(assignment!.path).toBe('/api/v1/accounts/1/conversations/42/assignments');
    expect(assignment!.json).toEqual({ assignee_id: 31 });
    expect(assignment!.headers.api_access_token).toBe(TOKEN);
    const notes = async () => (await t.request('GET', `/v1/handoffs/${handoff.id}`, { key: 'helpdesk-integration-key' })).body.handoff.events.map((e: { type: string; note?: string }) => e.note ?? e.type);
    await expect.poll(notes).toContain('assigned to the accepting agent in Chatwoot');

    expect(await ana.returnToBot(handoff.id, 'Refund issued; the bot confirms by email.')).toMatchObject({ ok: true });
    const [note, status] = await fake.receiver.waitFor(2, (r) => r.method === 'POST' && !r.path.endsWith('/assignments'));
    expect(note!.path).toBe('/api/v1/accounts/1/conversations/42/messages');
    expect(note!.json).toEqual({ content: 'Returned to the bot from Baton: Refund issued; the bot confirms by email.', message_type: 'outgoing', private: true });
    expect(status!.path).toBe('/api/v1/accounts/1/conversations/42/toggle_status');
    expect(status!.json).toEqual({ status: 'pending' });
    await expect.poll(notes).toEqual([
      'created',
      'offered',
      'accepted',
      'assigned to the accepting agent in Chatwoot',
      'Refund issued; the bot confirms by email.',
      'private note added in Chatwoot',
      'given back to the bot in Chatwoot',
    ]);

    // Chatwoot reports the status it was given back: the handoff is no longer open, so nothing happens.
    const echo = await post(t, chatwootStatusChanged(42, 'open', 'pending'));
    expect(echo).toMatchObject({ status: 200, body: { ignored: expect.stringContaining('no open handoff') } });

    // Handed off again: a new handoff, linked to the earlier one.
    const again = await post(t, chatwootStatusChanged(42, 'pending', 'open', { timestamp: 1765000999 }));
    expect(again.status).toBe(201);
    expect(again.body.handoff.id).not.toBe(handoff.id);
    expect(again.body.handoff.previous).toMatchObject({ id: handoff.id, status: 'returned_to_bot', assignee: { id: 'demo-ana', name: 'Ana' }, note: 'Refund issued; the bot confirms by email.' });
    const read = await t.request('GET', `/v1/handoffs/${again.body.handoff.id}`, { key: 'helpdesk-integration-key' });
    expect(read.body.handoff.previous.id).toBe(handoff.id);

    // Chatwoot resolves it before anyone in Baton does: the handoff is cancelled.
    const resolved = await post(t, chatwootStatusChanged(42, 'open', 'resolved', { timestamp: 1765001999 }));
    expect(resolved).toMatchObject({ status: 200, body: { cancelled: { id: again.body.handoff.id, status: 'cancelled' } } });
  });

  it('gives the same handoff for the same webhook twice, and for its conversation_updated twin', async () => {
    fake.conversations.set('43', conversation(2000));
    const webhook = chatwootStatusChanged(43, 'pending', 'open');
    const first = await post(t, webhook);
    expect(first.status).toBe(201);
    const retry = await post(t, webhook);
    expect(retry.status).toBe(200);
    expect(retry.body.handoff.id).toBe(first.body.handoff.id);
    const twin = await post(t, { ...webhook, event: 'conversation_updated' });
    expect(twin.status).toBe(200);
    expect(twin.body.handoff.id).toBe(first.body.handoff.id);
    const open = await t.hub.db.query<{ n: number }>(`select count(*)::int as n from handoffs where platform_conversation = 'chatwoot:1:43'`);
    expect(open.rows[0]!.n).toBe(1);
    expect((await t.request('POST', `/v1/handoffs/${first.body.handoff.id}/cancel`, { key: 'helpdesk-integration-key' })).status).toBe(200);
  });

  it('assigns the conversation in Chatwoot to the agent a lead gives it to', async () => {
    await linkAgent(t.hub.db, 'demo-ben', '32');
    fake.conversations.set('49', conversation(4500));
    const created = await post(t, chatwootStatusChanged(49, 'pending', 'open'));
    expect(created.status).toBe(201);
    const lee = await t.signIn('demo-lee');
    expect(await lee.reassign(created.body.handoff.id, { agentId: 'demo-ben' }, 'Ben knows this customer')).toMatchObject({ ok: true });
    const [assignment] = await fake.receiver.waitFor(1, (r) => r.path === '/api/v1/accounts/1/conversations/49/assignments');
    expect(assignment!.json).toEqual({ assignee_id: 32 });
    lee.close();
    expect((await t.request('POST', `/v1/handoffs/${created.body.handoff.id}/cancel`, { key: 'helpdesk-integration-key' })).status).toBe(200);
  });

  it('acknowledges what is not a handoff with 200 and why', async () => {
    expect(await post(t, { event: 'message_created', id: 5, content: 'hi', message_type: 'incoming' })).toEqual({ status: 200, body: { ignored: 'message_created is not a handoff' } });
    expect(await post(t, chatwootStatusChanged(44, 'resolved', 'open'))).toEqual({ status: 200, body: { ignored: 'status changed from resolved to open, not pending → open' } });
    expect(await post(t, { ...chatwootStatusChanged(44, 'pending', 'open'), changed_attributes: null })).toMatchObject({ status: 200, body: { ignored: expect.stringContaining('without a status change') } });
  });

  it('refuses a wrong or stale signature, and a missing one, with 401', async () => {
    const raw = JSON.stringify(chatwootStatusChanged(45, 'pending', 'open'));
    const wrong = await t.request('POST', '/v1/ingress/chatwoot/helpdesk', { rawBody: raw, key: null, headers: chatwootHeaders('not-the-secret', raw) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toContain('X-Chatwoot-Signature');
    const stale = await t.request('POST', '/v1/ingress/chatwoot/helpdesk', { rawBody: raw, key: null, headers: chatwootHeaders(SECRET, raw, Math.floor(Date.now() / 1000) - 600) });
    expect(stale.status).toBe(401);
    expect(stale.body.error.message).toContain('5 minutes');
    const tampered = await t.request('POST', '/v1/ingress/chatwoot/helpdesk', { rawBody: raw.replace('45', '46'), key: null, headers: chatwootHeaders(SECRET, raw) });
    expect(tampered.status).toBe(401);
    // With a webhook secret configured, the integration key alone does not do.
    const keyOnly = await t.request('POST', '/v1/ingress/chatwoot/helpdesk', { rawBody: raw, key: 'helpdesk-integration-key', headers: {} });
    expect(keyOnly.status).toBe(401);
    const none = await t.hub.db.query<{ n: number }>(`select count(*)::int as n from handoffs where platform_conversation = 'chatwoot:1:45'`);
    expect(none.rows[0]!.n).toBe(0);
    expect((await t.request('POST', '/v1/ingress/chatwoot/nobody', { rawBody: raw, key: null })).status).toBe(404);
  });

  it('does not keep the webhook waiting on a slow API: each answer in time but not all of them, the handoff is partial', async () => {
    fake.conversations.set('48', conversation(4000));
    fake.delayMs = 800; // three pages: each within the 1 s per request, together over the 2 s in all
    try {
      const started = Date.now();
      const created = await post(t, chatwootStatusChanged(48, 'pending', 'open'));
      expect(created.status).toBe(201);
      expect(created.body.handoff.partial).toBe(true);
      expect(Date.now() - started).toBeLessThan(3_500);
      expect((await t.request('POST', `/v1/handoffs/${created.body.handoff.id}/cancel`, { key: 'helpdesk-integration-key' })).status).toBe(200);
    } finally {
      fake.delayMs = 0;
    }
  });

  it('creates the handoff at once, partial, when the API is down, and completes it when the API is back', async () => {
    fake.conversations.set('47', conversation(3000));
    fake.down = true;
    const webhook = chatwootStatusChanged(47, 'pending', 'open', {
      messages: [{ id: 3024, content: 'I want a human, please', message_type: 0, created_at: 1765000250, private: false, account_id: 1, sender: { id: 7, type: 'contact' } }],
    });
    const created = await post(t, webhook);
    expect(created.status).toBe(201);
    const id = created.body.handoff.id;
    expect(created.body.handoff.partial).toBe(true);
    expect(created.body.handoff.packet.transcript).toEqual([{ from: 'customer', text: 'I want a human, please', at: new Date(1765000250 * 1000).toISOString() }]);
    expect(created.body.handoff.packet.summary).toBe('Chatwoot: I want a human, please');
    const completed = ana.waitFor('handoff:changed', ({ handoff }) => handoff.id === id && handoff.partial !== true, 10_000);
    fake.down = false;
    const { handoff } = await completed;
    expect(handoff.packet.transcript).toHaveLength(24);
    expect(handoff.packet.customer).toEqual({ id: 'cust-7', name: 'Maria Lopez', email: 'maria@example.com' });
    const read = await t.request('GET', `/v1/handoffs/${id}`, { key: 'helpdesk-integration-key' });
    expect(read.body.handoff.events.map((e: { type: string }) => e.type)).toContain('completed');
    expect((await t.request('POST', `/v1/handoffs/${id}/cancel`, { key: 'helpdesk-integration-key' })).status).toBe(200);
  });
});

describe('Chatwoot, across a restart of the hub', () => {
  it('sends a return to bot that was pending when the hub stopped, once, after it is back', async () => {
    const fake = await startFakeChatwoot(TOKEN);
    const t = await startTestHub({ env: ENV, platforms: { ...FAST, baseDelayMs: 200, maxDelayMs: 400 } });
    try {
      await setUp(t, fake, false);
      const ana = await t.signIn('demo-ana');
      fake.conversations.set('50', conversation(5000));
      const offered = ana.waitFor('handoff:offered');
      // No webhook secret configured: the integration key proves the request.
      const created = await t.request('POST', '/v1/ingress/chatwoot/helpdesk', { body: chatwootStatusChanged(50, 'pending', 'open'), key: 'helpdesk-integration-key' });
      expect(created.status).toBe(201);
      const id = (await offered).handoff.id;
      await ana.accept(id);
      await fake.receiver.waitFor(1, (r) => r.path.endsWith('/assignments'));
      fake.down = true;
      expect(await ana.returnToBot(id, 'Back to the bot')).toMatchObject({ ok: true });
      await fake.receiver.waitFor(1, (r) => r.path.endsWith('/messages') && r.method === 'POST');
      await t.stopHub();
      const before = fake.receiver.requests.length;
      fake.down = false;
      await t.restart();
      const sent = await fake.receiver.waitFor(1, (r) => r.path.endsWith('/toggle_status'));
      await new Promise((resolve) => setTimeout(resolve, 600));
      const after = fake.receiver.requests.slice(before).filter((r) => r.method === 'POST');
      expect(after.map((r) => r.path.split('/').at(-1))).toEqual(['messages', 'toggle_status']);
      expect(sent[0]!.json).toEqual({ status: 'pending' });
    } finally {
      await t.stop();
      await fake.close();
    }
  });
});

describe('Chatwoot, when a call back fails for good', () => {
  it('tells the agent on the handoff, records it in the history, and logs it', async () => {
    const fake = await startFakeChatwoot(TOKEN);
    const lines: string[] = [];
    const { default: pino } = await import('pino');
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const t = await startTestHub({ env: ENV, log, platforms: { ...FAST, maxAttempts: 2 } });
    try {
      await setUp(t, fake);
      const ana = await t.signIn('demo-ana');
      fake.conversations.set('60', conversation(6000));
      const offered = ana.waitFor('handoff:offered');
      expect((await post(t, chatwootStatusChanged(60, 'pending', 'open'))).status).toBe(201);
      const id = (await offered).handoff.id;
      await ana.accept(id);
      await fake.receiver.waitFor(1, (r) => r.path.endsWith('/assignments'));
      fake.down = true;
      const noticed = ana.waitFor('handoff:changed', ({ handoff }) => handoff.id === id && handoff.platformNotice !== undefined, 10_000);
      expect(await ana.returnToBot(id, 'Back to the bot')).toMatchObject({ ok: true });
      const { handoff } = await noticed;
      expect(handoff.platformNotice).toBe('Baton could not add your note to the conversation in Chatwoot (HTTP 503: unavailable). Do it in Chatwoot itself.');
      const read = await t.request('GET', `/v1/handoffs/${id}`, { key: 'helpdesk-integration-key' });
      expect(read.body.handoff.events.at(-1)).toMatchObject({ type: 'platform_failed', actor: { kind: 'system', id: 'chatwoot' }, reason: 'HTTP 503: unavailable' });
      expect(lines.some((line) => line.includes('platform call failed permanently; giving up'))).toBe(true);
      expect(lines.join('\n')).not.toContain(TOKEN);
    } finally {
      await t.stop();
      await fake.close();
    }
  });
});
