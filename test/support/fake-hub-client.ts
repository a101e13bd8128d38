import type { AgentView } from '../../shared/protocol/agent.ts';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { ProductItem } from '../../shared/protocol/product.ts';
import type { AckOf, CommandName, CommandPayload, ServerEventName, ServerEventPayload } from '../../shared/protocol/socket.ts';
import type { CommandInput, ConnectionState, SendOptions } from '../../renderer/client/hub-client.ts';
import type { HubPort } from '../../renderer/client/hub-port.ts';

export interface SentCommand {
  command: CommandName;
  payload: Record<string, unknown>;
  opId: string;
}

type Responder = (command: CommandName, payload: Record<string, unknown> & { opId: string }) => unknown;

/**
 * Stands in for the client core at the console's boundary. Like the real one, `send` while not
 * connected sends nothing and answers `timeout`. By default it acts like a tiny hub: commands on the
 * handoffs it was given succeed and change their status.
 */
export class FakeHubClient implements HubPort {
  state: ConnectionState = { status: 'connecting' };
  readonly sent: SentCommand[] = [];
  closed = false;
  agent: AgentView | null = null;
  readonly handoffs = new Map<string, Handoff>();
  /** The team's product items, for the product commands (suggest answers with all of the asked kind). */
  readonly products = new Map<string, ProductItem>();
  respond: Responder = (command, payload) => this.actLikeHub(command, payload);
  readonly #listeners = new Map<string, Set<(payload: never) => void>>();
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();

  onState(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  on<E extends ServerEventName>(event: E, listener: (payload: ServerEventPayload<E>) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  async send<C extends CommandName>(command: C, payload: CommandInput<C>, options: SendOptions = {}): Promise<AckOf<C>> {
    const opId = options.opId ?? globalThis.crypto.randomUUID();
    if (this.state.status !== 'connected') {
      return { ok: false, error: { code: 'timeout', message: `${command}: not connected to the hub (${this.state.status}), so it was not sent` } };
    }
    this.sent.push({ command, payload: payload, opId });
    return (await this.respond(command, { ...(payload as Record<string, unknown>), opId })) as AckOf<C>;
  }

  close(): void {
    this.closed = true;
    this.setState({ status: 'disconnected', reason: 'closed' });
  }

  // The hub's side.

  emit<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void {
    if (event === 'handoff:offered' || event === 'handoff:changed') {
      const { handoff } = payload as ServerEventPayload<'handoff:changed'>;
      this.handoffs.set(handoff.id, handoff);
    }
    for (const listener of [...(this.#listeners.get(event) ?? [])]) (listener as (p: ServerEventPayload<E>) => void)(payload);
  }

  setState(state: ConnectionState): void {
    this.state = state;
    for (const listener of [...this.#stateListeners]) listener(state);
  }

  /** Connects and sends what the hub sends first: session, then the snapshot. */
  connectAs(agent: AgentView, handoffs: Handoff[] = [...this.handoffs.values()], serverTime = new Date().toISOString()): void {
    this.agent = agent;
    for (const h of handoffs) this.handoffs.set(h.id, h);
    this.setState({ status: 'connected' });
    this.emit('session', { agent, serverTime });
    this.emit('handoffs:snapshot', { handoffs });
  }

  /** The connection drops; socket.io starts reconnecting. */
  drop(attempt = 0): void {
    this.setState({ status: 'reconnecting', attempt });
  }

  commands(command?: CommandName): SentCommand[] {
    return command ? this.sent.filter((c) => c.command === command) : this.sent;
  }

  private actLikeHub(command: CommandName, payload: Record<string, unknown>): unknown {
    if (command === 'presence:set') {
      const agent = { ...this.agent!, presence: (payload as CommandPayload<'presence:set'>).status };
      this.agent = agent;
      return { ok: true, agent };
    }
    if (command === 'handoffs:reassign') {
      const { handoffIds, to } = payload as CommandPayload<'handoffs:reassign'>;
      const moved = handoffIds.map((id) => {
        const h = this.handoffs.get(id)!;
        const next: Handoff =
          'agentId' in to
            ? { ...h, status: 'accepted', assignee: { id: to.agentId, name: to.agentId }, offer: null }
            : { ...h, status: 'queued', assignee: null, offer: null };
        this.handoffs.set(id, next);
        return next;
      });
      return { ok: true, handoffs: moved, failures: [] };
    }
    if (command === 'product:suggest') {
      const { query } = payload as CommandPayload<'product:suggest'>;
      const items = [...this.products.values()].filter((i) => !query.kind || i.kind === query.kind);
      return { ok: true, suggestions: items.map((item) => ({ item, score: 0.5 })) };
    }
    if (command === 'product:list') return { ok: true, items: [...this.products.values()] };
    if (command === 'product:setStatus') {
      const { productItemId, status } = payload as CommandPayload<'product:setStatus'>;
      const item = { ...this.products.get(productItemId)!, status };
      this.products.set(item.id, item);
      return { ok: true, item };
    }
    const handoff = this.handoffs.get(String(payload.handoffId));
    if (!handoff) return { ok: false, error: { code: 'not_found', message: `There is no handoff ${String(payload.handoffId)}.` } };
    const me = { id: this.agent!.id, name: this.agent!.name };
    const next: Handoff = (() => {
      switch (command) {
        case 'handoff:accept':
          return { ...handoff, status: 'accepted', assignee: me, offer: null };
        case 'handoff:decline':
          return { ...handoff, status: 'queued', offer: null };
        case 'handoff:returnToBot':
          return { ...handoff, status: 'returned_to_bot' };
        case 'handoff:routeToProduct':
          return { ...handoff, status: 'routed_to_product' };
        case 'handoff:resolve':
          return { ...handoff, status: 'resolved' };
        default:
          return handoff;
      }
    })();
    this.handoffs.set(next.id, next);
    return { ok: true, handoff: next };
  }
}
