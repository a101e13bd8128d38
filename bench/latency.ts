import type { Socket } from 'socket.io-client';
import { connectAgents, disconnectAll } from './lib/agents.ts';
import { startServer, type BenchServer } from './lib/ipc.ts';
import { offerTimer } from './lib/offer-timer.ts';
import { round, summarize } from './lib/stats.ts';

const SERVER_NAMES = { hub: 'hub', bare: 'bare socket.io' } as const;
type ServerKind = keyof typeof SERVER_NAMES;
/** The order each round runs them in, and the order of the results. */
const SERVERS = ['bare', 'hub'] as const;

/**
 * A hub set up other than the default (file-backed PGlite), and what is measured around its runs
 * besides latency and CPU.
 */
export interface HubSetup {
  /** The server's name in the results. */
  name: string;
  /** Before each run: what the hub-server's environment adds (a fresh database), and how to clean up after it. */
  prepare(): Promise<{ env: Record<string, string>; done(): Promise<void> }>;
  /** Called as the measured part starts; the function it returns is called as it ends and gives counts, added up over runs. */
  measure(server: BenchServer): Promise<() => Promise<Record<string, number>>>;
}

export interface LatencyResult {
  server: string;
  agents: number;
  perSecond: number;
  /** Over all runs of this server at this rate. */
  sent: number;
  accepted: number;
  offersReceived: number;
  /** Every offer of every run, pooled. */
  latencyMs: ReturnType<typeof summarize>;
  /** The server's CPU time over the measured parts (sending until the last offer arrived): per handoff, and as a share of one core. */
  serverCpu: { msPerHandoff: number; shareOfOneCore: number };
  /** Each run on its own, in the order they ran. */
  runs: Array<ReturnType<typeof summarize>>;
  /** What a HubSetup measured, added up over the runs. */
  measured?: Record<string, number>;
  /** Resident memory the hub added per connected agent, KiB, averaged over the runs (with a HubSetup). */
  rssPerAgentKiB?: number;
}

/** One run against a fresh server. */
interface LatencyRun {
  sent: number;
  accepted: number;
  latencies: number[];
  cpuMs: number;
  wallMs: number;
  measured?: Record<string, number>;
  rssPerAgentKiB?: number;
}

/**
 * Time from sending `POST /v1/handoffs` to the offer arriving at an agent's socket, at a fixed
 * rate with `agents` connected, for the hub and the bare socket.io baseline. Each is run `rounds`
 * times on a fresh server, taking turns, so a machine that slows down or speeds up during the
 * benchmark weighs on both alike; each server's offers are then pooled. One run of 750 offers
 * puts its p99 on the 8th-slowest offer, which on a shared machine moves by half from one run to
 * the next.
 */
export async function measureLatency(agents: number, perSecond: number, seconds: number, rounds: number, setup?: HubSetup): Promise<LatencyResult[]> {
  const runs: Record<ServerKind, LatencyRun[]> = { bare: [], hub: [] };
  for (let i = 0; i < rounds; i++) {
    for (const server of SERVERS) runs[server].push(await runOnce(server, agents, perSecond, seconds, server === 'hub' ? setup : undefined));
  }
  return SERVERS.map((server) => {
    const all = runs[server];
    const sum = (pick: (run: LatencyRun) => number) => all.reduce((total, run) => total + pick(run), 0);
    const sent = sum((run) => run.sent);
    const cpuMs = sum((run) => run.cpuMs);
    const measured: Record<string, number> = {};
    for (const run of all) for (const [key, value] of Object.entries(run.measured ?? {})) measured[key] = (measured[key] ?? 0) + value;
    const memory = all.flatMap((run) => (run.rssPerAgentKiB === undefined ? [] : [run.rssPerAgentKiB]));
    return {
      server: server === 'hub' && setup ? setup.name : SERVER_NAMES[server],
      agents,
      perSecond,
      sent,
      accepted: sum((run) => run.accepted),
      offersReceived: sum((run) => run.latencies.length),
      latencyMs: summarize(all.flatMap((run) => run.latencies)),
      serverCpu: { msPerHandoff: round(cpuMs / sent, 2), shareOfOneCore: round(cpuMs / sum((run) => run.wallMs), 2) },
      runs: all.map((run) => summarize(run.latencies)),
      ...(Object.keys(measured).length > 0 && { measured }),
      ...(memory.length > 0 && { rssPerAgentKiB: round(memory.reduce((a, b) => a + b, 0) / memory.length) }),
    };
  });
}

async function runOnce(server: ServerKind, agents: number, perSecond: number, seconds: number, setup?: HubSetup): Promise<LatencyRun> {
  const prepared = await setup?.prepare();
  let running: BenchServer | undefined;
  let sockets: Socket[] = [];
  try {
    running = await startServer(server === 'hub' ? 'hub-server' : 'bare-server', { BENCH_AGENTS: String(agents), ...prepared?.env });
    // Memory is read after a full GC, with none and then all agents connected (as bench/memory.ts does).
    const idle = setup ? await running.memory() : undefined;
    const url = running.url;
    sockets = await connectAgents(url, agents, 0, { ready: server === 'hub' ? 'handoffs:snapshot' : 'connect' });
    let rssPerAgentKiB: number | undefined;
    if (idle) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      rssPerAgentKiB = ((await running.memory()).rss - idle.rss) / agents / 1024;
    }
    const timer = offerTimer(sockets, () => url);
    await timer.warmUp(perSecond);
    const total = perSecond * seconds;
    const finish = await setup?.measure(running);
    const cpuBefore = await running.cpuMs();
    const startedAt = performance.now();
    const accepted = await timer.run(perSecond, total);
    const cpuMs = (await running.cpuMs()) - cpuBefore;
    const measured = await finish?.();
    return {
      sent: total,
      accepted,
      latencies: timer.latencies,
      cpuMs,
      wallMs: (timer.lastOfferAt() || performance.now()) - startedAt,
      ...(measured && { measured }),
      ...(rssPerAgentKiB !== undefined && { rssPerAgentKiB }),
    };
  } finally {
    disconnectAll(sockets);
    await running?.stop();
    await prepared?.done();
  }
}
