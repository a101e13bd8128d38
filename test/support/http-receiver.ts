// A local HTTP server standing in for whatever the hub calls out to (a bot's callback URL, GitHub,
// Jira, Linear, a webhook receiver): it records every request as it arrived (method, path,
// headers, raw body) and answers as each test tells it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** Path and query, as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface Answer {
  status: number;
  body?: unknown;
}

export interface HttpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  requests: ReceivedRequest[];
  /** How to answer a request (may wait); default 200 with no body. */
  respond: (request: ReceivedRequest, index: number) => Answer | Promise<Answer>;
  /** Resolves once `count` requests matching `filter` have arrived; rejects naming what came instead. */
  waitFor(count: number, filter?: (r: ReceivedRequest) => boolean, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<HttpReceiver> {
  let waiters: Array<() => boolean> = [];
  const receiver: HttpReceiver = {
    url: '',
    requests: [],
    respond: () => ({ status: 200 }),
    waitFor(count, filter = () => true, timeoutMs = 8_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const matching = receiver.requests.filter(filter);
          if (matching.length < count) return false;
          clearTimeout(timer);
          resolve(matching);
          return true;
        };
        const timer = setTimeout(() => {
          const seen = receiver.requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'none';
          reject(new Error(`timed out waiting for ${count} request(s), got ${receiver.requests.filter(filter).length}; all requests: ${seen}`));
        }, timeoutMs);
        if (!check()) waiters.push(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void (async () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString('utf8');
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const request: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, text, json };
      const index = receiver.requests.push(request) - 1;
      waiters = waiters.filter((check) => !check());
      const { status, body } = await receiver.respond(request, index);
      if (body === undefined) res.writeHead(status).end();
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    })());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** Whether a request carries a valid Baton-Signature, checked with the receiver's own code, as a bot would. */
export function signedBy(secret: string, request: ReceivedRequest): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['baton-signature'] ?? ''));
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.`).update(request.raw).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}
