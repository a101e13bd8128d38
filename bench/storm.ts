import { DEMO } from '../hub/demo/seed.ts';
import { connectAgents, disconnectAll } from './lib/agents.ts';
import { startServer } from './lib/ipc.ts';
import { packetBody, post } from './lib/load.ts';
import { round } from './lib/stats.ts';

export interface StormResult {
  agents: number;
  offers: number;
  /** From the agents' sockets closing to the answer to a handoff posted 200 ms later. */
  nextHandoffAnsweredMs: number;
}

/**
 * Every agent drops at once (a site loses its network) while holding offers: how long until the
 * hub answers the next bot's handoff, i.e. how long the hub is busy moving those offers on.
 */
export async function measureStorm(agents: number, offersEach: number): Promise<StormResult> {
  const hub = await startServer('hub-server', { BENCH_AGENTS: String(agents) });
  try {
    const sockets = await connectAgents(hub.url, agents);
    const offers = agents * offersEach;
    let offered = 0;
    for (const socket of sockets) socket.on('handoff:offered', () => (offered += 1));
    const headers = { authorization: `Bearer ${DEMO.integration.key}` };
    for (let seq = 0; seq < offers; seq += 32) {
      await Promise.all(Array.from({ length: Math.min(32, offers - seq) }, (_, i) => post(hub.url, '/v1/handoffs', packetBody(seq + i, 'bench'), headers)));
    }
    while (offered < offers) await new Promise((resolve) => setTimeout(resolve, 100));
    const start = performance.now();
    disconnectAll(sockets);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const status = await post(hub.url, '/v1/handoffs', packetBody(offers, 'bench'), headers);
    if (status !== 201) throw new Error(`the handoff after the storm got ${status}`);
    return { agents, offers, nextHandoffAnsweredMs: round(performance.now() - start, 0) };
  } finally {
    await hub.stop();
  }
}
