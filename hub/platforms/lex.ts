// Amazon Lex V2: the handoff intent's Lambda (integrations/lex-lambda) forwards the Lambda input
// event unchanged. The intent comes from the session state with the confidence of its
// interpretation, the sentiment from that interpretation's sentiment scores, the Baton keys from
// the session attributes; slots and the bot's identity go into metadata.
import { LexEvent, describeIssues, type Channel, type LexInterpretation } from '../../shared/protocol/index.ts';
import { buildPacket, clean, present } from './keys.ts';
import type { PlatformAdapter } from './types.ts';

export interface LexContext {
  sessionId: string;
  text: string | null;
  keys: Record<string, unknown>;
  channel: Channel;
  facts: Record<string, string | undefined>;
  at: string;
}

const CHANNELS: Record<string, Channel> = { Text: 'chat', Speech: 'voice', DTMF: 'voice' };

/** −1 to 1: positive minus negative (mixed and neutral pull it toward 0); from the label alone when there are no scores. */
export function lexSentiment(response: LexInterpretation['sentimentResponse']): number | undefined {
  const scores = response?.sentimentScore;
  if (typeof scores?.positive === 'number' && typeof scores.negative === 'number') return Math.max(-1, Math.min(1, scores.positive - scores.negative));
  const label = response?.sentiment?.toUpperCase();
  return label === 'POSITIVE' ? 0.5 : label === 'NEGATIVE' ? -0.5 : label === 'NEUTRAL' || label === 'MIXED' ? 0 : undefined;
}

const confidenceOf = (interpretation: LexInterpretation | undefined): number | undefined => {
  const value = interpretation?.nluConfidence;
  return typeof value === 'number' ? value : (value?.score ?? undefined);
};

export const lex: PlatformAdapter<'lex', LexContext, never> = {
  kind: 'lex',
  label: 'Amazon Lex',

  // The Lambda sends the integration key as a bearer token.
  verify: () => ({ bearer: true }),

  read(input) {
    const parsed = LexEvent.safeParse(input);
    if (!parsed.success) return { reject: 'not an Amazon Lex V2 Lambda input event', issues: describeIssues(parsed.error) };
    const event = parsed.data;
    const sessionId = present(event.sessionId, 500);
    if (!sessionId) return { reject: 'the event names no session', issues: [{ path: 'sessionId', message: 'must not be empty (the Lex session, or the Amazon Connect contact id)' }] };
    const intent = event.sessionState?.intent ?? undefined;
    const name = present(intent?.name, 200);
    const interpretations = event.interpretations ?? [];
    const match = interpretations.find((i) => name !== undefined && i.intent?.name === name) ?? interpretations[0];
    const confidence = confidenceOf(name !== undefined && match?.intent?.name === name ? match : undefined);
    const score = lexSentiment(match?.sentimentResponse ?? interpretations.find((i) => i.sentimentResponse)?.sentimentResponse);
    const locale = present(event.bot?.localeId, 50);
    const own: Record<string, unknown> = {
      ...(name && { intent: name, ...(confidence !== undefined && { intent_confidence: confidence }) }),
      ...(score !== undefined && { sentiment_score: score }),
      ...(locale && { language: locale.replace('_', '-') }),
    };
    // Slots by their interpreted value (what Lex resolved), else what the customer said.
    const slots: Record<string, string | undefined> = {};
    for (const [slot, value] of Object.entries(intent?.slots ?? {})) {
      const filled = present(value?.value?.interpretedValue, 1000) ?? present(value?.value?.originalValue, 1000);
      if (filled) slots[`slot_${clean(slot, 100)}`] = filled;
    }
    const bot = event.bot;
    const mode = present(event.inputMode, 50);
    return [
      {
        handoff: {
          conversation: `lex:${sessionId}`,
          delivery: '',
          context: {
            sessionId,
            text: present(event.inputTranscript, 100_000) ?? null,
            keys: { ...own, ...(event.sessionState?.sessionAttributes ?? {}) },
            channel: (mode && Object.hasOwn(CHANNELS, mode) ? CHANNELS[mode] : undefined) ?? 'chat',
            facts: {
              ...slots,
              lexBotId: present(bot?.id),
              lexBotName: present(bot?.name),
              lexBotAliasId: present(bot?.aliasId),
              lexBotAliasName: present(bot?.aliasName),
              lexBotVersion: present(bot?.version),
              lexLocaleId: locale,
              lexInputMode: mode,
              lexIntentState: present(intent?.state),
            },
            at: new Date().toISOString(),
          },
        },
      },
    ];
  },

  packet(context) {
    return buildPacket({
      platform: 'lex',
      label: 'Amazon Lex',
      conversationId: context.sessionId,
      transcript: context.text ? [{ from: 'customer', text: clean(context.text), at: context.at }] : [],
      customer: {},
      channel: context.channel,
      keys: context.keys,
      facts: context.facts,
    });
  },

  auth: () => ({ headers: {} }),

  // Lex has no call that gives a session back: the signed `handoff.returned_to_bot` webhook tells the client.
  calls: () => [],
};
