import { z } from 'zod';
import { maxUnits } from './units.ts';

// Limits are generous but explicit: text is never truncated silently, so anything longer is an
// error that names the field instead.
export const LIMITS = {
  shortText: 200,
  longText: 20_000,
  transcriptTurns: 2_000,
  listItems: 100,
  metadataKeys: 100,
} as const;

const shortText = z.string().min(1).check(maxUnits(LIMITS.shortText));
const longText = z.string().check(maxUnits(LIMITS.longText));
const timestamp = z.iso.datetime({ offset: true });

export const TRIGGER_REASONS = [
  'complexity',
  'emotional_state',
  'scope_limitation',
  'feature_request',
  'bug_report',
  'customer_request',
  'other',
] as const;
export const TriggerReason = z.enum(TRIGGER_REASONS);
export type TriggerReason = z.infer<typeof TriggerReason>;

export const CHANNELS = ['chat', 'voice', 'email', 'sms', 'social', 'other'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const SPEAKERS = ['customer', 'bot', 'agent', 'system'] as const;
export const Speaker = z.enum(SPEAKERS);
export type Speaker = z.infer<typeof Speaker>;

export const TranscriptTurn = z.strictObject({
  from: Speaker,
  text: longText,
  at: timestamp,
});
export type TranscriptTurn = z.infer<typeof TranscriptTurn>;

export const Trigger = z.strictObject({
  reason: TriggerReason,
  detail: longText.optional(),
});

export const Intent = z.strictObject({
  name: shortText,
  confidence: z.number().min(0).max(1).optional(),
});

export const Sentiment = z.strictObject({
  score: z.number().min(-1).max(1).optional(),
  frustration: z.number().min(0).max(1).optional(),
});

export const Customer = z.strictObject({
  id: shortText.optional(),
  name: shortText.optional(),
  email: z.email().check(maxUnits(LIMITS.shortText)).optional(),
  tier: shortText.optional(),
  locale: shortText.optional(),
  authenticated: z.boolean().optional(),
});
export type Customer = z.infer<typeof Customer>;

export const BotAttempt = z.strictObject({
  step: shortText,
  outcome: longText.optional(),
});

/**
 * Only web links: the URL is opened by the agent's desktop, so nothing else is allowed through.
 * Whitespace and control characters are refused up front: zod's URL check would otherwise accept
 * `"  https://…"` or `"https://exa\nmple.com"` and silently rewrite the value (trim, strip tabs and
 * newlines), and the packet must be kept exactly as sent.
 */
const HTTP_URL_ERROR = 'must be an http or https URL';
export const HttpUrl = z
  .string()
  .check(maxUnits(2_000))
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  .regex(/^[^\s\u0000-\u001f\u007f]+$/, HTTP_URL_ERROR)
  .pipe(z.url({ protocol: /^https?$/, error: HTTP_URL_ERROR }));

/**
 * A URL the hub sends requests to (webhooks, product tools). fetch refuses a URL with a user name
 * or password in it, so such a target could never be reached; and it would put a credential in
 * the settings lists. Webhooks are signed instead, and tools get their token separately.
 */
export const TargetUrl = HttpUrl.refine(
  (url) => {
    const { username, password } = new URL(url);
    return username === '' && password === '';
  },
  { error: 'must not contain a user name or password (user:password@): requests could never be sent to it' },
);

export const Source = z.strictObject({
  platform: shortText,
  conversationId: shortText.optional(),
  conversationUrl: HttpUrl.optional(),
});

// zod's record skips an own `__proto__` key without an issue, which would drop the entry silently.
const refuseProtoKey = (value: unknown, ctx: z.RefinementCtx): unknown => {
  if (value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__')) {
    ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'unknown field', input: value });
  }
  return value;
};

export const Metadata = z.preprocess(refuseProtoKey, z
  .record(z.string().min(1).check(maxUnits(LIMITS.shortText)), z.union([z.string().check(maxUnits(LIMITS.longText)), z.number(), z.boolean()], {
      error: 'must be a string, number or boolean (metadata is a flat map)',
    }))
  .refine((value) => Object.keys(value).length <= LIMITS.metadataKeys, {
    message: `at most ${LIMITS.metadataKeys} keys`,
  }));

export const ContextPacket = z.strictObject({
  summary: z.string().min(1, 'must not be empty').check(maxUnits(LIMITS.longText)),
  trigger: Trigger,
  transcript: z.array(TranscriptTurn).max(LIMITS.transcriptTurns).optional(),
  intent: Intent.optional(),
  sentiment: Sentiment.optional(),
  customer: Customer.optional(),
  channel: Channel.optional(),
  coreIssue: longText.optional(),
  botAttempts: z.array(BotAttempt).max(LIMITS.listItems).optional(),
  priority: Priority.optional(),
  skills: z.array(shortText).max(LIMITS.listItems).optional(),
  team: shortText.optional(),
  language: shortText.optional(),
  source: Source.optional(),
  metadata: Metadata.optional(),
});
export type ContextPacket = z.infer<typeof ContextPacket>;
