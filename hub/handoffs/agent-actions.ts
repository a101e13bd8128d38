import type { CommandPayload, Handoff, HandoffStatus, WebhookType } from '../../shared/protocol/index.ts';
import { releaseOffer, withdrawOffersOf } from '../routing/router.ts';
import { chatwootUserOf, tellPlatform } from '../platforms/outbox.ts';
import { findAgent, type AgentRow } from '../store/agents.ts';
import { appendEvent, findHandoffRow, listEvents, type HandoffRow, type NewEvent } from '../store/records.ts';
import { announceChange, announceWithdrawal, currentHandoff, notifyIntegration } from '../core/announce.ts';
import { CommandFailure, agentRoom, type Tx } from '../core/effects.ts';

export const FINISHED: Partial<Record<HandoffStatus, string>> = {
  returned_to_bot: 'was returned to the bot',
  routed_to_product: 'was routed to the product team',
  resolved: 'was resolved',
  cancelled: 'was cancelled by the bot',
};

async function agentNames(t: Tx, ids: readonly string[]): Promise<string> {
  if (ids.length === 0) return 'nobody';
  const { rows } = await t.q.query<{ name: string }>('select name from agents where id = any($1) order by name', [ids]);
  return rows.map((r) => r.name).join(', ');
}

export async function loadActor(t: Tx, agentId: string): Promise<AgentRow> {
  const agent = await findAgent(t.q, agentId);
  if (!agent) throw new CommandFailure('unauthorized', 'Your account no longer exists on this hub; sign in again.');
  return agent;
}

export async function lockHandoff(t: Tx, handoffId: string): Promise<HandoffRow> {
  const row = await findHandoffRow(t.q, handoffId, true);
  if (!row) throw new CommandFailure('not_found', `There is no handoff ${handoffId}.`);
  return row;
}

/** Why an agent may not act on this offer, in words they can act on. */
async function requireOffer(t: Tx, row: HandoffRow, agent: AgentRow): Promise<void> {
  const holds = row.status === 'offered' && row.offer_agent_ids.includes(agent.id);
  if (holds && row.offer_expires_at && row.offer_expires_at > t.now) return;
  if (holds) {
    const ago = Math.max(0, Math.round((t.now.getTime() - row.offer_expires_at!.getTime()) / 1000));
    throw new CommandFailure('offer_expired', `The offer expired ${ago} s ago.`);
  }
  // Another team's handoff: none of this agent's business, whoever has it and whatever its state.
  if (row.team !== agent.team) throw new CommandFailure('forbidden', 'This handoff belongs to another team; it was not offered to you.');
  if (row.status === 'accepted' && row.assignee_id === agent.id) {
    throw new CommandFailure('invalid_state', 'You already accepted this handoff; return it to the bot, route it to the product team, or resolve it.');
  }
  if (row.status === 'accepted') {
    throw new CommandFailure('taken', `${row.assignee_name ?? 'Another agent'} already has this handoff.`);
  }
  const finished = FINISHED[row.status];
  if (finished) throw new CommandFailure('invalid_state', `This handoff ${finished}.`);
  if (row.skip_agent_ids.includes(agent.id)) {
    const where = row.status === 'offered' ? `it went to ${await agentNames(t, row.offer_agent_ids)}` : 'it is back in the queue';
    throw new CommandFailure('offer_expired', `Your offer for this handoff ended; ${where}.`);
  }
  throw new CommandFailure('not_offered', 'This handoff was not offered to you.');
}

/** Only the agent who holds an accepted handoff may finish it. */
export function requireOwnership(row: HandoffRow, agent: AgentRow): void {
  if (row.status === 'accepted' && row.assignee_id === agent.id) return;
  if (row.team !== agent.team) throw new CommandFailure('forbidden', 'This handoff belongs to another team.');
  const finished = FINISHED[row.status];
  if (finished) throw new CommandFailure('invalid_state', `This handoff ${finished}.`);
  if (row.status === 'accepted') throw new CommandFailure('forbidden', `This handoff belongs to ${row.assignee_name ?? 'another agent'}.`);
  if (row.offer_agent_ids.includes(agent.id)) throw new CommandFailure('invalid_state', 'Accept the offer first.');
  throw new CommandFailure('forbidden', 'This handoff is not yours.');
}

export async function accept(t: Tx, agentId: string, { handoffId }: CommandPayload<'handoff:accept'>): Promise<Handoff> {
  const agent = await loadActor(t, agentId);
  const row = await lockHandoff(t, handoffId);
  if (row.status === 'accepted' && row.assignee_id === agent.id) return currentHandoff(t, row.id);
  await requireOffer(t, row, agent);
  if (agent.load >= agent.capacity) {
    throw new CommandFailure('agent_unavailable', `You already have ${agent.load} of ${agent.capacity} handoffs; finish one first.`);
  }
  const others = row.offer_agent_ids.filter((id) => id !== agent.id);
  await t.q.query(
    `update handoffs set status = 'accepted', assignee_id = $2, offer_id = null, offer_agent_ids = '{}', offer_expires_at = null, updated_at = $3
     where id = $1`,
    [row.id, agent.id, t.now.toISOString()],
  );
  await t.q.query('update agents set missed_offers = 0, idle_since = $2, last_accepted_at = $2 where id = $1', [agent.id, t.now.toISOString()]);
  await appendEvent(t.q, row.id, { type: 'accepted', at: t.now, actor: { kind: 'agent', id: agent.id } });
  announceWithdrawal(t, row.id, others, 'taken');
  const handoff = await currentHandoff(t, row.id);
  announceChange(t, handoff);
  await notifyIntegration(t, row.integration_id, 'handoff.accepted', handoff);
  if (row.platform_conversation) await tellPlatform(t, row, { kind: 'accepted', chatwootUserId: await chatwootUserOf(t, agent.id) });
  t.fx.agentsChanged.add(agent.id);
  // Full now: broadcast offers to this agent go to the others.
  if (agent.load + 1 >= agent.capacity) await withdrawOffersOf(t, agent.id, 'unavailable', row.id);
  return handoff;
}

export async function decline(t: Tx, agentId: string, { handoffId, reason }: CommandPayload<'handoff:decline'>): Promise<Handoff> {
  const agent = await loadActor(t, agentId);
  const row = await lockHandoff(t, handoffId);
  await requireOffer(t, row, agent);
  await t.q.query('update agents set missed_offers = 0 where id = $1', [agent.id]);
  await releaseOffer(t, row, [agent.id], { type: 'declined', reason, actor: { kind: 'agent', id: agent.id }, skip: true });
  return currentHandoff(t, row.id);
}

/** Ends the agent's ownership: the handoff goes back to the bot, to the product team, or is resolved. */
export async function finish(
  t: Tx,
  agentId: string,
  handoffId: string,
  status: 'returned_to_bot' | 'routed_to_product' | 'resolved',
  event: Omit<NewEvent, 'type' | 'at' | 'actor'>,
): Promise<Handoff> {
  const agent = await loadActor(t, agentId);
  const row = await lockHandoff(t, handoffId);
  requireOwnership(row, agent);
  await t.q.query('update handoffs set status = $2, updated_at = $3 where id = $1', [row.id, status, t.now.toISOString()]);
  await t.q.query('update agents set idle_since = $2 where id = $1', [agent.id, t.now.toISOString()]);
  await appendEvent(t.q, row.id, { type: status, at: t.now, actor: { kind: 'agent', id: agent.id }, ...event });
  const handoff = await currentHandoff(t, row.id);
  announceChange(t, handoff);
  await notifyIntegration(t, row.integration_id, `handoff.${status}` satisfies WebhookType, handoff);
  if (status === 'returned_to_bot') await tellPlatform(t, row, { kind: 'returned_to_bot', note: event.note ?? '' });
  if (status === 'resolved') await tellPlatform(t, row, { kind: 'resolved', note: event.note });
  t.fx.agentsChanged.add(agent.id);
  t.fx.teamsToRoute.add(row.team);
  return handoff;
}

export const returnToBot = (t: Tx, agentId: string, c: CommandPayload<'handoff:returnToBot'>) =>
  finish(t, agentId, c.handoffId, 'returned_to_bot', { note: c.note });

export const resolve = (t: Tx, agentId: string, c: CommandPayload<'handoff:resolve'>) =>
  finish(t, agentId, c.handoffId, 'resolved', { note: c.note });

/**
 * A lead moves an open handoff of their team to an agent of the team, or back to the queue. The
 * agent who gets it hears `handoff:changed` and then `handoff:reassigned` (with the history, who
 * moved it and the note); those who lose it hear `handoff:withdrawn` (`reassigned`, with `by` and the note).
 */
export async function reassign(t: Tx, leadId: string, { handoffId, to, note }: CommandPayload<'handoff:reassign'>): Promise<Handoff> {
  const lead = await loadActor(t, leadId);
  if (lead.role !== 'lead') throw new CommandFailure('forbidden', 'Only a team lead can reassign handoffs.');
  const row = await lockHandoff(t, handoffId);
  if (row.team !== lead.team) throw new CommandFailure('forbidden', `This handoff belongs to team ${row.team}; you lead ${lead.team}.`);
  const finished = FINISHED[row.status];
  if (finished) throw new CommandFailure('invalid_state', `This handoff ${finished}.`);

  const previous = row.status === 'accepted' && row.assignee_id ? [row.assignee_id] : row.offer_agent_ids;
  const actor = { kind: 'lead', id: lead.id } as const;
  if ('agentId' in to) {
    const target = await findAgent(t.q, to.agentId);
    if (!target || target.team !== row.team) throw new CommandFailure('not_found', `There is no agent ${to.agentId} in team ${row.team}.`);
    if (row.status === 'accepted' && row.assignee_id === target.id) throw new CommandFailure('invalid_state', `${target.name} already has this handoff.`);
    await t.q.query(
      `update handoffs set status = 'accepted', assignee_id = $2, offer_id = null, offer_agent_ids = '{}', offer_expires_at = null, updated_at = $3
       where id = $1`,
      [row.id, target.id, t.now.toISOString()],
    );
    await appendEvent(t.q, row.id, { type: 'reassigned', at: t.now, actor, note, agentIds: [target.id] });
    t.fx.agentsChanged.add(target.id);
    // The new owner shows in Chatwoot too, when they are linked to a Chatwoot user.
    if (row.platform_conversation) await tellPlatform(t, row, { kind: 'accepted', chatwootUserId: await chatwootUserOf(t, target.id) });
  } else {
    if (row.status === 'queued' && row.skip_agent_ids.length === 0) {
      throw new CommandFailure('invalid_state', 'This handoff is already in the queue.');
    }
    // Back to the queue starts afresh: everyone, including who declined it, may be offered it again,
    // and it waits from now on (queued_at), not since it was created.
    await t.q.query(
      `update handoffs set status = 'queued', assignee_id = null, offer_id = null, offer_agent_ids = '{}', offer_expires_at = null,
         skip_agent_ids = '{}', updated_at = $2, queued_at = $2
       where id = $1`,
      [row.id, t.now.toISOString()],
    );
    await appendEvent(t.q, row.id, { type: 'reassigned', at: t.now, actor, note, agentIds: [] });
    t.fx.teamsToRoute.add(row.team);
  }
  const lost = previous.filter((id) => !('agentId' in to) || id !== to.agentId);
  for (const id of lost) t.fx.agentsChanged.add(id);
  const by = { id: lead.id, name: lead.name };
  announceWithdrawal(t, row.id, lost, 'reassigned', { by, note });
  const handoff = await currentHandoff(t, row.id);
  announceChange(t, handoff);
  if ('agentId' in to) {
    const withHistory = { ...handoff, events: await listEvents(t.q, row.id) };
    t.fx.emit([agentRoom(to.agentId)], 'handoff:reassigned', { handoff: withHistory, by, ...(note !== undefined && { note }) });
  }
  await notifyIntegration(t, row.integration_id, 'handoff.reassigned', handoff);
  return handoff;
}
