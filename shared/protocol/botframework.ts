import { z } from 'zod';

// A Bot Framework `handoff.initiate` event activity, as a Copilot Studio (Power Virtual Agents)
// bot sends it over Direct Line. Bot Framework objects are open (channels add keys freely), so
// every object is loose; only the fields the hub reads are typed. `null` is accepted wherever a
// field is optional because some Bot Framework serializers write nulls for absent values.

const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' });
const optionalText = z.string().nullish();

/** A ChannelAccount: `role` is `user` or `bot` on most channels, but may be missing. */
export const BotFrameworkAccount = z.looseObject({ id: optionalText, name: optionalText, role: optionalText });
export type BotFrameworkAccount = z.infer<typeof BotFrameworkAccount>;

/** One activity of the Transcript attachment: any activity type, with or without text. */
export const BotFrameworkTranscriptActivity = z.looseObject({
  type: z.string({ error: 'must be the activity type (e.g. "message")' }),
  timestamp: timestamp.nullish(),
  from: BotFrameworkAccount.nullish(),
  recipient: BotFrameworkAccount.nullish(),
  text: optionalText,
});
export type BotFrameworkTranscriptActivity = z.infer<typeof BotFrameworkTranscriptActivity>;

export const BotFrameworkTranscript = z.looseObject({
  activities: z.array(BotFrameworkTranscriptActivity, { error: 'must be the list of transcript activities' }),
});

/** The Copilot Studio handoff context (`value`): the va_* variables plus whatever the bot adds. */
export const BotFrameworkHandoffContext = z.looseObject(
  {
    va_Scope: optionalText,
    va_LastTopic: optionalText,
    va_Topics: z.array(z.string()).nullish(),
    va_LastPhrase: optionalText,
    va_Phrases: z.array(z.string()).nullish(),
    va_ConversationId: optionalText,
    va_AgentMessage: optionalText,
    va_BotId: optionalText,
    va_BotName: optionalText,
    va_Language: optionalText,
  },
  { error: 'must be an object: the handoff context (va_* variables)' },
);

const Attachment = z.looseObject({ name: optionalText, contentType: optionalText, content: z.unknown() });

/** A message activity with text: the only transcript activities that become packet turns. */
export function isTranscriptTurn(
  activity: BotFrameworkTranscriptActivity,
): activity is BotFrameworkTranscriptActivity & { text: string } {
  return activity.type === 'message' && typeof activity.text === 'string' && activity.text.trim() !== '';
}

function transcriptIndex(attachments: readonly { name?: string | null }[] | null | undefined): number {
  return attachments?.findIndex((a) => a.name?.toLowerCase() === 'transcript') ?? -1;
}

export const BotFrameworkHandoffActivity = z
  .looseObject({
    type: z.literal('event', { error: 'must be "event" (a handoff.initiate event activity)' }),
    name: z.literal('handoff.initiate', { error: 'must be "handoff.initiate"' }),
    id: optionalText,
    timestamp: timestamp.nullish(),
    channelId: optionalText,
    serviceUrl: optionalText,
    locale: optionalText,
    from: BotFrameworkAccount.nullish(),
    recipient: BotFrameworkAccount.nullish(),
    conversation: z.looseObject({ id: z.string().min(1, 'must not be empty') }),
    value: BotFrameworkHandoffContext.nullish(),
    attachments: z.array(Attachment).nullish(),
    relatesTo: z
      .looseObject({
        activityId: optionalText,
        user: BotFrameworkAccount.nullish(),
        bot: BotFrameworkAccount.nullish(),
        conversation: z.looseObject({ id: optionalText }).nullish(),
        channelId: optionalText,
        serviceUrl: optionalText,
      })
      .nullish(),
  })
  .superRefine((activity, ctx) => {
    // Other attachments are the bot's business; the Transcript one is what we read, so its
    // content is checked here and its errors are named by their full path.
    const index = transcriptIndex(activity.attachments);
    if (index < 0) return;
    const base = ['attachments', index, 'content'];
    const parsed = BotFrameworkTranscript.safeParse(activity.attachments?.[index]?.content);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [...base, ...issue.path] });
      return;
    }
    // Every kept turn needs a time: its own, or the event's.
    if (activity.timestamp) return;
    parsed.data.activities.forEach((turn, i) => {
      if (isTranscriptTurn(turn) && !turn.timestamp) {
        ctx.addIssue({
          code: 'custom',
          path: [...base, 'activities', i, 'timestamp'],
          message: 'is required when the event itself has no timestamp',
        });
      }
    });
  });
export type BotFrameworkHandoffActivity = z.infer<typeof BotFrameworkHandoffActivity>;

/** The Transcript attachment's activities, oldest first; [] when the bot sent none. */
export function transcriptActivities(activity: BotFrameworkHandoffActivity): BotFrameworkTranscriptActivity[] {
  const index = transcriptIndex(activity.attachments);
  if (index < 0) return [];
  return BotFrameworkTranscript.parse(activity.attachments?.[index]?.content).activities;
}
