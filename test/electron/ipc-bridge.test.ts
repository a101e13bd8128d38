import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { BRIDGE_EVENTS, BRIDGE_INVOKE } from '../../shared/protocol/bridge.ts';
import { BridgeRefused, createBridgeEvents, registerBridge, type BridgeHandlers } from '../../electron/ipc/bridge-main.ts';
import { createPreloadBridge } from '../../electron/preload/bridge.ts';
import { isConsoleUrl } from '../../electron/console/console-protocol.ts';
import { isTrustedSender } from '../../electron/security/trusted-sender.ts';
import { FakeIpcMain, FakeWebContents, recordingLog } from './fakes.ts';

const CONSOLE = 'app://baton/index.html';

function handlers(): BridgeHandlers & { calls: Array<[string, unknown]> } {
  const calls: Array<[string, unknown]> = [];
  const record =
    <T>(channel: string, result: T) =>
    (args: unknown) => {
      calls.push([channel, args]);
      return result;
    };
  return {
    calls,
    'notification:show': record('notification:show', undefined),
    'notification:close': record('notification:close', undefined),
    'badge:set': record('badge:set', undefined),
    'storage:get': record('storage:get', { value: null }),
    'storage:set': record('storage:set', undefined),
    'storage:remove': record('storage:remove', undefined),
    'link:open': record('link:open', undefined),
    'app:info': record('app:info', { name: 'Baton', version: '0.1.0', shell: 'desktop' as const }),
    'deepLink:initial': record('deepLink:initial', { url: null }),
    'hub:connection': record('hub:connection', { mode: 'saved' as const }),
    'presence:current': record('presence:current', undefined),
    'desktop:notices': record('desktop:notices', { notices: [] }),
    'system:openSetting': record('system:openSetting', undefined),
  };
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const consoleContents = new FakeWebContents();
  const log = recordingLog();
  const h = handlers();
  const unregister = registerBridge({
    ipcMain: ipcMain as never,
    log,
    handlers: h,
    isTrusted: (event) => isTrustedSender(event, { webContentsId: () => consoleContents.id, isAppUrl: isConsoleUrl }),
  });
  return { ipcMain, consoleContents, log, calls: h.calls, unregister, me: { id: consoleContents.id, url: CONSOLE } };
}

describe('the main side of the bridge', () => {
  it('answers every invoke channel of the bridge map, and no other', () => {
    const { ipcMain, unregister } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.keys(BRIDGE_INVOKE).sort());
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('passes a well-formed message from the console to its handler', async () => {
    const { ipcMain, calls, me } = setup();
    await ipcMain.invoke('badge:set', me, { count: 3 });
    expect(await ipcMain.invoke('storage:get', me, { key: 'baton.settings' })).toEqual({ value: null });
    expect(calls).toEqual([
      ['badge:set', { count: 3 }],
      ['storage:get', { key: 'baton.settings' }],
    ]);
  });

  it.each([
    ['another window', (me: { id: number; url: string }) => ({ ...me, id: me.id + 1000 })],
    ['a frame inside the console', (me: { id: number; url: string }) => ({ ...me, subframe: true })],
    ['the console window after navigating to a web page', (me: { id: number; url: string }) => ({ ...me, url: 'https://evil.example/' })],
    ['a file:// page', (me: { id: number; url: string }) => ({ ...me, url: 'file:///tmp/page.html' })],
    ['another app:// host', (me: { id: number; url: string }) => ({ ...me, url: 'app://other/index.html' })],
  ])('refuses a call from %s before reading it', async (_name, from) => {
    const { ipcMain, calls, me, log } = setup();
    await expect(ipcMain.invoke('storage:get', from(me), { key: 'baton.token' })).rejects.toMatchObject({ code: 'untrusted_sender' });
    expect(calls).toEqual([]);
    expect(log.entries.at(-1)).toMatchObject({ level: 'warn', message: 'Refused a bridge call from outside the console.' });
  });

  it('refuses a call whose sender frame is gone', async () => {
    const { ipcMain, calls, consoleContents } = setup();
    const handler = ipcMain.handlers.get('badge:set')!;
    await expect(handler({ sender: { id: consoleContents.id }, senderFrame: null }, { count: 1 })).rejects.toBeInstanceOf(BridgeRefused);
    expect(calls).toEqual([]);
  });

  it.each([
    ['a wrong type', 'badge:set', [{ count: -1 }]],
    ['a field the map does not have', 'notification:close', [{ id: 'h1', extra: true }]],
    ['no argument', 'app:info', []],
    ['two arguments', 'badge:set', [{ count: 1 }, { count: 2 }]],
    ['a storage key with a path in it', 'storage:get', [{ key: '../../etc/passwd' }]],
    ['a link that is not http(s)', 'link:open', [{ url: 'file:///etc/passwd' }]],
    ['a notification without a title', 'notification:show', [{ kind: 'offer', id: 'h1', body: '', silent: false, actions: [] }]],
    ['a notification of an unknown kind', 'notification:show', [{ kind: 'shout', id: 'h1', title: 'Hi', body: '', silent: false }]],
    ['a presence the hub does not have', 'presence:current', [{ status: 'busy' }]],
  ])('refuses a malformed message (%s) and says where', async (_name, channel, args) => {
    const { ipcMain, calls, me } = setup();
    await expect(ipcMain.invoke(channel, me, ...args)).rejects.toMatchObject({ code: 'invalid_message' });
    expect(calls).toEqual([]);
  });

  it('names the offending field in the refusal', async () => {
    const { ipcMain, me } = setup();
    await expect(ipcMain.invoke('badge:set', me, { count: 'many' })).rejects.toThrow(/invalid_message: badge:set: count/);
  });

  it('refuses buttons on a notification that only tells, and names them', async () => {
    const { ipcMain, calls, me } = setup();
    const news = { kind: 'reassigned', id: 'h1', title: 'Reassigned to you by Lee', body: '', silent: false };
    await expect(ipcMain.invoke('notification:show', me, { ...news, actions: ['accept'] })).rejects.toThrow(/invalid_message: notification:show: actions/);
    expect(calls).toEqual([]);
    await ipcMain.invoke('notification:show', me, news);
    expect(calls).toEqual([['notification:show', news]]);
  });

  it('sends only events that match the map, and only to a console that is there', () => {
    const contents = new FakeWebContents();
    let target: FakeWebContents | null = null;
    const log = recordingLog();
    const send = createBridgeEvents({ target: () => target, log });
    expect(send('deepLink:open', { url: 'baton://handoff/h1' })).toBe(false); // no console yet
    target = contents;
    expect(send('notification:choice', { id: 'h1', choice: 'accept' })).toBe(true);
    expect(send('notification:choice', { id: 'h1', choice: 'launch' as never })).toBe(false);
    contents.destroyed = true;
    expect(send('presence:desktop', { state: 'back' })).toBe(false);
    expect(contents.sent).toEqual([['notification:choice', { id: 'h1', choice: 'accept' }]]);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'error', details: { event: 'notification:choice' } }));
  });
});

class FakeIpcRenderer extends EventEmitter {
  readonly invoked: Array<[string, unknown]> = [];
  async invoke(channel: string, args: unknown): Promise<unknown> {
    this.invoked.push([channel, args]);
    return { ok: true };
  }
}

describe('the preload bridge (window.baton)', () => {
  it('invokes only channels of the bridge map', async () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createPreloadBridge(ipc as never);
    await bridge.invoke('badge:set', { count: 2 });
    await expect(bridge.invoke('shell:exec' as never, {} as never)).rejects.toThrow(/unknown_channel/);
    expect(ipc.invoked).toEqual([['badge:set', { count: 2 }]]);
  });

  it('hands listeners the payload only, never the IPC event (which would expose ipcRenderer)', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createPreloadBridge(ipc as never);
    const listener = vi.fn();
    const stop = bridge.on('deepLink:open', listener);
    ipc.emit('deepLink:open', { sender: ipc }, { url: 'baton://handoff/h1' });
    expect(listener).toHaveBeenCalledWith({ url: 'baton://handoff/h1' });
    expect(listener.mock.calls[0]).toHaveLength(1);
    stop();
    ipc.emit('deepLink:open', { sender: ipc }, { url: 'baton://handoff/h2' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(() => bridge.on('ipc:raw' as never, () => undefined)).toThrow(/unknown_event/);
  });

  it('can listen to every event of the map and cannot be changed by the page', () => {
    const bridge = createPreloadBridge(new FakeIpcRenderer() as never);
    for (const event of Object.keys(BRIDGE_EVENTS)) expect(typeof bridge.on(event as never, () => undefined)).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
  });
});
