import { io, type Socket } from 'socket.io-client';
import { AGENTS_NAMESPACE } from '../../shared/protocol/index.ts';

/**
 * Connects `count` agent sockets (tokens bench-<from>…) over WebSocket, a few at a time so the
 * server's accept queue is not the thing measured, and resolves when all are connected.
 */
export async function connectAgents(url: string, count: number, from = 0, { ready = 'handoffs:snapshot' } = {}): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const BATCH = 50;
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => {
      const socket = io(`${url}${AGENTS_NAMESPACE}`, { transports: ['websocket'], auth: { token: `bench-${from + start + i}` }, reconnection: false });
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        // The hub's connect is done when the snapshot arrives; the bare server has none.
        if (ready === 'connect') socket.once('connect', () => resolve());
        else socket.once(ready, () => resolve());
        socket.once('connect_error', (error) => reject(new Error(`agent bench-${from + start + i}: ${error.message}`)));
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

export function disconnectAll(sockets: readonly Socket[]): void {
  for (const socket of sockets) socket.disconnect();
}
