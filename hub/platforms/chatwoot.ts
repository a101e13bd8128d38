// Chatwoot: a conversation the agent bot moves from `pending` to `open` is a handoff. The account
// webhook reports it (`conversation_status_changed`, or `conversation_updated` with the status in
// `changed_attributes`); the messages come from the conversations API with the `api_access_token`.
import { createHash, createHmac } from 'node:crypto';
import {
  ChatwootChange,
  ChatwootMessage,
  ChatwootMessageList,
  ChatwootSender,
  ChatwootWebhookBody,
  LIMITS,
  type Channel,
  type Customer,
  type Speaker,
  type TranscriptTurn,
} from '../../shared/protocol/index.ts';
import { sameSecret } from '../auth/secrets.ts';
import { readSecret } from './config.ts';
import { buildPacket, clean, isoTime, present } from './keys.ts';
import type { News, PlatformAdapter, PlatformCall } from './types.ts';

/** Signed webhooks older or newer than this are refused (replays). */
const MAX_SKEW_S = 300;
/** Pages of 20 read back at most (the transcript keeps the latest 2,000 turns). */
const MAX_PAGES = 100;

export interface ChatwootContext {
  accountId: string;
  conversationId: string;
  channel: string | null;
  inboxId: string | null;
  sender: ChatwootSender | null;
  keys: Record<string, unknown>;
  /** The messages the webhook carried (the latest one, usually). */
  messages: ChatwootMessage[];
  at: string;
}

export interface ChatwootFetched {
  messages: ChatwootMessage[];
}

const CHANNELS: Record<string, Channel> = {
  'Channel::WebWidget': 'chat',
  'Channel::Api': 'chat',
  'Channel::Telegram': 'chat',
  'Channel::Line': 'social',
  'Channel::Email': 'email',
  'Channel::Sms': 'sms',
  'Channel::TwilioSms': 'sms',
  'Channel::Whatsapp': 'social',
  'Channel::FacebookPage': 'social',
  'Channel::Instagram': 'social',
  'Channel::TwitterProfile': 'social',
  'Channel::Tiktok': 'social',
  'Channel::Voice': 'voice',
};

const idText = (value: unknown): string | undefined => (typeof value === 'number' && Number.isFinite(value) ? String(value) : present(value, 100));

/** The conversation key's parts: `chatwoot:<account>:<conversation>`. */
function parts(conversation: string): { accountId: string; conversationId: string } {
  const [, accountId = '', conversationId = ''] = conversation.split(':');
  return { accountId, conversationId };
}

/** Chatwoot's ids are integers (sent as numbers, sometimes as digit strings). */
const chatwootId = (value: unknown): string | undefined => {
  const text = idText(value);
  return text !== undefined && /^[0-9]{1,18}$/.test(text) ? text : undefined;
};

const base = (accountId: string, conversationId: string) =>
  `/api/v1/accounts/${encodeURIComponent(accountId)}/conversations/${encodeURIComponent(conversationId)}`;

/** Incoming (0) is the customer; outgoing (1) the agent or the bot by its sender; activity (2) the system; template (3) the bot. */
function speaker(message: ChatwootMessage): Speaker {
  const type = message.message_type;
  const sender = message.sender?.type?.toLowerCase();
  if (type === 0 || type === 'incoming') return 'customer';
  if (type === 2 || type === 'activity') return 'system';
  if (type === 3 || type === 'template') return 'bot';
  if (sender === 'agent_bot') return 'bot';
  if (sender === 'user') return 'agent';
  if (sender === 'contact') return 'customer';
  return 'system';
}

function turns(messages: ChatwootMessage[], fallback: string): TranscriptTurn[] {
  const seen = new Set<string>();
  const kept: Array<{ turn: TranscriptTurn; order: number }> = [];
  messages.forEach((message, order) => {
    if (message.private === true) return; // a private note is for agents, not a turn the customer saw
    const text = typeof message.content === 'string' ? clean(message.content) : '';
    if (text.trim() === '') return;
    const id = idText(message.id);
    if (id !== undefined) {
      if (seen.has(id)) return;
      seen.add(id);
    }
    kept.push({ turn: { from: speaker(message), text, at: isoTime(message.created_at, fallback) }, order });
  });
  // Oldest first, as the conversation went; equal times keep the order they came in.
  return kept.sort((a, b) => a.turn.at.localeCompare(b.turn.at) || a.order - b.order).map((k) => k.turn);
}

const parseAll = <T>(items: unknown[] | null | undefined, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T[] =>
  (items ?? []).flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });

/** The status change a conversation event reports, from `changed_attributes`. */
function statusChange(body: ChatwootWebhookBody): { from: string; to: string } | undefined {
  for (const entry of parseAll(body.changed_attributes, ChatwootChange)) {
    const status = Object.hasOwn(entry, 'status') ? entry.status : undefined;
    if (!status) continue;
    const from = typeof status.previous_value === 'string' ? status.previous_value : '';
    const to = typeof status.current_value === 'string' ? status.current_value : typeof body.status === 'string' ? body.status : '';
    return { from, to };
  }
  return undefined;
}

export const chatwoot: PlatformAdapter<'chatwoot', ChatwootContext, ChatwootFetched> = {
  kind: 'chatwoot',
  label: 'Chatwoot',

  verify({ headers, raw }, platform, env, now) {
    const secret = readSecret(platform.credentials, 'webhookSecretEnv', env);
    if (!secret) return { bearer: true };
    if ('missing' in secret) return { ok: false, why: `the webhook secret is not available to the hub (${secret.missing})` };
    const signature = headers['x-chatwoot-signature'];
    const timestamp = headers['x-chatwoot-timestamp'];
    if (typeof signature !== 'string' || typeof timestamp !== 'string') return { ok: false, why: 'send X-Chatwoot-Signature and X-Chatwoot-Timestamp' };
    const seconds = Number(timestamp);
    if (!/^[0-9]{1,12}$/.test(timestamp) || Math.abs(now.getTime() / 1000 - seconds) > MAX_SKEW_S) {
      return { ok: false, why: 'X-Chatwoot-Timestamp is more than 5 minutes off' };
    }
    const expected = `sha256=${createHmac('sha256', secret.value).update(`${timestamp}.`).update(raw).digest('hex')}`;
    return sameSecret(signature, expected) ? { ok: true } : { ok: false, why: 'X-Chatwoot-Signature does not match the webhook secret' };
  },

  read(input, platform) {
    const parsed = ChatwootWebhookBody.safeParse(input);
    if (!parsed.success) return { reject: 'not a Chatwoot webhook: expected a JSON object with "event"' };
    const body = parsed.data;
    const event = body.event ?? '(no event)';
    if (event !== 'conversation_status_changed' && event !== 'conversation_updated') return [{ ignore: `${clean(event, 100)} is not a handoff` }];
    const conversationId = chatwootId(body.id);
    if (!conversationId) return [{ ignore: `${event} names no conversation (an integer id)` }];
    const messages = parseAll(body.messages, ChatwootMessage);
    const accountId = chatwootId(body.account_id) ?? chatwootId(body.account?.id) ?? messages.map((m) => chatwootId(m.account_id)).find(Boolean) ?? platform.settings.accountId;
    if (!accountId) return [{ ignore: `${event} names no account; set one with "integration platform --account-id"` }];
    const change = statusChange(body);
    if (!change) return [{ ignore: `${event} without a status change in changed_attributes` }];
    const conversation = `chatwoot:${accountId}:${conversationId}`;
    if (change.from === 'pending' && change.to === 'open') {
      const news: News<ChatwootContext> = {
        handoff: {
          conversation,
          delivery: '',
          context: {
            accountId,
            conversationId,
            channel: present(body.channel, 100) ?? null,
            inboxId: idText(body.inbox_id) ?? null,
            sender: body.meta?.sender ?? null,
            keys: body.custom_attributes ?? {},
            messages,
            at: new Date().toISOString(),
          },
        },
      };
      return [news];
    }
    if (change.from === 'open' && (change.to === 'resolved' || change.to === 'pending')) {
      return [{ release: { conversation, why: change.to === 'resolved' ? 'resolved in Chatwoot' : 'given back to the bot in Chatwoot' } }];
    }
    return [{ ignore: `status changed from ${clean(change.from, 50) || '(none)'} to ${clean(change.to, 50) || '(none)'}, not pending → open` }];
  },

  async fetch({ accountId, conversationId }, _platform, api) {
    const path = `${base(accountId, conversationId)}/messages`;
    const all: ChatwootMessage[] = [];
    let before: number | undefined;
    for (let page = 0; page < MAX_PAGES && all.length < LIMITS.transcriptTurns; page++) {
      const answer = ChatwootMessageList.safeParse(await api.get(before === undefined ? path : `${path}?before=${before}`));
      if (!answer.success) throw new Error('the messages answer is not a Chatwoot message list');
      const messages = parseAll(answer.data.payload, ChatwootMessage);
      all.unshift(...messages);
      const ids = messages.map((m) => Number(m.id)).filter((n) => Number.isSafeInteger(n));
      const oldest = ids.length > 0 ? Math.min(...ids) : undefined;
      // An empty page, or one that does not go further back, is the start of the conversation.
      if (oldest === undefined || (before !== undefined && oldest >= before)) break;
      before = oldest;
    }
    return { messages: all };
  },

  packet(context, fetched, platform) {
    const sender = context.sender;
    const customer: Customer = {};
    const customerId = present(sender?.identifier) ?? idText(sender?.id);
    if (customerId) customer.id = customerId;
    const name = present(sender?.name);
    if (name) customer.name = name;
    const email = present(sender?.email);
    if (email) customer.email = email;
    return buildPacket({
      platform: 'chatwoot',
      label: 'Chatwoot',
      conversationId: context.conversationId,
      conversationUrl: `${platform.settings.apiUrl}/app/accounts/${encodeURIComponent(context.accountId)}/conversations/${encodeURIComponent(context.conversationId)}`,
      transcript: turns(fetched ? [...fetched.messages, ...context.messages] : context.messages, context.at),
      customer,
      channel: (context.channel && Object.hasOwn(CHANNELS, context.channel) ? CHANNELS[context.channel] : undefined) ?? (context.channel ? 'other' : 'chat'),
      keys: context.keys,
      facts: { chatwootAccountId: context.accountId, ...(context.inboxId && { chatwootInboxId: context.inboxId }) },
    });
  },

  auth(platform, env) {
    const token = readSecret(platform.credentials, 'tokenEnv', env);
    if (!token) return { missing: 'no API token configured (--token-env)' };
    if ('missing' in token) return { missing: `no API token: ${token.missing}` };
    return { headers: { api_access_token: token.value } };
  },

  calls(conversation, outcome) {
    const { accountId, conversationId } = parts(conversation);
    const at = base(accountId, conversationId);
    const note = (text: string): PlatformCall => ({
      action: 'note',
      path: `${at}/messages`,
      json: { content: text, message_type: 'outgoing', private: true },
      describe: 'private note added in Chatwoot',
    });
    const status = (value: 'pending' | 'resolved', describe: string): PlatformCall => ({ action: value === 'pending' ? 'return_to_bot' : 'resolve', path: `${at}/toggle_status`, json: { status: value }, describe });
    switch (outcome.kind) {
      case 'accepted': {
        if (!outcome.chatwootUserId) return [];
        const assignee = /^[0-9]+$/.test(outcome.chatwootUserId) ? Number(outcome.chatwootUserId) : outcome.chatwootUserId;
        return [{ action: 'assign', path: `${at}/assignments`, json: { assignee_id: assignee }, describe: 'assigned to the accepting agent in Chatwoot' }];
      }
      case 'returned_to_bot':
        return [note(`Returned to the bot from Baton: ${outcome.note}`), status('pending', 'given back to the bot in Chatwoot')];
      case 'resolved':
        return [...(outcome.note ? [note(`Resolved in Baton: ${outcome.note}`)] : []), status('resolved', 'resolved in Chatwoot')];
    }
  },
};

/** A delivery's identity when the platform gives none: the body's hash (a retry sends the same bytes). */
export const bodyHash = (raw: Buffer): string => createHash('sha256').update(raw).digest('hex');
