import type { Socket } from 'socket.io-client';
import { connectAgents, disconnectAll } from './lib/agents.ts';
import { startServer, type MemoryReport } from './lib/ipc.ts';
import { round } from './lib/stats.ts';

export interface MemoryResult {
  server: 'hub' | 'bare socket.io';
  agents: number;
  /** Resident memory of the server process, MiB. */
  rssMiB: number;
  /** Added per connected agent, KiB: (rss with N agents − rss with none) / N. */
  rssPerAgentKiB: number;
  heapPerAgentKiB: number;
}

const MiB = 1024 * 1024;

/** Server memory (after a full GC) with 0, then each count of connected agents in `steps`. */
export async function measureMemory(server: 'hub' | 'bare', steps: readonly number[]): Promise<MemoryResult[]> {
  const most = Math.max(...steps);
  const running = await startServer(server === 'hub' ? 'hub-server' : 'bare-server', { BENCH_AGENTS: String(most) });
  const sockets: Socket[] = [];
  try {
    const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));
    await settle();
    const idle: MemoryReport = await running.memory();
    const results: MemoryResult[] = [];
    for (const count of steps) {
      sockets.push(...(await connectAgents(running.url, count - sockets.length, sockets.length, { ready: server === 'hub' ? 'handoffs:snapshot' : 'connect' })));
      await settle();
      const now = await running.memory();
      results.push({
        server: server === 'hub' ? 'hub' : 'bare socket.io',
        agents: count,
        rssMiB: round(now.rss / MiB),
        rssPerAgentKiB: round((now.rss - idle.rss) / count / 1024),
        heapPerAgentKiB: round((now.heapUsed - idle.heapUsed) / count / 1024),
      });
    }
    return results;
  } finally {
    disconnectAll(sockets);
    await running.stop();
  }
}
