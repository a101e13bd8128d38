import { describe, expect, it } from 'vitest';
import type { BatonBridge, BridgeEventName, BridgeEventPayload, BridgeInvokeChannel } from '../../shared/protocol/bridge.ts';
import { createElectronPlatform, isBatonBridge } from '../../renderer/platform/electron-platform.ts';

/** The preload's bridge as the renderer sees it: invokes are recorded, events are sent by the test. */
function fakeBridge(answers: Partial<Record<BridgeInvokeChannel, unknown>> = {}) {
  const invoked: Array<[BridgeInvokeChannel, unknown]> = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const bridge: BatonBridge = {
    async invoke(channel, args) {
      invoked.push([channel, args]);
      return answers[channel] as never;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  const send = <E extends BridgeEventName>(event: E, payload: BridgeEventPayload<E> | Record<string, unknown>): void => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  return { bridge, invoked, send };
}

const notice = { kind: 'offer' as const, id: 'h1', title: 'Offer: Dana', body: 'Chat', silent: false, actions: ['accept' as const, 'return' as const] };

describe('the desktop platform over the preload bridge', () => {
  it('shows a native notification and hands back the agent’s choice', async () => {
    const { bridge, invoked, send } = fakeBridge();
    const platform = createElectronPlatform(bridge);
    const choice = platform.notify(notice);
    expect(invoked).toEqual([['notification:show', notice]]);
    send('notification:choice', { id: 'other', choice: 'accept' });
    send('notification:choice', { id: 'h1', choice: 'launch-missiles' }); // not a choice: ignored
    send('notification:choice', { id: 'h1', choice: 'return' });
    expect(await choice).toBe('return');
  });

  it('sends every kind of notice through the same channel; a click on news comes back as open', async () => {
    const { bridge, invoked, send } = fakeBridge();
    const platform = createElectronPlatform(bridge);
    const taken = { kind: 'taken_away' as const, id: 'h2', title: 'Moved away from you by Lee', body: 'It is no longer yours.', silent: true };
    const product = { kind: 'product_status' as const, id: 'product:p1', title: "Bug report 'Export fails on Safari' is now In progress", body: 'Changed by Lee.', silent: false };
    const takenChoice = platform.notify(taken);
    const productChoice = platform.notify(product);
    expect(invoked).toEqual([
      ['notification:show', taken],
      ['notification:show', product],
    ]);
    send('notification:choice', { id: 'product:p1', choice: 'open' });
    expect(await productChoice).toBe('open');
    platform.closeNotification('h2');
    expect(await takenChoice).toBe('dismissed');
    expect(invoked.at(-1)).toEqual(['notification:close', { id: 'h2' }]);
  });

  it('refuses links that are not http(s) before they reach the main process', async () => {
    const { bridge, invoked } = fakeBridge();
    const platform = createElectronPlatform(bridge);
    expect(await platform.openExternal('javascript:alert(1)')).toBe(false);
    expect(await platform.openExternal('https://example.com/a')).toBe(true);
    expect(invoked).toEqual([['link:open', { url: 'https://example.com/a' }]]);
  });

  it('reads storage, app info and the launch link through the bridge', async () => {
    const { bridge, invoked, send } = fakeBridge({
      'storage:get': { value: 'saved' },
      'app:info': { name: 'Baton', version: '0.1.0', shell: 'desktop' },
      'deepLink:initial': { url: 'baton://handoff/h1' },
    });
    const platform = createElectronPlatform(bridge);
    expect(await platform.storage.get('baton.settings')).toBe('saved');
    expect(await platform.appInfo()).toEqual({ name: 'Baton', version: '0.1.0', shell: 'desktop' });
    expect(await platform.initialDeepLink()).toBe('baton://handoff/h1');
    const links: string[] = [];
    platform.onDeepLink((url) => links.push(url));
    send('deepLink:open', { url: 'baton://sign-in?token=x' });
    expect(links).toEqual(['baton://sign-in?token=x']);
    platform.setBadgeCount(3);
    expect(invoked.at(-1)).toEqual(['badge:set', { count: 3 }]);
  });

  it('recognises the bridge only when it has the bridge’s shape', () => {
    expect(isBatonBridge(fakeBridge().bridge)).toBe(true);
    expect(isBatonBridge(undefined)).toBe(false);
    expect(isBatonBridge({ invoke: 1 })).toBe(false);
  });
});
