import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createDeepLinks, findBatonLink, handoffLink, listenForLinks, parseBatonLink } from '../../electron/deep-links/deep-links.ts';
import { claimSingleInstance } from '../../electron/single-instance/single-instance.ts';
import { DEFAULT_WINDOW } from '../../electron/settings/schema.ts';
import { MAX_CONSOLE_RELOADS, createMainWindow } from '../../electron/window/main-window.ts';
import { restoreBounds } from '../../electron/window/window-state.ts';
import { FakeWindow, electronEvent, recordingLog } from './fakes.ts';

describe('baton:// links', () => {
  it.each([
    ['baton://handoff/3f2a9c1e-0000-4000-8000-000000000001', true],
    ['baton://handoff/h-1', true],
    ['baton://handoff/h%201', false],
    ['baton://sign-in?token=demo-ana&hub=http%3A%2F%2F127.0.0.1%3A7400', true],
    ['baton://sign-in', false],
    ['baton://sign-in/callback?state=s1&code=grant_abc', true],
    ['baton://sign-in/callback?state=s1&error=access_denied', true],
    ['baton://sign-in/callback?code=grant_abc', false],
    ['baton://sign-in/callback?state=s1', false],
    ['baton://handoff/', false],
    ['baton://handoff/a/b', false],
    ['baton://settings', false],
    ['https://example.com/handoff/1', false],
    ['javascript:alert(1)', false],
  ])('%s is one Baton acts on: %s', (link, ok) => {
    expect(parseBatonLink(link) !== null).toBe(ok);
  });

  it('refuses links longer than 4,000 characters', () => {
    expect(parseBatonLink(`baton://handoff/${'x'.repeat(5_000)}`)).toBeNull();
  });

  it('finds the link among a launch’s arguments (Windows, Linux)', () => {
    expect(findBatonLink(['/opt/Baton/baton', '--no-sandbox', 'baton://handoff/h1'])).toBe('baton://handoff/h1');
    expect(findBatonLink(['/opt/Baton/baton', '.'])).toBeNull();
    expect(handoffLink('a b')).toBe('baton://handoff/a%20b');
  });

  it('holds a link until the console asks for it, then delivers new ones as they come', () => {
    const deliver = vi.fn();
    const links = createDeepLinks({ deliver, initial: 'baton://handoff/h1' });
    links.receive('baton://handoff/h2'); // before the console listens: the last click wins
    links.receive('https://not-ours.example/');
    expect(links.takeInitial()).toBe('baton://handoff/h2');
    expect(links.takeInitial()).toBeNull();
    links.receive('baton://handoff/h3');
    expect(deliver).toHaveBeenCalledWith('baton://handoff/h3');
    links.consoleLoading(); // a reload: hold again
    links.receive('baton://handoff/h4');
    expect(deliver).toHaveBeenCalledTimes(1);
    expect(links.takeInitial()).toBe('baton://handoff/h4');
  });

  it('registers the baton scheme with the OS and takes macOS open-url events', () => {
    const app = Object.assign(new EventEmitter(), { setAsDefaultProtocolClient: vi.fn(() => true) });
    const links = createDeepLinks({ deliver: () => undefined });
    listenForLinks({ app: app as never, links, devLaunch: { execPath: '/usr/bin/electron', args: ['/src/baton'] } });
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('baton', '/usr/bin/electron', ['/src/baton']);
    const event = electronEvent();
    app.emit('open-url', event, 'baton://handoff/h9');
    expect(event.defaultPrevented).toBe(true);
    expect(links.takeInitial()).toBe('baton://handoff/h9');
  });
});

describe('one Baton at a time', () => {
  it('a second launch hands its arguments to the first', () => {
    const app = Object.assign(new EventEmitter(), { requestSingleInstanceLock: () => true });
    const onSecondLaunch = vi.fn();
    expect(claimSingleInstance({ app: app as never, onSecondLaunch })).toBe(true);
    app.emit('second-instance', electronEvent(), ['/opt/Baton/baton', 'baton://handoff/h1'], '/home/ana', {});
    expect(onSecondLaunch).toHaveBeenCalledWith(['/opt/Baton/baton', 'baton://handoff/h1']);
  });

  it('the second launch itself does not get the lock', () => {
    const app = Object.assign(new EventEmitter(), { requestSingleInstanceLock: () => false });
    expect(claimSingleInstance({ app: app as never, onSecondLaunch: () => undefined })).toBe(false);
    expect(app.listenerCount('second-instance')).toBe(0);
  });
});

describe('the window', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];

  it('opens where it was when that is on a screen, and at the default size otherwise', () => {
    expect(restoreBounds(null, screen)).toEqual(DEFAULT_WINDOW);
    expect(restoreBounds({ x: 100, y: 50, width: 900, height: 600 }, screen)).toEqual({ x: 100, y: 50, width: 900, height: 600 });
    // On a monitor that is no longer connected: keep the size, let the OS place it.
    expect(restoreBounds({ x: 3000, y: 100, width: 900, height: 600 }, screen)).toEqual({ width: 900, height: 600 });
    // Larger than the screen now: shrunk to it.
    expect(restoreBounds({ x: 0, y: 0, width: 4000, height: 3000 }, screen)).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
  });

  function windowWith({ quitting = false, maximized = false } = {}) {
    let created: FakeWindow | undefined;
    const save = vi.fn();
    const log = recordingLog();
    const main = createMainWindow({
      createWindow: (options) => (created = new FakeWindow(options)) as never,
      preload: '/app/preload.cjs',
      url: 'app://baton/index.html',
      saved: { bounds: { x: 40, y: 30, width: 1000, height: 700 }, maximized },
      workAreas: screen,
      save,
      isQuitting: () => quitting,
      log,
    });
    return { main, window: created!, save, log };
  }

  it('loads the console, and shows itself once it is ready (no blank flash)', () => {
    const { window } = windowWith();
    expect(window.loaded).toBe('app://baton/index.html');
    expect(window.options).toMatchObject({ x: 40, y: 30, width: 1000, height: 700, show: false, minWidth: 720 });
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
  });

  it('closing hides it to the tray and remembers its size and place', () => {
    const { window, save } = windowWith();
    window.visible = true;
    window.bounds = { x: 5, y: 6, width: 800, height: 600 };
    window.maximized = true;
    expect(window.clickClose().defaultPrevented).toBe(true);
    expect(window.visible).toBe(false);
    expect(save).toHaveBeenCalledWith({ bounds: { x: 5, y: 6, width: 800, height: 600 }, maximized: true });
  });

  it('when quitting, closing closes for real (still remembering its state)', () => {
    const { window, save } = windowWith({ quitting: true });
    expect(window.clickClose().defaultPrevented).toBe(false);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('comes back maximised if it was, once it is ready to show (maximising earlier shows a blank window), and show() brings a minimised window forward', () => {
    const { main, window } = windowWith({ maximized: true });
    expect(window.maximized).toBe(false);
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window).toMatchObject({ maximized: true, visible: true });
    window.minimized = true;
    main.show();
    expect(window).toMatchObject({ minimized: false, visible: true, focused: true });
  });

  it('a console whose renderer crashed is logged and reloaded; one that keeps crashing is left after a few tries', () => {
    const { window, log } = windowWith();
    const gone = (reason: string) => window.webContents.emit('render-process-gone', electronEvent(), { reason, exitCode: 139 });
    gone('crashed');
    expect(window.webContents.reloads).toBe(1);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'error', details: { reason: 'crashed', exitCode: 139 } }));
    window.webContents.emit('did-finish-load');
    for (let i = 0; i < MAX_CONSOLE_RELOADS + 2; i++) gone('oom');
    expect(window.webContents.reloads).toBe(1 + MAX_CONSOLE_RELOADS);
    gone('clean-exit');
    expect(window.webContents.reloads).toBe(1 + MAX_CONSOLE_RELOADS);
  });

  it('the console’s errors and warnings go to the main log; its other messages do not', () => {
    const { window, log } = windowWith();
    const message = (level: string, text: string) => window.webContents.emit('console-message', electronEvent({ level, message: text, sourceId: 'app://baton/assets/index.js', lineNumber: 12 }));
    message('error', 'Uncaught TypeError: x is undefined');
    message('warning', 'socket closed');
    message('info', 'hello');
    message('debug', 'detail');
    expect(log.entries).toEqual([
      { level: 'error', message: 'console: Uncaught TypeError: x is undefined', details: { source: 'app://baton/assets/index.js', line: 12 } },
      { level: 'warn', message: 'console: socket closed', details: { source: 'app://baton/assets/index.js', line: 12 } },
    ]);
  });
});
