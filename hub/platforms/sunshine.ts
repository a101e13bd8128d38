// Zendesk Sunshine Conversations: the switchboard decides who answers a conversation. A
// `switchboard:passControl` or `switchboard:acceptControl` webhook that gives control to the
// human side (the team's switchboard integration, Zendesk's `zd-agentWorkspace`) is a handoff.
// Messages and the user come from API v2 with Basic auth (key id and secret).
import {
  LIMITS,
  SunshineEvent,
  SunshineMessage,
  SunshineMessageList,
  SunshineSwitchboardIntegration,
  SunshineSwitchboardPayload,
  SunshineUser,
  SunshineUserResponse,
  SunshineWebhookBody,
  type Channel,
  type Customer,
  type Speaker,
  type TranscriptTurn,
} from '../../shared/protocol/index.ts';
import { sameSecret } from '../auth/secrets.ts';
import { readSecret } from './config.ts';
import { buildPacket, clean, isoTime, present } from './keys.ts';
import type { News, PlatformAdapter, PlatformCall } from './types.ts';

/** Pages of 100 read back at most (the transcript keeps the latest 2,000 turns). */
const MAX_PAGES = 20;
/** Sunshine's metadata is limited to 4 KB: the note is cut to fit beside the other keys. */
const MAX_NOTE = 3_000;

export interface SunshineContext {
  appId: string;
  conversationId: string;
  /** Where the bot's part of the conversation began (Zendesk's handoff metadata names it). */
  firstMessageId: string | null;
  /** The switchboard integration that took control. */
  switchboard: string;
  keys: Record<string, unknown>;
  at: string;
}

export interface SunshineFetched {
  messages: SunshineMessage[];
  user: SunshineUser | null;
}

const CHANNELS: Record<string, Channel> = {
  web: 'chat', ios: 'chat', android: 'chat', sdk: 'chat', api: 'chat', apple: 'chat', telegram: 'chat', slack: 'chat', msteams: 'chat',
  whatsapp: 'social', messenger: 'social', instagram: 'social', twitter: 'social', line: 'social', viber: 'social', wechat: 'social', kakao: 'social',
  mailgun: 'email', email: 'email', twilio: 'sms', messagebird: 'sms', sms: 'sms',
};

/** The conversation key's parts: `sunshine:<app id>:<conversation id>`, each URI-encoded (so no `:` inside). */
function parts(conversation: string): { appId: string; conversationId: string } {
  const [, appId = '', conversationId = ''] = conversation.split(':');
  return { appId: decodeURIComponent(appId), conversationId: decodeURIComponent(conversationId) };
}

const at = (appId: string, conversationId: string) => `/v2/apps/${encodeURIComponent(appId)}/conversations/${encodeURIComponent(conversationId)}`;

const parseAll = <T>(items: unknown[] | null | undefined, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T[] =>
  (items ?? []).flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });

function speaker(message: SunshineMessage): Speaker {
  const author = message.author;
  const subtypes = (author?.subtypes ?? []).filter((s): s is string => typeof s === 'string');
  if (subtypes.includes('activity') || (message as { activity?: unknown }).activity) return 'system';
  if (author?.type === 'user') return 'customer';
  if (author?.type === 'business') {
    // Zendesk's agents answer through the Agent Workspace; anything else on the business side is the bot.
    const source = message.source?.type ?? '';
    if (!subtypes.includes('AI') && /agentworkspace/i.test(source)) return 'agent';
    return 'bot';
  }
  return 'system';
}

function messageText(message: SunshineMessage): string | undefined {
  const content = message.content;
  if (!content || message.deleted === true) return undefined;
  const text = present(content.text, LIMITS.longText) ?? present(content.altText, LIMITS.longText);
  if (text) return text;
  return content.type && content.type !== 'text' ? `(${clean(content.type, 50)})` : undefined;
}

function turns(messages: SunshineMessage[], fallback: string): TranscriptTurn[] {
  return messages.flatMap((message) => {
    const text = messageText(message);
    return text ? [{ from: speaker(message), text, at: isoTime(message.received, fallback) }] : [];
  });
}

/** The cursor of the page before this one: `meta.beforeCursor`, or `page[before]` of `links.prev`. */
function beforeCursor(list: { meta?: { beforeCursor?: string | null | undefined } | null | undefined; links?: { prev?: string | null | undefined } | null | undefined }): string | undefined {
  if (list.meta?.beforeCursor) return list.meta.beforeCursor;
  if (!list.links?.prev) return undefined;
  try {
    return new URL(list.links.prev, 'https://api.smooch.io').searchParams.get('page[before]') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Which switchboard integration an event gives control to. */
function controller(payload: { conversation?: { activeSwitchboardIntegration?: unknown } | null | undefined } & Record<string, unknown>) {
  for (const candidate of [payload.conversation?.activeSwitchboardIntegration, payload.nextSwitchboardIntegration]) {
    const parsed = SunshineSwitchboardIntegration.safeParse(candidate);
    if (parsed.success && (parsed.data.name || parsed.data.id)) return parsed.data;
  }
  return undefined;
}

export const sunshine: PlatformAdapter<'sunshine', SunshineContext, SunshineFetched> = {
  kind: 'sunshine',
  label: 'Sunshine Conversations',

  verify({ headers }, platform, env) {
    const secret = readSecret(platform.credentials, 'webhookSecretEnv', env);
    if (!secret) return { bearer: true };
    if ('missing' in secret) return { ok: false, why: `the webhook secret is not available to the hub (${secret.missing})` };
    const sent = headers['x-api-key'];
    if (typeof sent !== 'string') return { ok: false, why: "send the webhook's secret as X-API-Key" };
    return sameSecret(sent, secret.value) ? { ok: true } : { ok: false, why: "X-API-Key is not this webhook's secret" };
  },

  read(input, platform) {
    const parsed = SunshineWebhookBody.safeParse(input);
    if (!parsed.success) return { reject: 'not a Sunshine Conversations webhook: expected a JSON object with "events"' };
    const appId = present(parsed.data.app?.id, 100);
    const events = parsed.data.events ?? [];
    if (events.length === 0) return [{ ignore: 'the webhook carries no events' }];
    const { humanSwitchboardName: human, botSwitchboardName: bot } = platform.settings;
    return events.map((raw): News<SunshineContext> => {
      const event = SunshineEvent.safeParse(raw);
      if (!event.success) return { ignore: 'an event that is not an object' };
      const type = event.data.type ?? '(no type)';
      if (type !== 'switchboard:passControl' && type !== 'switchboard:acceptControl' && type !== 'switchboard:releaseControl') {
        return { ignore: `${clean(type, 100)} is not a handoff` };
      }
      const payload = SunshineSwitchboardPayload.safeParse(event.data.payload ?? {});
      if (!payload.success) return { ignore: `${type} without a payload object` };
      const conversationId = present(payload.data.conversation?.id, 100);
      if (!conversationId) return { ignore: `${type} names no conversation` };
      if (!appId) return { ignore: `${type} names no app (app.id)` };
      const conversation = `sunshine:${encodeURIComponent(appId)}:${encodeURIComponent(conversationId)}`;
      if (type === 'switchboard:releaseControl') return { release: { conversation, why: 'control released in Sunshine Conversations' } };
      const to = controller(payload.data);
      const toName = to?.name ?? to?.id ?? undefined;
      if (!to || (to.name !== human && to.id !== human)) {
        const named = toName ? clean(toName, 100) : 'no switchboard integration';
        if (toName === bot || to?.id === bot) return { release: { conversation, why: `control passed to ${named} in Sunshine Conversations` } };
        return { ignore: `${type} to ${named}, not the human side (${human})` };
      }
      const keys = { ...(payload.data.conversation?.metadata ?? {}), ...(payload.data.metadata ?? {}) };
      const first = keys.first_message_id;
      return {
        handoff: {
          conversation,
          delivery: present(event.data.id, 200) ?? '',
          context: {
            appId,
            conversationId,
            firstMessageId: typeof first === 'string' && first.trim() !== '' ? first.trim() : null,
            switchboard: clean(toName ?? human, 100),
            keys,
            at: isoTime(event.data.createdAt, new Date().toISOString()),
          },
        },
      };
    });
  },

  async fetch({ appId, conversationId, firstMessageId }, _platform, api) {
    const path = `${at(appId, conversationId)}/messages`;
    let messages: SunshineMessage[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES && messages.length < LIMITS.transcriptTurns; page++) {
      const answer = SunshineMessageList.safeParse(await api.get(cursor === undefined ? path : `${path}?page%5Bbefore%5D=${encodeURIComponent(cursor)}`));
      if (!answer.success) throw new Error('the messages answer is not a Sunshine Conversations message list');
      const batch = parseAll(answer.data.messages, SunshineMessage);
      messages = [...batch, ...messages];
      if (firstMessageId && batch.some((m) => m.id === firstMessageId)) break;
      const next = beforeCursor(answer.data);
      if (answer.data.meta?.hasMore !== true || !next || next === cursor) break;
      cursor = next;
    }
    if (firstMessageId) {
      const start = messages.findIndex((m) => m.id === firstMessageId);
      if (start > 0) messages = messages.slice(start);
    }
    const userId = messages.find((m) => m.author?.type === 'user' && m.author.userId)?.author?.userId;
    let user: SunshineUser | null = null;
    if (userId) {
      const answer = SunshineUserResponse.safeParse(await api.get(`/v2/apps/${encodeURIComponent(appId)}/users/${encodeURIComponent(userId)}`));
      if (!answer.success) throw new Error('the user answer is not a Sunshine Conversations user');
      user = answer.data.user ?? null;
    }
    return { messages, user };
  },

  packet(context, fetched) {
    const user = fetched?.user;
    const customer: Customer = {};
    const profile = user?.profile;
    const id = present(user?.externalId) ?? present(user?.id);
    if (id) customer.id = id;
    const name = present([profile?.givenName, profile?.surname].filter((p) => typeof p === 'string' && p.trim() !== '').join(' '));
    if (name) customer.name = name;
    const email = present(profile?.email) ?? present(user?.identities?.find((i) => i.type === 'email')?.value);
    if (email) customer.email = email;
    const locale = present(profile?.locale);
    if (locale) customer.locale = locale;
    if (typeof user?.authenticated === 'boolean') customer.authenticated = user.authenticated;
    const channelType = fetched?.messages.find((m) => m.author?.type === 'user' && m.source?.type)?.source?.type?.toLowerCase();
    return buildPacket({
      platform: 'sunshine',
      label: 'Sunshine Conversations',
      conversationId: context.conversationId,
      transcript: turns(fetched?.messages ?? [], context.at),
      customer,
      channel: channelType ? (Object.hasOwn(CHANNELS, channelType) ? CHANNELS[channelType]! : 'other') : 'chat',
      keys: context.keys,
      facts: { sunshineAppId: context.appId, switchboard: context.switchboard, ...(user?.id && { sunshineUserId: user.id }) },
    });
  },

  auth(platform, env) {
    const secret = readSecret(platform.credentials, 'keySecretEnv', env);
    if (!secret) return { missing: 'no API key secret configured (--key-secret-env)' };
    if ('missing' in secret) return { missing: `no API key secret: ${secret.missing}` };
    return { headers: { authorization: `Basic ${Buffer.from(`${platform.settings.keyId}:${secret.value}`, 'utf8').toString('base64')}` } };
  },

  calls(conversation, outcome, platform) {
    const { appId, conversationId } = parts(conversation);
    const base = at(appId, conversationId);
    const note = 'note' in outcome && outcome.note ? { baton_note: clean(outcome.note, MAX_NOTE) } : {};
    switch (outcome.kind) {
      case 'accepted':
        return [];
      case 'returned_to_bot':
        return [
          {
            action: 'return_to_bot',
            path: `${base}/passControl`,
            json: { switchboardIntegration: platform.settings.botSwitchboardName, metadata: { baton_outcome: 'returned_to_bot', ...note } },
            describe: 'given back to the bot in Sunshine Conversations',
          },
        ] satisfies PlatformCall[];
      case 'resolved':
        return [{ action: 'resolve', path: `${base}/releaseControl`, json: { metadata: { baton_outcome: 'resolved', ...note } }, describe: 'control released in Sunshine Conversations' }];
    }
  },
};
