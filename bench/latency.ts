import type { Socket } from 'socket.io-client';
import { DEMO } from '../hub/demo/seed.ts';
import { connectAgents, disconnectAll } from './lib/agents.ts';
import { startServer } from './lib/ipc.ts';
import { atRate, packetBody, post, seqOf } from './lib/load.ts';
import { round, summarize } from './lib/stats.ts';

export interface LatencyResult {
  server: 'hub' | 'bare socket.io';
  agents: number;
  perSecond: number;
  sent: number;
  accepted: number;
  offersReceived: number;
  latencyMs: ReturnType<typeof summarize>;
  /** The server's CPU time over the measured part (sending until the last offer arrived): per handoff, and as a share of one core. */
  serverCpu: { msPerHandoff: number; shareOfOneCore: number };
}

/** Warm-up requests are numbered from here and not counted. */
const WARM_UP = 1_000_000;

interface Offered {
  handoff?: { packet?: { source?: { conversationId?: string } } };
}

/**
 * Time from sending `POST /v1/handoffs` to the offer arriving at an agent's socket, at a fixed
 * rate with `agents` connected, for the hub or the bare socket.io baseline. Each run gets a fresh
 * server.
 */
export async function measureLatency(server: 'hub' | 'bare', agents: number, perSecond: number, seconds: number): Promise<LatencyResult> {
  const running = await startServer(server === 'hub' ? 'hub-server' : 'bare-server', { BENCH_AGENTS: String(agents) });
  let sockets: Socket[] = [];
  try {
    sockets = await connectAgents(running.url, agents, 0, { ready: server === 'hub' ? 'handoffs:snapshot' : 'connect' });
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    let lastOfferAt = 0;
    for (const socket of sockets) {
      socket.on('handoff:offered', (payload: Offered) => {
        const seq = seqOf(payload.handoff?.packet?.source?.conversationId);
        const at = seq === undefined ? undefined : sentAt.get(seq);
        if (at === undefined || seq! >= WARM_UP) return;
        sentAt.delete(seq!);
        lastOfferAt = performance.now();
        latencies.push(lastOfferAt - at);
      });
    }
    const headers = { authorization: `Bearer ${DEMO.integration.key}` };
    const send = async (seq: number) => {
      const body = packetBody(seq, 'bench');
      sentAt.set(seq, performance.now());
      const status = await post(running.url, '/v1/handoffs', body, headers);
      return status >= 200 && status < 300;
    };
    // Warm-up: connections, JIT and the store's caches, not counted.
    await atRate(perSecond, Math.min(100, perSecond * 2), (seq) => send(WARM_UP + seq));
    const total = perSecond * seconds;
    let accepted = 0;
    const cpuBefore = await running.cpuMs();
    const startedAt = performance.now();
    await atRate(perSecond, total, async (seq) => {
      if (await send(seq)) accepted += 1;
    });
    // Offers still on their way get a few seconds; what never arrives is reported.
    const deadline = Date.now() + 10_000;
    while (latencies.length < accepted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const cpu = (await running.cpuMs()) - cpuBefore;
    const wall = (lastOfferAt || performance.now()) - startedAt;
    return {
      server: server === 'hub' ? 'hub' : 'bare socket.io',
      agents,
      perSecond,
      sent: total,
      accepted,
      offersReceived: latencies.length,
      latencyMs: summarize(latencies),
      serverCpu: { msPerHandoff: round(cpu / total, 2), shareOfOneCore: round(cpu / wall, 2) },
    };
  } finally {
    disconnectAll(sockets);
    await running.stop();
  }
}
