import { z } from 'zod';

// Zendesk Sunshine Conversations API v2, as far as Baton reads it: the webhook envelope, the
// switchboard events, messages and users. Every object keeps the fields Baton does not name
// (loose), and every field the reference marks optional may be missing or null.

const text = z.string().max(100_000);
const opt = <T extends z.ZodType>(schema: T) => schema.nullish();
/** A flat map (metadata): strings, numbers and booleans per the reference; anything else is tolerated and set aside. */
export const SunshineMetadata = z.record(z.string(), z.unknown());

export const SunshineSwitchboardIntegration = z.looseObject({
  id: opt(text),
  name: opt(text),
  integrationId: opt(text),
  integrationType: opt(text),
});

export const SunshineConversation = z.looseObject({
  id: opt(text),
  type: opt(text),
  metadata: opt(SunshineMetadata),
  activeSwitchboardIntegration: opt(SunshineSwitchboardIntegration),
  pendingSwitchboardIntegration: opt(SunshineSwitchboardIntegration),
});

/** `switchboard:passControl`, `switchboard:acceptControl`, `switchboard:releaseControl` payloads. */
export const SunshineSwitchboardPayload = z.looseObject({
  conversation: opt(SunshineConversation),
  metadata: opt(SunshineMetadata),
  reason: opt(text),
});

export const SunshineEvent = z.looseObject({
  id: opt(text),
  type: opt(text),
  createdAt: opt(text),
  payload: z.unknown().optional(),
});

/** What a v2 webhook POSTs: the app, the webhook, and one or more events. */
export const SunshineWebhookBody = z.looseObject({
  app: opt(z.looseObject({ id: opt(text) })),
  webhook: opt(z.looseObject({ id: opt(text), version: opt(text) })),
  events: opt(z.array(z.unknown()).max(1_000)),
});

export const SunshineAuthor = z.looseObject({
  type: opt(text),
  subtypes: opt(z.array(z.unknown())),
  userId: opt(text),
  userExternalId: opt(text),
  displayName: opt(text),
});

export const SunshineMessage = z.looseObject({
  id: opt(text),
  received: opt(text),
  author: opt(SunshineAuthor),
  content: opt(z.looseObject({ type: opt(text), text: opt(text), altText: opt(text) })),
  source: opt(z.looseObject({ type: opt(text), integrationId: opt(text) })),
  deleted: opt(z.boolean()),
});
export type SunshineMessage = z.infer<typeof SunshineMessage>;

/** `GET /v2/apps/{appId}/conversations/{conversationId}/messages`: a page, newest last, paged backwards. */
export const SunshineMessageList = z.looseObject({
  messages: opt(z.array(z.unknown())),
  meta: opt(z.looseObject({ hasMore: opt(z.boolean()), beforeCursor: opt(text), afterCursor: opt(text) })),
  links: opt(z.looseObject({ prev: opt(text), next: opt(text) })),
});

export const SunshineUser = z.looseObject({
  id: opt(text),
  externalId: opt(text),
  authenticated: opt(z.boolean()),
  zendeskId: opt(text),
  profile: opt(
    z.looseObject({
      givenName: opt(text),
      surname: opt(text),
      email: opt(text),
      locale: opt(text),
    }),
  ),
  identities: opt(z.array(z.looseObject({ type: opt(text), value: opt(text), verification: opt(text) }))),
  metadata: opt(SunshineMetadata),
});
export type SunshineUser = z.infer<typeof SunshineUser>;

/** `GET /v2/apps/{appId}/users/{userIdOrExternalId}`. */
export const SunshineUserResponse = z.looseObject({ user: opt(SunshineUser) });
