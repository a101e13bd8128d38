-- The teams an integration serves besides its own (default_team), as an administrator lists them
-- (`integration teams`): it reports conversation counts only for these, and only these counts go
-- into a team's deflection rate.
create table integration_teams (
  integration_id text not null references integrations (id) on delete cascade,
  team text not null references teams (name),
  primary key (integration_id, team)
);
create index integration_teams_by_team on integration_teams (team);
