import type { HandoffAck } from '../../shared/protocol/socket.ts';
import type { CommandInput } from '../client/hub-client.ts';
import type { HubPort } from '../client/hub-port.ts';
import { addConflict, describeRefusal } from './conflicts.ts';
import { applyAckedHandoff, handoffsStore, selectHandoff, type Me } from './handoffs.ts';
import { addPending, markSending, markStalled, pendingStore, removePending, type PendingAction, type QueuedCommand } from './pending.ts';

/** One case per command keeps each payload typed to its command. */
function send(hub: HubPort, action: PendingAction): Promise<HandoffAck> {
  const options = { opId: action.opId };
  switch (action.command) {
    case 'handoff:accept':
      return hub.send(action.command, action.payload, options);
    case 'handoff:decline':
      return hub.send(action.command, action.payload, options);
    case 'handoff:returnToBot':
      return hub.send(action.command, action.payload, options);
    case 'handoff:routeToProduct':
      return hub.send(action.command, action.payload, options);
    case 'handoff:resolve':
      return hub.send(action.command, action.payload, options);
  }
}

export interface OutboxOptions {
  /** The client of the current sign-in, or null when signed out. */
  client: () => HubPort | null;
  /** Whether the current connection has delivered its snapshot: commands go after it, never before. */
  synced: () => boolean;
  me: () => Me | null;
  /** After a lost ack on a live connection, try again this much later (with the same opId). */
  retryDelayMs?: number;
  newOpId?: () => string;
  now?: () => Date;
}

export interface Outbox {
  /** Records what the agent did, then sends it as soon as the hub is reachable. */
  take<C extends QueuedCommand>(command: C, payload: CommandInput<C>): PendingAction;
  /** Sends the queue in order; a no-op while disconnected or already sending. */
  flush(): Promise<void>;
  dispose(): void;
}

/**
 * The agent's actions, kept until the hub answers. Each gets its opId once, when the agent acts;
 * every attempt reuses it, so the hub applies it at most once however often it is sent. The client
 * core never buffers an emit while disconnected, so this queue is the only place an action waits.
 */
export function createOutbox({ client, synced, me, retryDelayMs = 5_000, newOpId = () => globalThis.crypto.randomUUID(), now = () => new Date() }: OutboxOptions): Outbox {
  let flushing = false;
  let again = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  const ready = (): HubPort | null => {
    const current = client();
    return current && current.state.status === 'connected' && synced() ? current : null;
  };

  async function sendNext(hub: HubPort, action: PendingAction): Promise<'next' | 'stop'> {
    markSending(action.opId);
    // The client core resolves rather than throws; should it throw, the outcome is unknown: keep it.
    const ack: HandoffAck = await send(hub, action).catch((error: unknown) => ({
      ok: false as const,
      error: { code: 'timeout' as const, message: `sending failed (${error instanceof Error ? error.message : String(error)}); it will be retried` },
    }));
    markSending(null);
    if (ack.ok) {
      removePending(action.opId);
      markStalled(null);
      const who = me();
      if (who) applyAckedHandoff(ack.handoff, who);
      return 'next';
    }
    if (ack.error.code === 'timeout') {
      // Unknown outcome (or never sent): keep it, same opId, and try again later.
      markStalled(ack.error.message);
      if (ready() && !disposed) {
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => void flush(), retryDelayMs);
      }
      return 'stop';
    }
    const handoff = selectHandoff(action.payload.handoffId)(handoffsStore.getState());
    removePending(action.opId);
    markStalled(null);
    addConflict(describeRefusal(action.command, ack.error, handoff), action.payload.handoffId);
    return 'next';
  }

  async function flush(): Promise<void> {
    if (flushing) {
      again = true;
      return;
    }
    flushing = true;
    try {
      do {
        again = false;
        for (;;) {
          const hub = ready();
          const next = pendingStore.getState().queue[0];
          if (!hub || !next || disposed) break;
          if ((await sendNext(hub, next)) === 'stop') {
            again = false; // the next try is the timer's or the next connection's
            break;
          }
        }
      } while (again && !disposed);
    } finally {
      flushing = false;
    }
  }

  return {
    take(command, payload) {
      const action = { opId: newOpId(), command, payload, createdAt: now().toISOString() } as PendingAction;
      addPending(action);
      void flush();
      return action;
    },
    flush,
    dispose() {
      disposed = true;
      clearTimeout(retryTimer);
    },
  };
}
