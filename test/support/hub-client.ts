import type { Presence } from '../../shared/protocol/agent.ts';
import type { ProductStatus } from '../../shared/protocol/product.ts';
import type { AckOf, ReassignTarget } from '../../shared/protocol/socket.ts';
import { HubClient, type CommandInput, type HubClientOptions, type ProductQuery, type ProductRoute, type SendOptions } from '../../renderer/client/hub-client.ts';

/**
 * The client core with one method per command, so a test reads as the steps a person takes. The
 * console itself sends every command through `HubClient.send`.
 */
export class TestHubClient extends HubClient {
  accept(handoffId: string, options?: SendOptions): Promise<AckOf<'handoff:accept'>> {
    return this.send('handoff:accept', { handoffId }, options);
  }

  decline(handoffId: string, reason: string, options?: SendOptions): Promise<AckOf<'handoff:decline'>> {
    return this.send('handoff:decline', { handoffId, reason }, options);
  }

  returnToBot(handoffId: string, note: string, options?: SendOptions): Promise<AckOf<'handoff:returnToBot'>> {
    return this.send('handoff:returnToBot', { handoffId, note }, options);
  }

  routeToProduct(handoffId: string, route: ProductRoute, options?: SendOptions): Promise<AckOf<'handoff:routeToProduct'>> {
    return this.send('handoff:routeToProduct', { handoffId, ...route }, options);
  }

  resolve(handoffId: string, note?: string, options?: SendOptions): Promise<AckOf<'handoff:resolve'>> {
    return this.send('handoff:resolve', note === undefined ? { handoffId } : { handoffId, note }, options);
  }

  reassign(handoffId: string, to: ReassignTarget, note?: string, options?: SendOptions): Promise<AckOf<'handoff:reassign'>> {
    return this.send('handoff:reassign', note === undefined ? { handoffId, to } : { handoffId, to, note }, options);
  }

  setPresence(status: Presence, options?: SendOptions): Promise<AckOf<'presence:set'>> {
    return this.send('presence:set', { status }, options);
  }

  /** Leads: reassigns several handoffs at once; each is moved, or listed in the ack's `failures`. */
  reassignMany(handoffIds: string[], to: ReassignTarget, note?: string, options?: SendOptions): Promise<AckOf<'handoffs:reassign'>> {
    return this.send('handoffs:reassign', note === undefined ? { handoffIds, to } : { handoffIds, to, note }, options);
  }

  /** Leads: sets the presence of someone in their team. */
  setAgentPresence(agentId: string, status: Presence, options?: SendOptions): Promise<AckOf<'agent:setPresence'>> {
    return this.send('agent:setPresence', { agentId, status }, options);
  }

  /** Leads: changes the team's routing, offer timeout, capacity, skills or stalled-work targets, at once. */
  configureTeam(settings: CommandInput<'team:configure'>, options?: SendOptions): Promise<AckOf<'team:configure'>> {
    return this.send('team:configure', settings, options);
  }

  /** A handoff with its whole history, for its assignee, the agents it is offered to and its leads (a read: repeat it freely). */
  getHandoff(handoffId: string, options?: SendOptions): Promise<AckOf<'handoff:get'>> {
    return this.send('handoff:get', { handoffId }, options);
  }

  /** Leads: the team's metrics over [from, to), optionally for one agent (a read: repeat it freely). */
  teamMetrics(query: CommandInput<'team:metrics'>, options?: SendOptions): Promise<AckOf<'team:metrics'>> {
    return this.send('team:metrics', query, options);
  }

  /** Similar items of your team while the routing form is filled in (a read: repeat it freely). */
  suggestProducts(query: ProductQuery, options?: SendOptions): Promise<AckOf<'product:suggest'>> {
    return this.send('product:suggest', { query }, options);
  }

  /** Leads: the team's product items, with their counts of customers and conversations. */
  listProducts(request: CommandInput<'product:list'> = {}, options?: SendOptions): Promise<AckOf<'product:list'>> {
    return this.send('product:list', request, options);
  }

  /** Leads: one item with its customers, linked handoffs (with packets) and history. */
  getProduct(productItemId: string, options?: SendOptions): Promise<AckOf<'product:get'>> {
    return this.send('product:get', { productItemId }, options);
  }

  /** Leads: changes an item's status; every linked handoff's bot is told. */
  setProductStatus(productItemId: string, status: ProductStatus, note?: string, options?: SendOptions): Promise<AckOf<'product:setStatus'>> {
    return this.send('product:setStatus', note === undefined ? { productItemId, status } : { productItemId, status, note }, options);
  }
}

export function connectTestHub(options: HubClientOptions): TestHubClient {
  return new TestHubClient(options);
}
