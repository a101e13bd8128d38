import { z } from 'zod';

// Dialogflow CX's webhook, as far as Baton reads it: `WebhookRequest` in, `WebhookResponse` out
// (REST v3, camelCase JSON). Objects keep the fields Baton does not name (loose); everything the
// reference does not mark "always present" may be absent.

const text = z.string().max(100_000);
const opt = <T extends z.ZodType>(schema: T) => schema.nullish();
/** A `google.protobuf.Struct`: any JSON object. */
const struct = z.record(z.string(), z.unknown());

/** `ResponseMessage`: one of text, payload, liveAgentHandoff, ... (only those Baton reads are named). */
export const CxResponseMessage = z.looseObject({
  text: opt(z.looseObject({ text: opt(z.array(z.unknown())), allowPlaybackInterruption: opt(z.boolean()) })),
  payload: opt(struct),
  liveAgentHandoff: opt(z.looseObject({ metadata: opt(struct) })),
  outputAudioText: opt(z.looseObject({ text: opt(text), ssml: opt(text) })),
});
export type CxResponseMessage = z.infer<typeof CxResponseMessage>;

export const CxWebhookRequest = z.looseObject({
  detectIntentResponseId: opt(text),
  text: opt(text),
  triggerIntent: opt(text),
  transcript: opt(text),
  triggerEvent: opt(text),
  dtmfDigits: opt(text),
  languageCode: opt(text),
  fulfillmentInfo: opt(z.looseObject({ tag: opt(text) })),
  intentInfo: opt(
    z.looseObject({
      lastMatchedIntent: opt(text),
      displayName: opt(text),
      parameters: opt(struct),
      confidence: opt(z.number()),
    }),
  ),
  pageInfo: opt(z.looseObject({ currentPage: opt(text), displayName: opt(text) })),
  sessionInfo: opt(z.looseObject({ session: opt(text), parameters: opt(struct) })),
  messages: opt(z.array(CxResponseMessage)),
  payload: opt(struct),
  sentimentAnalysisResult: opt(z.looseObject({ score: opt(z.number()), magnitude: opt(z.number()) })),
});
export type CxWebhookRequest = z.infer<typeof CxWebhookRequest>;

/** `WebhookResponse`, as Baton answers: the fulfillment text appended, and session parameters set. */
export const CxWebhookResponse = z.strictObject({
  fulfillmentResponse: z
    .strictObject({
      messages: z.array(z.strictObject({ text: z.strictObject({ text: z.array(z.string()) }) })),
      mergeBehavior: z.enum(['MERGE_BEHAVIOR_UNSPECIFIED', 'APPEND', 'REPLACE']),
    })
    .optional(),
  sessionInfo: z.strictObject({ parameters: z.record(z.string(), z.unknown()) }).optional(),
});
export type CxWebhookResponse = z.infer<typeof CxWebhookResponse>;
