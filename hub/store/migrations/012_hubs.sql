-- Several hub processes may share one PostgreSQL. Each holds a lease here and renews it; a hub
-- whose lease ran out is taken over by the others (hub/cluster/). Times are the database's clock,
-- so hubs on machines whose clocks disagree still agree on whose lease ran out.
create table hubs (
  id text primary key,
  host text not null,
  pid integer not null,
  url text,
  started_at timestamptz not null default now(),
  lease_expires_at timestamptz not null
);

-- Which hubs an agent's apps are connected to. An agent is connected while any row is left;
-- a hub's rows go with its lease.
create table agent_connections (
  agent_id text not null references agents (id) on delete cascade,
  hub_id text not null references hubs (id) on delete cascade,
  primary key (agent_id, hub_id)
);
create index agent_connections_by_hub on agent_connections (hub_id);

-- Whether any lead of a team is connected (agents:changed is built only when someone listens).
create index agents_leads_connected on agents (team) where role = 'lead' and connected;

-- Events too large for a PostgreSQL notification (8000 bytes) travel between hubs through this
-- table (@socket.io/postgres-adapter's attachments; it deletes old rows itself).
create table socket_io_attachments (
  id bigserial unique,
  created_at timestamptz default now(),
  payload bytea
);
