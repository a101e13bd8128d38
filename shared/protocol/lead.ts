// What team leads see and read besides what every app gets: the team's settings, the board's
// view of each agent, reassignment notices, and metrics (over HTTP, and `team:metrics` over the
// socket). The other lead commands (`handoffs:reassign`, `agent:setPresence`, `team:configure`,
// `handoff:get`) are in socket.ts with the rest, because they are built from the same fields.
import { z } from 'zod';
import { maxUnits } from './units.ts';
import { AgentView, RoutingMode } from './agent.ts';
import { Handoff, Person, PRODUCT_KINDS } from './handoff.ts';
import { CHANNELS, TRIGGER_REASONS } from './packet.ts';

const timestamp = z.iso.datetime({ offset: true });

/** The first and last instants a date-time the hub stores may name: years 0001 to 9999 (UTC), what PostgreSQL's timestamptz reads back as written. */
export const EARLIEST_STORED_TIME = Date.parse('0001-01-01T00:00:00Z');
export const LATEST_STORED_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A date-time the hub compares with stored ones: ISO 8601 with an offset, naming an instant in
 * years 0001–9999 UTC. Year 0000 (or 0001 with a positive offset) is valid ISO 8601 but names a
 * year PostgreSQL has no input for; it is refused here rather than by the store.
 */
const storedTimestamp = timestamp.refine((value) => {
  const at = Date.parse(value);
  return at >= EARLIEST_STORED_TIME && at <= LATEST_STORED_TIME;
}, 'must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z');

/** A team's settings as leads see them (`team:changed`, and in the `team:configure` ack). */
export const TeamView = z.object({
  name: z.string(),
  routing: RoutingMode,
  /** How long an offer stands before it moves on (new offers; an open offer keeps its `expiresAt`). */
  offerTimeoutSeconds: z.number().positive(),
  /** A queued or offered handoff is stalled once it has waited this long since `queuedAt`. */
  stalledQueueSeconds: z.number().positive(),
  /** An accepted handoff is stalled once nothing happened to it (no event) for this long. */
  stalledAcceptedSeconds: z.number().positive(),
});
export type TeamView = z.infer<typeof TeamView>;

/** An agent as the lead board shows them, in `agents:changed`. */
export const TeamAgentView = AgentView.extend({
  /** The handoffs the agent holds (status `accepted`), oldest first. `load` is their number. */
  handoffIds: z.array(z.string()),
  /** When the agent last accepted an offer; null when never. (A lead's reassignment is not an accept.) */
  lastAcceptedAt: timestamp.nullable(),
});
export type TeamAgentView = z.infer<typeof TeamAgentView>;

/**
 * To the agent a lead gave a handoff (`handoff:reassign` or `handoffs:reassign` with `{agentId}`),
 * right after its `handoff:changed`. `handoff` carries its `events`, so the app can show the
 * whole history at once.
 */
export const ReassignedEvent = z.object({
  handoff: Handoff,
  by: Person,
  note: z.string().optional(),
});
export type ReassignedEvent = z.infer<typeof ReassignedEvent>;

/** To the team's leads: on connect (right after `session`) and whenever the settings change. */
export const TeamChangedEvent = z.object({ team: TeamView });
export type TeamChangedEvent = z.infer<typeof TeamChangedEvent>;

// ---------------------------------------------------------------------------------------------
// Metrics: GET /v1/teams/:team/metrics?from=&to= (and metrics.csv)

/** The longest period one metrics request may cover. */
export const MAX_METRICS_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;

/** Checks a half-open period [from, to): `to` after `from`, at most `maxDays` later. */
function checkPeriod(maxDays: number) {
  return ({ from, to }: { from: string; to: string }, ctx: z.RefinementCtx) => {
    const span = Date.parse(to) - Date.parse(from);
    if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (span > maxDays * DAY_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${maxDays} days after from` });
  };
}

/** The query of a metrics request: the period [from, to), ISO 8601 with an offset. */
export const MetricsQuery = z.strictObject({ from: storedTimestamp, to: storedTimestamp }).superRefine(checkPeriod(MAX_METRICS_PERIOD_DAYS));
export type MetricsQuery = z.infer<typeof MetricsQuery>;

/**
 * `team:metrics`, a read over the socket: the lead's own team over [from, to), as the HTTP
 * endpoint computes it (the console cannot fetch HTTP from its desktop origin). With `agentId`,
 * `agents` holds only that person (zeros if they did nothing); `totals` stay the team's.
 */
export const TeamMetricsCommand = z
  .strictObject({
    /** Accepted (clients add one to every command) but nothing is stored: repeating it reads again. */
    opId: z.uuid().optional(),
    from: storedTimestamp,
    to: storedTimestamp,
    agentId: z.string().min(1).check(maxUnits(200)).optional(),
  })
  .superRefine(checkPeriod(MAX_METRICS_PERIOD_DAYS));
export type TeamMetricsCommand = z.infer<typeof TeamMetricsCommand>;

/** Channels as counted by metrics: a packet without `channel` counts as `unspecified`. */
export const METRIC_CHANNELS = [...CHANNELS, 'unspecified'] as const;
export type MetricChannel = (typeof METRIC_CHANNELS)[number];

const count = z.number().int().nonnegative();
const countsOf = <K extends string>(keys: readonly [K, ...K[]]) => z.record(z.enum(keys), count);

export const TimeToAccept = z.object({
  /** How many accepts were measured. */
  count,
  /** Seconds, nearest rank (the lower middle value for an even count); null without accepts. */
  medianSeconds: z.number().nonnegative().nullable(),
  p90Seconds: z.number().nonnegative().nullable(),
});
export type TimeToAccept = z.infer<typeof TimeToAccept>;

/** The figures computed for the team and for each agent (see docs/protocol.md §11 for definitions). */
export const MetricFigures = z.object({
  handoffs: count,
  byReason: countsOf(TRIGGER_REASONS),
  byChannel: countsOf(METRIC_CHANNELS),
  timeToAccept: TimeToAccept,
  offersExpired: count,
  /** Decline reasons are free text: grouped by exact text, most frequent first. */
  declines: z.object({ total: count, byReason: z.array(z.object({ reason: z.string(), count })) }),
  /** `rate` = count / finished, where finished = returned to the bot + routed to product + resolved; null when nothing was finished. */
  returnToBot: z.object({ count, finished: count, rate: z.number().min(0).max(1).nullable() }),
  productRoutes: countsOf(PRODUCT_KINDS),
  resolved: count,
});
export type MetricFigures = z.infer<typeof MetricFigures>;

export const Deflection = z.object({
  /** Conversations the bots reported for periods inside the requested one. */
  conversations: count,
  /** Handoffs those bots made during the periods they reported. */
  handoffs: count,
  /** 1 − handoffs / conversations; null when no conversations were reported. Negative if a bot reported fewer conversations than it handed off. */
  rate: z.number().max(1).nullable(),
  /**
   * Who reported what: each integration whose counts are in `conversations`, by name, with its
   * conversations and its handoffs during the periods it reported. Always sent by this hub.
   */
  byIntegration: z.array(z.object({ integration: Person, conversations: count, handoffs: count })).optional(),
});
export type Deflection = z.infer<typeof Deflection>;

export const TeamMetrics = MetricFigures.extend({ deflection: Deflection });
export type TeamMetrics = z.infer<typeof TeamMetrics>;

export const AgentMetrics = MetricFigures.extend({ agent: Person });
export type AgentMetrics = z.infer<typeof AgentMetrics>;

/** `GET /v1/teams/:team/metrics` → 200. */
export const MetricsReport = z.object({
  team: z.string(),
  from: timestamp,
  to: timestamp,
  totals: TeamMetrics,
  agents: z.array(AgentMetrics),
});
export type MetricsReport = z.infer<typeof MetricsReport>;

// ---------------------------------------------------------------------------------------------
// Deflection ingress: POST /v1/stats/conversations

/** The longest period one conversation count may cover. */
export const MAX_CONVERSATION_PERIOD_DAYS = 31;

/**
 * How many conversations a bot handled in [from, to), handed off or not. Posting the same period
 * again replaces the count; a period that overlaps another one of yours (for the same team) is
 * refused, so nothing is counted twice.
 */
export const ConversationCountBody = z
  .strictObject({
    from: storedTimestamp,
    to: storedTimestamp,
    count: z.number().int().min(0).max(1_000_000_000),
    /** Default: the integration's team. */
    team: z.string().min(1).check(maxUnits(200)).optional(),
  })
  .superRefine(checkPeriod(MAX_CONVERSATION_PERIOD_DAYS));
export type ConversationCountBody = z.infer<typeof ConversationCountBody>;

export const ConversationCount = z.object({
  team: z.string(),
  from: timestamp,
  to: timestamp,
  count,
  receivedAt: timestamp,
});
export type ConversationCount = z.infer<typeof ConversationCount>;

/** `POST /v1/stats/conversations` → 201 (new period) or 200 (the period's count replaced). */
export const ConversationCountResponse = z.object({ conversations: ConversationCount, replaced: z.boolean() });
export type ConversationCountResponse = z.infer<typeof ConversationCountResponse>;
