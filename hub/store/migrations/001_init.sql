-- Teams own routing: push (one agent at a time) or broadcast (everyone eligible).
create table teams (
  name text primary key,
  routing text not null default 'push' check (routing in ('push', 'broadcast')),
  offer_timeout_ms integer not null default 45000 check (offer_timeout_ms > 0),
  created_at timestamptz not null default now()
);

-- Agents and leads. Tokens are stored as SHA-256 hashes only.
create table agents (
  id text primary key,
  name text not null,
  role text not null check (role in ('agent', 'lead')),
  team text not null references teams (name),
  skills text[] not null default '{}',
  capacity integer not null default 3 check (capacity >= 0),
  token_hash text not null unique,
  presence text not null default 'offline' check (presence in ('available', 'away', 'offline')),
  connected boolean not null default false,
  missed_offers integer not null default 0,
  idle_since timestamptz,
  created_at timestamptz not null default now()
);

-- Bots and platforms that hand conversations over. The key is hashed; the signing secret is
-- kept as is because every webhook is signed with it.
create table integrations (
  id text primary key,
  name text not null unique,
  key_hash text not null unique,
  signing_secret text not null,
  callback_url text,
  default_team text not null references teams (name),
  created_at timestamptz not null default now()
);

-- The packet is kept as json (not jsonb) so it stays exactly as the bot sent it.
create table handoffs (
  id text primary key,
  integration_id text not null references integrations (id),
  team text not null references teams (name),
  status text not null check (status in ('queued', 'offered', 'accepted', 'returned_to_bot', 'routed_to_product', 'resolved', 'cancelled')),
  packet json not null,
  priority text not null,
  skills text[] not null default '{}',
  assignee_id text references agents (id),
  offer_id text,
  offer_agent_ids text[] not null default '{}',
  offer_expires_at timestamptz,
  skip_agent_ids text[] not null default '{}',
  idempotency_key text,
  request_hash text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (integration_id, idempotency_key)
);
create index handoffs_by_team_status on handoffs (team, status);
create index handoffs_by_assignee on handoffs (assignee_id) where status = 'accepted';
create index handoffs_offer_expiry on handoffs (offer_expires_at) where status = 'offered';

-- Every transition, appended; never updated.
create table handoff_events (
  id bigserial primary key,
  handoff_id text not null references handoffs (id),
  type text not null,
  at timestamptz not null,
  actor_kind text not null check (actor_kind in ('bot', 'agent', 'lead', 'system')),
  actor_id text not null,
  note text,
  reason text,
  agent_ids text[],
  product json
);
create index handoff_events_by_handoff on handoff_events (handoff_id, id);

-- Client commands by opId, with the ack they got, so a repeated opId is applied once.
create table agent_ops (
  op_id text primary key,
  agent_id text not null references agents (id),
  command text not null,
  ack json not null,
  created_at timestamptz not null default now()
);

-- Webhooks to integrations, written in the same transaction as the transition they report.
create table webhook_outbox (
  id text primary key,
  -- Insertion order, so webhooks of one handoff go out in the order their transitions happened.
  seq bigserial not null,
  integration_id text not null references integrations (id),
  handoff_id text not null references handoffs (id),
  type text not null,
  body text not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  delivered_at timestamptz,
  failed_at timestamptz,
  last_error text,
  created_at timestamptz not null
);
create index webhook_outbox_due on webhook_outbox (next_attempt_at) where delivered_at is null and failed_at is null;
