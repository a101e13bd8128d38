import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { HubPort } from '../client/hub-port.ts';
import type { ServerEventPayload } from '../../shared/protocol/socket.ts';
import { showClientState } from './connection.ts';
import { applyHandoff, applySnapshot, applyWithdrawal, type Me } from './handoffs.ts';
import { applySession, sessionStore } from './session.ts';

export interface SyncHooks {
  /** The current connection delivered its snapshot: the stores now match the hub. */
  onSynced?(handoffs: readonly Handoff[]): void;
  /** A new offer arrived. */
  onOffered?(handoff: Handoff): void;
  /** A handoff changed (offered, accepted, finished, moved). */
  onChanged?(handoff: Handoff): void;
  /** The agent lost an offer or a handoff; the stores already show it as withdrawn. */
  onWithdrawn?(handoffId: string, event: ServerEventPayload<'handoff:withdrawn'>): void;
}

export interface Sync {
  /** Whether the current connection has delivered its snapshot. */
  synced(): boolean;
  stop(): void;
}

const me = (): Me | null => sessionStore.getState().agent;

/** Feeds a client's events into the stores for as long as it is signed in. */
export function syncStores(client: HubPort, hooks: SyncHooks = {}): Sync {
  let synced = false;
  showClientState(client.state);
  const stops = [
    client.onState((state) => {
      if (state.status !== 'connected') synced = false;
      showClientState(state);
    }),
    client.on('session', (payload) => applySession(payload)),
    client.on('handoffs:snapshot', ({ handoffs }) => {
      applySnapshot(handoffs);
      synced = true;
      hooks.onSynced?.(handoffs);
    }),
    client.on('handoff:offered', ({ handoff }) => {
      const who = me();
      if (!who) return;
      applyHandoff(handoff, who);
      hooks.onOffered?.(handoff);
    }),
    client.on('handoff:changed', ({ handoff }) => {
      const who = me();
      if (!who) return;
      applyHandoff(handoff, who);
      hooks.onChanged?.(handoff);
    }),
    client.on('handoff:withdrawn', (event) => {
      applyWithdrawal(event.handoffId, event.reason);
      hooks.onWithdrawn?.(event.handoffId, event);
    }),
  ];
  return {
    synced: () => synced,
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}
