import { describe, expect, it } from 'vitest';
import type { DesktopPresence } from '../../shared/protocol/bridge.ts';
import { IDLE_POLL_MS, watchDesktopPresence, type PresenceRules } from '../../electron/presence/desktop-presence.ts';
import { FakePowerMonitor, manualTimers } from './fakes.ts';

function watch(rules: PresenceRules = { awayOnLock: true, idleMinutes: 10 }) {
  const powerMonitor = new FakePowerMonitor();
  const timers = manualTimers();
  const heard: DesktopPresence[] = [];
  const watcher = watchDesktopPresence({ powerMonitor: powerMonitor as never, rules, onChange: (p) => heard.push(p), timers });
  return { powerMonitor, timers, heard, watcher };
}

describe('presence from the desktop', () => {
  it('locking the screen sets the agent away; unlocking brings them back', () => {
    const { powerMonitor, heard } = watch();
    powerMonitor.emit('lock-screen');
    expect(heard).toEqual([{ state: 'away', reason: 'lock-screen' }]);
    powerMonitor.emit('unlock-screen');
    expect(heard).toEqual([{ state: 'away', reason: 'lock-screen' }, { state: 'back' }]);
  });

  it('sleep sets the agent away; waking brings them back', () => {
    const { powerMonitor, heard } = watch();
    powerMonitor.emit('suspend');
    powerMonitor.emit('resume');
    expect(heard).toEqual([{ state: 'away', reason: 'suspend' }, { state: 'back' }]);
  });

  it('overlapping reasons make one away and one back, when the last one ends', () => {
    const { powerMonitor, heard } = watch();
    powerMonitor.emit('lock-screen');
    powerMonitor.emit('suspend');
    powerMonitor.emit('resume');
    expect(heard).toEqual([{ state: 'away', reason: 'lock-screen' }]);
    powerMonitor.emit('unlock-screen');
    expect(heard).toEqual([{ state: 'away', reason: 'lock-screen' }, { state: 'back' }]);
  });

  it('no input for the idle threshold from the settings sets the agent away; input again brings them back', () => {
    const { powerMonitor, timers, heard } = watch({ awayOnLock: true, idleMinutes: 7 });
    timers.advance(IDLE_POLL_MS);
    expect(powerMonitor.thresholds.at(-1)).toBe(7 * 60);
    expect(heard).toEqual([]);
    powerMonitor.idleState = 'idle';
    timers.advance(IDLE_POLL_MS);
    timers.advance(IDLE_POLL_MS);
    expect(heard).toEqual([{ state: 'away', reason: 'idle' }]);
    powerMonitor.idleState = 'active';
    timers.advance(IDLE_POLL_MS);
    expect(heard).toEqual([{ state: 'away', reason: 'idle' }, { state: 'back' }]);
  });

  it('where the OS sends no lock event (Linux), a locked idle state counts as the lock screen', () => {
    const { powerMonitor, timers, heard } = watch();
    powerMonitor.idleState = 'locked';
    timers.advance(IDLE_POLL_MS);
    powerMonitor.idleState = 'active';
    timers.advance(IDLE_POLL_MS);
    expect(heard).toEqual([{ state: 'away', reason: 'lock-screen' }, { state: 'back' }]);
  });

  it('with the rules off nothing sets the agent away, and changing the rules takes effect at once', () => {
    const { powerMonitor, timers, heard, watcher } = watch({ awayOnLock: false, idleMinutes: 0 });
    powerMonitor.emit('lock-screen');
    powerMonitor.idleState = 'idle';
    timers.advance(IDLE_POLL_MS * 3);
    expect(heard).toEqual([]);
    expect(timers.pending()).toBe(0);
    watcher.setRules({ awayOnLock: false, idleMinutes: 1 });
    timers.advance(IDLE_POLL_MS);
    expect(heard).toEqual([{ state: 'away', reason: 'idle' }]);
    watcher.setRules({ awayOnLock: false, idleMinutes: 0 }); // turning idle off ends an idle away
    expect(heard).toEqual([{ state: 'away', reason: 'idle' }, { state: 'back' }]);
  });

  it('stop removes every listener and the idle poll', () => {
    const { powerMonitor, timers, watcher, heard } = watch();
    watcher.stop();
    powerMonitor.emit('lock-screen');
    expect(heard).toEqual([]);
    expect(timers.pending()).toBe(0);
    for (const event of ['lock-screen', 'unlock-screen', 'suspend', 'resume']) expect(powerMonitor.listenerCount(event)).toBe(0);
  });
});
