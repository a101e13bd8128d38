import { describe, expect, it } from 'vitest';
import { botFrameworkToPacket } from '../../hub/ingress/botframework.ts';
import { BotFrameworkHandoffActivity, ContextPacket, describeIssues, LIMITS } from '../../shared/protocol/index.ts';
import { readFixture } from '../support/fixtures.ts';

type Raw = Record<string, any>;

/** A fresh copy of the fixture, to be changed per test. */
function fixture(): Raw {
  return readFixture<Raw>('botframework/handoff-initiate.json');
}

/** The fixture with its transcript activities replaced. */
function withActivities(activities: unknown[]): Raw {
  const raw = fixture();
  raw.attachments[0].content.activities = activities;
  return raw;
}

function translate(raw: unknown) {
  return botFrameworkToPacket(BotFrameworkHandoffActivity.parse(raw));
}

function issuesOf(raw: unknown) {
  const result = BotFrameworkHandoffActivity.safeParse(raw);
  expect(result.success).toBe(false);
  return describeIssues(result.error!);
}

const user = { id: 'u-551', name: 'Lena Park', role: 'user' };
const bot = { id: 'bot-7731', name: 'Acme Helper', role: 'bot' };

describe('botFrameworkToPacket: the Copilot Studio fixture', () => {
  it('becomes a full packet that keeps every turn, the customer, the topics and the agent message', () => {
    const packet = translate(fixture());

    expect(packet).toEqual({
      summary: 'Customer wants a prorated refund on cancellation',
      trigger: { reason: 'customer_request', detail: 'Acme Helper handed off during topic "Cancel subscription"' },
      transcript: [
        { from: 'customer', text: 'hello', at: '2026-11-18T16:19:02.100Z' },
        { from: 'bot', text: 'Hi! How can I help you today?', at: '2026-11-18T16:19:03.400Z' },
        { from: 'customer', text: 'I want to cancel and get my money back', at: '2026-11-18T16:19:40.900Z' },
        {
          from: 'bot',
          text: 'I can cancel your plan, but refunds are handled by our team. Connecting you now.',
          at: '2026-11-18T16:19:42.000Z',
        },
      ],
      intent: { name: 'Cancel subscription' },
      customer: { id: 'u-551', name: 'Lena Park' },
      channel: 'chat',
      language: 'en-US',
      source: { platform: 'botframework', conversationId: '7Kq2Lr9Xw1' },
      metadata: {
        botId: 'bot-7731',
        botName: 'Acme Helper',
        channelId: 'directline',
        topics: 'Greeting, Cancel subscription',
        lastTopic: 'Cancel subscription',
        lastPhrase: 'I want to cancel and get my money back',
        serviceUrl: 'https://directline.botframework.com/',
      },
    });
    expect(ContextPacket.parse(packet)).toEqual(packet);
  });
});

describe('BotFrameworkHandoffActivity schema', () => {
  it('accepts the extra keys Bot Framework and the bot add, at every level', () => {
    const raw = withActivities([
      {
        type: 'message',
        timestamp: '2026-11-18T16:19:02.100Z',
        from: { ...user, aadObjectId: 'x' },
        text: 'hello',
        textFormat: 'plain',
        channelData: { clientActivityID: 'abc' },
        entities: [{ type: 'ClientCapabilities' }],
        attachments: [],
      },
    ]);
    Object.assign(raw, { serviceUrl: 'https://directline.botframework.com/', channelData: { x: 1 }, recipient: user });
    raw.value.handoffReason = 'refund';
    raw.conversation.conversationType = 'personal';

    expect(BotFrameworkHandoffActivity.safeParse(raw).success).toBe(true);
  });

  it('rejects an event with another name, naming the `name` field', () => {
    const raw = { ...fixture(), name: 'handoff.status' };
    expect(issuesOf(raw)).toEqual([{ path: 'name', message: 'must be "handoff.initiate"' }]);
  });

  it('rejects a message activity, naming the `type` field', () => {
    const raw = { ...fixture(), type: 'message' };
    expect(issuesOf(raw).map((i) => i.path)).toEqual(['type']);
  });

  it('rejects an activity without a conversation', () => {
    const { conversation: _omitted, ...raw } = fixture();
    expect(issuesOf(raw).map((i) => i.path)).toEqual(['conversation']);
  });

  it('rejects a handoff context that is not an object, naming `value`', () => {
    const raw = { ...fixture(), value: 'escalate' };
    expect(issuesOf(raw)).toEqual([{ path: 'value', message: 'must be an object: the handoff context (va_* variables)' }]);
  });

  it('rejects a malformed Transcript attachment with the full path of the bad field', () => {
    const raw = withActivities([{ type: 'message', text: 42, timestamp: '2026-11-18T16:19:02.100Z' }]);
    expect(issuesOf(raw).map((i) => i.path)).toEqual(['attachments.0.content.activities.0.text']);

    const noList = fixture();
    noList.attachments[0].content = { activities: 'none' };
    expect(issuesOf(noList).map((i) => i.path)).toEqual(['attachments.0.content.activities']);
  });

  it('rejects a turn timestamp that is not an ISO date-time', () => {
    const raw = withActivities([{ type: 'message', from: user, text: 'hi', timestamp: 'yesterday' }]);
    expect(issuesOf(raw).map((i) => i.path)).toEqual(['attachments.0.content.activities.0.timestamp']);
  });

  it('rejects a turn without a timestamp when the event has none to fall back on', () => {
    const raw = withActivities([
      { type: 'typing', from: user },
      { type: 'message', from: user, text: 'hi' },
    ]);
    delete raw.timestamp;
    expect(issuesOf(raw)).toEqual([
      {
        path: 'attachments.0.content.activities.1.timestamp',
        message: 'is required when the event itself has no timestamp',
      },
    ]);
  });

  it('ignores the content of attachments other than the Transcript', () => {
    const raw = fixture();
    raw.attachments.unshift({ contentType: 'application/vnd.microsoft.card.adaptive', content: { body: [] } });
    expect(translate(raw).transcript).toHaveLength(4);
  });
});

describe('botFrameworkToPacket: transcript', () => {
  it('keeps an empty transcript when the Transcript attachment is missing, and still makes a valid packet', () => {
    const raw = fixture();
    delete raw.attachments;
    const packet = translate(raw);

    expect(packet.transcript).toEqual([]);
    expect(packet.summary).toBe('Customer wants a prorated refund on cancellation');
    expect(packet.customer).toEqual({ id: 'u-551', name: 'Lena Park' });
    expect(ContextPacket.safeParse(packet).success).toBe(true);
  });

  it('skips non-message activities and messages without text, keeping the order of the rest', () => {
    const at = '2026-11-18T16:19:00.000Z';
    const packet = translate(
      withActivities([
        { type: 'conversationUpdate', membersAdded: [user], timestamp: at },
        { type: 'message', from: user, text: 'first', timestamp: at },
        { type: 'typing', from: bot, timestamp: at },
        { type: 'trace', from: bot, name: 'DialogTrace', value: {}, timestamp: at },
        { type: 'message', from: bot, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }], timestamp: at },
        { type: 'message', from: bot, text: null, timestamp: at },
        { type: 'message', from: bot, text: '   ', timestamp: at },
        { type: 'event', name: 'startConversation', from: user, timestamp: at },
        { type: 'message', from: bot, text: 'second', timestamp: at },
      ]),
    );
    expect(packet.transcript?.map((t) => t.text)).toEqual(['first', 'second']);
  });

  it("falls back to the event's timestamp for a turn without one", () => {
    const packet = translate(withActivities([{ type: 'message', from: user, text: 'hi' }]));
    expect(packet.transcript).toEqual([{ from: 'customer', text: 'hi', at: '2026-11-18T16:20:11.512Z' }]);
  });

  it('keeps .NET-style timestamps (7 fractional digits, numeric offset) and the packet accepts them', () => {
    const at = '2026-11-18T16:19:02.1234567+00:00';
    const packet = translate(withActivities([{ type: 'message', from: user, text: 'hi', timestamp: at }]));
    expect(packet.transcript?.[0]?.at).toBe(at);
    expect(ContextPacket.safeParse(packet).success).toBe(true);
  });

  it('maps speakers by role, then by known ids, and anyone else to agent or system', () => {
    const at = '2026-11-18T16:19:00.000Z';
    const packet = translate(
      withActivities([
        { type: 'message', from: { id: 'u-551' }, text: 'customer by id', timestamp: at },
        { type: 'message', from: { id: 'bot-7731' }, text: 'bot by id', timestamp: at },
        { type: 'message', from: { id: 'skill-1', role: 'skill' }, text: 'skill', timestamp: at },
        { type: 'message', from: { id: 'a-9', name: 'Sam', role: 'agent' }, text: 'human agent', timestamp: at },
        { type: 'message', from: { id: 'x-1' }, text: 'unknown', timestamp: at },
        { type: 'message', text: 'nobody', timestamp: at },
      ]),
    );
    expect(packet.transcript?.map((t) => [t.text, t.from])).toEqual([
      ['customer by id', 'customer'],
      ['bot by id', 'bot'],
      ['skill', 'bot'],
      ['human agent', 'agent'],
      ['unknown', 'system'],
      ['nobody', 'system'],
    ]);
  });

  it('never truncates: an over-long turn stays whole and the packet fails validation at that turn', () => {
    const long = 'x'.repeat(LIMITS.longText + 1);
    const packet = translate(withActivities([{ type: 'message', from: user, text: long, timestamp: '2026-11-18T16:19:00Z' }]));

    expect(packet.transcript?.[0]?.text).toBe(long);
    const result = ContextPacket.safeParse(packet);
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!).map((i) => i.path)).toEqual(['transcript.0.text']);
  });
});

describe('botFrameworkToPacket: customer, summary and context', () => {
  it("takes the customer from the transcript's user when relatesTo is missing", () => {
    const raw = fixture();
    delete raw.relatesTo;
    expect(translate(raw).customer).toEqual({ id: 'u-551', name: 'Lena Park' });
  });

  it("finds the customer's name in the transcript when relatesTo.user has only an id", () => {
    const raw = fixture();
    raw.relatesTo.user = { id: 'u-551' };
    expect(translate(raw).customer).toEqual({ id: 'u-551', name: 'Lena Park' });
  });

  it('leaves the customer out when nobody in the handoff is a user', () => {
    const raw = withActivities([]);
    delete raw.relatesTo;
    expect(translate(raw).customer).toBeUndefined();
  });

  it('summarises with the last phrase, then the last topic, when there is no agent message', () => {
    const raw = fixture();
    delete raw.value.va_AgentMessage;
    expect(translate(raw).summary).toBe('I want to cancel and get my money back');

    delete raw.value.va_LastPhrase;
    delete raw.attachments;
    expect(translate(raw).summary).toBe('Handoff from topic "Cancel subscription"');
  });

  it('makes a valid packet from a bare handoff event without any context or transcript', () => {
    const packet = translate({
      type: 'event',
      name: 'handoff.initiate',
      channelId: 'msteams',
      conversation: { id: 'a:1xyz' },
      from: { id: 'bot-1', name: 'Helper', role: 'bot' },
    });
    expect(packet).toEqual({
      summary: 'Handoff from Helper',
      trigger: { reason: 'customer_request', detail: 'Helper handed off the conversation' },
      transcript: [],
      channel: 'chat',
      source: { platform: 'botframework', conversationId: 'a:1xyz' },
      metadata: { botId: 'bot-1', botName: 'Helper', channelId: 'msteams' },
    });
    expect(ContextPacket.safeParse(packet).success).toBe(true);
  });

  it('uses the locale as the language when va_Language is missing', () => {
    const raw = fixture();
    raw.locale = 'de-DE';
    delete raw.value.va_Language;
    expect(translate(raw).language).toBe('de-DE');
  });

  it.each([
    ['msteams', 'chat'],
    ['webchat', 'chat'],
    ['directline', 'chat'],
    ['email', 'email'],
    ['sms', 'sms'],
    ['facebook', 'social'],
    ['twitter', 'social'],
    ['telephony', 'voice'],
    ['somethingnew', 'other'],
  ])('maps channelId %s to channel %s', (channelId, channel) => {
    expect(translate({ ...fixture(), channelId }).channel).toBe(channel);
  });

  it("passes the bot's own context variables on as flat metadata, objects as JSON", () => {
    const raw = fixture();
    Object.assign(raw.value, { OrderNumber: 'A-1001', Amount: 49.5, IsMember: true, Cart: { items: 2 }, Missing: null });
    const packet = translate(raw);

    expect(packet.metadata).toMatchObject({ OrderNumber: 'A-1001', Amount: 49.5, IsMember: true, Cart: '{"items":2}' });
    expect(packet.metadata).not.toHaveProperty('Missing');
    expect(packet.metadata).not.toHaveProperty('va_Scope');
    expect(ContextPacket.safeParse(packet).success).toBe(true);
  });
});
