import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { connectHub } from '../../renderer/client/hub-client.ts';
import { DESKTOP_SOCKET_OPTIONS } from '../../renderer/platform/electron-platform.ts';
import { chooseHub } from '../../electron/embedded-hub/choose-hub.ts';
import { startEmbeddedHub } from '../../electron/embedded-hub/embedded-hub.ts';
import { createHubConnection } from '../../electron/embedded-hub/hub-connection.ts';
import { parseHubProcessArgs, portIsFree, runHubProcess, type ParentPortLike } from '../../electron/embedded-hub/hub-process.ts';
import type { HubProcessMessage } from '../../electron/embedded-hub/messages.ts';
import { fakeFork, manualTimers, recordingLog, settle } from './fakes.ts';

function embedded(options: { port?: number } = {}) {
  const { forked, fork } = fakeFork();
  const timers = manualTimers();
  const log = recordingLog();
  const onReady = vi.fn();
  const onGaveUp = vi.fn();
  const hub = startEmbeddedHub({ fork, modulePath: '/app/dist/electron/hub-process.js', dataDir: '/home/ana/.config/Baton/hub', port: options.port ?? 0, log, onReady, onGaveUp, timers });
  return { hub, forked, timers, log, onReady, onGaveUp };
}

describe('the embedded hub, seen from the main process', () => {
  it('runs the hub process in a utility process with its data in the user-data folder', async () => {
    const { hub, forked, onReady } = embedded({ port: 7411 });
    expect(forked).toHaveLength(1);
    expect(forked[0]!.modulePath).toBe('/app/dist/electron/hub-process.js');
    expect(forked[0]!.args).toEqual(['--data-dir', '/home/ana/.config/Baton/hub', '--port', '7411']);
    expect(forked[0]!.options).toMatchObject({ serviceName: 'Baton hub', stdio: 'pipe' });
    forked[0]!.report({ type: 'ready', url: 'http://127.0.0.1:7411', token: 'demo-ana', demoTokens: ['demo-ana', 'demo-ben', 'demo-lee'] });
    const ready = { url: 'http://127.0.0.1:7411', token: 'demo-ana', demoTokens: ['demo-ana', 'demo-ben', 'demo-lee'] };
    await expect(hub.ready()).resolves.toEqual(ready);
    expect(onReady).toHaveBeenCalledWith(ready);
  });

  it('a hub that cannot start says why, in the hub’s own words', async () => {
    const { hub, forked } = embedded();
    forked[0]!.report({ type: 'failed', message: 'The local demo hub could not start: the data folder is locked' });
    await expect(hub.ready()).rejects.toThrow('The local demo hub could not start: the data folder is locked');
  });

  it('a hub that exits while starting, or takes too long, is reported (and ended)', async () => {
    const exits = embedded();
    exits.forked[0]!.exit(1);
    await expect(exits.hub.ready()).rejects.toThrow(/stopped while starting \(exit code 1\)/);

    const slow = embedded();
    slow.timers.advance(60_000);
    await expect(slow.hub.ready()).rejects.toThrow(/did not start within 60 s/);
    expect(slow.forked[0]!.killed).toBe(true);
  });

  it('ignores messages outside its protocol', async () => {
    const { hub, forked, log } = embedded();
    forked[0]!.report({ type: 'ready', url: 'file:///etc', token: 'x', demoTokens: [] });
    forked[0]!.report('hello');
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(2);
    forked[0]!.report({ type: 'ready', url: 'http://127.0.0.1:1234', token: 'demo-ana', demoTokens: ['demo-ana', 'demo-ben', 'demo-lee'] });
    await expect(hub.ready()).resolves.toMatchObject({ url: 'http://127.0.0.1:1234' });
  });

  it('a hub that dies after starting is started again on the same port, a few times at most', async () => {
    const { forked, timers, log } = embedded();
    forked[0]!.report({ type: 'ready', url: 'http://127.0.0.1:5123', token: 'demo-ana', demoTokens: ['demo-ana', 'demo-ben', 'demo-lee'] });
    await settle();
    for (let attempt = 1; attempt <= 3; attempt++) {
      forked.at(-1)!.exit(134);
      timers.advance(2_000);
      expect(forked).toHaveLength(attempt + 1);
      expect(forked.at(-1)!.args).toEqual(['--data-dir', '/home/ana/.config/Baton/hub', '--port', '5123']);
      forked.at(-1)!.report({ type: 'ready', url: 'http://127.0.0.1:5123', token: 'demo-ana', demoTokens: ['demo-ana', 'demo-ben', 'demo-lee'] });
    }
    forked.at(-1)!.exit(134);
    timers.advance(2_000);
    expect(forked).toHaveLength(4);
    expect(log.entries.at(-1)).toMatchObject({ level: 'error', message: 'The local demo hub keeps stopping; it is not started again until Baton restarts.' });
  });

  it('a hub restarted on another port (its own was taken): ready() answers with the new address, once it is up, and onReady hears it', async () => {
    const { hub, forked, timers, onReady } = embedded({ port: 5123 });
    const demoTokens = ['demo-ana', 'demo-ben', 'demo-lee'];
    forked[0]!.report({ type: 'ready', url: 'http://127.0.0.1:5123', token: 'demo-ana', demoTokens });
    await expect(hub.ready()).resolves.toMatchObject({ url: 'http://127.0.0.1:5123' });
    forked[0]!.exit(134);
    const during = hub.ready();
    timers.advance(2_000);
    forked[1]!.report({ type: 'ready', url: 'http://127.0.0.1:5999', token: 'demo-ana', demoTokens });
    await expect(during).resolves.toMatchObject({ url: 'http://127.0.0.1:5999' });
    await expect(hub.ready()).resolves.toMatchObject({ url: 'http://127.0.0.1:5999' });
    expect(onReady.mock.calls.map(([ready]) => ready.url)).toEqual(['http://127.0.0.1:5123', 'http://127.0.0.1:5999']);
  });

  it('restarts that fail to start count too; after the last, ready() says plainly that the local hub cannot be started, and onGaveUp hears it once', async () => {
    const { hub, forked, timers, onGaveUp } = embedded();
    forked[0]!.report({ type: 'ready', url: 'http://127.0.0.1:5123', token: 'demo-ana', demoTokens: ['demo-ana'] });
    await settle();
    forked[0]!.exit(134);
    for (let attempt = 1; attempt <= 3; attempt++) {
      timers.advance(2_000);
      expect(forked).toHaveLength(attempt + 1);
      forked.at(-1)!.report({ type: 'failed', message: 'The local demo hub could not start: the data folder is locked' });
      await settle();
    }
    timers.advance(10_000);
    expect(forked).toHaveLength(4);
    await expect(hub.ready()).rejects.toThrow('The local demo hub stopped and could not be started again (The local demo hub could not start: the data folder is locked).');
    expect(onGaveUp).toHaveBeenCalledTimes(1);
    expect(onGaveUp.mock.calls[0]![0]).toMatch(/could not be started again/);
  });

  it('stop asks the hub to finish its writes, and ends it if it does not in time', async () => {
    const polite = embedded();
    polite.forked[0]!.report({ type: 'ready', url: 'http://127.0.0.1:5123', token: 'demo-ana', demoTokens: ['demo-ana', 'demo-ben', 'demo-lee'] });
    const stopped = polite.hub.stop();
    expect(polite.forked[0]!.posted).toEqual([{ type: 'stop' }]);
    polite.forked[0]!.exit(0);
    await stopped;
    expect(polite.forked[0]!.killed).toBe(false);
    polite.timers.advance(10_000);
    expect(polite.forked).toHaveLength(1); // not restarted

    const stuck = embedded();
    stuck.forked[0]!.report({ type: 'ready', url: 'http://127.0.0.1:5124', token: 'demo-ana', demoTokens: ['demo-ana', 'demo-ben', 'demo-lee'] });
    const ending = stuck.hub.stop();
    stuck.timers.advance(10_000);
    await ending;
    expect(stuck.forked[0]!.killed).toBe(true);
  });

  it('passes the hub’s JSON log lines to the main log at their level', async () => {
    const { forked, log } = embedded();
    forked[0]!.stderr.write(`${JSON.stringify({ level: 30, msg: 'hub started' })}\n${JSON.stringify({ level: 50, msg: 'background task failed' })}\nplain text\n`);
    await settle();
    expect(log.entries.map((e) => [e.level, e.message])).toEqual([
      ['info', 'hub: hub started'],
      ['error', 'hub: background task failed'],
      ['info', 'hub: plain text'],
    ]);
  });
});

describe('which hub the desktop uses', () => {
  const demoTokens = ['demo-ana', 'demo-ben', 'demo-lee'];

  it('a hub URL in the settings or BATON_HUB_URL wins', () => {
    expect(chooseHub({ configuredUrl: 'https://hub.acme.example', savedToken: null, demoTokens })).toEqual({ mode: 'configured', hubUrl: 'https://hub.acme.example' });
    expect(chooseHub({ configuredUrl: 'https://hub.acme.example', envUrl: 'http://10.0.0.5:7400', savedToken: null, demoTokens })).toEqual({ mode: 'configured', hubUrl: 'http://10.0.0.5:7400' });
    expect(chooseHub({ configuredUrl: null, envUrl: 'not a url', savedToken: null, demoTokens })).toEqual({ mode: 'embedded' });
  });

  it('with nothing configured: the local demo hub (as whichever demo person), unless the agent signed in with an account of their own', () => {
    expect(chooseHub({ configuredUrl: null, savedToken: null, demoTokens: [] })).toEqual({ mode: 'embedded' });
    expect(chooseHub({ configuredUrl: null, savedToken: 'demo-ana', demoTokens })).toEqual({ mode: 'embedded' });
    expect(chooseHub({ configuredUrl: null, savedToken: 'demo-lee', demoTokens })).toEqual({ mode: 'embedded' });
    expect(chooseHub({ configuredUrl: null, savedToken: 'tok-real', demoTokens })).toEqual({ mode: 'saved' });
  });

  it('hub:connection waits for the local hub and offers the demo token, unless another account is signed in', async () => {
    const ready = { url: 'http://127.0.0.1:5123', token: 'demo-ana', demoTokens };
    const hub = { ready: async () => ready, stop: async () => undefined };
    const remembered: string[][] = [];
    let saved: string | null = null;
    const connection = createHubConnection({ choice: { mode: 'embedded' }, hub, savedToken: async () => saved, rememberDemoTokens: (t) => remembered.push(t) });
    expect(await connection()).toEqual({ mode: 'embedded', hubUrl: 'http://127.0.0.1:5123', token: 'demo-ana' });
    expect(remembered).toEqual([demoTokens]);
    saved = 'demo-lee';
    expect(await connection()).toEqual({ mode: 'embedded', hubUrl: 'http://127.0.0.1:5123', token: null });

    const failing = createHubConnection({ choice: { mode: 'embedded' }, hub: { ready: () => Promise.reject(new Error('The local demo hub did not start within 60 s.')), stop: async () => undefined }, savedToken: async () => null, rememberDemoTokens: () => undefined });
    expect(await failing()).toEqual({ mode: 'unavailable', message: 'The local demo hub did not start within 60 s.' });
    const configured = createHubConnection({ choice: { mode: 'configured', hubUrl: 'https://hub.acme.example' }, hub: null, savedToken: async () => null, rememberDemoTokens: () => undefined });
    expect(await configured()).toEqual({ mode: 'configured', hubUrl: 'https://hub.acme.example' });
  });
});

function fakeParentPort() {
  const posted: HubProcessMessage[] = [];
  let listener: ((event: { data: unknown }) => void) | undefined;
  const port: ParentPortLike = {
    on: (_event, l) => (listener = l),
    postMessage: (message) => posted.push(message),
  };
  return { port, posted, send: (data: unknown) => listener!({ data }) };
}

describe('the hub process', () => {
  it('reads its data folder and port', () => {
    expect(parseHubProcessArgs(['/app/hub-process.js', '--data-dir', '/d', '--port', '7411'])).toEqual({ dataDir: '/d', port: 7411 });
    expect(() => parseHubProcessArgs(['--port', '1'])).toThrow(/--data-dir/);
    expect(() => parseHubProcessArgs(['--data-dir', '/d', '--port', 'x'])).toThrow(/--port/);
  });

  it('reports ready with the hub URL and the demo agent’s token, and closes the hub on stop', async () => {
    const { port, posted, send } = fakeParentPort();
    const close = vi.fn(async () => undefined);
    const exit = vi.fn();
    const start = vi.fn(async () => ({ url: 'http://127.0.0.1:5555', agentToken: 'demo-ana', demoTokens: ['demo-ana', 'demo-lee'], close }) as never);
    await runHubProcess({ parentPort: port, argv: ['--data-dir', '/d', '--port', '0'], start, exit });
    expect(start).toHaveBeenCalledWith(expect.objectContaining({ dataDir: '/d', port: 0 }));
    expect(posted).toEqual([{ type: 'ready', url: 'http://127.0.0.1:5555', token: 'demo-ana', demoTokens: ['demo-ana', 'demo-lee'] }]);
    send({ type: 'stop' });
    await settle();
    expect(close).toHaveBeenCalled();
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('reports why it could not start, and exits', async () => {
    const { port, posted } = fakeParentPort();
    const exit = vi.fn();
    await runHubProcess({ parentPort: port, argv: ['--data-dir', '/d'], start: async () => Promise.reject(new Error('disk full')), exit, log: silentPino() });
    expect(posted).toEqual([{ type: 'failed', message: 'The local demo hub could not start: disk full' }]);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('keeps the port it had last time when that is free, and takes any free one when not', async () => {
    const { port: parentPort } = fakeParentPort();
    const start = vi.fn(async (o?: { port?: number }) => ({ url: `http://127.0.0.1:${o?.port}`, agentToken: 'demo-ana', close: async () => undefined }) as never);
    const busy = await new Promise<Server>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
    const taken = (busy.address() as AddressInfo).port;
    expect(await portIsFree(taken)).toBe(false);
    await runHubProcess({ parentPort, argv: ['--data-dir', '/d', '--port', String(taken)], start, exit: () => undefined });
    expect(start.mock.calls[0]![0]).toMatchObject({ port: 0 });
    await new Promise((resolve) => busy.close(resolve));
    expect(await portIsFree(taken)).toBe(true);
    await runHubProcess({ parentPort, argv: ['--data-dir', '/d', '--port', String(taken)], start, exit: () => undefined });
    expect(start.mock.calls[1]![0]).toMatchObject({ port: taken });
  });

  describe('with the real demo hub', () => {
    let root: string | undefined;
    afterEach(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it('starts the demo hub and bot in its data folder; the demo agent signs in with the token it reports, over WebSocket as the desktop does', async () => {
      root = await mkdtemp(join(tmpdir(), 'baton-embedded-'));
      const dataDir = join(root, 'hub');
      await cp(inject('templateDataDir'), dataDir, { recursive: true });
      const { port, posted, send } = fakeParentPort();
      let exited: (code: number) => void = () => undefined;
      const exit = new Promise<number>((resolve) => (exited = resolve));
      await runHubProcess({ parentPort: port, argv: ['--data-dir', dataDir, '--port', '0'], exit: (code) => exited(code), log: silentPino() });
      const ready = posted[0];
      expect(ready).toMatchObject({ type: 'ready', token: 'demo-ana', demoTokens: ['demo-ana', 'demo-ben', 'demo-lee'] });
      if (ready?.type !== 'ready') throw new Error('not ready');
      expect(await (await fetch(`${ready.url}/healthz`)).json()).toEqual({ status: 'ok' });
      const client = connectHub({ url: ready.url, token: ready.token, socketOptions: DESKTOP_SOCKET_OPTIONS });
      try {
        const { session } = await client.ready();
        expect(session.agent).toMatchObject({ id: 'demo-ana', name: 'Ana' });
      } finally {
        client.close();
      }
      send({ type: 'stop' });
      expect(await exit).toBe(0);
    });
  });
});

function silentPino() {
  return pino({ level: 'silent' });
}
