import type { ConsoleResult } from './console.ts';
import type { LatencyResult } from './latency.ts';
import type { MemoryResult } from './memory.ts';
import type { MultiHubResult } from './multihub.ts';
import { HUB_ON_POSTGRES, type PostgresCounts, type PostgresResult } from './postgres.ts';
import type { StormResult } from './storm.ts';
import type { ThroughputResult } from './throughput.ts';

/** What one `npm run bench` measured (bench/results/latest.json). */
export interface BenchResults {
  at: string;
  machine: Record<string, string | number>;
  latency?: LatencyResult[];
  throughput?: ThroughputResult;
  memory?: MemoryResult[];
  storm?: StormResult;
  console?: ConsoleResult;
  postgres?: PostgresResult;
  multihub?: MultiHubResult;
  /** Sections carried over from an earlier run (a run of some sections keeps the others): which run each comes from. */
  origin?: Partial<Record<'latency' | 'postgres' | 'multihub' | 'throughput' | 'memory' | 'storm' | 'console', string>>;
}

/** "2026-11-26 08:53 UTC at commit 9683cb3". */
export const runLabel = (results: BenchResults): string => `${results.at.slice(0, 16).replace('T', ' ')} UTC at commit ${results.machine.commit}`;

/** Hub CPU per handoff on PostgreSQL at or under which the target is met. */
const POSTGRES_CPU_TARGET_MS = 1.5;

const row = (cells: ReadonlyArray<string | number>): string => `| ${cells.join(' | ')} |`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;
const target = (ok: boolean): string => (ok ? 'met' : '**missed**');

/** The Markdown tables of docs/performance.md, from one run's results. */
export function renderTables(results: BenchResults): string {
  const parts: string[] = [];
  const m = results.machine;
  parts.push(
    `Run ${results.at.slice(0, 16).replace('T', ' ')} UTC at commit ${m.commit}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; ` +
      `Node ${m.node}, Chromium ${m.chromium}, PGlite ${m.pglite}, socket.io ${m['socket.io']}, fastify ${m.fastify}, React ${m.react}; ` +
      `load average ${m.loadAverage1m} when it started.`,
  );
  const carried = new Map<string, string[]>();
  for (const [section, label] of Object.entries(results.origin ?? {})) carried.set(label, [...(carried.get(label) ?? []), section]);
  for (const [label, sections] of carried) parts.push(`The ${sections.join(', ')} table(s) are from the run of ${label}.`);
  if (results.latency) {
    const lines = [
      row(['handoffs/s', 'server', 'runs', 'sent', 'offers received', 'median ms', 'p99 ms', 'p99 ms of each run', 'max ms', 'server CPU ms per handoff', 'server busy (cores)', 'p99 vs baseline (target ≤ 2×)']),
      row(['---:', '---', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---:', '---:', '---']),
    ];
    for (const r of results.latency) {
      const base = results.latency.find((b) => b.server === 'bare socket.io' && b.perSecond === r.perSecond);
      const compare = r.server === 'hub' && base ? `${ratio(r.latencyMs.p99, base.latencyMs.p99)} — ${target(r.latencyMs.p99 <= 2 * base.latencyMs.p99)}` : '';
      const eachRun = r.runs.map((run) => run.p99).join(', ');
      lines.push(row([r.perSecond, r.server, r.runs.length, r.sent, r.offersReceived, r.latencyMs.median, r.latencyMs.p99, eachRun, r.latencyMs.max, r.serverCpu.msPerHandoff, r.serverCpu.shareOfOneCore, compare]));
    }
    parts.push(
      `**1. POST /v1/handoffs → offer at the agent's socket, 1,000 agents connected** (the servers take turns; median, p99 and max over every offer of their runs)\n\n${lines.join('\n')}`,
    );
  }
  if (results.postgres) parts.push(postgresTables(results.postgres));
  if (results.multihub) parts.push(multiHubTables(results.multihub, results.postgres));
  if (results.throughput) {
    const t = results.throughput;
    parts.push(
      `**2a. Sustained ingress on the embedded store (file-backed PGlite)**\n\n` +
        [row(['concurrent bots', 'seconds', 'created', 'failed', 'handoffs/s', 'target ≥ 300/s']), row(['---:', '---:', '---:', '---:', '---:', '---']), row([t.concurrency, t.seconds, t.created, t.failed, t.perSecond, target(t.perSecond >= 300)])].join('\n'),
    );
  }
  if (results.memory) {
    const lines = [row(['agents', 'server', 'RSS MiB', 'RSS per agent KiB', 'heap per agent KiB', 'per agent vs baseline (target ≤ 2×)']), row(['---:', '---', '---:', '---:', '---:', '---'])];
    for (const r of results.memory) {
      const base = results.memory.find((b) => b.server === 'bare socket.io' && b.agents === r.agents);
      const compare = r.server === 'hub' && base ? `${ratio(r.rssPerAgentKiB, base.rssPerAgentKiB)} — ${target(r.rssPerAgentKiB <= 2 * base.rssPerAgentKiB)}` : '';
      lines.push(row([r.agents, r.server, r.rssMiB, r.rssPerAgentKiB, r.heapPerAgentKiB, compare]));
    }
    parts.push(`**2b. Hub memory per connected agent**\n\n${lines.join('\n')}`);
  }
  if (results.storm) {
    const s = results.storm;
    parts.push(
      `**2c. Every agent drops at once**\n\n` +
        [
          row(['agents', 'offers they hold', 'next handoff answered after (ms from the sockets closing)']),
          row(['---:', '---:', '---:']),
          row([s.agents, s.offers, s.nextHandoffAnsweredMs]),
        ].join('\n'),
    );
  }
  if (results.console) {
    const c = results.console;
    parts.push(
      `**3. The console in Chromium with ${c.handoffs.toLocaleString('en')} handoffs**\n\n` +
        [
          row(['inbox rendered (ms from navigation)', 'keystroke → next frame median ms', 'p99 ms', 'max ms', 'target < 50 ms']),
          row(['---:', '---:', '---:', '---:', '---']),
          row([c.inboxRenderMs, c.keystrokeToFrameMs.median, c.keystrokeToFrameMs.p99, c.keystrokeToFrameMs.max, target(c.keystrokeToFrameMs.p99 < 50)]),
        ].join('\n'),
    );
  }
  return parts.join('\n\n');
}

function postgresTables(p: PostgresResult): string {
  const fsync = p.fdatasyncMs;
  const latency = [
    row(['handoffs/s', 'server', 'runs', 'sent', 'offers received', 'median ms', 'p99 ms', 'p99 ms of each run', 'max ms', 'target p99 ms (2 × baseline p99 + one fdatasync)', 'p99 vs target']),
    row(['---:', '---', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---:', '---']),
  ];
  const resources = [
    row(['handoffs/s', 'hub CPU ms per handoff (target ≤ 1.5)', 'PostgreSQL CPU ms per handoff', 'WAL bytes per handoff', 'WAL flushes per handoff', 'ms per WAL flush (during the runs)', 'statements per handoff', 'round trips per handoff', 'transactions per handoff', 'waits for a connection per handoff', 'most connections open', 'hub RSS per connected agent KiB']),
    row(['---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const r of p.latency) {
    const base = p.latency.find((b) => b.server === 'bare socket.io' && b.perSecond === r.perSecond);
    const goal = r.server === HUB_ON_POSTGRES && base && fsync !== null ? 2 * base.latencyMs.p99 + fsync : undefined;
    const eachRun = r.runs.map((run) => run.p99).join(', ');
    const verdict = goal === undefined ? '' : `${(r.latencyMs.p99 / goal).toFixed(2)}× — ${target(r.latencyMs.p99 <= goal)}`;
    latency.push(row([r.perSecond, r.server, r.runs.length, r.sent, r.offersReceived, r.latencyMs.median, r.latencyMs.p99, eachRun, r.latencyMs.max, goal === undefined ? '' : goal.toFixed(2), verdict]));
    if (r.server !== HUB_ON_POSTGRES || !r.measured) continue;
    const m = r.measured as unknown as PostgresCounts;
    const per = (n: number, digits = 2) => (Number.isFinite(n) ? (n / r.sent).toFixed(digits) : 'not measured');
    resources.push(
      row([
        r.perSecond,
        `${r.serverCpu.msPerHandoff} — ${target(r.serverCpu.msPerHandoff <= POSTGRES_CPU_TARGET_MS)}`,
        per(m.postgresCpuMs),
        per(m.walBytes, 0),
        per(m.walSyncs, 2),
        Number.isFinite(m.walSyncMs) && m.walSyncs > 0 ? (m.walSyncMs / m.walSyncs).toFixed(2) : 'not measured',
        per(m.statements, 1),
        per(m.roundTrips, 1),
        per(m.transactions, 2),
        per(m.connectionWaits, 3),
        (m.peakConnections / r.runs.length).toFixed(0),
        r.rssPerAgentKiB ?? '',
      ]),
    );
  }
  return (
    `**1b. The same with the hub on PostgreSQL** (${p.server}, ${p.ownServer ? 'a server of its own with default settings' : 'the server at BENCH_DATABASE_URL'}; ` +
    `one fdatasync of 8 kB on its disk: ${fsync === null ? 'not measured' : `${fsync} ms`}, pg_test_fsync; each hub run on a fresh database)\n\n` +
    `${latency.join('\n')}\n\nPer handoff, over the measured parts of the hub's runs (CPU of all PostgreSQL's processes from /proc; WAL from pg_current_wal_lsn; statements as the hub's store sent them, BEGIN and COMMIT included, and the round trips they took):\n\n${resources.join('\n')}`
  );
}

function multiHubTables(h: MultiHubResult, single?: PostgresResult): string {
  const base = single?.latency.find((b) => b.server === 'bare socket.io' && b.perSecond === 50);
  const goal = base && single?.fdatasyncMs != null ? 2 * base.latencyMs.p99 + single.fdatasyncMs : undefined;
  const latency = [
    row(['hubs', 'agents (spread evenly)', 'handoffs/s (each to a random hub)', 'sent', 'offers received', 'median ms', 'p99 ms', 'max ms', 'p99 vs target of 1b', 'hub CPU ms per handoff (all hubs)', 'PostgreSQL CPU ms per handoff']),
    row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---:']),
  ];
  for (const r of h.latency) {
    const verdict = goal === undefined ? '' : `${(r.latencyMs.p99 / goal).toFixed(2)}× — ${target(r.latencyMs.p99 <= goal)}`;
    latency.push(row([r.hubs, r.agents, r.perSecond, r.sent, r.offersReceived, r.latencyMs.median, r.latencyMs.p99, r.latencyMs.max, verdict, r.hubCpuMsPerHandoff, r.postgresCpuMsPerHandoff ?? 'not measured']));
  }
  const one = h.ingress.find((r) => r.hubs === 1);
  const ingress = [row(['hubs', 'concurrent bots', 'handoffs/s', 'failed', 'vs one hub']), row(['---:', '---:', '---:', '---:', '---:'])];
  for (const r of h.ingress) ingress.push(row([r.hubs, r.concurrency, r.handoffsPerSecond, r.failed, one ? ratio(r.handoffsPerSecond, one.handoffsPerSecond) : '']));
  const parts = [
    `**1c. Several hubs on one PostgreSQL** (each run on a fresh database; the agents' apps connect straight to their hub, each bot request goes to a random hub)\n\n${latency.join('\n')}`,
    `Ingress, 1,000 agents connected:\n\n${ingress.join('\n')}`,
  ];
  if (h.failover) {
    const f = h.failover;
    const r = f.report;
    parts.push(
      `**1d. Failover**: ${f.hubs} hubs behind nginx (deploy/nginx/), ${f.agents} agents (spread by nginx: ${r.agentsPerHub.join(', ')}), ${f.handoffs} handoffs posted to random hubs while the agents accept and resolve, one hub killed (SIGKILL) a third of the way, lease ${f.leaseSeconds} s (taken over within ${f.leaseSeconds * 1.2} s)\n\n` +
        [
          row(['handoffs in the store', 'duplicates', 'lifecycle violations', 'accepted', 'resolved', 'unfinished', 'actions unanswered', 'agents on the killed hub', 'offers they held', 'those offers moved on within ms', 'all agents back on live hubs after ms', 'ingress during the run /s']),
          row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
          row([r.handoffs, r.duplicateKeys, r.violations.length, r.accepted, r.resolved, r.unfinished, r.unanswered, r.victimAgents, r.victimOffers, r.offersMovedOnWithinMs, r.allBackMs, r.ingressPerSecond]),
        ].join('\n'),
    );
  }
  if (h.failoverError) parts.push(`**1d. Failover**: the run did not finish: ${h.failoverError}`);
  return parts.join('\n\n');
}
