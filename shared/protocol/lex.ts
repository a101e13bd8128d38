import { z } from 'zod';

// Amazon Lex V2's Lambda input event, as far as Baton reads it (forwarded unchanged by the Lambda
// in integrations/lex-lambda). Objects keep the fields Baton does not name (loose); anything the
// reference marks optional may be absent.

const text = z.string().max(100_000);
const opt = <T extends z.ZodType>(schema: T) => schema.nullish();

/** A slot: its value (`interpretedValue` is what Lex resolved), or a list of values. */
export const LexSlot = z.looseObject({
  shape: opt(text),
  value: opt(z.looseObject({ originalValue: opt(text), interpretedValue: opt(text), resolvedValues: opt(z.array(z.unknown())) })),
  values: opt(z.array(z.unknown())),
});

export const LexIntent = z.looseObject({
  name: opt(text),
  slots: opt(z.record(z.string(), LexSlot.nullable())),
  state: opt(text),
  confirmationState: opt(text),
});
export type LexIntent = z.infer<typeof LexIntent>;

export const LexInterpretation = z.looseObject({
  intent: opt(LexIntent),
  /** A number in the Lambda event (`{score}` in the runtime API's answers: both are read). */
  nluConfidence: opt(z.union([z.number(), z.looseObject({ score: opt(z.number()) })])),
  sentimentResponse: opt(
    z.looseObject({
      sentiment: opt(text),
      sentimentScore: opt(z.looseObject({ positive: opt(z.number()), negative: opt(z.number()), neutral: opt(z.number()), mixed: opt(z.number()) })),
    }),
  ),
});
export type LexInterpretation = z.infer<typeof LexInterpretation>;

export const LexEvent = z.looseObject({
  messageVersion: opt(text),
  invocationSource: opt(text),
  inputMode: opt(text),
  responseContentType: opt(text),
  sessionId: text,
  inputTranscript: opt(text),
  bot: opt(z.looseObject({ id: opt(text), name: opt(text), aliasId: opt(text), aliasName: opt(text), localeId: opt(text), version: opt(text) })),
  interpretations: opt(z.array(LexInterpretation)),
  proposedNextState: opt(z.looseObject({})),
  requestAttributes: opt(z.record(z.string(), z.unknown())),
  sessionState: opt(
    z.looseObject({
      sessionAttributes: opt(z.record(z.string(), z.unknown())),
      intent: opt(LexIntent),
      activeContexts: opt(z.array(z.unknown())),
      dialogAction: opt(z.looseObject({ type: opt(text) })),
      originatingRequestId: opt(text),
    }),
  ),
  transcriptions: opt(z.array(z.unknown())),
});
export type LexEvent = z.infer<typeof LexEvent>;
