// Team and agent metrics over a period, from handoffs with their events and the conversation
// counts bots reported. Pure: the hub loads the inputs with SQL (hub/lead/metrics-store.ts), and
// the same code can run anywhere the inputs are at hand.
//
// Definitions, for a period P = [from, to):
// - handoffs, byReason, byChannel — team: handoffs of the team created in P. Agent: the distinct
//   handoffs the agent took in P (accepted an offer, or a lead reassigned it to them).
// - timeToAccept — one sample per `accepted` event in P: seconds from the moment the handoff
//   last entered the queue (its creation, or a lead sending it back to the queue) to the accept.
//   Median and 90th percentile by nearest rank: the value at rank ceil(p/100 × n) of the n
//   samples sorted ascending (so for an even n the median is the lower middle value). Agent: the
//   accepts they made.
// - offersExpired — `offer_expired` events in P (an agent: those whose offer it was).
// - declines — `declined` events in P, by their reason text (an agent: their own declines).
// - returnToBot — returned-to-bot events in P, over all handoffs agents finished in P (returned to
//   the bot, routed to product, resolved). Cancellations by the bot are not counted.
// - productRoutes, resolved — those events in P (an agent: the ones they did).
// - deflection (team only) — reports whose whole period lies in P count; conversations is their
//   sum, handoffs the team's handoffs those integrations created during those reported periods,
//   rate = 1 − handoffs / conversations (null without reports).
import {
  CHANNELS,
  METRIC_CHANNELS,
  PRODUCT_KINDS,
  TRIGGER_REASONS,
  type Actor,
  type AgentMetrics,
  type Channel,
  type Deflection,
  type HandoffEventType,
  type MetricChannel,
  type MetricFigures,
  type MetricsReport,
  type Person,
  type ProductKind,
  type TriggerReason,
} from '../protocol/index.ts';

/** The parts of a HandoffEvent metrics read; a whole HandoffEvent fits. */
export interface MetricsEvent {
  type: HandoffEventType;
  at: string;
  actor: Actor;
  reason?: string;
  agentIds?: readonly string[];
  product?: { kind: ProductKind };
}

export interface MetricsHandoff {
  id: string;
  /** The integration (bot) that created it. */
  integrationId: string;
  reason: TriggerReason;
  channel: Channel | null;
  createdAt: string;
  /** Oldest first, all of them (also those before the period: they tell when it was queued). */
  events: readonly MetricsEvent[];
}

/** A bot's count of the conversations it handled in [from, to). */
export interface ConversationReport {
  integrationId: string;
  /** The integration's name, as the report names who reported what. */
  integrationName: string;
  from: string;
  to: string;
  count: number;
}

export interface MetricsInput {
  team: string;
  from: string;
  to: string;
  /** Agents to report on (the team's agents); anyone else found acting in P is added. */
  agents: readonly Person[];
  /** The team's handoffs created in P or with an event in P. Others are ignored where they do not count. */
  handoffs: readonly MetricsHandoff[];
  conversations: readonly ConversationReport[];
  /** Report on this person only (the report's `agents`); the totals stay the team's. */
  agentId?: string;
}

/**
 * The nearest-rank percentile of values sorted ascending: the value at rank ceil(p/100 × n),
 * 1-based. Null for no values. E.g. [10, 20, 30, 40, 100]: p50 → rank 3 → 30; p90 → rank 5 → 100.
 */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p * sorted.length) / 100)));
  return sorted[rank - 1]!;
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/** One scope's running counts: the team, or one agent. */
class Tally {
  readonly #handoffs = new Set<string>();
  readonly #byReason = zeros(TRIGGER_REASONS);
  readonly #byChannel = zeros(METRIC_CHANNELS);
  readonly #acceptSeconds: number[] = [];
  #offersExpired = 0;
  readonly #declines = new Map<string, number>();
  #returned = 0;
  readonly #routes = zeros(PRODUCT_KINDS);
  #resolved = 0;

  take(handoff: MetricsHandoff): void {
    if (this.#handoffs.has(handoff.id)) return;
    this.#handoffs.add(handoff.id);
    this.#byReason[handoff.reason] += 1;
    const channel: MetricChannel = handoff.channel && (CHANNELS as readonly string[]).includes(handoff.channel) ? handoff.channel : 'unspecified';
    this.#byChannel[channel] += 1;
  }

  accepted(seconds: number): void {
    this.#acceptSeconds.push(seconds);
  }

  offerExpired(): void {
    this.#offersExpired += 1;
  }

  declined(reason: string): void {
    this.#declines.set(reason, (this.#declines.get(reason) ?? 0) + 1);
  }

  finished(event: MetricsEvent): void {
    if (event.type === 'returned_to_bot') this.#returned += 1;
    if (event.type === 'resolved') this.#resolved += 1;
    if (event.type === 'routed_to_product' && event.product) this.#routes[event.product.kind] += 1;
  }

  figures(): MetricFigures {
    const sorted = [...this.#acceptSeconds].sort((a, b) => a - b);
    const finished = this.#returned + this.#resolved + PRODUCT_KINDS.reduce((sum, kind) => sum + this.#routes[kind], 0);
    const declines = [...this.#declines].map(([reason, count]) => ({ reason, count }));
    declines.sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
    return {
      handoffs: this.#handoffs.size,
      byReason: { ...this.#byReason },
      byChannel: { ...this.#byChannel },
      timeToAccept: { count: sorted.length, medianSeconds: nearestRank(sorted, 50), p90Seconds: nearestRank(sorted, 90) },
      offersExpired: this.#offersExpired,
      declines: { total: declines.reduce((sum, d) => sum + d.count, 0), byReason: declines },
      returnToBot: { count: this.#returned, finished, rate: finished === 0 ? null : this.#returned / finished },
      productRoutes: { ...this.#routes },
      resolved: this.#resolved,
    };
  }
}

const FINISHING: ReadonlySet<HandoffEventType> = new Set(['returned_to_bot', 'routed_to_product', 'resolved']);

export function computeMetrics(input: MetricsInput): MetricsReport {
  const from = Date.parse(input.from);
  const to = Date.parse(input.to);
  const inPeriod = (at: string): boolean => {
    const ms = Date.parse(at);
    return ms >= from && ms < to;
  };

  const team = new Tally();
  const names = new Map(input.agents.map((a) => [a.id, a.name]));
  const agents = new Map<string, Tally>(input.agents.map((a) => [a.id, new Tally()]));
  const agent = (id: string): Tally => {
    let tally = agents.get(id);
    if (!tally) agents.set(id, (tally = new Tally()));
    return tally;
  };

  for (const handoff of input.handoffs) {
    if (inPeriod(handoff.createdAt)) team.take(handoff);
    let queuedAt = Date.parse(handoff.createdAt);
    for (const event of handoff.events) {
      const requeued = event.type === 'reassigned' && event.agentIds?.length === 0;
      if (requeued) queuedAt = Date.parse(event.at);
      if (!inPeriod(event.at)) continue;
      switch (event.type) {
        case 'accepted': {
          const seconds = Math.max(0, Date.parse(event.at) - queuedAt) / 1000;
          team.accepted(seconds);
          agent(event.actor.id).accepted(seconds);
          agent(event.actor.id).take(handoff);
          break;
        }
        case 'reassigned': {
          const to = event.agentIds?.[0];
          if (to !== undefined) agent(to).take(handoff);
          break;
        }
        case 'offer_expired':
          team.offerExpired();
          for (const id of event.agentIds ?? []) agent(id).offerExpired();
          break;
        case 'declined': {
          const reason = event.reason ?? '';
          team.declined(reason);
          agent(event.actor.id).declined(reason);
          break;
        }
        default:
          if (FINISHING.has(event.type)) {
            team.finished(event);
            if (event.actor.kind === 'agent' || event.actor.kind === 'lead') agent(event.actor.id).finished(event);
          }
      }
    }
  }

  const listed = input.agentId === undefined ? [...agents.keys()] : [...agents.keys()].filter((id) => id === input.agentId);
  const byName = listed.map((id) => ({ id, name: names.get(id) ?? id }));
  byName.sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const agentMetrics: AgentMetrics[] = byName.map((person) => ({ agent: person, ...agents.get(person.id)!.figures() }));

  return {
    team: input.team,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    totals: { ...team.figures(), deflection: deflection(input, from, to) },
    agents: agentMetrics,
  };
}

function deflection(input: MetricsInput, from: number, to: number): Deflection {
  const reports = input.conversations.filter((r) => Date.parse(r.from) >= from && Date.parse(r.to) <= to);
  const byIntegration = new Map<string, { integration: Person; conversations: number; handoffs: number }>();
  for (const r of reports) {
    const entry = byIntegration.get(r.integrationId) ?? { integration: { id: r.integrationId, name: r.integrationName }, conversations: 0, handoffs: 0 };
    entry.conversations += r.count;
    byIntegration.set(r.integrationId, entry);
  }
  for (const h of input.handoffs) {
    const created = Date.parse(h.createdAt);
    if (reports.some((r) => r.integrationId === h.integrationId && created >= Date.parse(r.from) && created < Date.parse(r.to))) byIntegration.get(h.integrationId)!.handoffs += 1;
  }
  const entries = [...byIntegration.values()].sort((a, b) => a.integration.name.localeCompare(b.integration.name) || (a.integration.id < b.integration.id ? -1 : 1));
  const conversations = entries.reduce((sum, e) => sum + e.conversations, 0);
  const handoffs = entries.reduce((sum, e) => sum + e.handoffs, 0);
  return { conversations, handoffs, rate: conversations === 0 ? null : 1 - handoffs / conversations, byIntegration: entries };
}

// ---------------------------------------------------------------------------------------------
// CSV

export const METRICS_CSV_HEADER = ['from', 'to', 'team', 'agent_id', 'agent_name', 'metric', 'value'] as const;

/** Each figure as `[metric, value]`, in a fixed order; null values stay null (an empty cell). */
function flatten(figures: MetricFigures): Array<[string, number | null]> {
  return [
    ['handoffs', figures.handoffs],
    ...TRIGGER_REASONS.map((r): [string, number] => [`handoffs.reason.${r}`, figures.byReason[r]]),
    ...METRIC_CHANNELS.map((c): [string, number] => [`handoffs.channel.${c}`, figures.byChannel[c]]),
    ['time_to_accept.count', figures.timeToAccept.count],
    ['time_to_accept.median_seconds', figures.timeToAccept.medianSeconds],
    ['time_to_accept.p90_seconds', figures.timeToAccept.p90Seconds],
    ['offers_expired', figures.offersExpired],
    ['declines', figures.declines.total],
    ...figures.declines.byReason.map((d): [string, number] => [`declines.reason.${d.reason}`, d.count]),
    ['return_to_bot.count', figures.returnToBot.count],
    ['return_to_bot.finished', figures.returnToBot.finished],
    ['return_to_bot.rate', figures.returnToBot.rate],
    ...PRODUCT_KINDS.map((k): [string, number] => [`product_routes.${k}`, figures.productRoutes[k]]),
    ['resolved', figures.resolved],
  ];
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * Text that a spreadsheet would run as a formula (= + - @ tab CR first) gets a leading `'`.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** File-name friendly: 2026-03-02T09:00:00.000Z → 20260302T090000Z. */
const compact = (iso: string): string => iso.replace(/\.\d+/, '').replace(/[-:]/g, '');

/** What a report's CSV is called when saved: `baton-metrics-<team>[-<agent id>]-<from>-<to>.csv`. */
export function metricsCsvFileName(report: Pick<MetricsReport, 'team' | 'from' | 'to'>, agentId?: string): string {
  return `baton-metrics-${report.team}${agentId === undefined ? '' : `-${agentId}`}-${compact(report.from)}-${compact(report.to)}.csv`;
}

/** The report as CSV: a header, then one row per scope (team, then each agent) and metric; CRLF line ends. */
export function metricsToCsv(report: MetricsReport): string {
  const rows: Array<Array<string | number | null>> = [[...METRICS_CSV_HEADER]];
  const { deflection: d, ...totals } = report.totals;
  for (const [metric, value] of [
    ...flatten(totals),
    ['deflection.conversations', d.conversations],
    ['deflection.handoffs', d.handoffs],
    ['deflection.rate', d.rate],
    ...(d.byIntegration ?? []).flatMap(({ integration, conversations, handoffs }): Array<[string, number]> => [
      [`deflection.integration.${integration.name}.conversations`, conversations],
      [`deflection.integration.${integration.name}.handoffs`, handoffs],
    ]),
  ] as Array<[string, number | null]>) {
    rows.push([report.from, report.to, report.team, '', '', metric, value]);
  }
  for (const { agent, ...figures } of report.agents) {
    for (const [metric, value] of flatten(figures)) rows.push([report.from, report.to, report.team, agent.id, agent.name, metric, value]);
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
