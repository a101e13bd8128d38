import type { Handoff, WebhookType, WithdrawReason } from '../../shared/protocol/index.ts';
import { findHandoffRow, toHandoff } from '../store/records.ts';
import { enqueueWebhook } from '../webhooks/outbox.ts';
import { agentRoom, leadsRoom, type Tx } from './effects.ts';

/** Reads the handoff as it now stands, for acks, events and webhooks. */
export async function currentHandoff(t: Tx, id: string): Promise<Handoff> {
  const row = await findHandoffRow(t.q, id);
  if (!row) throw new Error(`handoff ${id} vanished inside its own transaction`);
  return toHandoff(row);
}

/** Tells everyone who holds or watches the handoff that it changed; `also` adds agents who just lost it. */
export function announceChange(t: Tx, handoff: Handoff, also: readonly string[] = []): void {
  const agents = new Set([...(handoff.assignee ? [handoff.assignee.id] : []), ...(handoff.offer?.agentIds ?? []), ...also]);
  t.fx.emit([...[...agents].map(agentRoom), leadsRoom(handoff.team)], 'handoff:changed', { handoff });
}

export function announceWithdrawal(t: Tx, handoffId: string, agentIds: readonly string[], reason: WithdrawReason): void {
  t.fx.emit(agentIds.map(agentRoom), 'handoff:withdrawn', { handoffId, reason });
}

export async function notifyIntegration(t: Tx, integrationId: string, type: WebhookType, handoff: Handoff): Promise<void> {
  if (await enqueueWebhook(t.q, integrationId, type, handoff, t.now)) t.fx.webhooks = true;
}
