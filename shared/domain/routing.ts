import type { Priority, RoutingMode } from '../protocol/index.ts';

const PRIORITY_RANK: Record<Priority, number> = { urgent: 3, high: 2, normal: 1, low: 0 };

export interface QueuedHandoff {
  id: string;
  priority: Priority;
  createdAt: string;
  skills: readonly string[];
  /** Agents who already had an offer for it (declined or let it expire). */
  skip: readonly string[];
}

export interface RoutableAgent {
  id: string;
  skills: readonly string[];
  capacity: number;
  /** Handoffs accepted and not finished. */
  load: number;
  /** Offers this agent holds now. */
  pendingOffers: number;
  /** When the agent last accepted a handoff or came online; null when never. */
  idleSince: string | null;
}

export interface PlannedOffer {
  handoffId: string;
  agentIds: string[];
}

/** Priority first (urgent > high > normal > low), then oldest first. */
export function compareQueue(a: QueuedHandoff, b: QueuedHandoff): number {
  return PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

function hasSkills(agent: RoutableAgent, required: readonly string[]): boolean {
  return required.every((skill) => agent.skills.includes(skill));
}

/** Least loaded first, then longest idle (never active counts as idle the longest). */
function comparePushCandidates(a: RoutableAgent, b: RoutableAgent): number {
  const load = a.load + a.pendingOffers - (b.load + b.pendingOffers);
  if (load !== 0) return load;
  if (a.idleSince === b.idleSince) return a.id.localeCompare(b.id);
  if (a.idleSince === null) return -1;
  if (b.idleSince === null) return 1;
  return a.idleSince.localeCompare(b.idleSince);
}

/**
 * Decides which queued handoffs go to which available agents. Pure: the caller passes the
 * queue and the team's available agents and applies the plan in one transaction.
 *
 * Push offers one handoff to one agent at a time, counting held offers against capacity so an
 * agent is never offered more than they can take. Broadcast offers each handoff to every
 * eligible agent; the first accept wins.
 */
export function planOffers(mode: RoutingMode, queue: readonly QueuedHandoff[], agents: readonly RoutableAgent[]): PlannedOffer[] {
  const pool = agents.map((agent) => ({ ...agent }));
  const plan: PlannedOffer[] = [];
  for (const handoff of [...queue].sort(compareQueue)) {
    const eligible = pool.filter(
      (agent) => !handoff.skip.includes(agent.id) && hasSkills(agent, handoff.skills),
    );
    if (mode === 'push') {
      const [chosen] = eligible.filter((a) => a.load + a.pendingOffers < a.capacity).sort(comparePushCandidates);
      if (!chosen) continue;
      chosen.pendingOffers += 1;
      plan.push({ handoffId: handoff.id, agentIds: [chosen.id] });
    } else {
      const open = eligible.filter((a) => a.load < a.capacity).map((a) => a.id).sort();
      if (open.length > 0) plan.push({ handoffId: handoff.id, agentIds: open });
    }
  }
  return plan;
}
