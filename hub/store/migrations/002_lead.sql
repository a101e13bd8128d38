-- The lead board (issue 5): stalled-work targets per team, what the board shows of each agent,
-- when a handoff last entered the queue, and the conversation counts bots report for deflection.

-- Queued or offered longer than this, or accepted with no event for longer than that: stalled.
alter table teams add column stalled_queue_ms integer not null default 120000 check (stalled_queue_ms > 0);
alter table teams add column stalled_accepted_ms integer not null default 900000 check (stalled_accepted_ms > 0);

-- When the agent last accepted an offer (the board's "time since last accept").
alter table agents add column last_accepted_at timestamptz;
update agents a set last_accepted_at = (
  select max(e.at) from handoff_events e where e.type = 'accepted' and e.actor_kind = 'agent' and e.actor_id = a.id
);

-- When a lead last sent the handoff back to the queue; null: never, so it waits since created_at.
alter table handoffs add column queued_at timestamptz;
update handoffs h set queued_at = (
  select max(e.at) from handoff_events e where e.handoff_id = h.id and e.type = 'reassigned' and e.agent_ids = '{}'
);

-- Metrics read a team's handoffs by creation time and its events by time.
create index handoffs_by_team_created on handoffs (team, created_at);
create index handoff_events_by_at on handoff_events (at);

-- How many conversations a bot handled in [period_start, period_end), for the deflection rate.
-- One row per integration, team and period; the same period posted again replaces the count.
create table conversation_counts (
  integration_id text not null references integrations (id),
  team text not null references teams (name),
  period_start timestamptz not null,
  period_end timestamptz not null,
  count integer not null check (count >= 0),
  received_at timestamptz not null,
  primary key (integration_id, team, period_start, period_end),
  check (period_end > period_start)
);
create index conversation_counts_by_team on conversation_counts (team, period_start);
