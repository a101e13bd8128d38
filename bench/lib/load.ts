import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';

const FIXTURE = JSON.parse(readFileSync(new URL('../../test/fixtures/packets/billing-dispute-chat.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** A realistic packet (the billing fixture, ~2 KB) marked with `seq` in its conversation id. */
export function packetBody(seq: number, team?: string): string {
  return JSON.stringify({ ...FIXTURE, ...(team && { team }), source: { platform: 'generic', conversationId: `bench-${seq}` } });
}

export const seqOf = (conversationId: string | undefined): number | undefined =>
  conversationId?.startsWith('bench-') ? Number(conversationId.slice(6)) : undefined;

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs a body and resolves with the status code (0 when the request failed). */
export function post(url: string, path: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Sends `count` requests at a fixed rate (open loop: a slow server does not slow the sender). */
export async function atRate(perSecond: number, count: number, send: (seq: number) => Promise<unknown>): Promise<void> {
  const start = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let seq = 0; seq < count; seq++) {
    const due = start + (seq * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(seq));
  }
  await Promise.all(inFlight);
}
