import { z } from 'zod';

// Chatwoot's webhooks and conversations API, as far as Baton reads them. Objects keep the fields
// Baton does not name (loose); ids come as numbers (strings tolerated), times as Unix seconds in
// the API and as Unix seconds or date strings in webhooks.

const text = z.string().max(100_000);
const opt = <T extends z.ZodType>(schema: T) => schema.nullish();
const id = z.union([z.number(), text]);

/** A contact, agent (`user`) or agent bot (`agent_bot`), as `sender` or `meta.sender`. */
export const ChatwootSender = z.looseObject({
  id: opt(id),
  name: opt(text),
  email: opt(text),
  phone_number: opt(text),
  identifier: opt(text),
  type: opt(text),
  custom_attributes: opt(z.record(z.string(), z.unknown())),
});
export type ChatwootSender = z.infer<typeof ChatwootSender>;

export const ChatwootMessage = z.looseObject({
  id: opt(id),
  content: opt(text),
  /** 0 incoming, 1 outgoing, 2 activity, 3 template (webhooks may name them instead). */
  message_type: opt(z.union([z.number(), text])),
  created_at: opt(z.union([z.number(), text])),
  private: opt(z.boolean()),
  account_id: opt(id),
  sender: opt(ChatwootSender),
});
export type ChatwootMessage = z.infer<typeof ChatwootMessage>;

/** One entry of `changed_attributes`: `{ "<attribute>": { previous_value, current_value } }`. */
export const ChatwootChange = z.record(z.string(), z.looseObject({ previous_value: z.unknown().optional(), current_value: z.unknown().optional() }).nullish());

/** Every webhook: its event name; conversation events carry the conversation's attributes. */
export const ChatwootWebhookBody = z.looseObject({
  event: opt(text),
  id: opt(id),
  account_id: opt(id),
  account: opt(z.looseObject({ id: opt(id), name: opt(text) })),
  inbox_id: opt(id),
  status: opt(text),
  channel: opt(text),
  meta: opt(z.looseObject({ sender: opt(ChatwootSender), assignee: opt(ChatwootSender) })),
  custom_attributes: opt(z.record(z.string(), z.unknown())),
  additional_attributes: opt(z.record(z.string(), z.unknown())),
  messages: opt(z.array(z.unknown())),
  changed_attributes: opt(z.array(z.unknown())),
});
export type ChatwootWebhookBody = z.infer<typeof ChatwootWebhookBody>;

/** `GET /api/v1/accounts/{account_id}/conversations/{id}/messages`: the latest 20, or those before `before`, oldest first. */
export const ChatwootMessageList = z.looseObject({
  meta: opt(z.looseObject({ contact_id: opt(id) })),
  payload: opt(z.array(z.unknown())),
});
