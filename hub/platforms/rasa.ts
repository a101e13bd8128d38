// Rasa: the bot's handoff action posts the tracker (`tracker.current_state()`, or the HTTP API's
// tracker) to Baton. The transcript, the bot's attempts, the intent and the trigger reason come
// from its events; the Baton keys from its slots and session metadata. "Return to bot" resumes the
// conversation through Rasa's HTTP API when the integration names it.
import { RasaTracker, describeIssues, type Channel, type RasaEvent, type TranscriptTurn, type TriggerReason } from '../../shared/protocol/index.ts';
import { readSecret } from './config.ts';
import { buildPacket, clean, isoTime, present } from './keys.ts';
import type { PlatformAdapter, PlatformCall } from './types.ts';

/** Intents and actions whose trigger reason goes without saying; an integration's table adds to it. */
export const RASA_DEFAULT_REASONS: Readonly<Record<string, TriggerReason>> = {
  nlu_fallback: 'complexity',
  action_default_fallback: 'complexity',
  action_two_stage_fallback: 'complexity',
  out_of_scope: 'scope_limitation',
  human_handoff: 'customer_request',
  talk_to_human: 'customer_request',
  report_bug: 'bug_report',
  feature_request: 'feature_request',
};
export const RASA_DEFAULT_HANDOFF_ACTION = 'action_handoff';

/** Actions that are Rasa's own bookkeeping, not something the bot tried. */
const NOT_ATTEMPTS = new Set(['action_listen', 'action_session_start', 'action_restart', 'action_back', 'action_unlikely_intent', 'action_extract_slots']);

const CHANNELS: Record<string, Channel> = {
  rest: 'chat',
  callback: 'chat',
  socketio: 'chat',
  rasa: 'chat',
  webexteams: 'chat',
  rocketchat: 'chat',
  mattermost: 'chat',
  botframework: 'chat',
  hangouts: 'chat',
  slack: 'social',
  telegram: 'social',
  facebook: 'social',
  instagram: 'social',
  whatsapp: 'social',
  twilio: 'sms',
  twilio_voice: 'voice',
  audiocodes: 'voice',
  vonage: 'voice',
  genesys: 'voice',
};

export interface RasaContext {
  senderId: string;
  turns: TranscriptTurn[];
  attempts: string[];
  keys: Record<string, unknown>;
  channel: string | null;
  facts: Record<string, string | undefined>;
}

const isScalar = (value: unknown): value is string | number | boolean => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';

interface Reading {
  turns: TranscriptTurn[];
  attempts: string[];
  userIntents: Array<{ name: string; confidence: number | undefined }>;
  lastAction: string | undefined;
  sessionMetadata: Record<string, unknown>;
}

/** Walks the events as Rasa applies them: a `rewind` takes back the last user message and what followed it. */
function readEvents(events: RasaEvent[], handoffAction: string, fallback: string): Reading {
  type Entry = { turn?: TranscriptTurn; attempt?: string; intent?: { name: string; confidence: number | undefined } };
  let entries: Entry[] = [];
  let sessionMetadata: Record<string, unknown> = {};
  for (const event of events) {
    const at = isoTime(event.timestamp, fallback);
    switch (event.event) {
      case 'user': {
        const text = present(event.text, 100_000) ?? '';
        const name = present(event.parse_data?.intent?.name, 200);
        const confidence = event.parse_data?.intent?.confidence ?? undefined;
        entries.push({ ...(text && { turn: { from: 'customer', text: clean(text), at } }), ...(name && { intent: { name, confidence } }) });
        break;
      }
      case 'bot': {
        const text = present(event.text, 100_000);
        if (text) entries.push({ turn: { from: 'bot', text: clean(text), at } });
        break;
      }
      case 'action': {
        const name = present(event.name, 200);
        if (name && !NOT_ATTEMPTS.has(name) && !name.startsWith('utter_') && name !== handoffAction) entries.push({ attempt: name });
        break;
      }
      case 'action_execution_rejected': {
        // The action did not run: it was no attempt.
        const index = entries.findLastIndex((e) => e.attempt !== undefined && e.attempt === event.name);
        if (index >= 0) entries.splice(index, 1);
        break;
      }
      case 'rewind': {
        const index = entries.findLastIndex((e) => e.turn?.from === 'customer' || e.intent !== undefined);
        if (index >= 0) entries = entries.slice(0, index);
        break;
      }
      case 'session_started':
        if (event.metadata) sessionMetadata = { ...sessionMetadata, ...event.metadata };
        break;
      default:
        break;
    }
  }
  const attempts: string[] = [];
  for (const entry of entries) if (entry.attempt && attempts.at(-1) !== entry.attempt) attempts.push(entry.attempt);
  const lastAction = [...entries].reverse().find((e) => e.attempt !== undefined)?.attempt;
  return {
    turns: entries.flatMap((e) => (e.turn ? [e.turn] : [])),
    attempts,
    userIntents: entries.flatMap((e) => (e.intent ? [e.intent] : [])),
    lastAction,
    sessionMetadata,
  };
}

export const rasa: PlatformAdapter<'rasa', RasaContext, never> = {
  kind: 'rasa',
  label: 'Rasa',

  // The handoff action sends the integration key as a bearer token.
  verify: () => ({ bearer: true }),

  read(input, platform) {
    const parsed = RasaTracker.safeParse(input);
    if (!parsed.success) return { reject: 'not a Rasa tracker', issues: describeIssues(parsed.error) };
    const tracker = parsed.data;
    const senderId = present(tracker.sender_id, 500) ?? present(tracker.conversation_id, 500);
    if (!senderId) return { reject: 'the tracker names no conversation', issues: [{ path: 'sender_id', message: 'is required (or conversation_id): the conversation to hand off' }] };
    const at = new Date().toISOString();
    const settings = platform.settings;
    const reasons: Record<string, TriggerReason> = { ...RASA_DEFAULT_REASONS, ...settings.reasons };
    const reading = readEvents(tracker.events ?? [], settings.handoffAction ?? RASA_DEFAULT_HANDOFF_ACTION, at);
    // Without events (a trimmed tracker), the latest message stands for the user's turn.
    const latest = tracker.latest_message;
    if (reading.userIntents.length === 0 && present(latest?.intent?.name, 200)) reading.userIntents.push({ name: latest!.intent!.name!, confidence: latest?.intent?.confidence ?? undefined });
    if (reading.turns.length === 0 && present(latest?.text)) reading.turns.push({ from: 'customer', text: clean(latest!.text!), at: isoTime(tracker.latest_event_time, at) });

    // A handoff intent (one standing for the customer's request) is why, not what the customer wanted.
    const lastUser = reading.userIntents.at(-1);
    const intent = reading.userIntents.findLast((i) => reasons[i.name] !== 'customer_request');
    const why = lastUser && Object.hasOwn(reasons, lastUser.name) ? lastUser.name : reading.lastAction && Object.hasOwn(reasons, reading.lastAction) ? reading.lastAction : undefined;
    const own: Record<string, unknown> = {
      ...(intent && { intent: intent.name, ...(intent.confidence != null && { intent_confidence: intent.confidence }) }),
      ...(why && { handoff_reason: reasons[why], handoff_detail: `Rasa: ${why}` }),
      ...(reading.attempts.length > 0 && { bot_attempts: reading.attempts.join(';') }),
    };
    const slots = Object.fromEntries(Object.entries(tracker.slots ?? {}).filter(([, value]) => isScalar(value)));
    return [
      {
        handoff: {
          conversation: `rasa:${senderId}`,
          delivery: '',
          context: {
            senderId,
            turns: reading.turns,
            attempts: reading.attempts,
            keys: { ...own, ...reading.sessionMetadata, ...slots },
            channel: present(tracker.latest_input_channel, 100) ?? null,
            facts: { rasaInputChannel: present(tracker.latest_input_channel, 100), rasaActiveLoop: present(tracker.active_loop?.name, 200) },
          },
        },
      },
    ];
  },


  packet(context) {
    return buildPacket({
      platform: 'rasa',
      label: 'Rasa',
      conversationId: context.senderId,
      transcript: context.turns,
      customer: {},
      channel: (context.channel && Object.hasOwn(CHANNELS, context.channel) ? CHANNELS[context.channel] : undefined) ?? (context.channel ? 'other' : 'chat'),
      keys: context.keys,
      facts: context.facts,
    });
  },

  auth(platform, env): { headers: Record<string, string>; query?: Record<string, string> } | { missing: string } {
    const token = readSecret(platform.credentials, 'tokenEnv', env);
    if (!token) return { headers: {} };
    if ('missing' in token) return { missing: `no Rasa token: ${token.missing}` };
    // Rasa takes its --auth-token as ?token= and a JWT as a bearer token: both are sent.
    return { headers: { authorization: `Bearer ${token.value}` }, query: { token: token.value } };
  },

  calls(conversation, outcome, platform) {
    if (outcome.kind !== 'returned_to_bot' || !platform.settings.apiUrl) return [];
    const sender = encodeURIComponent(conversation.slice('rasa:'.length));
    const calls: PlatformCall[] = [{ action: 'return_to_bot', path: `/conversations/${sender}/tracker/events`, json: { event: 'resume' }, describe: 'given back to the bot in Rasa' }];
    if (platform.settings.resumeIntent) {
      calls.push({
        action: 'trigger_intent',
        path: `/conversations/${sender}/trigger_intent?output_channel=latest`,
        json: { name: platform.settings.resumeIntent, entities: { baton_note: outcome.note } },
        describe: `intent ${platform.settings.resumeIntent} triggered in Rasa`,
      });
    }
    return calls;
  },
};
