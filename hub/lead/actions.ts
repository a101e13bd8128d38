// What team leads do over /agents besides `handoff:reassign`: move several handoffs at once, set
// an agent's presence, change the team's routing and targets, read the team's metrics; and
// `handoff:get`, a read agents use too.
import type { CommandPayload, CommandResult, Handoff, Person } from '../../shared/protocol/index.ts';
import { setPresence } from '../agents/presence.ts';
import { loadActor, reassign } from '../handoffs/agent-actions.ts';
import { announceWithdrawal } from '../core/announce.ts';
import { CommandFailure, Effects, leadsRoom, type Tx } from '../core/effects.ts';
import { releaseOffer } from '../routing/router.ts';
import { findAgent, listTeamAgents, toAgentView, type AgentRow } from '../store/agents.ts';
import { findHandoffRow, findHandoffRows, listEvents, toHandoff } from '../store/records.ts';
import { findTeamView, teamAgentViews } from './board.ts';
import { teamMetricsReport } from './metrics-store.ts';

async function requireLead(t: Tx, agentId: string, what: string): Promise<AgentRow> {
  const actor = await loadActor(t, agentId);
  if (actor.role !== 'lead') throw new CommandFailure('forbidden', `Only a team lead can ${what}.`);
  return actor;
}

/**
 * Reassigns each handoff as `handoff:reassign` would, each on its own: one that cannot be moved
 * (finished, another team's, unknown, already with that agent) is listed in `failures` and the
 * others are moved anyway, all in one transaction. Who may do it and whether the target exists
 * are checked once, for the whole command.
 */
export async function reassignMany(
  t: Tx,
  leadId: string,
  { opId, handoffIds, to, note }: CommandPayload<'handoffs:reassign'>,
): Promise<CommandResult<'handoffs:reassign'>> {
  const lead = await requireLead(t, leadId, 'reassign handoffs');
  if ('agentId' in to) {
    const target = await findAgent(t.q, to.agentId);
    if (!target || target.team !== lead.team) throw new CommandFailure('not_found', `There is no agent ${to.agentId} in team ${lead.team}.`);
  }
  // Rows locked in one order, so two hubs moving overlapping sets cannot deadlock.
  await t.q.query('select id from handoffs where id = any($1) order by id for update', [handoffIds]);
  const handoffs: Handoff[] = [];
  const failures: CommandResult<'handoffs:reassign'>['failures'] = [];
  for (const handoffId of handoffIds) {
    const one: Tx = { q: t.q, now: t.now, fx: new Effects() };
    await t.q.query('savepoint reassign_one');
    try {
      handoffs.push(await reassign(one, leadId, { opId, handoffId, to, ...(note !== undefined && { note }) }));
      await t.q.query('release savepoint reassign_one');
      t.fx.absorb(one.fx);
    } catch (error) {
      if (!(error instanceof CommandFailure)) throw error;
      await t.q.query('rollback to savepoint reassign_one');
      await t.q.query('release savepoint reassign_one');
      failures.push({ handoffId, error: { code: error.code, message: error.message } });
    }
  }
  return { handoffs, failures };
}

/** A lead sets the presence of someone in their team, exactly as that person could themselves. */
export async function setAgentPresence(
  t: Tx,
  leadId: string,
  { agentId, status }: CommandPayload<'agent:setPresence'>,
): Promise<CommandResult<'agent:setPresence'>> {
  const lead = await requireLead(t, leadId, "set someone else's presence");
  const agent = await findAgent(t.q, agentId);
  if (!agent) throw new CommandFailure('not_found', `There is no agent ${agentId}.`);
  if (agent.team !== lead.team) throw new CommandFailure('forbidden', `${agent.name} is not in your team (${lead.team}).`);
  await setPresence(t, agent.id, status);
  return { agent: toAgentView((await findAgent(t.q, agent.id))!) };
}

/**
 * Changes the team's routing, offer timeout, stalled-work targets, and its agents' capacity and
 * skills. It takes effect at once: offers an agent can no longer take (now at capacity, or
 * missing a skill) move on, and the queue is routed again. Open offers keep their `expiresAt`;
 * the new timeout and mode apply to the next offers.
 */
export async function configureTeam(t: Tx, leadId: string, c: CommandPayload<'team:configure'>): Promise<CommandResult<'team:configure'>> {
  const lead = await requireLead(t, leadId, "change a team's settings");
  const team = c.team ?? lead.team;
  if (team !== lead.team) throw new CommandFailure('forbidden', `You lead team ${lead.team}, not ${team}.`);
  const members = new Set((await listTeamAgents(t.q, team)).map((a) => a.id));
  for (const { agentId } of [...(c.capacity ?? []), ...(c.skills ?? [])]) {
    if (!members.has(agentId)) throw new CommandFailure('not_found', `There is no agent ${agentId} in team ${team}.`);
  }

  const ms = (seconds: number | undefined) => (seconds === undefined ? null : Math.round(seconds * 1000));
  await t.q.query(
    `update teams set routing = coalesce($2, routing), offer_timeout_ms = coalesce($3, offer_timeout_ms),
       stalled_queue_ms = coalesce($4, stalled_queue_ms), stalled_accepted_ms = coalesce($5, stalled_accepted_ms)
     where name = $1`,
    [team, c.routing ?? null, ms(c.offerTimeoutSeconds), ms(c.stalledQueueSeconds), ms(c.stalledAcceptedSeconds)],
  );
  const changed = new Set<string>();
  for (const { agentId, capacity } of c.capacity ?? []) {
    await t.q.query('update agents set capacity = $2 where id = $1', [agentId, capacity]);
    changed.add(agentId);
  }
  for (const { agentId, skills } of c.skills ?? []) {
    await t.q.query('update agents set skills = $2 where id = $1', [agentId, [...new Set(skills)]]);
    changed.add(agentId);
  }
  for (const agentId of changed) {
    t.fx.agentsChanged.add(agentId);
    await withdrawOffersNoLongerEligible(t, (await findAgent(t.q, agentId))!);
  }
  t.fx.teamsToRoute.add(team);

  const view = (await findTeamView(t.q, team))!;
  t.fx.emit([leadsRoom(team)], 'team:changed', { team: view });
  return { team: view, agents: await teamAgentViews(t.q, team) };
}

async function withdrawOffersNoLongerEligible(t: Tx, agent: AgentRow): Promise<void> {
  const held = await findHandoffRows(t.q, `h.status = 'offered' and h.offer_agent_ids @> array[$1]::text[]`, [agent.id]);
  const full = agent.load >= agent.capacity;
  for (const row of held) {
    if (!full && row.skills.every((skill) => agent.skills.includes(skill))) continue;
    await releaseOffer(t, row, [agent.id], { type: 'offer_withdrawn', reason: 'unavailable', skip: false });
    announceWithdrawal(t, row.id, [agent.id], 'unavailable');
  }
}

/**
 * The lead's own team's metrics over [from, to), computed exactly as `GET /v1/teams/:team/metrics`
 * does; with `agentId`, the report lists only that person of the team.
 */
export async function teamMetrics(t: Tx, leadId: string, { from, to, agentId }: CommandPayload<'team:metrics'>): Promise<CommandResult<'team:metrics'>> {
  const lead = await requireLead(t, leadId, 'read team metrics');
  let agent: Person | undefined;
  if (agentId !== undefined) {
    const row = await findAgent(t.q, agentId);
    if (!row) throw new CommandFailure('not_found', `There is no agent ${agentId}.`);
    if (row.team !== lead.team) throw new CommandFailure('forbidden', `${row.name} is not in your team (${lead.team}).`);
    agent = { id: row.id, name: row.name };
  }
  return { report: await teamMetricsReport(t.q, lead.team, { from, to }, agent) };
}

/**
 * A handoff with its whole history, for whoever may see it: its assignee (also after they
 * finished it), the agents it is offered to now, and the leads of its team.
 */
export async function getHandoff(t: Tx, agentId: string, { handoffId }: CommandPayload<'handoff:get'>): Promise<CommandResult<'handoff:get'>> {
  const actor = await loadActor(t, agentId);
  const row = await findHandoffRow(t.q, handoffId);
  if (!row) throw new CommandFailure('not_found', `There is no handoff ${handoffId}.`);
  const allowed =
    (actor.role === 'lead' && actor.team === row.team) ||
    row.assignee_id === actor.id ||
    (row.status === 'offered' && row.offer_agent_ids.includes(actor.id));
  if (!allowed) {
    throw new CommandFailure('forbidden', row.team === actor.team ? 'This handoff is not yours and was not offered to you.' : 'This handoff belongs to another team.');
  }
  return { handoff: { ...toHandoff(row), events: await listEvents(t.q, row.id) } };
}
