import type { Presence } from '../../shared/protocol/agent.ts';
import { BRIDGE_EVENTS, type BatonBridge, type BridgeEventName, type BridgeEventPayload } from '../../shared/protocol/bridge.ts';
import { sessionStore } from '../state/session.ts';

export interface DesktopPresenceOptions {
  bridge: BatonBridge;
  /** The agent's presence as the hub last said; null while signed out. */
  current(): Presence | null;
  /** Calls back whenever `current()` may have changed. */
  subscribe(listener: () => void): () => void;
  /** Resolves with a message when the hub could not be told (the controller's setPresence). */
  setPresence(status: 'available' | 'away'): Promise<string | null>;
}

/**
 * The desktop's side of presence, in the console: a locked screen, sleep or idle time sets an
 * available agent away, and the end of it restores them (unless they changed their presence
 * meanwhile); the tray's switch sets presence; the tray is told the presence the hub reports.
 * Returns a function that stops all of it.
 */
export function followDesktopPresence({ bridge, current, subscribe, setPresence }: DesktopPresenceOptions): () => void {
  // Set when the desktop made the agent away, so "back" knows what to restore.
  let restoreTo: 'available' | null = null;
  let reported: Presence | null | undefined;

  const on = <E extends BridgeEventName>(event: E, listener: (payload: BridgeEventPayload<E>) => void): (() => void) =>
    bridge.on(event, (payload) => {
      const parsed = BRIDGE_EVENTS[event].safeParse(payload);
      if (parsed.success) listener(parsed.data as BridgeEventPayload<E>);
    });

  const report = (): void => {
    const now = current();
    if (now === reported) return;
    reported = now;
    // The agent chose to be available while the desktop had them away: nothing left to restore.
    if (now === 'available') restoreTo = null;
    void bridge.invoke('presence:current', { status: now }).catch(() => undefined);
  };

  const stops = [
    on('presence:desktop', (change) => {
      if (change.state === 'away') {
        if (current() !== 'available') return;
        restoreTo = 'available';
        void setPresence('away');
        return;
      }
      const to = restoreTo;
      restoreTo = null;
      if (to && current() === 'away') void setPresence(to);
    }),
    on('presence:request', ({ status }) => {
      restoreTo = null;
      void setPresence(status);
    }),
    subscribe(report),
  ];
  report();
  return () => {
    for (const stop of stops) stop();
  };
}

/** followDesktopPresence on the console's own session store and controller. */
export function wireDesktopPresence(bridge: BatonBridge, controller: { setPresence(status: 'available' | 'away'): Promise<string | null> }): () => void {
  return followDesktopPresence({
    bridge,
    current: () => sessionStore.getState().agent?.presence ?? null,
    subscribe: (listener) => sessionStore.subscribe(listener),
    setPresence: (status) => controller.setPresence(status),
  });
}
