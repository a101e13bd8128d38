import type { Presence } from '../../shared/protocol/agent.ts';
import type { ProductStatus, ProductSuggestion } from '../../shared/protocol/product.ts';
import type { AckOf, CommandError, ReassignTarget } from '../../shared/protocol/socket.ts';
import type { CommandInput, ProductQuery, ProductRoute } from '../client/hub-client.ts';

// What views may ask for, by who asks; state itself is read from the stores. A change resolves with
// the hub's refusal in words (null: done); a read resolves with the hub's ack.

/** Everyone's console: signing in and out, the connection, one's own presence, links. */
export interface SessionControls {
  /** Reads saved settings and the offline queue, then signs in again if a token was saved. */
  start(): Promise<void>;
  signIn(hubUrl: string, token: string): void;
  /** The agent confirmed the sign-in link waiting for it (another hub, or another person): sign in as it says. */
  confirmSignIn(): void;
  /** The agent refused it: nothing changes. */
  cancelSignIn(): void;
  signOut(): Promise<void>;
  /** Connects again after the hub closed the connection for good. */
  reconnect(): void;
  /** Resolves with a message when the hub could not be told. */
  setPresence(status: Exclude<Presence, 'offline'>): Promise<string | null>;
  openLink(url: string): void;
  /** Shows a handoff, asking the hub for it first when the console does not have it (one the agent finished earlier). */
  openHandoff(handoffId: string): Promise<void>;
  dispose(): void;
}

/** An agent's work on their handoffs: taken at once, sent (and kept until the hub answers) by the outbox. */
export interface AgentControls {
  accept(handoffId: string): void;
  decline(handoffId: string, reason: string): void;
  returnToBot(handoffId: string, note: string): void;
  routeToProduct(handoffId: string, route: ProductRoute): void;
  resolve(handoffId: string): void;
  /** Similar product items for the routing form; none when the hub could not be asked. */
  suggestProducts(query: ProductQuery): Promise<ProductSuggestion[]>;
}

/** A lead's board, product inbox, metrics and team settings. */
export interface LeadControls {
  /** Moves handoffs to an agent or back to the queue; resolves with a message when any could not be moved. */
  reassign(handoffIds: string[], to: ReassignTarget, note?: string): Promise<string | null>;
  /** (Re)loads the product inbox; resolves with a message on failure. */
  loadProducts(): Promise<string | null>;
  /** One item with its customers and linked packets. */
  getProduct(productItemId: string): Promise<AckOf<'product:get'>>;
  /** Changes an item's status; resolves with a message on failure. */
  setProductStatus(productItemId: string, status: ProductStatus, note?: string): Promise<string | null>;
  /** The team's metrics over a period (one agent's with `agentId`). */
  loadMetrics(query: CommandInput<'team:metrics'>): Promise<AckOf<'team:metrics'>>;
  /** Sets the presence of someone in the team; resolves with a message on failure. */
  setAgentPresence(agentId: string, status: Presence): Promise<string | null>;
  /** Changes the team's settings; resolves with the hub's refusal (its `issues` name the fields the form marks). */
  configureTeam(settings: CommandInput<'team:configure'>): Promise<CommandError | null>;
}

export type Controller = SessionControls & AgentControls & LeadControls;
