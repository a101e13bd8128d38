-- Access that ends and can be taken back. A revoked person is refused whatever they hold, until an
-- administrator issues them a new token; a CLI token may carry an expiry.
alter table agents add column revoked_at timestamptz;
alter table agents add column token_expires_at timestamptz;
-- The address an identity provider may match on a person's first sign-in (verified emails only).
alter table agents add column email text;
create unique index agents_by_email on agents (lower(email)) where email is not null;

-- A signed-in app: a short-lived access credential and a refresh credential, stored as SHA-256
-- hashes only. The identity provider's refresh token stays here and never reaches an app.
create table sessions (
  id text primary key,
  agent_id text not null references agents (id),
  access_hash text not null unique,
  access_expires_at timestamptz not null,
  refresh_hash text not null unique,
  -- The refresh credential this one replaced: presented again, it was copied, and the session ends.
  previous_refresh_hash text,
  expires_at timestamptz not null,
  provider_refresh_token text,
  provider_id_token text,
  created_at timestamptz not null,
  refreshed_at timestamptz not null,
  ended_at timestamptz,
  end_reason text
);
create index sessions_open_by_agent on sessions (agent_id) where ended_at is null;
create index sessions_by_previous_refresh on sessions (previous_refresh_hash) where previous_refresh_hash is not null;

-- A sign-in under way at the identity provider: its state, nonce and PKCE verifier (used once),
-- and where to send the app afterwards with the app's own state and PKCE challenge.
create table sign_in_attempts (
  state text primary key,
  nonce text not null,
  code_verifier text not null,
  app_redirect text not null,
  app_state text not null,
  app_code_challenge text not null,
  created_at timestamptz not null
);

-- What the provider's answer became: a one-time code the app exchanges, with its PKCE verifier,
-- for a session.
create table sign_in_grants (
  code_hash text primary key,
  agent_id text not null references agents (id),
  app_code_challenge text not null,
  provider_refresh_token text,
  provider_id_token text,
  expires_at timestamptz not null
);

-- Which identity at which provider is which person.
create table identities (
  issuer text not null,
  subject text not null,
  agent_id text not null references agents (id),
  email text,
  created_at timestamptz not null default now(),
  last_sign_in_at timestamptz,
  primary key (issuer, subject)
);
create index identities_by_agent on identities (agent_id);
