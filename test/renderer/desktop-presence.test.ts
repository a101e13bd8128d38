import { describe, expect, it, vi } from 'vitest';
import type { Presence } from '../../shared/protocol/agent.ts';
import type { BatonBridge, BridgeEventName, BridgeInvokeChannel } from '../../shared/protocol/bridge.ts';
import { followDesktopPresence } from '../../renderer/app/desktop-presence.ts';
import { createElectronPlatform } from '../../renderer/platform/electron-platform.ts';

function world(initial: Presence | null = 'available') {
  let presence = initial;
  const storeListeners = new Set<() => void>();
  const bridgeListeners = new Map<string, Set<(payload: unknown) => void>>();
  const invoked: Array<[BridgeInvokeChannel, unknown]> = [];
  const bridge: BatonBridge = {
    async invoke(channel, args) {
      invoked.push([channel, args]);
      return undefined as never;
    },
    on(event, listener) {
      let set = bridgeListeners.get(event);
      if (!set) bridgeListeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  /** The hub's answer arrives: the session store changes. */
  const hubSays = (next: Presence | null) => {
    presence = next;
    for (const listener of storeListeners) listener();
  };
  const setPresence = vi.fn(async (status: 'available' | 'away') => {
    hubSays(status);
    return null;
  });
  const stop = followDesktopPresence({ platform: createElectronPlatform(bridge), current: () => presence, subscribe: (l) => (storeListeners.add(l), () => storeListeners.delete(l)), setPresence });
  const desktop = (event: BridgeEventName, payload: unknown) => {
    for (const listener of bridgeListeners.get(event) ?? []) listener(payload);
  };
  return { desktop, hubSays, setPresence, invoked, stop, presence: () => presence };
}

describe('presence from the desktop, in the console', () => {
  it('a locked screen sets an available agent away, and unlocking makes them available again', () => {
    const w = world('available');
    w.desktop('presence:desktop', { state: 'away', reason: 'lock-screen' });
    expect(w.setPresence).toHaveBeenLastCalledWith('away');
    w.desktop('presence:desktop', { state: 'back' });
    expect(w.setPresence).toHaveBeenLastCalledWith('available');
    expect(w.presence()).toBe('available');
  });

  it('an agent who was already away stays away after unlocking', () => {
    const w = world('away');
    w.desktop('presence:desktop', { state: 'away', reason: 'idle' });
    w.desktop('presence:desktop', { state: 'back' });
    expect(w.setPresence).not.toHaveBeenCalled();
  });

  it('a presence the agent chose meanwhile is kept', () => {
    const w = world('available');
    w.desktop('presence:desktop', { state: 'away', reason: 'suspend' });
    w.desktop('presence:request', { status: 'away' }); // picked Away in the tray
    w.desktop('presence:desktop', { state: 'back' });
    expect(w.setPresence.mock.calls).toEqual([['away'], ['away']]);
  });

  it('the tray switch sets presence, and the tray is told what the hub says', () => {
    const w = world(null);
    expect(w.invoked).toEqual([['presence:current', { status: null }]]);
    w.hubSays('available');
    w.desktop('presence:request', { status: 'away' });
    expect(w.setPresence).toHaveBeenCalledWith('away');
    expect(w.invoked.map(([, args]) => args)).toEqual([{ status: null }, { status: 'available' }, { status: 'away' }]);
  });

  it('ignores events that do not match the bridge map, and stops when asked', () => {
    const w = world('available');
    w.desktop('presence:desktop', { state: 'asleep' });
    w.desktop('presence:request', { status: 'offline' });
    expect(w.setPresence).not.toHaveBeenCalled();
    w.stop();
    w.desktop('presence:desktop', { state: 'away', reason: 'idle' });
    expect(w.setPresence).not.toHaveBeenCalled();
  });
});
