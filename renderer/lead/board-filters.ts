import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { Channel, Priority, TriggerReason } from '../../shared/protocol/packet.ts';

export interface BoardFilters {
  reason: TriggerReason | '';
  channel: Channel | '';
  priority: Priority | '';
  /** Handoffs held by, or offered to, this agent. */
  agentId: string;
}

export const NO_FILTERS: BoardFilters = { reason: '', channel: '', priority: '', agentId: '' };

export function matches(handoff: Handoff, f: BoardFilters): boolean {
  const p = handoff.packet;
  if (f.reason && p.trigger.reason !== f.reason) return false;
  if (f.channel && p.channel !== f.channel) return false;
  if (f.priority && (p.priority ?? 'normal') !== f.priority) return false;
  if (f.agentId && handoff.assignee?.id !== f.agentId && !(handoff.offer?.agentIds.includes(f.agentId) ?? false)) return false;
  return true;
}

/** Oldest wait first: the customer who has waited longest is at the top. */
export const byWait = (a: Handoff, b: Handoff): number => (a.queuedAt ?? a.createdAt).localeCompare(b.queuedAt ?? b.createdAt);
