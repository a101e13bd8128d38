// Malformed ContextPacket bodies beyond test/fixtures/packets/invalid-cases.json. Each one is
// VALID_BASE_PACKET (plus valid sub-objects) with exactly one field wrong, so the only issue the
// schema may report is the one at `field` (a dotted path as `describeIssues` writes it; empty for
// the body itself). Every body is plain JSON: the hub only ever sees what JSON.parse produces.
import { LIMITS, type ContextPacket } from '../../shared/protocol/packet.ts';

export interface MalformedPacket {
  name: string;
  body: unknown;
  field: string;
}

/** The smallest packet the schema accepts, with a trigger detail so `trigger` has two fields. */
export const VALID_BASE_PACKET = {
  summary: 'Customer was charged twice for the March invoice and wants the duplicate refunded.',
  trigger: { reason: 'scope_limitation', detail: 'Refunds need an agent with billing access' },
} as const satisfies ContextPacket;

// Valid pieces the cases break one field at a time.
const TURN = { from: 'customer', text: 'Hi, I was charged twice this month.', at: '2026-11-20T09:14:02Z' };
const BOT_TURN = { from: 'bot', text: 'Sorry about that! Which invoice?', at: '2026-11-20T09:14:04Z' };
const INTENT = { name: 'billing.refund_request', confidence: 0.91 };
const SENTIMENT = { score: -0.4, frustration: 0.55 };
const CUSTOMER = { id: 'cus_8812', name: 'Dana Whitfield', email: 'dana@example.com', authenticated: true };
const ATTEMPT = { step: 'lookup_invoice', outcome: 'found two captured payments' };
const SOURCE = { platform: 'generic', conversationId: 'conv-10442' };
const URL_OK = 'https://helpdesk.example.com/conversations/10442';

const tooLong = (limit: number): string => 'x'.repeat(limit + 1);

/** The base packet with some top-level fields added or replaced (deep copies, nothing shared). */
function packet(fields: Record<string, unknown>): Record<string, unknown> {
  return structuredClone({ ...VALID_BASE_PACKET, ...fields });
}

/** The base packet plus `source` with one conversationUrl. */
function withUrl(conversationUrl: string): Record<string, unknown> {
  return packet({ source: { ...SOURCE, conversationUrl } });
}

/** JSON text with the base packet's fields around `extra` (for keys such as `__proto__` that an
 * object literal would turn into a prototype instead of an own key, as JSON.parse does). */
function fromJson(extra: string): unknown {
  const base = JSON.stringify(VALID_BASE_PACKET).slice(0, -1);
  return JSON.parse(`${base},${extra}}`);
}

export const MALFORMED_PACKETS: MalformedPacket[] = [
  // The body itself.
  { name: 'body is null', body: null, field: '' },
  { name: 'body is the packet double-encoded as a JSON string', body: JSON.stringify(VALID_BASE_PACKET), field: '' },
  { name: 'body is a number', body: 42, field: '' },
  { name: 'unknown top-level field handoffId', body: packet({ handoffId: 'h-1' }), field: 'handoffId' },
  { name: 'own __proto__ key at top level', body: fromJson('"__proto__":{"summary":"x"}'), field: '__proto__' },

  // summary
  { name: 'summary is a number', body: packet({ summary: 42 }), field: 'summary' },
  { name: 'summary is null', body: packet({ summary: null }), field: 'summary' },
  { name: 'summary is a list of strings', body: packet({ summary: ['charged', 'twice'] }), field: 'summary' },
  { name: 'summary longer than LIMITS.longText (rejected, not truncated)', body: packet({ summary: tooLong(LIMITS.longText) }), field: 'summary' },

  // trigger
  { name: 'trigger is a bare reason string', body: packet({ trigger: 'complexity' }), field: 'trigger' },
  { name: 'trigger is null', body: packet({ trigger: null }), field: 'trigger' },
  { name: 'trigger is a list', body: packet({ trigger: [{ reason: 'other' }] }), field: 'trigger' },
  { name: 'trigger without reason', body: packet({ trigger: { detail: 'no reason given' } }), field: 'trigger.reason' },
  { name: 'trigger reason in upper case', body: packet({ trigger: { reason: 'COMPLEXITY' } }), field: 'trigger.reason' },
  { name: 'trigger reason empty', body: packet({ trigger: { reason: '' } }), field: 'trigger.reason' },
  { name: 'trigger detail is a number', body: packet({ trigger: { reason: 'other', detail: 3 } }), field: 'trigger.detail' },
  { name: 'trigger detail longer than LIMITS.longText', body: packet({ trigger: { reason: 'other', detail: tooLong(LIMITS.longText) } }), field: 'trigger.detail' },
  { name: 'unknown trigger key extra', body: packet({ trigger: { reason: 'other', extra: true } }), field: 'trigger.extra' },

  // transcript
  { name: 'transcript is an object keyed by index', body: packet({ transcript: { 0: TURN } }), field: 'transcript' },
  { name: 'transcript is null', body: packet({ transcript: null }), field: 'transcript' },
  {
    name: 'transcript with LIMITS.transcriptTurns + 1 turns',
    body: packet({ transcript: Array.from({ length: LIMITS.transcriptTurns + 1 }, () => TURN) }),
    field: 'transcript',
  },
  { name: 'turn without text', body: packet({ transcript: [{ from: 'customer', at: TURN.at }] }), field: 'transcript.0.text' },
  { name: 'turn without at', body: packet({ transcript: [TURN, { from: 'bot', text: 'One moment.' }] }), field: 'transcript.1.at' },
  { name: 'turn without from', body: packet({ transcript: [{ text: TURN.text, at: TURN.at }] }), field: 'transcript.0.from' },
  { name: 'turn with an extra key', body: packet({ transcript: [TURN, { ...BOT_TURN, sentiment: -0.2 }] }), field: 'transcript.1.sentiment' },
  { name: 'turn speaker capitalised', body: packet({ transcript: [{ ...TURN, from: 'Customer' }] }), field: 'transcript.0.from' },
  { name: 'turn text is a number', body: packet({ transcript: [{ ...TURN, text: 49 }] }), field: 'transcript.0.text' },
  { name: 'turn text longer than LIMITS.longText', body: packet({ transcript: [{ ...TURN, text: tooLong(LIMITS.longText) }] }), field: 'transcript.0.text' },
  { name: 'turn timestamp without timezone offset', body: packet({ transcript: [{ ...TURN, at: '2026-11-20T09:14:02' }] }), field: 'transcript.0.at' },
  { name: 'turn timestamp date only', body: packet({ transcript: [{ ...TURN, at: '2026-11-20' }] }), field: 'transcript.0.at' },
  { name: 'turn timestamp on a day that does not exist', body: packet({ transcript: [{ ...TURN, at: '2026-02-30T09:14:02Z' }] }), field: 'transcript.0.at' },
  { name: 'turn timestamp as epoch milliseconds', body: packet({ transcript: [{ ...TURN, at: 1_795_252_442_000 }] }), field: 'transcript.0.at' },
  { name: 'turn is a plain string', body: packet({ transcript: [TURN, 'bot: one moment'] }), field: 'transcript.1' },
  { name: 'turn is null', body: packet({ transcript: [null, BOT_TURN] }), field: 'transcript.0' },

  // intent
  { name: 'intent is a bare name string', body: packet({ intent: 'billing.refund_request' }), field: 'intent' },
  { name: 'intent is null', body: packet({ intent: null }), field: 'intent' },
  { name: 'intent without name', body: packet({ intent: { confidence: 0.5 } }), field: 'intent.name' },
  { name: 'intent name empty', body: packet({ intent: { ...INTENT, name: '' } }), field: 'intent.name' },
  { name: 'intent name longer than LIMITS.shortText', body: packet({ intent: { ...INTENT, name: tooLong(LIMITS.shortText) } }), field: 'intent.name' },
  { name: 'confidence below 0', body: packet({ intent: { ...INTENT, confidence: -0.1 } }), field: 'intent.confidence' },
  { name: 'confidence as a numeric string', body: packet({ intent: { ...INTENT, confidence: '0.9' } }), field: 'intent.confidence' },
  { name: 'confidence as a percentage', body: packet({ intent: { ...INTENT, confidence: 91 } }), field: 'intent.confidence' },
  { name: 'unknown intent key slots', body: packet({ intent: { ...INTENT, slots: { invoice: 'INV-2291' } } }), field: 'intent.slots' },

  // sentiment
  { name: 'sentiment is a list', body: packet({ sentiment: [-0.4, 0.55] }), field: 'sentiment' },
  { name: 'frustration above 1', body: packet({ sentiment: { ...SENTIMENT, frustration: 2 } }), field: 'sentiment.frustration' },
  { name: 'frustration below 0', body: packet({ sentiment: { ...SENTIMENT, frustration: -0.01 } }), field: 'sentiment.frustration' },
  { name: 'score above 1', body: packet({ sentiment: { ...SENTIMENT, score: 1.01 } }), field: 'sentiment.score' },
  { name: 'score as a word (NaN is not JSON)', body: packet({ sentiment: { ...SENTIMENT, score: 'NaN' } }), field: 'sentiment.score' },
  { name: 'score as an object', body: packet({ sentiment: { ...SENTIMENT, score: { value: -0.4 } } }), field: 'sentiment.score' },
  { name: 'frustration is null', body: packet({ sentiment: { ...SENTIMENT, frustration: null } }), field: 'sentiment.frustration' },
  { name: 'unknown sentiment key label', body: packet({ sentiment: { ...SENTIMENT, label: 'negative' } }), field: 'sentiment.label' },

  // customer
  { name: 'customer is a bare name string', body: packet({ customer: 'Dana Whitfield' }), field: 'customer' },
  { name: 'customer is null', body: packet({ customer: null }), field: 'customer' },
  { name: 'unknown customer key nickname', body: packet({ customer: { ...CUSTOMER, nickname: 'Dee' } }), field: 'customer.nickname' },
  { name: 'customer id is a number', body: packet({ customer: { ...CUSTOMER, id: 8812 } }), field: 'customer.id' },
  { name: 'customer name empty', body: packet({ customer: { ...CUSTOMER, name: '' } }), field: 'customer.name' },
  { name: 'email without @', body: packet({ customer: { ...CUSTOMER, email: 'dana.example.com' } }), field: 'customer.email' },
  { name: 'email without domain', body: packet({ customer: { ...CUSTOMER, email: 'dana@' } }), field: 'customer.email' },
  { name: 'email without local part', body: packet({ customer: { ...CUSTOMER, email: '@example.com' } }), field: 'customer.email' },
  { name: 'email with two @', body: packet({ customer: { ...CUSTOMER, email: 'dana@@example.com' } }), field: 'customer.email' },
  { name: 'email with a space', body: packet({ customer: { ...CUSTOMER, email: 'dana whitfield@example.com' } }), field: 'customer.email' },
  { name: 'email with display name', body: packet({ customer: { ...CUSTOMER, email: 'Dana <dana@example.com>' } }), field: 'customer.email' },
  { name: 'email empty', body: packet({ customer: { ...CUSTOMER, email: '' } }), field: 'customer.email' },
  {
    name: 'email longer than LIMITS.shortText',
    body: packet({ customer: { ...CUSTOMER, email: `${'d'.repeat(LIMITS.shortText)}@example.com` } }),
    field: 'customer.email',
  },
  { name: 'tier longer than LIMITS.shortText', body: packet({ customer: { ...CUSTOMER, tier: tooLong(LIMITS.shortText) } }), field: 'customer.tier' },
  { name: 'locale is null', body: packet({ customer: { ...CUSTOMER, locale: null } }), field: 'customer.locale' },
  { name: 'authenticated as a string', body: packet({ customer: { ...CUSTOMER, authenticated: 'true' } }), field: 'customer.authenticated' },
  { name: 'authenticated as 1', body: packet({ customer: { ...CUSTOMER, authenticated: 1 } }), field: 'customer.authenticated' },

  // channel
  { name: 'channel capitalised', body: packet({ channel: 'Chat' }), field: 'channel' },
  { name: 'channel empty', body: packet({ channel: '' }), field: 'channel' },
  { name: 'channel as a list', body: packet({ channel: ['chat'] }), field: 'channel' },
  { name: 'channel is a trigger reason, not a channel', body: packet({ channel: 'complexity' }), field: 'channel' },

  // coreIssue
  { name: 'coreIssue is a number', body: packet({ coreIssue: 2291 }), field: 'coreIssue' },
  { name: 'coreIssue is an object', body: packet({ coreIssue: { text: 'Duplicate charge' } }), field: 'coreIssue' },
  { name: 'coreIssue longer than LIMITS.longText', body: packet({ coreIssue: tooLong(LIMITS.longText) }), field: 'coreIssue' },

  // botAttempts
  { name: 'botAttempts is an object', body: packet({ botAttempts: ATTEMPT }), field: 'botAttempts' },
  { name: 'bot attempt is a plain string', body: packet({ botAttempts: ['lookup_invoice'] }), field: 'botAttempts.0' },
  { name: 'bot attempt step empty', body: packet({ botAttempts: [{ ...ATTEMPT, step: '' }] }), field: 'botAttempts.0.step' },
  { name: 'bot attempt without step', body: packet({ botAttempts: [ATTEMPT, { outcome: 'not allowed' }] }), field: 'botAttempts.1.step' },
  { name: 'bot attempt outcome is a boolean', body: packet({ botAttempts: [{ ...ATTEMPT, outcome: false }] }), field: 'botAttempts.0.outcome' },
  { name: 'unknown bot attempt key result', body: packet({ botAttempts: [{ ...ATTEMPT, result: 'ok' }] }), field: 'botAttempts.0.result' },
  {
    name: 'botAttempts with LIMITS.listItems + 1 items',
    body: packet({ botAttempts: Array.from({ length: LIMITS.listItems + 1 }, () => ATTEMPT) }),
    field: 'botAttempts',
  },

  // priority
  { name: 'priority in upper case', body: packet({ priority: 'URGENT' }), field: 'priority' },
  { name: 'priority as a number', body: packet({ priority: 1 }), field: 'priority' },
  { name: 'priority is null', body: packet({ priority: null }), field: 'priority' },

  // skills
  { name: 'skills containing a number', body: packet({ skills: ['billing', 7] }), field: 'skills.1' },
  { name: 'skills as a comma-separated string', body: packet({ skills: 'billing,refunds' }), field: 'skills' },
  { name: 'skill empty', body: packet({ skills: ['', 'billing'] }), field: 'skills.0' },
  { name: 'skill longer than LIMITS.shortText', body: packet({ skills: ['billing', tooLong(LIMITS.shortText)] }), field: 'skills.1' },
  {
    name: 'skills with LIMITS.listItems + 1 items',
    body: packet({ skills: Array.from({ length: LIMITS.listItems + 1 }, (_, i) => `skill-${i}`) }),
    field: 'skills',
  },

  // team, language
  { name: 'team empty', body: packet({ team: '' }), field: 'team' },
  { name: 'team is a number', body: packet({ team: 42 }), field: 'team' },
  { name: 'team is an object', body: packet({ team: { name: 'support' } }), field: 'team' },
  { name: 'language as a list', body: packet({ language: ['en', 'es'] }), field: 'language' },
  { name: 'language longer than LIMITS.shortText', body: packet({ language: tooLong(LIMITS.shortText) }), field: 'language' },
  { name: 'language is null', body: packet({ language: null }), field: 'language' },

  // source
  { name: 'source is a URL string', body: packet({ source: URL_OK }), field: 'source' },
  { name: 'source without platform', body: packet({ source: { conversationId: 'conv-10442' } }), field: 'source.platform' },
  { name: 'source platform empty', body: packet({ source: { ...SOURCE, platform: '' } }), field: 'source.platform' },
  { name: 'conversationId is a number', body: packet({ source: { ...SOURCE, conversationId: 10442 } }), field: 'source.conversationId' },
  { name: 'unknown source key url', body: packet({ source: { ...SOURCE, url: URL_OK } }), field: 'source.url' },
  { name: 'conversationUrl ftp:', body: withUrl('ftp://files.example.com/conversations/10442'), field: 'source.conversationUrl' },
  { name: 'conversationUrl data:', body: withUrl('data:text/html,<script>alert(1)</script>'), field: 'source.conversationUrl' },
  { name: 'conversationUrl file:', body: withUrl('file:///etc/passwd'), field: 'source.conversationUrl' },
  { name: 'conversationUrl relative path', body: withUrl('/conversations/10442'), field: 'source.conversationUrl' },
  { name: 'conversationUrl protocol-relative', body: withUrl('//helpdesk.example.com/conversations/10442'), field: 'source.conversationUrl' },
  { name: 'conversationUrl JAVASCRIPT: in upper case', body: withUrl('JAVASCRIPT:alert(1)'), field: 'source.conversationUrl' },
  { name: 'conversationUrl javascript: after spaces', body: withUrl('  javascript:alert(1)'), field: 'source.conversationUrl' },
  { name: 'conversationUrl https: without //', body: withUrl('https:helpdesk.example.com/conversations/10442'), field: 'source.conversationUrl' },
  { name: 'conversationUrl without host', body: withUrl('https://'), field: 'source.conversationUrl' },
  { name: 'conversationUrl empty', body: withUrl(''), field: 'source.conversationUrl' },
  // Refused rather than silently trimmed or stripped: the packet is kept exactly as sent.
  { name: 'conversationUrl with surrounding spaces', body: withUrl(`  ${URL_OK} `), field: 'source.conversationUrl' },
  { name: 'conversationUrl with a newline in the host', body: withUrl('https://helpdesk.exam\nple.com/conversations/10442'), field: 'source.conversationUrl' },
  { name: 'conversationUrl longer than 2000 characters', body: withUrl(`${URL_OK}?q=${'x'.repeat(2_000)}`), field: 'source.conversationUrl' },

  // metadata
  { name: 'metadata is a list', body: packet({ metadata: [['plan', 'pro']] }), field: 'metadata' },
  { name: 'metadata is null', body: packet({ metadata: null }), field: 'metadata' },
  { name: 'metadata is a string', body: packet({ metadata: 'plan=pro' }), field: 'metadata' },
  { name: 'metadata value is a list', body: packet({ metadata: { plan: 'pro', tags: ['vip'] } }), field: 'metadata.tags' },
  { name: 'metadata value is null', body: packet({ metadata: { plan: 'pro', coupon: null } }), field: 'metadata.coupon' },
  { name: 'metadata value is an object', body: packet({ metadata: { account: { id: 12, plan: 'pro' } } }), field: 'metadata.account' },
  { name: 'metadata value longer than LIMITS.longText', body: packet({ metadata: { note: tooLong(LIMITS.longText) } }), field: 'metadata.note' },
  {
    name: 'metadata key longer than LIMITS.shortText',
    body: packet({ metadata: { [tooLong(LIMITS.shortText)]: 1 } }),
    field: `metadata.${tooLong(LIMITS.shortText)}`,
  },
  { name: 'metadata with an empty key', body: packet({ metadata: { '': 'x' } }), field: 'metadata.' },
  {
    name: 'metadata with LIMITS.metadataKeys + 1 keys',
    body: packet({ metadata: Object.fromEntries(Array.from({ length: LIMITS.metadataKeys + 1 }, (_, i) => [`k${i}`, i])) }),
    field: 'metadata',
  },
  // Refused rather than silently dropped (zod's record skips an own __proto__ key).
  { name: 'metadata with an own __proto__ key', body: fromJson('"metadata":{"plan":"pro","__proto__":"x"}'), field: 'metadata.__proto__' },
];
