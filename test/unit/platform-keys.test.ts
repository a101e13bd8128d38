// The Baton keys a bot sets in a platform's flat map, turned into the packet the same way for
// every platform: what fits fills the packet, what does not stays in metadata, and the packet is
// always valid, whatever the platform sent.
import { describe, expect, it } from 'vitest';
import { buildPacket, clean, isoTime, type PlatformContext } from '../../hub/platforms/keys.ts';
import { ContextPacket, LIMITS } from '../../shared/protocol/index.ts';

const base = (over: Partial<PlatformContext> = {}): PlatformContext => ({
  platform: 'chatwoot',
  label: 'Chatwoot',
  conversationId: '42',
  transcript: [
    { from: 'customer', text: 'Where is my parcel?', at: '2026-12-06T09:00:00.000Z' },
    { from: 'bot', text: 'Let me check.', at: '2026-12-06T09:00:01.000Z' },
  ],
  customer: { name: 'Maria' },
  channel: 'chat',
  keys: {},
  facts: { chatwootAccountId: '1' },
  ...over,
});

describe('the Baton keys', () => {
  it('fill the packet: every key in its field, lists split, numbers from strings', () => {
    const packet = buildPacket(
      base({
        keys: {
          summary: 'Parcel lost',
          core_issue: 'Carrier lost parcel 77',
          handoff_reason: 'emotional_state',
          handoff_detail: 'Customer is upset',
          intent: 'order.lost',
          intent_confidence: '0.75',
          sentiment_score: -0.5,
          frustration: 0.9,
          priority: 'urgent',
          skills: 'billing, , accounts',
          team: 'support',
          bot_attempts: 'track; call carrier',
          customer_id: 'c-1',
          customer_name: 'Maria Lopez',
          customer_email: 'maria@example.com',
          customer_tier: 'gold',
          language: 'es',
        },
      }),
    );
    expect(packet).toEqual({
      summary: 'Parcel lost',
      coreIssue: 'Carrier lost parcel 77',
      trigger: { reason: 'emotional_state', detail: 'Customer is upset' },
      intent: { name: 'order.lost', confidence: 0.75 },
      sentiment: { score: -0.5, frustration: 0.9 },
      priority: 'urgent',
      skills: ['billing', 'accounts'],
      team: 'support',
      botAttempts: [{ step: 'track' }, { step: 'call carrier' }],
      customer: { id: 'c-1', name: 'Maria Lopez', email: 'maria@example.com', tier: 'gold' },
      language: 'es',
      transcript: base().transcript,
      channel: 'chat',
      source: { platform: 'chatwoot', conversationId: '42' },
      metadata: { chatwootAccountId: '1' },
    });
  });

  it('keep what does not fit in metadata as sent, and an unknown reason as other with the value as detail', () => {
    const packet = buildPacket(base({ keys: { handoff_reason: 'billing_dispute', priority: 'asap', intent_confidence: 7, customer_email: 'not an email', frustration: 'very', order: 17, vip: true, nested: { a: 1 } } }));
    expect(packet.trigger).toEqual({ reason: 'other', detail: 'billing_dispute' });
    expect(packet.priority).toBeUndefined();
    expect(packet.sentiment).toBeUndefined();
    expect(packet.customer).toEqual({ name: 'Maria' });
    expect(packet.metadata).toEqual({ priority: 'asap', intent_confidence: 7, customer_email: 'not an email', frustration: 'very', order: 17, vip: true, nested: '{"a":1}', chatwootAccountId: '1' });
  });

  it('build a summary from the conversation when the bot gave none, never empty', () => {
    expect(buildPacket(base()).summary).toBe('Chatwoot: Where is my parcel?');
    expect(buildPacket(base({ transcript: [], keys: { summary: '   ' } })).summary).toBe('Handoff from Chatwoot, conversation 42');
  });

  it('always make a valid packet: long text cut, what the store cannot keep removed, lists and maps capped', () => {
    const long = 'x'.repeat(LIMITS.longText + 50);
    const keys: Record<string, unknown> = { summary: `a\u0000b\ud800${long}`, customer_name: 'n'.repeat(500), ...JSON.parse('{"__proto__": "x"}'), '': 1 };
    for (let i = 0; i < 150; i++) keys[`k${i}`] = i;
    const transcript = Array.from({ length: LIMITS.transcriptTurns + 10 }, (_, i) => ({ from: 'customer' as const, text: `t${i}`, at: '2026-12-06T09:00:00.000Z' }));
    const packet = buildPacket(base({ keys, transcript }));
    expect(ContextPacket.safeParse(packet).success).toBe(true);
    expect(packet.summary.startsWith('ab\ufffd')).toBe(true);
    expect(packet.summary).toHaveLength(LIMITS.longText);
    expect(packet.customer?.name).toHaveLength(LIMITS.shortText);
    expect(packet.transcript).toHaveLength(LIMITS.transcriptTurns);
    expect(packet.transcript!.at(-1)!.text).toBe(`t${LIMITS.transcriptTurns + 9}`);
    expect(Object.keys(packet.metadata!)).toHaveLength(LIMITS.metadataKeys);
  });
});

describe('platform times', () => {
  it('read ISO text, Chatwoot date strings and Unix seconds, else the fallback', () => {
    const fallback = '2000-01-01T00:00:00.000Z';
    expect(isoTime('2026-12-06T09:00:00.123Z', fallback)).toBe('2026-12-06T09:00:00.123Z');
    expect(isoTime('2020-03-03 13:05:57 UTC', fallback)).toBe('2020-03-03T13:05:57.000Z');
    expect(isoTime(1765000000, fallback)).toBe(new Date(1765000000 * 1000).toISOString());
    expect(isoTime('1765000000', fallback)).toBe(new Date(1765000000 * 1000).toISOString());
    for (const bad of [null, '', 'soon', Number.NaN, -1e20, {}]) expect(isoTime(bad, fallback)).toBe(fallback);
  });

  it('cuts long text within the limit in UTF-16 units, never between the halves of an emoji', () => {
    for (const max of [99, 100]) {
      const cut = clean('😀'.repeat(100), max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.endsWith('…')).toBe(true);
      expect(() => encodeURIComponent(cut)).not.toThrow();
    }
  });
});
