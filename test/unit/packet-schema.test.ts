import { describe, expect, it } from 'vitest';
import { ContextPacket, LIMITS } from '../../shared/protocol/packet.ts';
import { describeIssues } from '../../shared/protocol/issues.ts';
import { invalidPacketCases, packetFixtures } from '../support/fixtures.ts';
import { MALFORMED_PACKETS, VALID_BASE_PACKET } from '../support/malformed-packets.ts';

/** What the hub sees: the body after a trip through JSON. */
const overTheWire = (body: unknown): unknown => JSON.parse(JSON.stringify(body));

function issuePaths(body: unknown): string[] {
  const result = ContextPacket.safeParse(overTheWire(body));
  expect(result.success, 'the body must be rejected').toBe(false);
  if (result.success) return [];
  const issues = describeIssues(result.error);
  for (const issue of issues) expect(issue.message, `message for ${JSON.stringify(issue.path)}`).not.toBe('');
  return issues.map((issue) => issue.path);
}

/** `path` is `field` or lies inside it (`customer.email` is inside `customer`; `customerX` is not). */
const within = (path: string, field: string): boolean => field === '' || path === field || path.startsWith(`${field}.`);

/** True if the value is exactly what JSON can carry (no undefined, NaN, Infinity, class instances). */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every(isPlainJson);
  }
  return false;
}

describe('valid packets', () => {
  const fixtures = packetFixtures();

  it('finds the shared packet fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });

  it.each(fixtures)('$name parses and round-trips unchanged', ({ packet }) => {
    const result = ContextPacket.safeParse(packet);
    if (!result.success) expect.fail(JSON.stringify(describeIssues(result.error)));
    expect(result.data).toStrictEqual(packet);
  });

  it('VALID_BASE_PACKET parses and round-trips unchanged', () => {
    expect(ContextPacket.parse(overTheWire(VALID_BASE_PACKET))).toStrictEqual(VALID_BASE_PACKET);
  });

  it('keeps every field of a full packet at its limits exactly as sent', () => {
    const turns = ['customer', 'bot', 'agent', 'system'] as const;
    const packet = {
      summary: 'é'.repeat(LIMITS.longText),
      trigger: { reason: 'customer_request', detail: '' },
      transcript: Array.from({ length: LIMITS.transcriptTurns }, (_, i) => ({
        from: turns[i % turns.length],
        text: i === 0 ? 'Ça ne marche pas 🙁\n  (deux fois)  ' : `turn ${i}`,
        at: i % 2 ? '2026-11-20T09:14:02.123+05:30' : '2026-11-20T09:14:02Z',
      })),
      intent: { name: 'i'.repeat(LIMITS.shortText), confidence: 0 },
      sentiment: { score: -1, frustration: 1 },
      customer: {
        id: 'cus_1',
        name: '  Dana  ',
        email: "o'brien+baton@mail.example.co.uk",
        tier: 'pro',
        locale: 'pt-BR',
        authenticated: false,
      },
      channel: 'sms',
      coreIssue: '',
      botAttempts: Array.from({ length: LIMITS.listItems }, (_, i) => ({ step: `step-${i}` })),
      priority: 'low',
      skills: Array.from({ length: LIMITS.listItems }, (_, i) => `skill-${i}`),
      team: 'support',
      language: 'pt',
      source: {
        platform: 'generic',
        conversationId: 'c-1',
        conversationUrl: 'HTTPS://helpdesk.example.com:8443/c/1?tab=chat&x=%20y#turn-3',
      },
      metadata: {
        ...Object.fromEntries(Array.from({ length: LIMITS.metadataKeys - 5 }, (_, i) => [`k${i}`, i])),
        constructor: 'kept',
        toString: true,
        'plan.name': 'pro annual',
        zero: 0,
        empty: '',
      },
    };
    const sent = overTheWire(packet);
    expect(ContextPacket.parse(sent)).toStrictEqual(packet);
  });
});

describe('invalid packets', () => {
  const fixtureCases = invalidPacketCases();

  it.each(fixtureCases)('invalid-cases.json: $name → names $field', ({ body, field }) => {
    expect(issuePaths(body)).toContain(field);
  });

  it.each(MALFORMED_PACKETS)('$name → names $field and nothing else', ({ body, field }) => {
    const paths = issuePaths(body);
    expect(paths).toContain(field);
    for (const path of paths) expect(within(path, field), `unexpected issue at "${path}"`).toBe(true);
  });

  it('MALFORMED_PACKETS has at least 40 plain-JSON cases, all distinct from invalid-cases.json', () => {
    expect(MALFORMED_PACKETS.length).toBeGreaterThanOrEqual(40);
    const names = MALFORMED_PACKETS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    const known = new Set(fixtureCases.map((c) => JSON.stringify(c.body)));
    for (const { name, body } of MALFORMED_PACKETS) {
      expect(isPlainJson(body), `${name}: not plain JSON`).toBe(true);
      expect(known.has(JSON.stringify(body)), `${name}: already in invalid-cases.json`).toBe(false);
    }
  });

  it('covers every field of the packet', () => {
    const fields = new Set(MALFORMED_PACKETS.map((c) => c.field.replace(/\.\d+(?=\.|$)/g, '.N')));
    const expected = [
      '', 'summary', 'trigger', 'trigger.reason', 'trigger.detail',
      'transcript', 'transcript.N', 'transcript.N.from', 'transcript.N.text', 'transcript.N.at',
      'intent', 'intent.name', 'intent.confidence', 'sentiment', 'sentiment.score', 'sentiment.frustration',
      'customer', 'customer.id', 'customer.name', 'customer.email', 'customer.tier', 'customer.locale',
      'customer.authenticated', 'channel', 'coreIssue', 'botAttempts', 'botAttempts.N', 'botAttempts.N.step',
      'botAttempts.N.outcome', 'priority', 'skills', 'skills.N', 'team', 'language', 'source',
      'source.platform', 'source.conversationId', 'source.conversationUrl', 'metadata',
    ];
    expect([...fields]).toEqual(expect.arrayContaining(expected));
    // and every top-level field of the schema
    for (const key of Object.keys(ContextPacket.shape)) expect(fields).toContain(key);
  });

  it('reports a wrong type as a wrong type, and a missing field as required when zod reports the input', () => {
    const wrongType = { ...VALID_BASE_PACKET, intent: { name: 'a', confidence: '0.9' } };
    for (const params of [undefined, { reportInput: true }]) {
      const result = ContextPacket.safeParse(wrongType, params);
      expect(result.success).toBe(false);
      if (!result.success) expect(describeIssues(result.error)[0]?.message).not.toBe('is required');
    }
    const missing = ContextPacket.safeParse({ trigger: { reason: 'other' } }, { reportInput: true });
    expect(missing.success).toBe(false);
    if (!missing.success) expect(describeIssues(missing.error)).toEqual([{ path: 'summary', message: 'is required' }]);
  });
});
