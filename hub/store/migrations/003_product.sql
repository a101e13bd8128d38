-- Product items (issue 6): feature requests and bug reports routed from handoffs, deduplicated,
-- counted per customer and tracked; where each team's items go (connectors) and the outbox of
-- requests to those tools. Depends on 001 only.

-- Trigram similarity for duplicate suggestions (PGlite loads the extension's code; see db.ts).
create extension if not exists pg_trgm;

-- Where a team's items go: at most one connector of each kind per team. `settings` holds what is
-- not secret (base URL, repository, project, Linear team); `credentials` holds the token (or the
-- name of the environment variable holding it) and the secret that verifies incoming events.
-- Neither ever leaves the hub: no socket payload, webhook or log line carries them.
create table product_connectors (
  id text primary key,
  team text not null references teams (name),
  kind text not null check (kind in ('github', 'jira', 'linear', 'webhook')),
  settings json not null,
  credentials json not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (team, kind)
);

create table product_items (
  id text primary key,
  team text not null references teams (name),
  kind text not null check (kind in ('feature_request', 'bug_report')),
  title text not null,
  details text not null default '',
  severity text check (severity in ('low', 'medium', 'high', 'critical')),
  steps_to_reproduce text,
  expected text,
  actual text,
  status text not null default 'new' check (status in ('new', 'planned', 'in_progress', 'done', 'wont_do')),
  status_note text,
  created_by text references agents (id),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  -- What suggestions compare a query with.
  search_text text generated always as (title || ' ' || details) stored,
  check (kind = 'bug_report' or (severity is null and steps_to_reproduce is null and expected is null and actual is null))
);
create index product_items_by_team on product_items (team, updated_at);
create index product_items_title_trgm on product_items using gin (title gin_trgm_ops);
create index product_items_text_trgm on product_items using gin (search_text gin_trgm_ops);

-- Customers of an item, each once: customer_key is `id:<packet.customer.id>`, else
-- `email:<lower-cased email>`, else `handoff:<handoff id>` (an anonymous customer).
create table product_item_customers (
  item_id text not null references product_items (id),
  customer_key text not null,
  customer_id text,
  name text,
  email text,
  tier text,
  first_handoff_id text not null references handoffs (id),
  first_linked_at timestamptz not null,
  primary key (item_id, customer_key)
);

-- Handoffs routed to an item; a handoff is linked to one item at most, once.
create table product_item_handoffs (
  handoff_id text primary key references handoffs (id),
  item_id text not null references product_items (id),
  customer_key text not null,
  routed_by text not null references agents (id),
  -- What the agent sent (the routed_to_product event's product).
  routed json not null,
  linked_at timestamptz not null,
  foreign key (item_id, customer_key) references product_item_customers (item_id, customer_key)
);
create index product_item_handoffs_by_item on product_item_handoffs (item_id, linked_at);
create index product_item_handoffs_by_agent on product_item_handoffs (routed_by);

-- An item's history, appended.
create table product_item_events (
  id bigserial primary key,
  item_id text not null references product_items (id),
  type text not null check (type in ('created', 'linked', 'status_changed')),
  at timestamptz not null,
  actor_kind text not null check (actor_kind in ('agent', 'lead', 'connector')),
  actor_id text not null,
  actor_name text not null,
  handoff_id text references handoffs (id),
  status text,
  previous_status text,
  note text
);
create index product_item_events_by_item on product_item_events (item_id, id);

-- The issue a connector created for an item (GitHub issue number, Jira issue id, Linear issue id).
create table product_external_refs (
  item_id text not null references product_items (id),
  connector_id text not null references product_connectors (id) on delete cascade,
  external_id text not null,
  external_key text,
  url text,
  created_at timestamptz not null,
  primary key (item_id, connector_id)
);
create index product_external_refs_by_external on product_external_refs (connector_id, external_id);

-- Requests to product tools, written in the same transaction as the change they report and
-- delivered like webhooks (hub/outbox/deliverer.ts): in order per item and connector, retried.
create table connector_outbox (
  id text primary key,
  seq bigserial not null,
  connector_id text not null references product_connectors (id) on delete cascade,
  item_id text not null references product_items (id),
  action text not null check (action in ('create', 'comment')),
  -- The item and the link as they stood at the change (ConnectorWebhookPayload without id/type/at).
  body json not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  delivered_at timestamptz,
  failed_at timestamptz,
  last_error text,
  created_at timestamptz not null
);
create index connector_outbox_due on connector_outbox (next_attempt_at) where delivered_at is null and failed_at is null;
