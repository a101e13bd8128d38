import { z } from 'zod';

// Rasa's tracker, as its HTTP API (`GET /conversations/{conversation_id}/tracker`) and
// `tracker.current_state()` give it, as far as Baton reads it. Objects keep the fields Baton does
// not name (loose); times are Unix seconds (floats).

const text = z.string().max(100_000);
const opt = <T extends z.ZodType>(schema: T) => schema.nullish();

export const RasaIntent = z.looseObject({ name: opt(text), confidence: opt(z.number()) });

/** One event: `user`, `bot`, `action`, `slot`, `session_started`, `rewind`, `undo`, `action_execution_rejected`, ... */
export const RasaEvent = z.looseObject({
  event: text,
  timestamp: opt(z.number()),
  text: opt(text),
  name: opt(text),
  parse_data: opt(z.looseObject({ intent: opt(RasaIntent), text: opt(text) })),
  metadata: opt(z.record(z.string(), z.unknown())),
  input_channel: opt(text),
});
export type RasaEvent = z.infer<typeof RasaEvent>;

export const RasaTracker = z.looseObject({
  sender_id: opt(text),
  /** The name Rasa's OpenAPI gives the same id. */
  conversation_id: opt(text),
  slots: opt(z.record(z.string(), z.unknown())),
  latest_message: opt(z.looseObject({ intent: opt(RasaIntent), intent_ranking: opt(z.array(z.unknown())), text: opt(text) })),
  latest_event_time: opt(z.number()),
  latest_input_channel: opt(text),
  latest_action_name: opt(text),
  events: opt(z.array(RasaEvent)),
  active_loop: opt(z.looseObject({ name: opt(text) })),
});
export type RasaTracker = z.infer<typeof RasaTracker>;
