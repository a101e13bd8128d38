// Dialogflow CX: the agent's webhook, called by CX itself on a handoff fulfillment. A request whose
// messages hold a `liveAgentHandoff`, or whose fulfillment tag is `baton-handoff`, is a handoff;
// any other call is answered with an empty WebhookResponse. CX sends only the current turn, so
// there is nothing to fetch: the earlier turns come in the query's `payload.transcript` when the
// client passes them.
import { CxWebhookRequest, SPEAKERS, describeIssues, type CxResponseMessage, type CxWebhookResponse, type Speaker, type TranscriptTurn } from '../../shared/protocol/index.ts';
import { buildPacket, clean, isoTime, present } from './keys.ts';
import type { PlatformAdapter } from './types.ts';

/** The fulfillment tag that makes any webhook call a handoff. */
export const CX_HANDOFF_TAG = 'baton-handoff';
/** The session parameter the answer sets, so the flow (and the client) know the handoff. */
export const CX_HANDOFF_PARAMETER = 'baton_handoff_id';
export const CX_DEFAULT_FULFILLMENT = 'Connecting you with a person now.';

export interface CxContext {
  session: string;
  sessionId: string;
  /** CX's own readings, under the Baton keys' names, then the session parameters and handoff metadata. */
  keys: Record<string, unknown>;
  turns: TranscriptTurn[];
  voice: boolean;
  facts: Record<string, string | undefined>;
}

const SPEAKER_SET: ReadonlySet<string> = new Set(SPEAKERS);
const isScalar = (value: unknown): value is string | number | boolean => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';

/** The history a client passed in the query's payload: turns in the packet's shape; others are skipped. */
function clientTurns(value: unknown, fallback: string): TranscriptTurn[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (!item || typeof item !== 'object') return [];
    const turn = item as Record<string, unknown>;
    if (typeof turn.from !== 'string' || !SPEAKER_SET.has(turn.from) || typeof turn.text !== 'string' || turn.text.trim() === '') return [];
    return [{ from: turn.from as Speaker, text: clean(turn.text), at: isoTime(turn.at, fallback) }];
  });
}

/** What the bot says in this turn: the text (or spoken text) of the fulfillment's messages. */
function botTexts(messages: CxResponseMessage[]): string[] {
  return messages.flatMap((message) => [
    ...(message.text?.text ?? []).filter((t): t is string => typeof t === 'string'),
    ...(typeof message.outputAudioText?.text === 'string' ? [message.outputAudioText.text] : []),
  ]).filter((t) => t.trim() !== '');
}

export const dialogflowCx: PlatformAdapter<'dialogflow-cx', CxContext, never> = {
  kind: 'dialogflow-cx',
  label: 'Dialogflow CX',

  // CX sends the headers the webhook is set up with: the integration key as a bearer token.
  verify: () => ({ bearer: true }),

  read(input) {
    const parsed = CxWebhookRequest.safeParse(input);
    if (!parsed.success) return { reject: 'not a Dialogflow CX WebhookRequest', issues: describeIssues(parsed.error) };
    const body = parsed.data;
    const messages = body.messages ?? [];
    const handoffMessage = messages.find((m) => m.liveAgentHandoff != null);
    const tag = body.fulfillmentInfo?.tag ?? undefined;
    if (!handoffMessage && tag !== CX_HANDOFF_TAG) return [{ ignore: `no liveAgentHandoff message and fulfillment tag ${tag ? `"${clean(tag, 100)}"` : '(none)'} is not "${CX_HANDOFF_TAG}"` }];
    const session = present(body.sessionInfo?.session, 1000);
    const sessionId = session?.split('/').filter(Boolean).at(-1);
    if (!session || !sessionId) return { reject: 'a handoff needs its session', issues: [{ path: 'sessionInfo.session', message: 'is required for a handoff (the session path, projects/…/sessions/<session id>)' }] };

    const at = new Date().toISOString();
    const customerText = present(body.text, 100_000) ?? present(body.transcript, 100_000);
    const turns = [
      ...clientTurns(body.payload?.transcript, at),
      ...(customerText ? [{ from: 'customer' as const, text: clean(customerText), at }] : []),
      ...botTexts(messages).map((text) => ({ from: 'bot' as const, text: clean(text), at })),
    ];
    const intent = body.intentInfo;
    const own: Record<string, unknown> = {
      ...(present(intent?.displayName) && { intent: intent?.displayName }),
      ...(typeof intent?.confidence === 'number' && { intent_confidence: intent.confidence }),
      ...(typeof body.sentimentAnalysisResult?.score === 'number' && { sentiment_score: body.sentimentAnalysisResult.score }),
      ...(present(body.languageCode) && { language: body.languageCode }),
    };
    // Scalar session parameters only (a structured one is the flow's business); the answer's own parameter is Baton's.
    const parameters = Object.fromEntries(Object.entries(body.sessionInfo?.parameters ?? {}).filter(([key, value]) => key !== CX_HANDOFF_PARAMETER && isScalar(value)));
    const keys = { ...own, ...parameters, ...(handoffMessage?.liveAgentHandoff?.metadata ?? {}) };
    return [
      {
        handoff: {
          conversation: `dialogflow-cx:${session}`,
          delivery: present(body.detectIntentResponseId, 500) ?? '',
          context: {
            session,
            sessionId,
            keys,
            turns,
            voice: present(body.transcript) !== undefined,
            facts: {
              dialogflowSession: session,
              dialogflowPage: present(body.pageInfo?.displayName),
              dialogflowTag: present(tag),
              dialogflowTriggerEvent: present(body.triggerEvent),
            },
          },
        },
      },
    ];
  },


  packet(context) {
    return buildPacket({
      platform: 'dialogflow-cx',
      label: 'Dialogflow CX',
      conversationId: context.sessionId,
      transcript: context.turns,
      customer: {},
      channel: context.voice ? 'voice' : 'chat',
      keys: context.keys,
      facts: context.facts,
    });
  },

  auth: () => ({ headers: {} }),

  // CX has no call to give a session back: the signed `handoff.returned_to_bot` webhook tells the client.
  calls: () => [],

  answer(handoff, platform): CxWebhookResponse {
    if (!handoff) return {};
    return {
      fulfillmentResponse: { messages: [{ text: { text: [platform.settings.fulfillmentText ?? CX_DEFAULT_FULFILLMENT] } }], mergeBehavior: 'APPEND' },
      sessionInfo: { parameters: { [CX_HANDOFF_PARAMETER]: handoff.id } },
    };
  },
};
