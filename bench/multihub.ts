// Several hubs on one PostgreSQL (docs/scaling.md): offer latency with the agents spread over the
// hubs and every handoff posted to a random hub, ingress throughput with 1, 2 and 3 hubs, and the
// failover run (three hubs behind nginx, one killed in the middle of a burst).
import type { Socket } from 'socket.io-client';
import { DEMO } from '../hub/demo/seed.ts';
import { runFailover, type FailoverReport } from '../test/support/failover.ts';
import { connectAgents, disconnectAll } from './lib/agents.ts';
import { startServer, type BenchServer } from './lib/ipc.ts';
import { packetBody, post } from './lib/load.ts';
import { offerTimer } from './lib/offer-timer.ts';
import type { BenchPostgres } from './lib/postgres-server.ts';
import { round, summarize } from './lib/stats.ts';

export interface MultiHubLatency {
  hubs: number;
  agents: number;
  perSecond: number;
  sent: number;
  accepted: number;
  offersReceived: number;
  latencyMs: ReturnType<typeof summarize>;
  /** CPU per handoff over the measured part: all hubs together, and PostgreSQL (all its processes). */
  hubCpuMsPerHandoff: number;
  postgresCpuMsPerHandoff: number | null;
}

export interface MultiHubIngress {
  hubs: number;
  /** Bots posting at once, each to a random hub. */
  concurrency: number;
  handoffsPerSecond: number;
  failed: number;
}

export interface MultiHubResult {
  latency: MultiHubLatency[];
  ingress: MultiHubIngress[];
  failover?: FailoverOptionsAndReport;
  /** Why the failover run did not finish, when it did not. */
  failoverError?: string;
}

export interface FailoverOptionsAndReport {
  hubs: number;
  agents: number;
  handoffs: number;
  leaseSeconds: number;
  report: FailoverReport;
}

const headers = { authorization: `Bearer ${DEMO.integration.key}` };

/** `n` hub-servers on one new database (the first seeds it), with `agents` agents connected, spread evenly. */
async function startHubs(server: BenchPostgres, n: number, agents: number): Promise<{ hubs: BenchServer[]; sockets: Socket[]; stop: () => Promise<void> }> {
  const db = await server.newDatabase();
  const env = { BENCH_AGENTS: String(agents), BENCH_HUB_DATABASE_URL: db.url };
  const hubs = [await startServer('hub-server', env)];
  for (let i = 1; i < n; i++) hubs.push(await startServer('hub-server', { ...env, BENCH_SEEDED: '1' }));
  const sockets: Socket[] = [];
  const per = Math.ceil(agents / n);
  for (const [i, hub] of hubs.entries()) sockets.push(...(await connectAgents(hub.url, Math.min(per, agents - i * per), i * per)));
  return {
    hubs,
    sockets,
    stop: async () => {
      disconnectAll(sockets);
      for (const hub of hubs) await hub.stop();
      await db.drop();
    },
  };
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

async function latencyRun(server: BenchPostgres, hubCount: number, agents: number, perSecond: number, seconds: number): Promise<MultiHubLatency> {
  const { hubs, sockets, stop } = await startHubs(server, hubCount, agents);
  try {
    const timer = offerTimer(sockets, () => pick(hubs).url);
    await timer.warmUp(perSecond);
    const cpu = async () => (await Promise.all(hubs.map((h) => h.cpuMs()))).reduce((a, b) => a + b, 0);
    const hubCpuBefore = await cpu();
    const pgCpuBefore = server.cpuMs();
    const total = perSecond * seconds;
    const accepted = await timer.run(perSecond, total);
    const hubCpu = (await cpu()) - hubCpuBefore;
    const pgCpuAfter = server.cpuMs();
    return {
      hubs: hubCount,
      agents,
      perSecond,
      sent: total,
      accepted,
      offersReceived: timer.latencies.length,
      latencyMs: summarize(timer.latencies),
      hubCpuMsPerHandoff: round(hubCpu / total, 2),
      postgresCpuMsPerHandoff: pgCpuBefore === null || pgCpuAfter === null ? null : round((pgCpuAfter - pgCpuBefore) / total, 2),
    };
  } finally {
    await stop();
  }
}

async function ingressRun(server: BenchPostgres, hubCount: number, agents: number, concurrency: number, seconds: number): Promise<MultiHubIngress> {
  const { hubs, stop } = await startHubs(server, hubCount, agents);
  try {
    let seq = 0;
    let ok = 0;
    let failed = 0;
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const status = await post(pick(hubs).url, '/v1/handoffs', packetBody(seq++, 'bench'), headers);
          if (status >= 200 && status < 300) ok += 1;
          else failed += 1;
        }
      }),
    );
    return { hubs: hubCount, concurrency, handoffsPerSecond: round(ok / ((performance.now() - started) / 1000)), failed };
  } finally {
    await stop();
  }
}

export async function measureMultiHub(
  server: BenchPostgres,
  { agents, perSecond, seconds, ingressSeconds, failover }: { agents: number; perSecond: number; seconds: number; ingressSeconds: number; failover: { agents: number; handoffs: number } },
  log: (line: string) => void,
): Promise<MultiHubResult> {
  const latency: MultiHubLatency[] = [];
  const ingress: MultiHubIngress[] = [];
  for (const hubs of [1, 2, 3]) {
    log(`multihub: ${hubs} hub(s), ${agents} agents spread over them, ${perSecond}/s to random hubs`);
    latency.push(await latencyRun(server, hubs, agents, perSecond, seconds));
  }
  for (const hubs of [1, 2, 3]) {
    log(`multihub: ingress with ${hubs} hub(s), 32 bots posting to random hubs`);
    ingress.push(await ingressRun(server, hubs, agents, 32, ingressSeconds));
  }
  const leaseSeconds = 10;
  log(`multihub: failover, 3 hubs behind nginx, ${failover.agents} agents, ${failover.handoffs} handoffs, one hub killed`);
  try {
    const report = await runFailover({
      serverUrl: server.url,
      hubs: 3,
      agents: failover.agents,
      capacity: 3,
      handoffs: failover.handoffs,
      killAfter: Math.round(failover.handoffs / 3),
      leaseSeconds,
      concurrency: 32,
      settleTimeoutMs: 180_000,
    });
    return { latency, ingress, failover: { hubs: 3, agents: failover.agents, handoffs: failover.handoffs, leaseSeconds, report } };
  } catch (error) {
    // The other tables still stand; the report says why this one is missing.
    return { latency, ingress, failoverError: String(error) };
  }
}
