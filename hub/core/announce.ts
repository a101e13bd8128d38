import type { Handoff, Person, WebhookType, WithdrawReason } from '../../shared/protocol/index.ts';
import { findHandoffRow, listEvents, toHandoff } from '../store/records.ts';
import { enqueueWebhook, type IntegrationRef, type ProductItemFields } from '../webhooks/outbox.ts';
import { agentRoom, leadsRoom, type Tx } from './effects.ts';

/** Reads the handoff as it now stands, for acks, events and webhooks. */
export async function currentHandoff(t: Tx, id: string): Promise<Handoff> {
  const row = await findHandoffRow(t.q, id);
  if (!row) throw new Error(`handoff ${id} vanished inside its own transaction`);
  return toHandoff(row);
}

/**
 * Tells everyone who holds or watches the handoff that it changed: its assignee, the agents it is
 * offered to, the team's leads, and `also` (agents who just lost it).
 */
export function announceChange(t: Tx, handoff: Handoff, { also = [], leadsOnly = false }: { also?: readonly string[]; leadsOnly?: boolean } = {}): void {
  const agents = leadsOnly ? [] : new Set([...(handoff.assignee ? [handoff.assignee.id] : []), ...(handoff.offer?.agentIds ?? []), ...also]);
  t.fx.emit([...[...agents].map(agentRoom), leadsRoom(handoff.team)], 'handoff:changed', { handoff });
}

/** `reassigned` carries the lead who moved it (`by`) and their note. */
export function announceWithdrawal(
  t: Tx,
  handoffId: string,
  agentIds: readonly string[],
  reason: WithdrawReason,
  reassignment?: { by: Person; note?: string | undefined },
): void {
  const extra = reassignment && { by: reassignment.by, ...(reassignment.note !== undefined && { note: reassignment.note }) };
  t.fx.emit(agentIds.map(agentRoom), 'handoff:withdrawn', { handoffId, reason, ...extra });
}

/** Queues a webhook carrying the handoff with its history, so the bot has the agent's note at hand. */
export async function notifyIntegration(t: Tx, integration: IntegrationRef, type: WebhookType, handoff: Handoff, product?: ProductItemFields): Promise<void> {
  const withEvents = async () => ({ ...handoff, events: await listEvents(t.q, handoff.id) });
  if (await enqueueWebhook(t.q, integration, type, withEvents, t.now, product)) t.fx.webhooks = true;
}
