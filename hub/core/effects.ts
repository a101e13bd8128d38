import type { ErrorCode, ServerEventName, ServerEventPayload } from '../../shared/protocol/index.ts';
import type { Queryable } from '../store/db.ts';

export interface Emission<E extends ServerEventName = ServerEventName> {
  rooms: string[];
  event: E;
  payload: ServerEventPayload<E>;
}

export const agentRoom = (agentId: string): string => `agent:${agentId}`;
export const leadsRoom = (team: string): string => `leads:${team}`;

/**
 * What a transaction wants the world to hear once it commits. Nothing is sent before the
 * commit, so an agent never sees a change that was rolled back.
 */
export class Effects {
  readonly emissions: Emission[] = [];
  readonly teamsToRoute = new Set<string>();
  /** Agents whose presence or load changed: they get a new `session`, their leads `agents:changed`. */
  readonly agentsChanged = new Set<string>();
  /** Direct answers to whoever asked (a connecting app's snapshot), sent before the emissions. */
  readonly replies: Array<() => void> = [];
  webhooks = false;
  /** Requests to product tools (GitHub, Jira, Linear, webhook) were written to the connector outbox. */
  connectors = false;
  /** Calls back to a messaging platform were written to the platform outbox. */
  platformCalls = false;
  earliestExpiry: Date | null = null;

  emit<E extends ServerEventName>(rooms: string[], event: E, payload: ServerEventPayload<E>): void {
    if (rooms.length > 0) this.emissions.push({ rooms, event, payload });
  }

  offerExpiresAt(at: Date): void {
    if (!this.earliestExpiry || at < this.earliestExpiry) this.earliestExpiry = at;
  }

  /** Takes on what a nested step recorded, once that step is known to have succeeded. */
  absorb(other: Effects): void {
    this.emissions.push(...other.emissions);
    this.replies.push(...other.replies);
    for (const team of other.teamsToRoute) this.teamsToRoute.add(team);
    for (const id of other.agentsChanged) this.agentsChanged.add(id);
    this.webhooks ||= other.webhooks;
    this.connectors ||= other.connectors;
    this.platformCalls ||= other.platformCalls;
    if (other.earliestExpiry) this.offerExpiresAt(other.earliestExpiry);
  }
}

/** One transaction's view: where to read and write, its single notion of now, and its effects. */
export interface Tx {
  q: Queryable;
  now: Date;
  fx: Effects;
}

/** A command the hub refuses, with a message a person can act on. Nothing it did is kept. */
export class CommandFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
