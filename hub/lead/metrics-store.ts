// Loads what shared/domain/metrics.ts needs for one team and period, with SQL, and computes the
// report: the one path behind `GET /v1/teams/:team/metrics` (and .csv) and `team:metrics`.
import { computeMetrics, type ConversationReport, type MetricsEvent, type MetricsHandoff, type MetricsInput } from '../../shared/domain/metrics.ts';
import type { Actor, Channel, HandoffEventType, MetricsReport, Person, ProductKind, TriggerReason } from '../../shared/protocol/index.ts';
import type { Queryable } from '../store/db.ts';

/**
 * The team's metrics over [from, to) (ISO 8601, any offset; already validated). With `agent`,
 * the report lists only that person, with zeros if they did nothing in the period.
 */
export async function teamMetricsReport(q: Queryable, team: string, period: { from: string; to: string }, agent?: Person): Promise<MetricsReport> {
  const input = await loadMetricsInput(q, team, new Date(period.from).toISOString(), new Date(period.to).toISOString());
  if (!agent) return computeMetrics(input);
  const agents = input.agents.some((a) => a.id === agent.id) ? input.agents : [...input.agents, agent];
  return computeMetrics({ ...input, agents, agentId: agent.id });
}

interface HandoffMetricsRow {
  id: string;
  integration_id: string;
  reason: TriggerReason;
  channel: Channel | null;
  created_at: Date;
}

interface EventMetricsRow {
  handoff_id: string;
  type: HandoffEventType;
  at: Date;
  actor_kind: Actor['kind'];
  actor_id: string;
  reason: string | null;
  agent_ids: string[] | null;
  product_kind: ProductKind | null;
}

/**
 * The team's handoffs created in [from, to) or with an event in it, each with all its events (the
 * earlier ones tell when it entered the queue); the team's agents and anyone else who acted; and
 * the conversation counts reported for periods inside [from, to).
 */
export async function loadMetricsInput(q: Queryable, team: string, from: string, to: string): Promise<MetricsInput> {
  const { rows: handoffRows } = await q.query<HandoffMetricsRow>(
    `select h.id, h.integration_id, h.packet->'trigger'->>'reason' as reason, h.packet->>'channel' as channel, h.created_at
     from handoffs h
     where h.team = $1
       and ((h.created_at >= $2 and h.created_at < $3)
            or h.id in (select e.handoff_id from handoff_events e where e.at >= $2 and e.at < $3))
     order by h.created_at, h.id`,
    [team, from, to],
  );
  const ids = handoffRows.map((h) => h.id);
  const { rows: eventRows } = await q.query<EventMetricsRow>(
    `select handoff_id, type, at, actor_kind, actor_id, reason, agent_ids, product->>'kind' as product_kind
     from handoff_events where handoff_id = any($1) order by id`,
    [ids],
  );
  const events = new Map<string, MetricsEvent[]>(ids.map((id) => [id, []]));
  const actors = new Set<string>();
  for (const row of eventRows) {
    const event: MetricsEvent = {
      type: row.type,
      at: row.at.toISOString(),
      actor: { kind: row.actor_kind, id: row.actor_id },
      ...(row.reason !== null && { reason: row.reason }),
      ...(row.agent_ids !== null && { agentIds: row.agent_ids }),
      ...(row.product_kind !== null && { product: { kind: row.product_kind } }),
    };
    events.get(row.handoff_id)!.push(event);
    if (row.actor_kind === 'agent') actors.add(row.actor_id);
    if (row.type === 'offer_expired' || row.type === 'reassigned') for (const id of row.agent_ids ?? []) actors.add(id);
  }
  const handoffs: MetricsHandoff[] = handoffRows.map((h) => ({
    id: h.id,
    integrationId: h.integration_id,
    reason: h.reason,
    channel: h.channel,
    createdAt: h.created_at.toISOString(),
    events: events.get(h.id)!,
  }));

  const { rows: agents } = await q.query<{ id: string; name: string }>(
    `select id, name from agents where (team = $1 and role = 'agent') or id = any($2) order by name, id`,
    [team, [...actors]],
  );
  // Only the counts of integrations that serve the team (now): one a team was taken from no longer counts.
  const { rows: counts } = await q.query<{ integration_id: string; integration_name: string; period_start: Date; period_end: Date; count: number }>(
    `select c.integration_id, i.name as integration_name, c.period_start, c.period_end, c.count
     from conversation_counts c join integrations i on i.id = c.integration_id
     where c.team = $1 and c.period_start >= $2 and c.period_end <= $3
       and (i.default_team = c.team or exists (select 1 from integration_teams s where s.integration_id = c.integration_id and s.team = c.team))`,
    [team, from, to],
  );
  const conversations: ConversationReport[] = counts.map((c) => ({
    integrationId: c.integration_id,
    integrationName: c.integration_name,
    from: c.period_start.toISOString(),
    to: c.period_end.toISOString(),
    count: c.count,
  }));
  return { team, from, to, agents, handoffs, conversations };
}
