import type { Presence } from '../../shared/protocol/agent.ts';
import type { MetricsReport } from '../../shared/protocol/lead.ts';
import type { ProductStatus, ProductSuggestion } from '../../shared/protocol/product.ts';
import type { AckOf, CommandError, ReassignTarget } from '../../shared/protocol/socket.ts';
import type { CommandInput, ProductQuery, ProductRoute } from '../client/hub-client.ts';

/** What views may ask for; state itself is read from the stores. */
export interface Controller {
  /** Reads saved settings and the offline queue, then signs in again if a token was saved. */
  start(): Promise<void>;
  signIn(hubUrl: string, token: string): void;
  signOut(): Promise<void>;
  /** Connects again after the hub closed the connection for good. */
  reconnect(): void;
  accept(handoffId: string): void;
  decline(handoffId: string, reason: string): void;
  returnToBot(handoffId: string, note: string): void;
  routeToProduct(handoffId: string, route: ProductRoute): void;
  resolve(handoffId: string): void;
  /** Resolves with a message when the hub could not be told. */
  setPresence(status: Exclude<Presence, 'offline'>): Promise<string | null>;
  openLink(url: string): void;
  /** Leads: moves handoffs to an agent or back to the queue; resolves with a message when any could not be moved. */
  reassign(handoffIds: string[], to: ReassignTarget, note?: string): Promise<string | null>;
  /** Similar product items for the routing form; none when the hub could not be asked. */
  suggestProducts(query: ProductQuery): Promise<ProductSuggestion[]>;
  /** Leads: (re)loads the product inbox; resolves with a message on failure. */
  loadProducts(): Promise<string | null>;
  /** Leads: one item with its customers and linked packets, or a message. */
  getProduct(productItemId: string): Promise<Extract<AckOf<'product:get'>, { ok: true }> | string>;
  /** Leads: changes an item's status; resolves with a message on failure. */
  setProductStatus(productItemId: string, status: ProductStatus, note?: string): Promise<string | null>;
  /** Leads: the team's metrics over a period (one agent's with `agentId`), or a message. */
  loadMetrics(query: CommandInput<'team:metrics'>): Promise<MetricsReport | string>;
  /** Leads: sets the presence of someone in the team; resolves with a message on failure. */
  setAgentPresence(agentId: string, status: Presence): Promise<string | null>;
  /** Leads: changes the team's settings; resolves with the hub's refusal (its `issues` name the fields). */
  configureTeam(settings: CommandInput<'team:configure'>): Promise<CommandError | null>;
  /** Shows a handoff, asking the hub for it first when the console does not have it (one the agent finished earlier). */
  openHandoff(handoffId: string): Promise<void>;
  dispose(): void;
}
