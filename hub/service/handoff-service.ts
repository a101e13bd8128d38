import type {
  AckOf,
  AgentView,
  CommandName,
  CommandPayload,
  CommandResult,
  ContextPacket,
  ConversationCountBody,
  Handoff,
  TeamAgentView,
  TeamView,
} from '../../shared/protocol/index.ts';
import { COMMANDS, READ_COMMANDS, issueList } from '../../shared/protocol/index.ts';
import { agentDisconnected, appConnected, appsGone, setPresence } from '../agents/presence.ts';
import { SerialQueue } from '../store/serial.ts';
import { expireOffers, nextOfferExpiry, routeTeam } from '../routing/router.ts';
import { configureTeam, getHandoff, reassignMany, setAgentPresence, teamMetrics } from '../lead/actions.ts';
import { recordConversationCount } from '../lead/conversations.ts';
import { findTeamView, teamAgentViews } from '../lead/board.ts';
import { findAgent, toAgentView } from '../store/agents.ts';
import { strandedAgents } from '../store/hubs.ts';
import { lockTeamsOfAgents } from '../core/team-locks.ts';
import { findOp, recordOp } from '../store/agent-ops.ts';
import type { Db, Queryable } from '../store/db.ts';
import { findHandoffRow, listEvents, openHandoffRowsFor, toHandoff } from '../store/records.ts';
import { accept, decline, reassign, resolve, returnToBot } from '../handoffs/agent-actions.ts';
import { PRODUCT_HANDLERS, routeToProduct } from '../product/commands.ts';
import { cancelHandoff, createHandoff } from '../handoffs/bot-actions.ts';
import { IntegrationKeys, type Integration } from '../auth/integration-keys.ts';
import { CommandFailure, Effects, agentRoom, leadsRoom, type Emission, type Tx } from '../core/effects.ts';

export interface ServiceOptions {
  db: Db;
  /** This hub process's id: its lease row, and the connections of the apps connected to it. */
  hubId: string;
  now?: () => Date;
  /** Sends what a committed transaction announced (socket.io in the hub, a recorder in tests). */
  emit: (emission: Emission) => void;
  onWebhooksQueued?: () => void;
  /** Requests to product tools were queued (the connector deliverer should look). */
  onConnectorsQueued?: () => void;
  /** Calls back to a messaging platform were queued (the platform deliverer should look). */
  onPlatformCallsQueued?: () => void;
  onError?: (error: unknown, context: string) => void;
}

/** How each command changes state; returns what its ack carries besides `ok: true`. */
type CommandHandler<C extends CommandName> = (t: Tx, agentId: string, payload: CommandPayload<C>) => Promise<CommandResult<C>>;
const handoffResult =
  <P>(run: (t: Tx, agentId: string, payload: P) => Promise<Handoff>) =>
  async (t: Tx, agentId: string, payload: P) => ({ handoff: await run(t, agentId, payload) });

const COMMAND_HANDLERS: { [C in CommandName]: CommandHandler<C> } = {
  'handoff:accept': handoffResult(accept),
  'handoff:decline': handoffResult(decline),
  'handoff:returnToBot': handoffResult(returnToBot),
  'handoff:routeToProduct': handoffResult(routeToProduct),
  'handoff:resolve': handoffResult(resolve),
  'handoff:reassign': handoffResult(reassign),
  'presence:set': async (t, agentId, { status }) => {
    await setPresence(t, agentId, status);
    return { agent: toAgentView((await findAgent(t.q, agentId))!) };
  },
  'handoffs:reassign': reassignMany,
  'agent:setPresence': setAgentPresence,
  'team:configure': configureTeam,
  'handoff:get': getHandoff,
  'team:metrics': teamMetrics,
  ...PRODUCT_HANDLERS,
};
const READS: ReadonlySet<CommandName> = new Set(READ_COMMANDS);

/** PostgreSQL's deadlock_detected, serialization_failure and unique_violation: worth one more try. */
const RETRYABLE: ReadonlySet<string> = new Set(['40P01', '40001', '23505']);
const MAX_ATTEMPTS = 3;

/** Whether a lead of the team has an app connected to any hub. */
async function leadsConnected(t: Tx, team: string): Promise<boolean> {
  const { rows } = await t.q.query(`select 1 from agents where team = $1 and role = 'lead' and connected limit 1`, [team]);
  return rows.length > 0;
}

/**
 * The hub's one way to change state. Every change runs in a transaction, one at a time; what it
 * announces (socket events, webhooks, the next offer expiry) happens only after it commits.
 */
export class HandoffService {
  private readonly serial = new SerialQueue();
  private readonly now: () => Date;
  private expiryTimer: NodeJS.Timeout | undefined;
  private expiryAt: Date | null = null;
  private closed = false;
  /** Disconnects waiting in the queue, while nothing else has been queued after them. */
  private disconnects: { agentIds: Set<string>; done: Promise<void> } | undefined;
  /** Signs bots in by their integration key. */
  readonly integrations: IntegrationKeys;

  constructor(private readonly options: ServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.integrations = new IntegrationKeys(options.db);
  }

  /** Offers that expired while no hub was running move on. */
  async start(): Promise<void> {
    await this.refreshExpiry();
  }

  /**
   * Wakes for the next offer to expire, whichever hub made it: a hub that stopped or died no
   * longer expires its own offers, so every hub looks now and then (hub/cluster/).
   */
  async refreshExpiry(): Promise<void> {
    await this.scheduleExpiry(await nextOfferExpiry({ q: this.options.db }));
  }

  /**
   * Agents still marked connected whose apps were on a hub that is gone (its lease released or
   * run out): they are disconnected, in one transaction, and the offers they held move on.
   * Returns how many.
   */
  async disconnectStranded(): Promise<number> {
    const found = await strandedAgents(this.options.db);
    if (found.length === 0) return 0;
    return this.mutate(async (t) => {
      await lockTeamsOfAgents(t, found);
      // Under the teams' locks: an app that reconnected meanwhile keeps its agent connected.
      const stranded = await strandedAgents(t.q, found);
      for (const id of stranded) await agentDisconnected(t, id);
      return stranded.length;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.expiryTimer);
    await this.serial.idle();
  }

  /** Waits for every change queued so far (graceful shutdown, tests). */
  idle(): Promise<void> {
    return this.serial.idle();
  }

  get db(): Queryable {
    return this.options.db;
  }

  createHandoff(integration: Integration, packet: ContextPacket, idempotencyKey?: string) {
    return this.mutate((t) => createHandoff(t, integration, packet, idempotencyKey));
  }

  cancelHandoff(integrationId: string, handoffId: string, reason?: string) {
    return this.mutate((t) => cancelHandoff(t, integrationId, handoffId, reason));
  }

  /** A bot's count of the conversations it handled in a period (deflection metrics). */
  recordConversationCount(integration: Integration, body: ConversationCountBody) {
    return this.mutate((t) => recordConversationCount(t, integration, body));
  }

  /** A handoff with its history, for the integration that created it. */
  async handoffWithEvents(integrationId: string, handoffId: string): Promise<Handoff | undefined> {
    const row = await findHandoffRow(this.options.db, handoffId);
    if (!row || row.integration_id !== integrationId) return undefined;
    return { ...toHandoff(row), events: await listEvents(this.options.db, handoffId) };
  }

  /** What an app sees on (re)connect: its offers and handoffs, and for leads the team's open work. */
  async snapshotFor(agent: AgentView, q: Queryable = this.options.db): Promise<Handoff[]> {
    const rows = await openHandoffRowsFor(q, agent.id, agent.role === 'lead' ? agent.team : undefined);
    return rows.map(toHandoff);
  }

  /**
   * An app connected. `deliver` gets the session and snapshot as they stood at this commit, before
   * anything later is announced, so the app never sees an event older than its snapshot. Leads
   * also get their team's people and settings.
   */
  connected(
    agentId: string,
    deliver: (agent: AgentView, handoffs: Handoff[], lead?: { agents: TeamAgentView[]; team: TeamView }) => void,
  ): Promise<void> {
    return this.mutate(async (t) => {
      await lockTeamsOfAgents(t, [agentId]);
      await appConnected(t, agentId, this.options.hubId);
      const agent = toAgentView((await findAgent(t.q, agentId))!);
      const handoffs = await this.snapshotFor(agent, t.q);
      const lead = agent.role === 'lead' ? { agents: await teamAgentViews(t.q, agent.team), team: (await findTeamView(t.q, agent.team))! } : undefined;
      t.fx.replies.push(() => deliver(agent, handoffs, lead));
    });
  }

  /**
   * The agent's last app went away. Disconnects that arrive with nothing queued between them are
   * applied together, in one transaction: when many agents drop at once (a site loses its
   * network), their offers then go only to agents still connected, instead of from each leaving
   * agent to the next one about to leave. Anything else queued closes the batch, so changes keep
   * their order.
   */
  disconnected(agentId: string): Promise<void> {
    if (this.disconnects) {
      this.disconnects.agentIds.add(agentId);
      return this.disconnects.done;
    }
    const agentIds = new Set([agentId]);
    const done = this.mutate(async (t) => {
      // Sockets closing together arrive as separate events, and a transaction runs to its end
      // before the next is read: one turn of the event loop lets those already here join.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.disconnects?.agentIds === agentIds) this.disconnects = undefined;
      await lockTeamsOfAgents(t, [...agentIds]);
      for (const id of agentIds) await appsGone(t, id, this.options.hubId);
    });
    this.disconnects = { agentIds, done };
    return done;
  }

  /**
   * Runs an app's command once per opId: the ack is stored with the change, so the same opId
   * again (a retry after a lost ack) gets the same ack and changes nothing.
   */
  async command<C extends CommandName>(agentId: string, name: C, input: unknown): Promise<AckOf<C>> {
    const parsed = COMMANDS[name].safeParse(input);
    if (!parsed.success) {
      const { issues, more } = issueList(parsed.error);
      const message = `Invalid ${name}: ${issues.map((i) => `${i.path || 'payload'} ${i.message}`).join('; ')}${more > 0 ? ` and ${more} more` : ''}`;
      return { ok: false, error: { code: 'invalid_command', message, issues, ...(more > 0 && { moreIssues: more }) } };
    }
    const payload = parsed.data as CommandPayload<C>;
    // A read has nothing to apply once: it is not recorded under its opId.
    if (READS.has(name)) return this.mutate((t) => this.attempt(t, agentId, name, payload));
    // Every command that changes state requires its opId (shared/protocol/socket.ts).
    const opId = payload.opId as string;
    return this.mutate(async (t) => {
      await lockTeamsOfAgents(t, [agentId]);
      const earlier = await findOp<AckOf<C>>(t.q, opId);
      if (earlier) {
        if (earlier.agentId === agentId && earlier.command === name) return earlier.ack;
        return { ok: false, error: { code: 'op_conflict', message: `opId ${opId} was already used for another command.` } };
      }
      const ack = await this.attempt(t, agentId, name, payload);
      await recordOp(t.q, opId, { agentId, command: name, ack });
      return ack;
    });
  }

  /** Runs the command inside a savepoint so a refusal leaves nothing behind but its ack. */
  private async attempt<C extends CommandName>(t: Tx, agentId: string, name: C, payload: CommandPayload<C>): Promise<AckOf<C>> {
    const local: Tx = { q: t.q, now: t.now, fx: new Effects() };
    await t.q.query('savepoint command');
    try {
      const handler = COMMAND_HANDLERS[name] as CommandHandler<C>;
      const ack = { ok: true, ...(await handler(local, agentId, payload)) } as AckOf<C>;
      await t.q.query('release savepoint command');
      t.fx.absorb(local.fx);
      return ack;
    } catch (error) {
      if (!(error instanceof CommandFailure)) throw error;
      await t.q.query('rollback to savepoint command');
      return { ok: false, error: { code: error.code, message: error.message } };
    }
  }

  /**
   * Runs a change that comes from outside the socket commands (a product tool's event, a
   * connector's recorded issue) like any other: serialized, one transaction, announced after it.
   */
  change<T>(work: (t: Tx) => Promise<T>): Promise<T> {
    return this.mutate(work);
  }

  private mutate<T>(work: (t: Tx) => Promise<T>): Promise<T> {
    this.disconnects = undefined;
    return this.serial.run(async () => {
      for (let attempt = 1; ; attempt++) {
        const t: Tx = { q: this.options.db, now: this.now(), fx: new Effects() };
        try {
          const result = await this.options.db.transaction(async (q) => {
            const tx: Tx = { ...t, q };
            const value = await work(tx);
            await this.settle(tx);
            return value;
          });
          this.announce(t.fx);
          return result;
        } catch (error) {
          // Hubs sharing a PostgreSQL may still meet in a circle of row locks, or insert the same
          // key at once (one request retried at two hubs): the database rolls one back, and it
          // runs again from the start, seeing what the other committed.
          if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has((error as { code?: unknown }).code as string)) throw error;
        }
      }
    });
  }

  /** Routes every team a change touched and prepares what agents and leads must hear. */
  private async settle(t: Tx): Promise<void> {
    for (const team of t.fx.teamsToRoute) await routeTeam(t, team);
    const teams = new Set<string>();
    for (const agentId of t.fx.agentsChanged) {
      const row = await findAgent(t.q, agentId);
      if (!row) continue;
      t.fx.emit([agentRoom(agentId)], 'session', { agent: toAgentView(row), serverTime: t.now.toISOString() });
      teams.add(row.team);
    }
    for (const team of teams) {
      if (!(await leadsConnected(t, team))) continue;
      t.fx.emit([leadsRoom(team)], 'agents:changed', { agents: await teamAgentViews(t.q, team) });
    }
  }

  private announce(fx: Effects): void {
    for (const reply of fx.replies) reply();
    for (const emission of fx.emissions) this.options.emit(emission);
    if (fx.webhooks) this.options.onWebhooksQueued?.();
    if (fx.connectors) this.options.onConnectorsQueued?.();
    if (fx.platformCalls) this.options.onPlatformCallsQueued?.();
    if (fx.earliestExpiry) void this.scheduleExpiry(fx.earliestExpiry);
  }

  private async scheduleExpiry(at: Date | null): Promise<void> {
    if (this.closed || !at || (this.expiryAt && this.expiryAt <= at)) return;
    clearTimeout(this.expiryTimer);
    this.expiryAt = at;
    // setTimeout cannot wait longer than ~24.8 days; offers never last that long.
    const delay = Math.min(Math.max(0, at.getTime() - this.now().getTime()), 2 ** 31 - 1);
    this.expiryTimer = setTimeout(() => void this.runExpiry(), delay);
  }

  private async runExpiry(): Promise<void> {
    this.expiryAt = null;
    try {
      await this.mutate((t) => expireOffers(t));
      await this.scheduleExpiry(await nextOfferExpiry({ q: this.options.db }));
    } catch (error) {
      this.options.onError?.(error, 'offer expiry');
      if (!this.closed) this.expiryTimer = setTimeout(() => void this.runExpiry(), 1_000);
    }
  }

  /** Lets tests and the clock-controlled paths run expiry now instead of waiting for the timer. */
  expireDueOffers(): Promise<void> {
    return this.runExpiry();
  }
}

