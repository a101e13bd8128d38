import { useStore } from 'zustand';
import type { AgentView } from '../../shared/protocol/agent.ts';
import type { ServerEventPayload } from '../../shared/protocol/socket.ts';
import { signedInStore } from './signed-in.ts';

export interface Session {
  /** Who is signed in, as the hub last described them (presence, load). */
  agent: AgentView | null;
  /** Hub clock minus ours, so countdowns match the hub's `expiresAt`. */
  clockOffsetMs: number;
}

export const sessionStore = signedInStore<Session>(() => ({ agent: null, clockOffsetMs: 0 }));

export function useSession<T>(selector: (session: Session) => T): T {
  return useStore(sessionStore, selector);
}

export function applySession({ agent, serverTime }: ServerEventPayload<'session'>, receivedAt = Date.now()): void {
  sessionStore.setState({ agent, clockOffsetMs: Date.parse(serverTime) - receivedAt });
}

export function applyAgent(agent: AgentView): void {
  sessionStore.setState({ agent });
}

/** Now, on the hub's clock. */
export function hubNow(session: Session, localNow = Date.now()): number {
  return localNow + session.clockOffsetMs;
}
