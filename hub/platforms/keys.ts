// The Baton keys: what a bot may put in the platform's free-form flat map (Sunshine passControl
// metadata, Chatwoot custom_attributes) to fill the packet, the same for every platform. A key
// whose value does not fit stays in `metadata` as sent, so nothing the bot said is lost and a
// handoff never fails for it. Text is clipped to the packet's limits: the platform, not the bot,
// decides how long a message is, and a handoff must not be refused for it.
import { z } from 'zod';
import {
  ContextPacket,
  LIMITS,
  PRIORITIES,
  TRIGGER_REASONS,
  type Channel,
  type Customer,
  type Priority,
  type TranscriptTurn,
  type TriggerReason,
} from '../../shared/protocol/index.ts';

export const BATON_KEYS = [
  'summary',
  'core_issue',
  'handoff_reason',
  'handoff_detail',
  'intent',
  'intent_confidence',
  'sentiment_score',
  'frustration',
  'priority',
  'skills',
  'team',
  'bot_attempts',
  'customer_id',
  'customer_name',
  'customer_email',
  'customer_tier',
  'language',
] as const;
const KEYS: ReadonlySet<string> = new Set(BATON_KEYS);

type Scalar = string | number | boolean;

/** Text the store can keep (no NUL, no lone surrogate), cut to `max` characters. */
export function clean(value: string, max: number = LIMITS.longText): string {
  // eslint-disable-next-line no-control-regex -- U+0000 is what this takes out
  const text = value.replace(/\u0000/g, '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  if (text.length <= max) return text;
  // Cut in UTF-16 units, as the packet's limits count, but never between the halves of a pair.
  const end = /[\ud800-\udbff]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/** Non-blank text, cleaned and cut, or undefined. */
export function present(value: unknown, max: number = LIMITS.shortText): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = clean(String(value).trim(), max);
  return text === '' ? undefined : text;
}

const inRange = (value: unknown, min: number, max: number): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
};

const email = z.email().max(LIMITS.shortText);

/** What the platform itself says of the conversation, before the Baton keys. */
export interface PlatformContext {
  /** As in the endpoint path: `sunshine`, `chatwoot`. */
  platform: string;
  /** For people: `Sunshine Conversations`, `Chatwoot`. */
  label: string;
  conversationId: string;
  conversationUrl?: string | undefined;
  transcript: TranscriptTurn[];
  customer: Customer;
  channel: Channel;
  /** The free-form flat map the bot set. */
  keys: Record<string, unknown>;
  /** The platform's own facts worth keeping (app or account id, the switchboard that took it). */
  facts: Record<string, Scalar | undefined>;
}

/** The packet for a platform handoff: the platform's facts, then the Baton keys over them. */
export function buildPacket(context: PlatformContext): ContextPacket {
  const keys = context.keys;
  const set: Record<string, Scalar> = {};
  const misfit = (key: string) => {
    const value = keys[key];
    if (typeof value === 'string') set[key] = clean(value);
    else if (typeof value === 'number' || typeof value === 'boolean') set[key] = value;
    else if (value != null) set[key] = clean(JSON.stringify(value));
  };
  const has = (key: string) => Object.hasOwn(keys, key) && keys[key] != null;
  const text = (key: string, max: number = LIMITS.shortText) => {
    if (!has(key)) return undefined;
    const value = present(keys[key], max);
    if (value === undefined) misfit(key);
    return value;
  };
  const number = (key: string, min: number, max: number) => {
    if (!has(key)) return undefined;
    const value = inRange(keys[key], min, max);
    if (value === undefined) misfit(key);
    return value;
  };
  const list = (key: string, separator: string) => {
    const value = text(key, LIMITS.longText);
    if (value === undefined) return undefined;
    const items = value.split(separator).map((item) => clean(item.trim(), LIMITS.shortText)).filter(Boolean).slice(0, LIMITS.listItems);
    return items.length > 0 ? items : undefined;
  };

  const transcript = context.transcript.slice(-LIMITS.transcriptTurns);
  const lastCustomer = transcript.findLast((turn) => turn.from === 'customer')?.text.trim();
  const summary =
    text('summary', LIMITS.longText) ??
    (lastCustomer ? clean(`${context.label}: ${lastCustomer}`) : `Handoff from ${context.label}, conversation ${clean(context.conversationId, 100)}`);

  const reasonValue = text('handoff_reason');
  const detail = text('handoff_detail', LIMITS.longText);
  let reason: TriggerReason = 'customer_request';
  let reasonDetail = detail;
  if (reasonValue !== undefined) {
    if ((TRIGGER_REASONS as readonly string[]).includes(reasonValue)) reason = reasonValue as TriggerReason;
    else {
      reason = 'other';
      reasonDetail = detail ? clean(`${reasonValue}: ${detail}`) : reasonValue;
    }
  }

  const packet: ContextPacket = {
    summary,
    trigger: { reason, ...(reasonDetail !== undefined ? { detail: reasonDetail } : { detail: `Handed off in ${context.label}` }) },
    transcript,
    channel: context.channel,
    source: {
      platform: context.platform,
      conversationId: clean(context.conversationId, LIMITS.shortText),
      ...(context.conversationUrl && { conversationUrl: context.conversationUrl }),
    },
  };
  const coreIssue = text('core_issue', LIMITS.longText);
  if (coreIssue) packet.coreIssue = coreIssue;
  const intent = text('intent');
  const confidence = number('intent_confidence', 0, 1);
  if (intent) packet.intent = { name: intent, ...(confidence !== undefined && { confidence }) };
  else if (confidence !== undefined) set.intent_confidence = confidence;
  const score = number('sentiment_score', -1, 1);
  const frustration = number('frustration', 0, 1);
  if (score !== undefined || frustration !== undefined) packet.sentiment = { ...(score !== undefined && { score }), ...(frustration !== undefined && { frustration }) };
  const priority = text('priority');
  if (priority !== undefined) {
    if ((PRIORITIES as readonly string[]).includes(priority)) packet.priority = priority as Priority;
    else misfit('priority');
  }
  const skills = list('skills', ',');
  if (skills) packet.skills = skills;
  const team = text('team');
  if (team) packet.team = team;
  const steps = list('bot_attempts', ';');
  if (steps) packet.botAttempts = steps.map((step) => ({ step }));
  const language = text('language') ?? present(context.customer.locale);
  if (language) packet.language = language;

  const customer: Customer = { ...context.customer };
  const customerId = text('customer_id');
  const customerName = text('customer_name');
  const customerTier = text('customer_tier');
  if (customerId) customer.id = customerId;
  if (customerName) customer.name = customerName;
  if (customerTier) customer.tier = customerTier;
  if (has('customer_email')) {
    const value = present(keys.customer_email);
    if (value && email.safeParse(value).success) customer.email = value;
    else misfit('customer_email');
  }
  if (customer.email !== undefined && !email.safeParse(customer.email).success) delete customer.email;
  if (Object.keys(customer).length > 0) packet.customer = customer;

  // Every other key the bot set, then the platform's facts (which win a name clash).
  const extras: Record<string, Scalar> = {};
  for (const [key, value] of Object.entries(keys)) {
    if (KEYS.has(key) || value == null || key.trim() === '' || key === '__proto__') continue;
    const name = clean(key, LIMITS.shortText);
    extras[name] = typeof value === 'string' ? clean(value) : typeof value === 'number' || typeof value === 'boolean' ? value : clean(JSON.stringify(value));
  }
  for (const [key, value] of Object.entries(context.facts)) if (value !== undefined) extras[key] = typeof value === 'string' ? clean(value) : value;
  const metadata = Object.entries({ ...extras, ...set }).filter(([, v]) => typeof v !== 'number' || Number.isFinite(v)).slice(0, LIMITS.metadataKeys);
  if (metadata.length > 0) packet.metadata = Object.fromEntries(metadata);

  // A team the hub does not have is checked where the handoff is stored; the rest must hold here.
  const checked = ContextPacket.safeParse(packet);
  if (checked.success) return packet;
  // Whatever slipped past (a platform value of an unexpected shape) is left out, never the handoff.
  const { transcript: _t, customer: _c, metadata: _m, ...core } = packet;
  const fallback = { ...core, ...(ContextPacket.shape.transcript.safeParse(transcript).success && { transcript }) };
  return ContextPacket.safeParse(fallback).success ? fallback : { summary, trigger: packet.trigger, source: { platform: context.platform } };
}

/** An ISO time from what a platform sent (ISO text, or Unix seconds), or `fallback`. */
export function isoTime(value: unknown, fallback: string): string {
  let date: Date | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) date = new Date(value < 1e11 ? value * 1000 : value);
  else if (typeof value === 'string' && value.trim() !== '') {
    const trimmed = value.trim();
    date = /^[0-9]+(\.[0-9]+)?$/.test(trimmed) ? new Date(Number(trimmed) * 1000) : new Date(trimmed.replace(/ UTC$/, 'Z').replace(/^(\d{4}-\d\d-\d\d) /, '$1T'));
  }
  return date && !Number.isNaN(date.getTime()) && date.getUTCFullYear() > 1970 && date.getUTCFullYear() < 10000 ? date.toISOString() : fallback;
}
