import { randomUUID } from 'node:crypto';
import { planOffers, type QueuedHandoff, type RoutableAgent } from '../../shared/domain/routing.ts';
import type { Priority, WithdrawReason } from '../../shared/protocol/index.ts';
import { announceChange, announceWithdrawal, currentHandoff, notifyIntegration } from '../handoffs/announce.ts';
import { agentRoom, type Tx } from '../handoffs/effects.ts';
import { findTeam, type TeamRow } from '../store/agents.ts';
import { appendEvent, findHandoffRows, type HandoffRow } from '../store/records.ts';

const ROUTER = { kind: 'system', id: 'router' } as const;
/** An agent who lets this many offers in a row expire is set away. */
export const MISSED_OFFERS_BEFORE_AWAY = 2;
/** How much of the queue one routing pass looks at; the rest waits for the next pass. */
const QUEUE_WINDOW = 500;

interface EligibleAgentRow {
  id: string;
  skills: string[];
  capacity: number;
  idle_since: Date | null;
}

/** Offers the team's queued handoffs to its available agents, following the team's routing mode. */
export async function routeTeam(t: Tx, teamName: string): Promise<void> {
  const team = await findTeam(t.q, teamName);
  if (!team) return;
  const { rows: available } = await t.q.query<EligibleAgentRow>(
    `select id, skills, capacity, idle_since from agents
     where team = $1 and role = 'agent' and connected and presence = 'available' and capacity > 0`,
    [teamName],
  );
  if (available.length === 0) return;
  const load = await countByAgent(t, `select assignee_id as agent_id, count(*)::int as n from handoffs where team = $1 and status = 'accepted' group by 1`, teamName);
  const pending = await countByAgent(
    t,
    `select agent_id, count(*)::int as n from handoffs, unnest(offer_agent_ids) as agent_id where team = $1 and status = 'offered' group by 1`,
    teamName,
  );
  const agents: RoutableAgent[] = available.map((a) => ({
    id: a.id,
    skills: a.skills,
    capacity: a.capacity,
    load: load.get(a.id) ?? 0,
    pendingOffers: pending.get(a.id) ?? 0,
    idleSince: a.idle_since?.toISOString() ?? null,
  }));
  const room = team.routing === 'push' ? agents.some((a) => a.load + a.pendingOffers < a.capacity) : agents.some((a) => a.load < a.capacity);
  if (!room) return;

  const { rows: queued } = await t.q.query<{ id: string; priority: Priority; created_at: Date; skills: string[]; skip_agent_ids: string[] }>(
    `select id, priority, created_at, skills, skip_agent_ids from handoffs
     where team = $1 and status = 'queued'
     order by case priority when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end desc, created_at, id
     limit ${QUEUE_WINDOW}
     for update skip locked`,
    [teamName],
  );
  const queue: QueuedHandoff[] = queued.map((h) => ({
    id: h.id,
    priority: h.priority,
    createdAt: h.created_at.toISOString(),
    skills: h.skills,
    skip: h.skip_agent_ids,
  }));
  for (const offer of planOffers(team.routing, queue, agents)) await makeOffer(t, team, offer.handoffId, offer.agentIds);
}

async function countByAgent(t: Tx, sql: string, team: string): Promise<Map<string, number>> {
  const { rows } = await t.q.query<{ agent_id: string; n: number }>(sql, [team]);
  return new Map(rows.map((r) => [r.agent_id, r.n]));
}

async function makeOffer(t: Tx, team: TeamRow, handoffId: string, agentIds: string[]): Promise<void> {
  const expiresAt = new Date(t.now.getTime() + team.offer_timeout_ms);
  const offerId = randomUUID();
  const { rows } = await t.q.query<{ integration_id: string }>(
    `update handoffs set status = 'offered', offer_id = $2, offer_agent_ids = $3, offer_expires_at = $4, updated_at = $5
     where id = $1 returning integration_id`,
    [handoffId, offerId, agentIds, expiresAt.toISOString(), t.now.toISOString()],
  );
  await appendEvent(t.q, handoffId, { type: 'offered', at: t.now, actor: ROUTER, agentIds });
  const handoff = await currentHandoff(t, handoffId);
  t.fx.emit(agentIds.map(agentRoom), 'handoff:offered', { handoff, offer: { id: offerId, expiresAt: expiresAt.toISOString() } });
  announceChange(t, handoff, { leadsOnly: true }); // the agents just got the offer itself
  t.fx.offerExpiresAt(expiresAt);
  await notifyIntegration(t, rows[0]!.integration_id, 'handoff.offered', handoff);
}

/**
 * Takes back every offer the given agent holds (they went away, offline, or filled up).
 * A push offer goes back to the queue; a broadcast offer stays with the others.
 */
export async function withdrawOffersOf(t: Tx, agentId: string, reason: WithdrawReason, exceptHandoffId?: string): Promise<void> {
  const rows = await findHandoffRows(t.q, `h.status = 'offered' and $1 = any(h.offer_agent_ids) and h.id <> $2`, [agentId, exceptHandoffId ?? '']);
  for (const row of rows) {
    await releaseOffer(t, row, [agentId], { type: 'offer_withdrawn', reason, skip: false });
    announceWithdrawal(t, row.id, [agentId], reason);
  }
}

/**
 * Removes agents from a handoff's offer. When nobody is left the handoff is queued again and
 * routed; `skip` remembers them so routing moves on to someone else.
 */
export async function releaseOffer(
  t: Tx,
  row: HandoffRow,
  agentIds: readonly string[],
  how: { type: 'declined' | 'offer_expired' | 'offer_withdrawn'; reason?: string; actor?: { kind: 'agent' | 'system'; id: string }; skip: boolean },
): Promise<void> {
  const remaining = row.offer_agent_ids.filter((id) => !agentIds.includes(id));
  const skip = how.skip ? [...new Set([...row.skip_agent_ids, ...agentIds])] : row.skip_agent_ids;
  if (remaining.length > 0) {
    await t.q.query('update handoffs set offer_agent_ids = $2, skip_agent_ids = $3, updated_at = $4 where id = $1', [row.id, remaining, skip, t.now.toISOString()]);
  } else {
    await t.q.query(
      `update handoffs set status = 'queued', offer_id = null, offer_agent_ids = '{}', offer_expires_at = null, skip_agent_ids = $2, updated_at = $3
       where id = $1`,
      [row.id, skip, t.now.toISOString()],
    );
    t.fx.teamsToRoute.add(row.team);
  }
  await appendEvent(t.q, row.id, { type: how.type, at: t.now, actor: how.actor ?? ROUTER, reason: how.reason, agentIds: [...agentIds] });
  announceChange(t, await currentHandoff(t, row.id));
}

/** Offers whose time is up move on; push offers count as missed for the agent who held them. */
export async function expireOffers(t: Tx): Promise<void> {
  const { rows: due } = await t.q.query<{ id: string }>(
    `select id from handoffs where status = 'offered' and offer_expires_at <= $1 order by offer_expires_at for update skip locked`,
    [t.now.toISOString()],
  );
  if (due.length === 0) return;
  const rows = await findHandoffRows(t.q, 'h.id = any($1)', [due.map((d) => d.id)]);
  for (const row of rows) {
    const team = await findTeam(t.q, row.team);
    const push = team?.routing !== 'broadcast';
    const holders = row.offer_agent_ids;
    // A broadcast offer that nobody took is simply made again to whoever is eligible now.
    await releaseOffer(t, { ...row, offer_agent_ids: holders }, holders, { type: 'offer_expired', reason: 'timed_out', skip: push });
    announceWithdrawal(t, row.id, holders, 'timed_out');
    if (push) for (const agentId of holders) await countMissedOffer(t, agentId);
  }
}

async function countMissedOffer(t: Tx, agentId: string): Promise<void> {
  const { rows } = await t.q.query<{ missed_offers: number; presence: string }>(
    'update agents set missed_offers = missed_offers + 1 where id = $1 returning missed_offers, presence',
    [agentId],
  );
  const agent = rows[0];
  if (!agent || agent.missed_offers < MISSED_OFFERS_BEFORE_AWAY || agent.presence !== 'available') return;
  await t.q.query(`update agents set presence = 'away' where id = $1`, [agentId]);
  await withdrawOffersOf(t, agentId, 'unavailable');
  t.fx.agentsChanged.add(agentId);
}

/** When the next offer expires, so the hub can wake up for it. */
export async function nextOfferExpiry(t: Pick<Tx, 'q'>): Promise<Date | null> {
  const { rows } = await t.q.query<{ at: Date | null }>(`select min(offer_expires_at) as at from handoffs where status = 'offered'`);
  return rows[0]?.at ?? null;
}
