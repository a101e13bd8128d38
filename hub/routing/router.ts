import { randomUUID } from 'node:crypto';
import { planOffers, type QueuedHandoff, type RoutableAgent } from '../../shared/domain/routing.ts';
import type { Handoff, Priority, WithdrawReason } from '../../shared/protocol/index.ts';
import { announceChange, announceWithdrawal, currentHandoff, notifyIntegration } from '../core/announce.ts';
import { agentRoom, type Tx } from '../core/effects.ts';
import { lockTeams } from '../core/team-locks.ts';
import { findTeam, type TeamRow } from '../store/agents.ts';
import type { IntegrationRef } from '../webhooks/outbox.ts';
import { appendEvent, findHandoffRow, findHandoffRows, toHandoff, type HandoffRow, type NewEvent } from '../store/records.ts';

const ROUTER = { kind: 'system', id: 'router' } as const;
/** An agent who lets this many offers in a row expire is set away. */
export const MISSED_OFFERS_BEFORE_AWAY = 2;
/** How much of the queue one routing pass looks at; the rest waits for the next pass. */
const QUEUE_WINDOW = 500;
/**
 * An agent routing may offer work to now (the partial index agents_routable holds these) who has
 * room for more: push counts the offers they hold, broadcast only accepted work. `routing` is the
 * SQL for the team's mode.
 */
const routable = (routing: string) =>
  `role = 'agent' and connected and presence = 'available' and capacity > load + case ${routing} when 'push' then held_offers else 0 end`;
/** Beyond this many different skill sets in the queue, routing reads all free agents at once. */
const MAX_SKILL_SET_READS = 4;
/** Push reads this many agents beyond what the queue needs, so ties and skips have room. */
const PUSH_SPARE_CANDIDATES = 20;

/**
 * An available agent as routing reads one (table alias `a`), best first: least loaded, then
 * longest idle, the order of the index agents_routable.
 */
const CANDIDATE_COLUMNS = 'a.id, a.skills, a.capacity, a.idle_since, a.load, a.held_offers';
const CANDIDATE_ORDER = 'a.load + a.held_offers, a.idle_since nulls first, a.id';

/** Queue order in SQL, as `compareQueue` orders it: priority first, then oldest. */
const QUEUE_ORDER = `case priority when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end desc, created_at, id`;

/** A queued handoff or an available agent as a query returns it, directly or as JSON (timestamps as text). */
interface QueuedRow<Time = Date> {
  id: string;
  priority: Priority;
  created_at: Time;
  skills: string[];
  skip_agent_ids: string[];
}

interface RoutableAgentRow<Time = Date> {
  id: string;
  skills: string[];
  capacity: number;
  idle_since: Time | null;
  load: number;
  held_offers: number;
}

const toQueued = (h: QueuedRow<Date | string>): QueuedHandoff => ({
  id: h.id,
  priority: h.priority,
  createdAt: new Date(h.created_at).toISOString(),
  skills: h.skills,
  skip: h.skip_agent_ids,
});

const toRoutable = (a: RoutableAgentRow<Date | string>): RoutableAgent => ({
  id: a.id,
  skills: a.skills,
  capacity: a.capacity,
  load: a.load,
  pendingOffers: a.held_offers,
  idleSince: a.idle_since === null ? null : new Date(a.idle_since).toISOString(),
});

/**
 * The team's available agents who could take one of these handoffs, with their load and held
 * offers (kept on the agent by a trigger, see migration 004). Push needs only the best few per
 * skill set (enough for every queued handoff even if each skipped its own agents), so a team of a
 * thousand agents costs a few rows per handoff, not a thousand; broadcast offers to everyone
 * eligible, so it reads them all.
 */
async function candidates(t: Tx, team: TeamRow, queue: readonly QueuedHandoff[]): Promise<RoutableAgent[]> {
  const bySkills = new Map<string, { skills: readonly string[]; want: number }>();
  for (const h of queue) {
    const key = JSON.stringify([...h.skills].sort());
    const entry = bySkills.get(key) ?? { skills: h.skills, want: 0 };
    entry.want += 1 + h.skip.length;
    bySkills.set(key, entry);
  }
  const agents = new Map<string, RoutableAgent>();
  // Many different skill sets waiting at once: one read of everyone free beats a read per set.
  const reads = bySkills.size > MAX_SKILL_SET_READS ? [{ skills: [], want: Number.POSITIVE_INFINITY }] : bySkills.values();
  for (const { skills, want } of reads) {
    const limited = team.routing === 'push' && Number.isFinite(want);
    const { rows } = await t.q.query<RoutableAgentRow>(
      `select ${CANDIDATE_COLUMNS} from agents a
       where a.team = $1 and ${routable(`'${team.routing}'`)} and a.skills @> $2::text[]
       order by ${CANDIDATE_ORDER}
       ${limited ? 'limit $3' : ''}`,
      limited ? [team.name, skills, want + PUSH_SPARE_CANDIDATES] : [team.name, skills],
    );
    for (const a of rows) agents.set(a.id, toRoutable(a));
  }
  return [...agents.values()];
}

/**
 * Offers the team's queued handoffs to its available agents, following the team's routing mode.
 */
export async function routeTeam(t: Tx, teamName: string): Promise<void> {
  await lockTeams(t, [teamName]);
  const team = await findTeam(t.q, teamName);
  if (!team) return;
  // Cheap checks first: with nobody free (a queue building up) or nothing queued (an agent
  // connects, a handoff is accepted) there is nothing to read.
  const { rows: free } = await t.q.query(`select 1 from agents where team = $1 and ${routable(`'${team.routing}'`)} limit 1`, [teamName]);
  if (free.length === 0) return;
  const { rows: queued } = await t.q.query<QueuedRow>(
    `select id, priority, created_at, skills, skip_agent_ids from handoffs
     where team = $1 and status = 'queued'
     order by ${QUEUE_ORDER}
     limit ${QUEUE_WINDOW}
     for update skip locked`,
    [teamName],
  );
  if (queued.length === 0) return;
  const queue = queued.map(toQueued);
  const agents = await candidates(t, team, queue);
  for (const offer of planOffers(team.routing, queue, agents)) await makeOffer(t, team, offer.handoffId, offer.agentIds);
}

export interface IncomingRoute {
  team: TeamRow;
  /** Who the new handoff is offered to; empty: it waits in the queue. */
  agentIds: string[];
}

/**
 * Routes a handoff before it is stored, so it is written once in its final state instead of
 * written, read back and offered. One read gets the team, whether anyone has room, the queue
 * (locked, and read only when someone has room) and the best agents for the new handoff's
 * skills; only with other handoffs waiting are candidates for all of them read as `routeTeam`
 * does. Offers the plan makes to queued handoffs are applied here. Undefined: no such team.
 */
export async function routeIncoming(t: Tx, teamName: string, incoming: QueuedHandoff): Promise<IncomingRoute | undefined> {
  await lockTeams(t, [teamName]);
  // The team's mode is read in the same statement, so room is decided by its column.
  const teamAgent = `a.team = t.name and ${routable('t.routing')}`;
  const { rows } = await t.q.query<TeamRow & { queue: QueuedRow<string>[]; agents: RoutableAgentRow<string>[] }>(
    `with t as (select name, routing, offer_timeout_ms from teams where name = $1),
     free as (select exists (select 1 from t, agents a where ${teamAgent}) as yes),
     queue as (
       select id, priority, created_at, skills, skip_agent_ids from handoffs
       where team = $1 and status = 'queued' and (select yes from free)
       order by ${QUEUE_ORDER}
       limit ${QUEUE_WINDOW}
       for update skip locked)
     select t.name, t.routing, t.offer_timeout_ms,
       (select coalesce(json_agg(q), '[]') from queue q) as queue,
       (select coalesce(json_agg(c), '[]') from (
          select ${CANDIDATE_COLUMNS} from agents a
          where (select yes from free) and ${teamAgent} and a.skills @> $2::text[]
          order by ${CANDIDATE_ORDER}
          limit case t.routing when 'push' then $3::int end) c) as agents
     from t`,
    // Read alone (nothing queued), the new handoff goes to the first agent it does not skip in the
    // index's order, which is the policy's: that many rows are enough.
    [teamName, incoming.skills, 1 + incoming.skip.length],
  );
  const found = rows[0];
  if (!found) return undefined;
  const team: TeamRow = { name: found.name, routing: found.routing, offer_timeout_ms: found.offer_timeout_ms };
  const route: IncomingRoute = { team, agentIds: [] };
  if (found.agents.length === 0 && found.queue.length === 0) return route;
  const queue = found.queue.map(toQueued);
  const agents = queue.length === 0 ? found.agents.map(toRoutable) : await candidates(t, team, [...queue, incoming]);
  for (const offer of planOffers(team.routing, [...queue, incoming], agents)) {
    if (offer.handoffId === incoming.id) route.agentIds = offer.agentIds;
    else await makeOffer(t, team, offer.handoffId, offer.agentIds);
  }
  return route;
}

/** A new offer: its id, when it runs out, and the event that records it. */
export function newOffer(t: Tx, team: TeamRow, agentIds: string[]) {
  const event: NewEvent = { type: 'offered', at: t.now, actor: ROUTER, agentIds };
  return { id: randomUUID(), agentIds, expiresAt: new Date(t.now.getTime() + team.offer_timeout_ms), event };
}

async function makeOffer(t: Tx, team: TeamRow, handoffId: string, agentIds: string[]): Promise<void> {
  const offer = newOffer(t, team, agentIds);
  const { rows } = await t.q.query<HandoffRow>(
    `update handoffs set status = 'offered', offer_id = $2, offer_agent_ids = $3, offer_expires_at = $4, updated_at = $5
     where id = $1 returning *, (select name from agents where id = assignee_id) as assignee_name`,
    [handoffId, offer.id, agentIds, offer.expiresAt.toISOString(), t.now.toISOString()],
  );
  await appendEvent(t.q, handoffId, offer.event);
  await announceOffer(t, toHandoff(rows[0]!), rows[0]!.integration_id);
}

/** Sends a committed offer to its agents, tells the leads and the bot, and wakes the hub when it runs out. */
export async function announceOffer(t: Tx, handoff: Handoff, integration: IntegrationRef): Promise<void> {
  const offer = handoff.offer!;
  t.fx.emit(offer.agentIds.map(agentRoom), 'handoff:offered', { handoff, offer: { id: offer.id, expiresAt: offer.expiresAt } });
  announceChange(t, handoff, { leadsOnly: true }); // the agents just got the offer itself
  t.fx.offerExpiresAt(new Date(offer.expiresAt));
  await notifyIntegration(t, integration, 'handoff.offered', handoff);
}

/**
 * Takes back every offer the given agent holds (they went away, offline, or filled up).
 * A push offer goes back to the queue; a broadcast offer stays with the others.
 */
export async function withdrawOffersOf(t: Tx, agentId: string, reason: WithdrawReason, exceptHandoffId?: string): Promise<void> {
  const rows = await findHandoffRows(t.q, `h.status = 'offered' and h.offer_agent_ids @> array[$1]::text[] and h.id <> $2`, [agentId, exceptHandoffId ?? '']);
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
  // Teams first, then their handoffs' rows (team-locks.ts): another hub expiring the same offers
  // at the same moment waits for the teams, then finds them gone.
  const isDue = `status = 'offered' and offer_expires_at <= $1`;
  const { rows: teams } = await t.q.query<{ team: string }>(`select distinct team from handoffs where ${isDue}`, [t.now.toISOString()]);
  if (teams.length === 0) return;
  await lockTeams(t, teams.map((r) => r.team));
  const { rows: due } = await t.q.query<{ id: string }>(
    `select id from handoffs where ${isDue} order by offer_expires_at for update skip locked`,
    [t.now.toISOString()],
  );
  if (due.length === 0) return;
  for (const { id } of due) {
    // Read each one afresh: an earlier expiry may have set its agent away, which already took
    // this offer back (it must not expire a second time).
    const row = await findHandoffRow(t.q, id);
    if (!row || row.status !== 'offered' || !row.offer_expires_at || row.offer_expires_at > t.now) continue;
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
