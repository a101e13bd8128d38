-- Messaging platforms (Sunshine Conversations, Chatwoot) in front of an integration: how to reach
-- the platform's API, where its secrets are, its calls back to the platform (an outbox like the
-- webhooks'), and what ties a handoff to the platform's conversation.

-- At most one platform per integration. `settings` holds what is not secret (API URL, key id,
-- switchboard names); `credentials` only names the hub's environment variables holding secrets.
create table platform_integrations (
  integration_id text primary key references integrations (id),
  kind text not null check (kind in ('sunshine', 'chatwoot')),
  settings json not null,
  credentials json not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

-- The platform's conversation (`<kind>:<app or account>:<conversation id>`), the earlier handoff
-- of that conversation as it ended, what the webhook carried while the platform's API could not
-- be read (null once the context is complete), and the last call back that failed for good.
alter table handoffs add column platform_conversation text;
alter table handoffs add column previous_handoff json;
alter table handoffs add column platform_pending json;
alter table handoffs add column platform_failure text;
create index handoffs_by_platform_conversation on handoffs (integration_id, platform_conversation, created_at) where platform_conversation is not null;
create index handoffs_platform_pending on handoffs (created_at) where platform_pending is not null;

-- An agent's user in Chatwoot: accepting there assigns the conversation to them.
alter table agents add column chatwoot_user_id text;

-- Calls back to the platform (return to bot, resolve, assign), written in the same transaction as
-- the change they report and delivered like webhooks (hub/outbox/deliverer.ts): in order per
-- handoff, retried with backoff, surviving a restart.
create table platform_outbox (
  id text primary key,
  seq bigserial not null,
  integration_id text not null references integrations (id),
  handoff_id text not null references handoffs (id),
  action text not null,
  -- The call: path under the API URL, JSON body, and what it does in words for the history.
  body json not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  delivered_at timestamptz,
  failed_at timestamptz,
  last_error text,
  created_at timestamptz not null
);
create index platform_outbox_due on platform_outbox (next_attempt_at) where delivered_at is null and failed_at is null;
