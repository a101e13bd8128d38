import type { Socket } from 'socket.io-client';
import { DEMO } from '../../hub/demo/seed.ts';
import { atRate, packetBody, post, seqOf } from './load.ts';

/** Warm-up requests are numbered from here and not counted. */
const WARM_UP = 1_000_000;
const HEADERS = { authorization: `Bearer ${DEMO.integration.key}` };

interface Offered {
  handoff?: { packet?: { source?: { conversationId?: string } } };
}

/**
 * Times each handoff from sending its `POST /v1/handoffs` to its offer arriving at one of
 * `sockets`: warm up, then run at a fixed rate, each request to the hub `urlOf` names.
 */
export function offerTimer(sockets: readonly Socket[], urlOf: () => string) {
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
  const send = async (seq: number) => {
    const body = packetBody(seq, 'bench');
    sentAt.set(seq, performance.now());
    const status = await post(urlOf(), '/v1/handoffs', body, HEADERS);
    return status >= 200 && status < 300;
  };
  return {
    latencies,
    /** When the last counted offer arrived (0: none yet). */
    lastOfferAt: () => lastOfferAt,
    /** Connections, JIT and the store's caches: not counted. */
    warmUp: (perSecond: number) => atRate(perSecond, Math.min(100, perSecond * 2), (seq) => send(WARM_UP + seq)),
    /** Sends `total` handoffs at `perSecond`; resolves with how many were taken, once their offers arrived or 10 s passed (what never arrives is reported). */
    async run(perSecond: number, total: number): Promise<number> {
      let accepted = 0;
      await atRate(perSecond, total, async (seq) => {
        if (await send(seq)) accepted += 1;
      });
      const deadline = Date.now() + 10_000;
      while (latencies.length < accepted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      return accepted;
    },
  };
}
