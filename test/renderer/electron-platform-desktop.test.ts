import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatonBridge, BridgeEventName, BridgeEventPayload, BridgeInvokeChannel } from '../../shared/protocol/bridge.ts';
import { DESKTOP_SOCKET_OPTIONS, createElectronPlatform, desktopHubUrl } from '../../renderer/platform/electron-platform.ts';
import { signInRequestStore } from '../../renderer/state/sign-in-request.ts';
import { SETTINGS_KEY, TOKEN_KEY, settingsStore, DEFAULT_NOTIFICATIONS } from '../../renderer/state/settings.ts';
import { uiStore } from '../../renderer/state/ui.ts';
import { flushMicrotasks, resetStores, startConsole, type TestConsole } from '../support/console.ts';
import type { Platform } from '../../renderer/platform/platform.ts';

/** The preload's bridge with a desktop behind it: answers per channel, storage in a map, events sent by the test. */
function desktopBridge(answers: Partial<Record<BridgeInvokeChannel, unknown>>, data: Record<string, string> = {}) {
  const stored = new Map(Object.entries(data));
  const invoked: Array<[BridgeInvokeChannel, unknown]> = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const bridge: BatonBridge = {
    async invoke(channel, args) {
      invoked.push([channel, args]);
      const { key, value } = args as { key?: string; value?: string };
      if (channel === 'storage:get') return { value: stored.get(key!) ?? null } as never;
      if (channel === 'storage:set') return void stored.set(key!, value!) as never;
      if (channel === 'storage:remove') return void stored.delete(key!) as never;
      const answer = answers[channel];
      if (answer instanceof Error) throw answer;
      return answer as never;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  const send = <E extends BridgeEventName>(event: E, payload: BridgeEventPayload<E>): void => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  return { bridge, invoked, send, stored };
}

const LOCAL = 'http://127.0.0.1:5123';
const savedOn = (hubUrl: string, token: string) => ({ [TOKEN_KEY]: token, [SETTINGS_KEY]: JSON.stringify({ hubUrl, notifications: DEFAULT_NOTIFICATIONS, theme: 'system' }) });

let consoles: Array<TestConsole<Platform>> = [];
beforeEach(resetStores);
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
});
async function desktopConsole(answers: Partial<Record<BridgeInvokeChannel, unknown>>, data: Record<string, string> = {}) {
  const desktop = desktopBridge({ 'deepLink:initial': { url: null }, ...answers }, data);
  const c = await startConsole<Platform>({ platform: createElectronPlatform(desktop.bridge) });
  consoles.push(c);
  await flushMicrotasks();
  return { ...desktop, c };
}

describe('the desktop platform and the desktop’s own hub', () => {
  it('signs the console in to the local demo hub as the demo agent, without asking', async () => {
    const { c } = await desktopConsole({ 'hub:connection': { mode: 'embedded', hubUrl: LOCAL, token: 'demo-ana' } });
    expect(c.credentials).toEqual([{ url: LOCAL, token: 'demo-ana' }]);
    expect(signInRequestStore.getState().request).toBeNull();
  });

  it('signs in first and then opens the handoff the app was launched with', async () => {
    const { c } = await desktopConsole({ 'deepLink:initial': { url: 'baton://handoff/h1' }, 'hub:connection': { mode: 'embedded', hubUrl: LOCAL, token: 'demo-ana' } });
    expect(c.credentials).toEqual([{ url: LOCAL, token: 'demo-ana' }]);
    expect(uiStore.getState().selectedId).toBe('h1');
  });

  it('keeps the demo person the agent chose, at the local hub’s current address (it may have a new port)', async () => {
    const { c } = await desktopConsole({ 'hub:connection': { mode: 'embedded', hubUrl: LOCAL, token: null } }, savedOn('http://127.0.0.1:7400', 'demo-lee'));
    expect(c.credentials).toEqual([{ url: LOCAL, token: 'demo-lee' }]);
  });

  it('a sign-in link the app was launched with, for another hub, waits for the agent’s confirmation; the local sign-in goes ahead', async () => {
    const link = 'baton://sign-in?token=tok&hub=https%3A%2F%2Fhub.acme.example';
    const { c } = await desktopConsole({ 'deepLink:initial': { url: link }, 'hub:connection': { mode: 'embedded', hubUrl: LOCAL, token: 'demo-ana' } });
    expect(c.credentials).toEqual([{ url: LOCAL, token: 'demo-ana' }]);
    expect(signInRequestStore.getState().request).toMatchObject({ hubUrl: 'https://hub.acme.example', token: 'tok', hubInUse: LOCAL, current: { name: null } });
  });

  it('follows the local hub to its new address when it is started again on another port', async () => {
    const { c, send } = await desktopConsole({ 'hub:connection': { mode: 'embedded', hubUrl: LOCAL, token: 'demo-ana' } });
    send('hub:moved', { hubUrl: 'http://127.0.0.1:5200' });
    expect(c.credentials.at(-1)).toEqual({ url: 'http://127.0.0.1:5200', token: 'demo-ana' });
    expect(settingsStore.getState().hubUrl).toBe('http://127.0.0.1:5200');
    expect(c.clients[0]!.closed).toBe(true);
  });

  it('a console signed in to another hub does not follow the local one', async () => {
    const { c, send } = await desktopConsole({ 'hub:connection': { mode: 'saved' } }, savedOn('https://hub.acme.example', 'tok-own'));
    send('hub:moved', { hubUrl: 'http://127.0.0.1:5200' });
    expect(c.credentials).toEqual([{ url: 'https://hub.acme.example', token: 'tok-own' }]);
  });

  it('works without a desktop hub', async () => {
    const { c } = await desktopConsole({ 'deepLink:initial': { url: 'baton://handoff/h1' }, 'hub:connection': new Error('No handler registered') }, savedOn('https://hub.acme.example', 'tok-own'));
    expect(c.credentials).toEqual([{ url: 'https://hub.acme.example', token: 'tok-own' }]);
    expect(uiStore.getState().selectedId).toBe('h1');
  });

  it('offers the configured or local hub for the sign-in screen, and connects over WebSocket only', async () => {
    expect(await desktopHubUrl(desktopBridge({ 'hub:connection': { mode: 'configured', hubUrl: 'https://hub.acme.example' } }).bridge)).toBe('https://hub.acme.example');
    expect(await desktopHubUrl(desktopBridge({ 'hub:connection': { mode: 'saved' } }).bridge)).toBeNull();
    expect(DESKTOP_SOCKET_OPTIONS.transports).toEqual(['websocket']);
  });
});

describe('the desktop’s notices in the console', () => {
  it('notification permission is denied while the OS has Baton’s notifications switched off, granted again once it shows one', async () => {
    const { bridge, send } = desktopBridge({ 'desktop:notices': { notices: [] } });
    const platform = createElectronPlatform(bridge);
    expect(platform.notificationPermission()).toBe('granted');
    const blocked = { id: 'notifications-blocked' as const, title: 'Notifications for Baton are switched off', message: 'Switch them on.', setting: 'notifications' as const };
    send('desktop:notices', { notices: [blocked] });
    expect(platform.notificationPermission()).toBe('denied');
    send('desktop:notices', { notices: [] });
    expect(platform.notificationPermission()).toBe('granted');
  });

  it('reads the current notices, hears changes, and asks the desktop to open a system setting by name only', async () => {
    const shortcut = { id: 'shortcut' as const, title: 'The global shortcut is off', message: 'Another application already uses it.' };
    const { bridge, send, invoked } = desktopBridge({ 'desktop:notices': { notices: [shortcut] } });
    const platform = createElectronPlatform(bridge);
    expect(await platform.desktopNotices!.current()).toEqual([shortcut]);
    const heard: unknown[] = [];
    platform.desktopNotices!.onChange((notices) => heard.push(notices));
    send('desktop:notices', { notices: [] });
    send('desktop:notices', { notices: [{ id: 'nonsense' }] } as never); // not in the map: ignored
    expect(heard).toEqual([[]]);
    await platform.desktopNotices!.openSetting('notifications');
    expect(invoked.at(-1)).toEqual(['system:openSetting', { setting: 'notifications' }]);
  });
});
