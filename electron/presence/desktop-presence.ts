import type { PowerMonitor } from 'electron';
import type { DesktopPresence } from '../../shared/protocol/bridge.ts';

type AwayReason = Extract<DesktopPresence, { state: 'away' }>['reason'];

export type PowerMonitorPort = Pick<PowerMonitor, 'on' | 'removeListener' | 'getSystemIdleState'>;

export interface PresenceRules {
  awayOnLock: boolean;
  /** 0: idle time does not count. */
  idleMinutes: number;
}

export interface Timers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface DesktopPresenceWatch {
  /** New rules from the settings; takes effect at once. */
  setRules(rules: PresenceRules): void;
  stop(): void;
}

export const IDLE_POLL_MS = 15_000;

/**
 * Tells when the agent has stepped away from the computer (screen locked, computer asleep, no
 * input for the idle threshold) and when they are back. `onChange` hears `away` once when the
 * first reason starts and `back` once when the last one ends; the console decides what that
 * does to the agent's presence (and restores what they had).
 */
export function watchDesktopPresence({
  powerMonitor,
  rules: initial,
  onChange,
  timers = { setInterval, clearInterval },
  pollMs = IDLE_POLL_MS,
}: {
  powerMonitor: PowerMonitorPort;
  rules: PresenceRules;
  onChange(presence: DesktopPresence): void;
  timers?: Timers;
  pollMs?: number;
}): DesktopPresenceWatch {
  let rules = initial;
  const reasons = new Set<AwayReason>();
  let poll: unknown;

  const set = (reason: AwayReason, active: boolean): void => {
    const wasAway = reasons.size > 0;
    if (active) reasons.add(reason);
    else reasons.delete(reason);
    if (!wasAway && reasons.size > 0) onChange({ state: 'away', reason });
    else if (wasAway && reasons.size === 0) onChange({ state: 'back' });
  };

  const onLock = (): void => {
    if (rules.awayOnLock) set('lock-screen', true);
  };
  const onUnlock = (): void => set('lock-screen', false);
  const onSuspend = (): void => {
    if (rules.awayOnLock) set('suspend', true);
  };
  const onResume = (): void => set('suspend', false);

  const checkIdle = (): void => {
    const threshold = rules.idleMinutes * 60;
    // Linux has no lock-screen event; the idle state says "locked" there instead.
    const state = powerMonitor.getSystemIdleState(Math.max(threshold, 1));
    if (state === 'locked') {
      if (rules.awayOnLock) set('lock-screen', true);
    } else if (state === 'idle') {
      if (threshold > 0) set('idle', true);
    } else if (state === 'active') {
      set('idle', false);
      set('lock-screen', false);
    }
  };

  const schedule = (): void => {
    if (poll !== undefined) timers.clearInterval(poll);
    poll = rules.idleMinutes > 0 || rules.awayOnLock ? timers.setInterval(checkIdle, pollMs) : undefined;
    if (rules.idleMinutes === 0) set('idle', false);
    if (!rules.awayOnLock) {
      set('lock-screen', false);
      set('suspend', false);
    }
  };

  powerMonitor.on('lock-screen', onLock);
  powerMonitor.on('unlock-screen', onUnlock);
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  schedule();

  return {
    setRules(next) {
      rules = next;
      schedule();
    },
    stop() {
      if (poll !== undefined) timers.clearInterval(poll);
      poll = undefined;
      powerMonitor.removeListener('lock-screen', onLock);
      powerMonitor.removeListener('unlock-screen', onUnlock);
      powerMonitor.removeListener('suspend', onSuspend);
      powerMonitor.removeListener('resume', onResume);
    },
  };
}
