import type { Presence } from '../../shared/protocol/agent.ts';
import type { Platform } from '../platform/platform.ts';
import { sessionStore } from '../state/session.ts';

export interface DesktopPresenceOptions {
  platform: Pick<Platform, 'onDesktopPresence' | 'onPresenceRequest' | 'showPresence'>;
  /** The agent's presence as the hub last said; null while signed out. */
  current: () => Presence | null;
  /** Calls back whenever `current()` may have changed. */
  subscribe: (listener: () => void) => () => void;
  /** Resolves with a message when the hub could not be told (the controller's setPresence). */
  setPresence: (status: 'available' | 'away') => Promise<string | null>;
}

/**
 * The desktop's side of presence, in the console: a locked screen, sleep or idle time sets an
 * available agent away, and the end of it restores them (unless they changed their presence
 * meanwhile); the tray's switch sets presence; the tray is told the presence the hub reports.
 * In a browser the platform reports none of that. Returns a function that stops all of it.
 */
export function followDesktopPresence({ platform, current, subscribe, setPresence }: DesktopPresenceOptions): () => void {
  // Set when the desktop made the agent away, so "back" knows what to restore.
  let restoreTo: 'available' | null = null;
  let reported: Presence | null | undefined;

  const report = (): void => {
    const now = current();
    if (now === reported) return;
    reported = now;
    // The agent chose to be available while the desktop had them away: nothing left to restore.
    if (now === 'available') restoreTo = null;
    platform.showPresence(now);
  };

  const stops = [
    platform.onDesktopPresence((change) => {
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
    platform.onPresenceRequest((status) => {
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
export function wireDesktopPresence(platform: Platform, controller: { setPresence(status: 'available' | 'away'): Promise<string | null> }): () => void {
  return followDesktopPresence({
    platform,
    current: () => sessionStore.getState().agent?.presence ?? null,
    subscribe: (listener) => sessionStore.subscribe(listener),
    setPresence: (status) => controller.setPresence(status),
  });
}
