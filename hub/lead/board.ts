import type { TeamAgentView, TeamView } from '../../shared/protocol/index.ts';
import type { Queryable } from '../store/db.ts';
import { listTeamAgents, toAgentView } from '../store/agents.ts';

interface TeamSettingsRow {
  name: string;
  routing: TeamView['routing'];
  offer_timeout_ms: number;
  stalled_queue_ms: number;
  stalled_accepted_ms: number;
}

/** A team's settings as leads see them; undefined when there is no such team. */
export async function findTeamView(q: Queryable, name: string): Promise<TeamView | undefined> {
  const { rows } = await q.query<TeamSettingsRow>(
    'select name, routing, offer_timeout_ms, stalled_queue_ms, stalled_accepted_ms from teams where name = $1',
    [name],
  );
  const row = rows[0];
  return (
    row && {
      name: row.name,
      routing: row.routing,
      offerTimeoutSeconds: row.offer_timeout_ms / 1000,
      stalledQueueSeconds: row.stalled_queue_ms / 1000,
      stalledAcceptedSeconds: row.stalled_accepted_ms / 1000,
    }
  );
}

/** The team's people as the lead board shows them: presence and load, plus their handoffs and last accept. */
export async function teamAgentViews(q: Queryable, team: string): Promise<TeamAgentView[]> {
  const agents = await listTeamAgents(q, team);
  const { rows } = await q.query<{ id: string; last_accepted_at: Date | null; handoff_ids: string[] }>(
    `select a.id, a.last_accepted_at,
       array(select h.id from handoffs h where h.assignee_id = a.id and h.status = 'accepted' order by h.created_at, h.id) as handoff_ids
     from agents a where a.team = $1`,
    [team],
  );
  const extra = new Map(rows.map((r) => [r.id, r]));
  return agents.map((row) => ({
    ...toAgentView(row),
    handoffIds: extra.get(row.id)?.handoff_ids ?? [],
    lastAcceptedAt: extra.get(row.id)?.last_accepted_at?.toISOString() ?? null,
  }));
}
