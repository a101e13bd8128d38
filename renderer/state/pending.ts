import { z } from 'zod';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { createStore } from 'zustand/vanilla';
import { COMMANDS } from '../../shared/protocol/socket.ts';
import type { CommandInput } from '../client/hub-client.ts';
import type { PlatformStorage } from '../platform/platform.ts';

/** Commands an agent takes on a handoff; these wait in the queue while the hub is out of reach. */
export const QUEUED_COMMANDS = ['handoff:accept', 'handoff:decline', 'handoff:returnToBot', 'handoff:routeToProduct', 'handoff:resolve'] as const;
export type QueuedCommand = (typeof QUEUED_COMMANDS)[number];

/** An action the agent took that the hub has not answered yet. Its opId is made once, when the agent acts. */
export type PendingAction = {
  [C in QueuedCommand]: { opId: string; command: C; payload: CommandInput<C>; createdAt: string };
}[QueuedCommand];

export interface Pending {
  /** Oldest first; sent in this order. */
  queue: PendingAction[];
  /** The opId on its way to the hub right now. */
  sending: string | null;
  /** Why the last attempt did not get an answer, while it waits for the next one. */
  stalled: string | null;
}

export const pendingStore = createStore<Pending>(() => ({ queue: [], sending: null, stalled: null }));

export function usePending<T>(selector: (state: Pending) => T): T {
  return useStore(pendingStore, useShallow(selector));
}

export function addPending(action: PendingAction): void {
  pendingStore.setState((s) => ({ queue: [...s.queue, action] }));
}

export function removePending(opId: string): void {
  pendingStore.setState((s) => ({ queue: s.queue.filter((a) => a.opId !== opId), sending: s.sending === opId ? null : s.sending }));
}

export function markSending(opId: string | null): void {
  pendingStore.setState({ sending: opId });
}

export function markStalled(why: string | null): void {
  pendingStore.setState({ stalled: why });
}

export function replacePending(queue: PendingAction[]): void {
  pendingStore.setState({ queue, sending: null, stalled: null }, true);
}

export const selectPendingFor =
  (handoffId: string | null) =>
  (state: Pending): PendingAction[] =>
    handoffId === null ? [] : state.queue.filter((a) => a.payload.handoffId === handoffId);

// Persistence: the queue survives a reload, so an action taken offline is not lost.

export const PENDING_KEY = 'baton.pending';

const Stored = z.array(
  z.object({ opId: z.uuid(), command: z.enum(QUEUED_COMMANDS), payload: z.record(z.string(), z.unknown()), createdAt: z.string() }),
);

/** The stored queue, keeping only entries that are still valid commands (a damaged entry is dropped, not sent). */
export function parsePending(text: string | null): PendingAction[] {
  if (!text) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const stored = Stored.safeParse(json);
  if (!stored.success) return [];
  return stored.data.flatMap((entry) => {
    const command = COMMANDS[entry.command].safeParse({ ...entry.payload, opId: entry.opId });
    if (!command.success) return [];
    const { opId: _opId, ...payload } = command.data;
    return [{ opId: entry.opId, command: entry.command, payload, createdAt: entry.createdAt } as PendingAction];
  });
}

export async function loadPending(storage: PlatformStorage): Promise<void> {
  replacePending(parsePending(await storage.get(PENDING_KEY)));
}

/** Writes the queue whenever it changes, one write after another so an older one never lands last. */
export function persistPending(storage: PlatformStorage): () => void {
  let writing: Promise<unknown> = Promise.resolve();
  return pendingStore.subscribe((state, previous) => {
    if (state.queue === previous.queue) return;
    const text = JSON.stringify(state.queue);
    writing = writing.then(() => (state.queue.length > 0 ? storage.set(PENDING_KEY, text) : storage.remove(PENDING_KEY))).catch(() => undefined);
  });
}
