import { createAdapter } from '@socket.io/postgres-adapter';
import type { Pool, QueryResult } from 'pg';
import { Adapter, MessageType, type BroadcastOptions, type ClusterMessage } from 'socket.io-adapter';
import { SerialQueue } from '../store/serial.ts';

type Publisher = { publishAndReturnOffset(message: Omit<ClusterMessage, 'nsp' | 'uid'>): Promise<string> };

/**
 * socket.io's PostgreSQL adapter (LISTEN/NOTIFY), so an event any hub emits reaches the apps on
 * every hub, in the order it was emitted:
 * - Apps on this hub get it at once. The adapter alone would first wait for the notification to
 *   be sent, and two events waiting at once could then reach an app in either order.
 * - For the other hubs, the events are published one after another, each through the adapter's
 *   table (`socket_io_attachments`, migration 012) and every query of the adapter takes its turn
 *   on one connection: an event and the one after it, small or large, are read back in the order
 *   they were sent. With no other hub known, nothing is published.
 */
export function orderedPostgresAdapter(pool: Pool, onError: (error: Error) => void) {
  const turns = new SerialQueue();
  const inTurn = {
    connect: async () => {
      const client = await pool.connect();
      // The connection the adapter listens on: when the server ends it, the adapter drops it and
      // connects again, but never gives it back, and the pool would wait for it forever on close.
      const release = client.release.bind(client);
      let released = false;
      client.release = (error?: Error | boolean) => {
        if (released) return;
        released = true;
        release(error);
      };
      client.on('error', onError);
      client.once('end', () => client.release(true));
      return client;
    },
    query: (text: string, values?: unknown[]): Promise<QueryResult> => turns.run(() => pool.query(text, values)),
  };
  const make = createAdapter(inTurn as unknown as Pool, { payloadThreshold: 0, errorHandler: onError });
  // socket.io calls this with `new`: a function, not an arrow, that returns the adapter.
  return function ordered(nsp: unknown) {
    const adapter = make(nsp);
    let published: Promise<void> = Promise.resolve();
    adapter.broadcast = async (packet: unknown, opts: BroadcastOptions) => {
      if (!opts.flags?.local) {
        const message = { type: MessageType.BROADCAST, data: { packet, opts: { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags } } } as const;
        published = published
          .then(async () => {
            if ((await adapter.serverCount()) > 1) await (adapter as unknown as Publisher).publishAndReturnOffset(message);
          })
          .catch(onError);
      }
      Adapter.prototype.broadcast.call(adapter, packet, opts);
    };
    return adapter;
  };
}
