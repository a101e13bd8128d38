import type { Handoff } from '../protocol/index.ts';

/**
 * Whether the agent held this handoff before its latest event: they accepted an offer of it, or a
 * lead gave it to them. On `handoff:reassigned` (which carries the history) this tells work that
 * comes back to an agent from work that is new to them.
 */
export function heldBefore(handoff: Handoff, agentId: string): boolean {
  const earlier = (handoff.events ?? []).slice(0, -1);
  return earlier.some(
    (e) => (e.type === 'accepted' && e.actor.kind === 'agent' && e.actor.id === agentId) || (e.type === 'reassigned' && (e.agentIds ?? []).includes(agentId)),
  );
}
