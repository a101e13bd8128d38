import { DEMO } from '../hub/demo/seed.ts';
import { startServer } from './lib/ipc.ts';
import { packetBody, post } from './lib/load.ts';
import { round } from './lib/stats.ts';

export interface ThroughputResult {
  concurrency: number;
  seconds: number;
  created: number;
  failed: number;
  perSecond: number;
}

/**
 * Sustained ingress: `concurrency` bots POST handoffs back to back for `seconds` against a hub on
 * the embedded store (file-backed PGlite), after a warm-up that is not counted.
 */
export async function measureThroughput(concurrency: number, seconds: number): Promise<ThroughputResult> {
  const hub = await startServer('hub-server');
  try {
    const headers = { authorization: `Bearer ${DEMO.integration.key}` };
    let seq = 0;
    const run = async (until: number) => {
      let created = 0;
      let failed = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < until) {
            const status = await post(hub.url, '/v1/handoffs', packetBody(seq++), headers);
            if (status === 201) created += 1;
            else failed += 1;
          }
        }),
      );
      return { created, failed };
    };
    await run(performance.now() + 3_000);
    const start = performance.now();
    const { created, failed } = await run(start + seconds * 1000);
    const elapsed = (performance.now() - start) / 1000;
    return { concurrency, seconds: round(elapsed, 1), created, failed, perSecond: round(created / elapsed, 0) };
  } finally {
    await hub.stop();
  }
}
