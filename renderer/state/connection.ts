import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { ConnectionState } from '../client/hub-client.ts';

/** The connection as the agent sees it. */
export type Connection =
  | { status: 'signed_out' }
  | { status: 'connecting' }
  | { status: 'connected' }
  /** `attempt`: reconnection attempts so far (0 while waiting for the first). */
  | { status: 'reconnecting'; attempt: number }
  /** The hub refused the token. */
  | { status: 'unauthorized' }
  /** Disconnected for good (the hub closed it, or reconnecting gave up): the agent reconnects by hand. */
  | { status: 'offline'; reason: string };

export const connectionStore = createStore<Connection>(() => ({ status: 'signed_out' }));

export function useConnection<T>(selector: (connection: Connection) => T): T {
  return useStore(connectionStore, selector);
}

export function showClientState(state: ConnectionState): void {
  connectionStore.setState(state.status === 'disconnected' ? { status: 'offline', reason: state.reason } : state, true);
}

export function showSignedOut(): void {
  connectionStore.setState({ status: 'signed_out' }, true);
}

export function showConnecting(): void {
  connectionStore.setState({ status: 'connecting' }, true);
}

