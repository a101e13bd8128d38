import {
  BotFrameworkHandoffContext,
  isTranscriptTurn,
  transcriptActivities,
  type BotFrameworkAccount,
  type BotFrameworkHandoffActivity,
  type Channel,
  type ContextPacket,
  type Speaker,
  type TranscriptTurn,
} from '../../shared/protocol/index.ts';

// Pure translation of a Bot Framework handoff.initiate event into a ContextPacket. Nothing is cut
// to fit: an over-long value makes the packet fail ContextPacket validation (400), by design.

const CHANNELS: Record<string, Channel> = {
  msteams: 'chat', webchat: 'chat', directline: 'chat', emulator: 'chat', test: 'chat', slack: 'chat',
  telegram: 'chat', skype: 'chat', kik: 'chat', groupme: 'chat', omnichannel: 'chat',
  email: 'email', sms: 'sms', telephony: 'voice', directlinespeech: 'voice', alexa: 'voice',
  facebook: 'social', twitter: 'social', instagram: 'social', whatsapp: 'social', line: 'social',
};

const KNOWN_CONTEXT_KEYS = new Set(Object.keys(BotFrameworkHandoffContext.shape));

/** Blank strings count as absent (they would fail the packet's non-empty fields for no gain). */
function present(value: string | null | undefined): string | undefined {
  return value != null && value.trim() !== '' ? value : undefined;
}

function channelOf(channelId: string | undefined): Channel {
  if (!channelId) return 'chat';
  const id = channelId.toLowerCase();
  // Own keys only: "constructor" or "__proto__" are channel ids like any other, not the prototype's.
  return Object.hasOwn(CHANNELS, id) ? CHANNELS[id]! : 'other';
}

export function botFrameworkToPacket(activity: BotFrameworkHandoffActivity): ContextPacket {
  const context = activity.value ?? {};
  const relatesTo = activity.relatesTo;
  const activities = transcriptActivities(activity);
  const isUser = (a: BotFrameworkAccount | null | undefined): a is BotFrameworkAccount => a?.role === 'user';

  // The customer: relatesTo.user first (the conversation reference), then whoever the
  // transcript shows in the user role. The name may only appear on a later account.
  const transcriptUsers = [activity.recipient, ...activities.flatMap((a) => [a.from, a.recipient])].filter(isUser);
  const users = relatesTo?.user ? [relatesTo.user, ...transcriptUsers] : transcriptUsers;
  const customerId = users.map((u) => present(u.id)).find(Boolean);
  const customerName = users.filter((u) => !u.id || u.id === customerId).map((u) => present(u.name)).find(Boolean);

  const botName = present(context.va_BotName) ?? present(relatesTo?.bot?.name) ?? present(activity.from?.name);
  const botId = present(context.va_BotId) ?? present(relatesTo?.bot?.id) ?? present(activity.from?.id);
  const botIds = new Set([botId, relatesTo?.bot?.id, activity.from?.id].filter(Boolean));

  const speaker = (from: BotFrameworkAccount | null | undefined): Speaker => {
    const role = from?.role?.toLowerCase();
    if (role === 'user') return 'customer';
    if (role === 'bot' || role === 'skill') return 'bot';
    if (role) return 'agent'; // another participant, e.g. a human agent from an earlier leg
    if (from?.id && from.id === customerId) return 'customer';
    if (from?.id && botIds.has(from.id)) return 'bot';
    return 'system';
  };

  const transcript: TranscriptTurn[] = activities.filter(isTranscriptTurn).map((a) => ({
    from: speaker(a.from),
    text: a.text,
    // The schema guarantees one of the two exists for every kept turn.
    at: (a.timestamp ?? activity.timestamp) as string,
  }));

  const lastTopic = present(context.va_LastTopic);
  const lastPhrase = present(context.va_LastPhrase);
  const topics = context.va_Topics?.filter((t) => present(t));
  const channelId = present(activity.channelId) ?? present(relatesTo?.channelId);
  const conversationId =
    present(activity.conversation.id) ?? present(relatesTo?.conversation?.id) ?? present(context.va_ConversationId);
  const lastCustomerText = transcript.findLast((t) => t.from === 'customer')?.text;
  const by = botName ?? 'The bot';

  // Variables the bot maker chose to pass along travel as metadata (flat: objects as JSON).
  const extras = Object.entries(context)
    .filter(([key, value]) => !KNOWN_CONTEXT_KEYS.has(key) && value != null)
    .map(([key, value]) => [key, ['string', 'number', 'boolean'].includes(typeof value) ? value : JSON.stringify(value)]);
  const ours = Object.entries({
    botId,
    botName,
    channelId,
    topics: topics?.length ? topics.join(', ') : undefined,
    lastTopic,
    lastPhrase,
    serviceUrl: present(activity.serviceUrl) ?? present(relatesTo?.serviceUrl),
  }).filter(([, value]) => value !== undefined);
  // Ours come last so they win a name clash.
  const metadata = Object.fromEntries([...extras, ...ours]) as Record<string, string | number | boolean>;

  const packet: ContextPacket = {
    summary:
      present(context.va_AgentMessage) ??
      lastPhrase ??
      lastCustomerText ??
      (lastTopic ? `Handoff from topic "${lastTopic}"` : `Handoff from ${botName ?? 'a Bot Framework bot'}`),
    trigger: {
      reason: 'customer_request',
      detail: lastTopic ? `${by} handed off during topic "${lastTopic}"` : `${by} handed off the conversation`,
    },
    transcript,
    channel: channelOf(channelId),
    source: { platform: 'botframework', ...(conversationId && { conversationId }) },
    metadata,
  };
  if (lastTopic) packet.intent = { name: lastTopic };
  const language = present(context.va_Language) ?? present(activity.locale);
  if (language) packet.language = language;
  if (customerId || customerName) {
    packet.customer = { ...(customerId && { id: customerId }), ...(customerName && { name: customerName }) };
  }
  return packet;
}
