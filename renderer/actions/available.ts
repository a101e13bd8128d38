import type { Handoff } from '../../shared/protocol/handoff.ts';
import { isMine, isOfferFor } from '../state/handoffs.ts';

export type ActionName = 'accept' | 'decline' | 'returnToBot' | 'routeToProduct' | 'resolve';

/** The button names people and tests rely on (docs/architecture.md, "The console and the desktop app"). */
export const ACTION_LABEL: Record<ActionName, string> = {
  accept: 'Accept',
  decline: 'Decline',
  returnToBot: 'Return to bot',
  routeToProduct: 'Route to product',
  resolve: 'Resolve',
};

export const ACTION_KEY: Record<ActionName, string> = {
  accept: 'a',
  decline: 'd',
  returnToBot: 'r',
  routeToProduct: 'p',
  resolve: 's',
};

/** What the agent can do with this handoff now: an offer is accepted or declined; their own is finished. */
export function availableActions(handoff: Handoff | undefined, agentId: string | undefined): ActionName[] {
  if (!handoff || !agentId) return [];
  if (isOfferFor(handoff, agentId)) return ['accept', 'decline'];
  if (isMine(handoff, agentId)) return ['returnToBot', 'routeToProduct', 'resolve'];
  return [];
}
