import { EventEmitter } from 'node:events';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { APP_ID, startDesktop, type DesktopDeps } from '../../electron/main/desktop.ts';
import { insecureWebPreferences } from '../../electron/security/web-preferences.ts';
import { IDLE_POLL_MS } from '../../electron/presence/desktop-presence.ts';
import type { SettingsFile } from '../../electron/settings/settings-store.ts';
import {
  FakeIpcMain,
  FakePowerMonitor,
  FakeTray,
  FakeWindow,
  electronEvent,
  fakeFork,
  fakeNotifications,
  fakeSafeStorage,
  manualTimers,
  recordingLog,
  settle,
} from './fakes.ts';

const CONSOLE = 'app://baton/index.html';

class FakeApp extends EventEmitter {
  lock = true;
  quits = 0;
  badge: number | undefined;
  appUserModelId: string | undefined;
  protocolClients: unknown[][] = [];
  isPackaged = false;
  requestSingleInstanceLock() {
    return this.lock;
  }
  async whenReady() {}
  quit() {
    this.quits++;
    const event = electronEvent();
    this.emit('before-quit', event);
    this.emit('will-quit', event);
  }
  setAppUserModelId(id: string) {
    this.appUserModelId = id;
  }
  setAsDefaultProtocolClient(...args: unknown[]) {
    this.protocolClients.push(args);
    return true;
  }
  getPath(name: string) {
    return name === 'logs' ? '/home/ana/.config/Baton/logs' : '/home/ana/.config/Baton';
  }
  getVersion() {
    return '0.1.0';
  }
  getName() {
    return 'Baton';
  }
  setBadgeCount(count: number) {
    this.badge = count;
    return true;
  }
}

// The defaults' assertions widen the parameters' types for the tests that pass their own values.
/* eslint-disable @typescript-eslint/no-unnecessary-type-assertion */
function desktopWith({
  platform = 'linux' as NodeJS.Platform,
  argv = ['/opt/Baton/baton'],
  settings = {} as Record<string, unknown>,
  env = {} as Record<string, string>,
  packaged = false,
  updateFeedConfigured = false,
  register = undefined as ((accelerator: string) => boolean) | undefined,
  safeStorage = fakeSafeStorage(),
  updateResult = null as unknown,
} = {}) {
  /* eslint-enable @typescript-eslint/no-unnecessary-type-assertion */
  const app = new FakeApp();
  app.isPackaged = packaged;
  const windows: FakeWindow[] = [];
  const trays: FakeTray[] = [];
  const notifications = fakeNotifications();
  const ipcMain = new FakeIpcMain();
  const powerMonitor = new FakePowerMonitor();
  const { forked, fork } = fakeFork();
  const timers = manualTimers();
  const shortcuts = new Map<string, () => void>();
  const shell = { openExternal: vi.fn(async () => undefined) };
  const dialog = { showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })) };
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() };
  const settingsFile: SettingsFile = { store: settings };
  const applicationMenu: { current: MenuItemConstructorOptions[] | null | undefined } = { current: undefined };
  const updater = { checkForUpdatesAndNotify: vi.fn(async () => null), checkForUpdates: vi.fn(async () => updateResult), logger: null as unknown, autoDownload: true, autoInstallOnAppQuit: true };
  const deps: DesktopDeps = {
    app: app as never,
    platform,
    argv,
    env,
    createWindow: (options) => {
      const window = new FakeWindow(options);
      windows.push(window);
      app.emit('web-contents-created', electronEvent(), window.webContents);
      return window as never;
    },
    createNotification: notifications.createNotification,
    notificationsSupported: () => true,
    createTray: (icon) => {
      const tray = new FakeTray(icon);
      trays.push(tray);
      return tray as never;
    },
    buildMenu: (template) => template as never,
    setApplicationMenu: (menu) => void (applicationMenu.current = menu as unknown as MenuItemConstructorOptions[] | null),
    trayIcon: '/assets/tray.png',
    overlayImage: (count) => ({ count }) as never,
    powerMonitor: powerMonitor as never,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- keeps the fake's backend type open for the tests that choose one
    safeStorage: safeStorage as never,
    ipcMain: ipcMain as never,
    shell,
    globalShortcut: {
      register: (accelerator: string, callback: () => void) => (register ? register(accelerator) : true) && (shortcuts.set(accelerator, callback), true),
      unregister: (accelerator: string) => void shortcuts.delete(accelerator),
    },
    forkUtility: fork,
    protocol: { handle: (scheme: string, handler: never) => void protocolHandlers.set(scheme, handler) },
    session: session,
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] } as never,
    dialog: dialog,
    updater: updater as never,
    updateFeedConfigured,
    settingsFile,
    log: recordingLog(),
    paths: { preload: '/app/dist/electron/preload.cjs', consoleRoot: '/app/dist/console', hubProcess: '/app/dist/electron/hub-process.js', appIcon: '/app/dist/electron/assets/icon.png' },
    timers,
  };
  const console = () => ({ id: windows[0]!.webContents.id, url: CONSOLE });
  return { deps, app, windows, trays, notifications, ipcMain, powerMonitor, forked, timers, shortcuts, shell, dialog, protocolHandlers, session, settingsFile, console, applicationMenu, updater };
}

async function started(options?: Parameters<typeof desktopWith>[0]) {
  const world = desktopWith(options);
  const desktop = await startDesktop(world.deps);
  if (!desktop) throw new Error('did not start');
  return { ...world, desktop, window: world.windows[0]!, tray: world.trays[0]! };
}

describe('the desktop app, wired', () => {
  it('opens one secure window on the console, served from app:// with its CSP, and hardens every web contents', async () => {
    const { windows, window, protocolHandlers, session } = await started();
    expect(windows).toHaveLength(1);
    expect(window.loaded).toBe(CONSOLE);
    expect(insecureWebPreferences(window.options.webPreferences)).toEqual([]);
    expect(window.options.webPreferences?.preload).toBe('/app/dist/electron/preload.cjs');
    expect(window.webContents.openHandler).toBeDefined(); // hardened via web-contents-created
    expect(window.webContents.listenerCount('will-navigate')).toBe(1);
    expect(protocolHandlers.has('app')).toBe(true);
    expect(session.setPermissionRequestHandler).toHaveBeenCalled();
  });

  it('an offer the console shows becomes a native notification; clicking it brings the window forward and tells the console', async () => {
    const { ipcMain, console, notifications, window } = await started({ platform: 'darwin' });
    await ipcMain.invoke('notification:show', console(), { kind: 'offer', id: 'h1', title: 'Offer: Dana', body: 'Chat', silent: false, actions: ['accept', 'return'] });
    const [shown] = notifications.created;
    expect(shown!.options.actions).toHaveLength(2);
    shown!.emit('click', electronEvent());
    expect(window.visible).toBe(true);
    expect(window.webContents.sentOn('notification:choice')).toEqual([{ id: 'h1', choice: 'open' }]);
  });

  it('Accept on the notification reaches the console as the agent’s choice; a withdrawn offer’s notification is closed', async () => {
    const { ipcMain, console, notifications, window } = await started({ platform: 'win32' });
    await ipcMain.invoke('notification:show', console(), { kind: 'offer', id: 'h1', title: 'Offer', body: '', silent: true, actions: ['accept', 'return'] });
    await ipcMain.invoke('notification:show', console(), { kind: 'offer', id: 'h2', title: 'Offer', body: '', silent: true, actions: ['accept', 'return'] });
    notifications.created[0]!.emit('action', electronEvent({ actionIndex: 0 }), 0);
    await ipcMain.invoke('notification:close', console(), { id: 'h2' });
    expect(notifications.created[1]!.closed).toBe(true);
    expect(window.webContents.sentOn('notification:choice')).toEqual([{ id: 'h1', choice: 'accept' }]);
  });

  it('the badge and the tray follow the pending count the console reports', async () => {
    const { ipcMain, console, app, tray } = await started({ platform: 'darwin' });
    await ipcMain.invoke('badge:set', console(), { count: 2 });
    expect(app.badge).toBe(2);
    expect(tray.item('pending').label).toBe('2 offers waiting');
    expect(tray.title).toBe('2');
    await ipcMain.invoke('badge:set', console(), { count: 0 });
    expect(app.badge).toBe(0);
    expect(tray.item('pending').label).toBe('No offers waiting');
  });

  it('on Windows the badge is an overlay icon and the AppUserModelID is set', async () => {
    const { ipcMain, console, window, app } = await started({ platform: 'win32' });
    expect(app.appUserModelId).toBe(APP_ID);
    await ipcMain.invoke('badge:set', console(), { count: 1 });
    expect(window.overlay).toEqual({ image: { count: 1 }, description: '1 offer waiting' });
  });

  it('the tray presence switch follows the agent’s presence and asks the console to change it', async () => {
    const { ipcMain, console, tray, window } = await started();
    await ipcMain.invoke('presence:current', console(), { status: 'available' });
    expect(tray.item('available').checked).toBe(true);
    tray.choose('away');
    expect(window.webContents.sentOn('presence:request')).toEqual([{ status: 'away' }]);
  });

  it('locking the screen tells the console the agent is away, unlocking that they are back', async () => {
    const { powerMonitor, window, timers } = await started();
    powerMonitor.emit('lock-screen');
    powerMonitor.emit('unlock-screen');
    timers.advance(IDLE_POLL_MS);
    expect(window.webContents.sentOn('presence:desktop')).toEqual([{ state: 'away', reason: 'lock-screen' }, { state: 'back' }]);
  });

  it('refuses IPC from anything but the console', async () => {
    const { ipcMain, console, app } = await started();
    await expect(ipcMain.invoke('badge:set', { ...console(), url: 'https://evil.example/' }, { count: 9 })).rejects.toMatchObject({ code: 'untrusted_sender' });
    await expect(ipcMain.invoke('badge:set', { ...console(), id: 999 }, { count: 9 })).rejects.toMatchObject({ code: 'untrusted_sender' });
    await expect(ipcMain.invoke('badge:set', console(), { count: 'nine' })).rejects.toMatchObject({ code: 'invalid_message' });
    expect(app.badge).toBeUndefined();
  });

  it('closing the window hides it to the tray; Quit in the tray quits, after the local hub has stopped', async () => {
    const { window, tray, app, forked } = await started();
    window.visible = true;
    expect(window.clickClose().defaultPrevented).toBe(true);
    expect(window.visible).toBe(false);
    tray.choose('open');
    expect(window.visible).toBe(true);

    tray.choose('quit');
    expect(forked[0]!.posted).toEqual([{ type: 'stop' }]);
    expect(app.quits).toBe(1); // held until the hub is done
    forked[0]!.exit(0);
    await settle();
    expect(app.quits).toBe(2);
    expect(tray.destroyed).toBe(true);
    expect(window.clickClose().defaultPrevented).toBe(false); // quitting: the window really closes
  });

  it('a second launch focuses the first and forwards its link; the launch link waits for the console', async () => {
    const { app, window, ipcMain, console } = await started({ argv: ['/opt/Baton/baton', 'baton://handoff/h1'] });
    expect(await ipcMain.invoke('deepLink:initial', console(), {})).toEqual({ url: 'baton://handoff/h1' });
    app.emit('second-instance', electronEvent(), ['/opt/Baton/baton', 'baton://handoff/h2'], '/', {});
    expect(window.visible).toBe(true);
    expect(window.webContents.sentOn('deepLink:open')).toEqual([{ url: 'baton://handoff/h2' }]);
  });

  it('a second launch that does not get the lock quits at once', async () => {
    const world = desktopWith();
    world.app.lock = false;
    expect(await startDesktop(world.deps)).toBeNull();
    expect(world.app.quits).toBe(1);
    expect(world.windows).toHaveLength(0);
  });

  it('the global shortcut brings the window forward on the newest offer', async () => {
    const { shortcuts, ipcMain, console, window } = await started();
    await ipcMain.invoke('notification:show', console(), { kind: 'offer', id: 'h1', title: 'Offer', body: '', silent: false, actions: [] });
    await ipcMain.invoke('notification:show', console(), { kind: 'offer', id: 'h2', title: 'Offer', body: '', silent: false, actions: [] });
    shortcuts.get('CommandOrControl+Alt+B')!();
    expect(window.visible).toBe(true);
    expect(window.webContents.sentOn('deepLink:open')).toEqual([{ url: 'baton://handoff/h2' }]);
  });

  it('with no hub configured it runs the local demo hub in the user-data folder and hands the console its URL and the demo token', async () => {
    const { forked, ipcMain, console, settingsFile } = await started();
    expect(forked[0]!.args).toEqual(['--data-dir', '/home/ana/.config/Baton/hub', '--port', '0']);
    const answer = ipcMain.invoke('hub:connection', console(), {});
    forked[0]!.report({ type: 'ready', url: 'http://127.0.0.1:5123', token: 'demo-ana', demoTokens: ['demo-ana', 'demo-ben', 'demo-lee'] });
    expect(await answer).toEqual({ mode: 'embedded', hubUrl: 'http://127.0.0.1:5123', token: 'demo-ana' });
    expect(settingsFile.store).toMatchObject({ embeddedHub: { port: 5123, tokens: ['demo-ana', 'demo-ben', 'demo-lee'] } });
  });

  it('a local hub that cannot start is explained to the agent, and the console hears why', async () => {
    const { forked, ipcMain, console, dialog } = await started();
    const answer = ipcMain.invoke('hub:connection', console(), {});
    forked[0]!.report({ type: 'failed', message: 'The local demo hub could not start: disk full' });
    expect(await answer).toEqual({ mode: 'unavailable', message: 'The local demo hub could not start: disk full' });
    expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ type: 'error', title: 'The local demo hub cannot be started', detail: expect.stringContaining('disk full') }));
    const { notices } = (await ipcMain.invoke('desktop:notices', console(), {})) as { notices: Array<{ id: string; message: string }> };
    expect(notices).toEqual([expect.objectContaining({ id: 'local-hub', message: expect.stringContaining('The log is in /home/ana/.config/Baton/logs') })]);
  });

  it('once the agent signed in with an account of their own, the next launch runs no local hub and keeps that sign-in', async () => {
    const sealed = (text: string) => ({ encrypted: Buffer.from(`sealed:${text}`).toString('base64') });
    const asLee = await started({ settings: { version: 1, embeddedHub: { port: 5123, tokens: ['demo-ana', 'demo-ben', 'demo-lee'] }, storage: { 'baton.token': sealed('demo-lee') } } });
    expect(asLee.forked).toHaveLength(1); // a demo person: still the local demo hub
    const own = await started({ settings: { version: 1, embeddedHub: { port: 5123, tokens: ['demo-ana', 'demo-ben', 'demo-lee'] }, storage: { 'baton.token': sealed('tok-of-my-own') } } });
    expect(own.forked).toHaveLength(0);
    expect(await own.ipcMain.invoke('hub:connection', own.console(), {})).toEqual({ mode: 'saved' });
  });

  it('with a hub URL configured there is no local hub: the console connects there', async () => {
    const { forked, ipcMain, console } = await started({ settings: { hubUrl: 'https://hub.acme.example' } });
    expect(forked).toHaveLength(0);
    expect(await ipcMain.invoke('hub:connection', console(), {})).toEqual({ mode: 'configured', hubUrl: 'https://hub.acme.example' });
  });

  it('stores the console’s token encrypted, answers app info, and opens only web links', async () => {
    const { ipcMain, console, settingsFile, shell } = await started();
    await ipcMain.invoke('storage:set', console(), { key: 'baton.token', value: 'demo-ana' });
    expect(JSON.stringify(settingsFile.store)).not.toContain('"demo-ana"');
    expect(await ipcMain.invoke('storage:get', console(), { key: 'baton.token' })).toEqual({ value: 'demo-ana' });
    expect(await ipcMain.invoke('app:info', console(), {})).toEqual({ name: 'Baton', version: '0.1.0', shell: 'desktop' });
    await ipcMain.invoke('link:open', console(), { url: 'https://crm.example/t/1' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://crm.example/t/1');
  });

  it('sets an application menu of its own: Edit and Window, and no developer tools when packaged', async () => {
    const { applicationMenu, window } = await started({ packaged: true });
    expect(window.options.webPreferences?.devTools).toBe(false);
    expect((await started()).window.options.webPreferences?.devTools).toBe(true);
    const roles = (items: MenuItemConstructorOptions[]): string[] => items.flatMap((i) => [...(i.role ? [i.role] : []), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);
    expect(roles(applicationMenu.current!)).toEqual(expect.arrayContaining(['editMenu', 'windowMenu']));
    expect(roles(applicationMenu.current!)).not.toContain('toggleDevTools');
  });

  it('Windows ending the session (log-off, shutdown) stops the local hub cleanly, though no quit events come', async () => {
    const { window, forked } = await started({ platform: 'win32' });
    window.emit('session-end', electronEvent({ reasons: ['logoff'] }));
    expect(forked[0]!.posted).toEqual([{ type: 'stop' }]);
  });

  it('a Linux or macOS shutdown is held until the local hub has stopped, then Baton quits', async () => {
    const { powerMonitor, forked, app, tray } = await started();
    const event = electronEvent();
    powerMonitor.emit('shutdown', event);
    expect(event.defaultPrevented).toBe(true);
    expect(forked[0]!.posted).toEqual([{ type: 'stop' }]);
    expect(app.quits).toBe(0);
    forked[0]!.exit(0);
    await settle();
    expect(app.quits).toBe(1);
    expect(tray.destroyed).toBe(true);
    expect(forked[0]!.posted).toHaveLength(1); // asked once
  });

  it('a global shortcut the system refuses (it throws) is a notice in the console, and Baton starts anyway', async () => {
    const { ipcMain, console, window } = await started({
      register: () => {
        throw new Error('portal: not allowed');
      },
    });
    expect(window.loaded).toBe(CONSOLE);
    const { notices } = (await ipcMain.invoke('desktop:notices', console(), {})) as { notices: Array<{ id: string }> };
    expect(notices.map((n) => n.id)).toEqual(['shortcut']);
  });

  it('a shortcut another application holds is a notice too, withdrawn once a free one is set', async () => {
    const { ipcMain, console, window, desktop } = await started({ register: (accelerator) => accelerator !== 'CommandOrControl+Alt+B' });
    expect(((await ipcMain.invoke('desktop:notices', console(), {})) as { notices: unknown[] }).notices).toHaveLength(1);
    desktop.settings.update((s) => ({ ...s, shortcut: 'Alt+Shift+O' }));
    expect(((await ipcMain.invoke('desktop:notices', console(), {})) as { notices: unknown[] }).notices).toEqual([]);
    expect(window.webContents.sentOn('desktop:notices').at(-1)).toEqual({ notices: [] });
  });

  it.each(['win32', 'darwin'] as const)('on %s, notifications the system switched off become a notice with a way to the system setting, which the desktop opens', async (platform) => {
    const { ipcMain, console, notifications, shell, window } = await started({ platform });
    await ipcMain.invoke('notification:show', console(), { kind: 'offer', id: 'h1', title: 'Offer', body: '', silent: false, actions: ['accept'] });
    const error = platform === 'win32' ? 'Notification failed - Settings prevent the notification from being delivered.' : 'Notifications are not allowed for this application';
    notifications.created[0]!.emit('failed', electronEvent(), error);
    expect(window.webContents.sentOn('desktop:notices').at(-1)).toEqual({ notices: [expect.objectContaining({ id: 'notifications-blocked', setting: 'notifications' })] });
    expect(window.webContents.sentOn('notification:choice')).toEqual([{ id: 'h1', choice: 'dismissed' }]);
    await ipcMain.invoke('system:openSetting', console(), { setting: 'notifications' });
    expect(shell.openExternal).toHaveBeenCalledWith(platform === 'win32' ? 'ms-settings:notifications' : 'x-apple.systempreferences:com.apple.preference.notifications');

    // Switched back on: the next one shows, and the notice goes.
    await ipcMain.invoke('notification:show', console(), { kind: 'offer', id: 'h2', title: 'Offer', body: '', silent: false, actions: ['accept'] });
    notifications.created[1]!.emit('show', electronEvent());
    expect(window.webContents.sentOn('desktop:notices').at(-1)).toEqual({ notices: [] });
  });

  it('a notification that fails for another reason is not taken for notifications switched off', async () => {
    const { ipcMain, console, notifications, window } = await started({ platform: 'win32' });
    await ipcMain.invoke('notification:show', console(), { kind: 'offer', id: 'h1', title: 'Offer', body: '', silent: false, actions: [] });
    notifications.created[0]!.emit('failed', electronEvent(), 'Notification failed - The size of the notification content is too large.');
    expect(window.webContents.sentOn('desktop:notices')).toEqual([]);
  });

  it('the local hub restarted on another port: the console is told its new address, and hub:connection answers with it', async () => {
    const { forked, ipcMain, console, window, timers } = await started();
    const demoTokens = ['demo-ana', 'demo-ben', 'demo-lee'];
    forked[0]!.report({ type: 'ready', url: 'http://127.0.0.1:5123', token: 'demo-ana', demoTokens });
    await settle();
    forked[0]!.exit(134);
    timers.advance(2_000);
    forked[1]!.report({ type: 'ready', url: 'http://127.0.0.1:5200', token: 'demo-ana', demoTokens });
    await settle();
    expect(window.webContents.sentOn('hub:moved')).toEqual([{ hubUrl: 'http://127.0.0.1:5200' }]);
    expect(await ipcMain.invoke('hub:connection', console(), {})).toMatchObject({ mode: 'embedded', hubUrl: 'http://127.0.0.1:5200' });
  });

  it('a local hub that cannot be started again is told plainly, with the log’s location, and hub:connection says so', async () => {
    const { forked, ipcMain, console, window, timers, dialog } = await started();
    forked[0]!.report({ type: 'ready', url: 'http://127.0.0.1:5123', token: 'demo-ana', demoTokens: ['demo-ana'] });
    await settle();
    forked[0]!.exit(134);
    for (let attempt = 1; attempt <= 3; attempt++) {
      timers.advance(2_000);
      forked.at(-1)!.exit(1);
      await settle();
    }
    const [notice] = (window.webContents.sentOn('desktop:notices').at(-1) as { notices: Array<{ id: string; title: string; message: string }> }).notices;
    expect(notice).toMatchObject({ id: 'local-hub', title: 'The local demo hub cannot be started', message: expect.stringContaining('The log is in /home/ana/.config/Baton/logs') });
    expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ type: 'error', detail: expect.stringContaining('/home/ana/.config/Baton/logs') }));
    expect(await ipcMain.invoke('hub:connection', console(), {})).toMatchObject({ mode: 'unavailable', message: expect.stringMatching(/could not be started again/) });
  });

  it('a .deb build never downloads or installs at quit; the agent is told a newer version exists', async () => {
    const { updater, ipcMain, console } = await started({ packaged: true, updateFeedConfigured: true, updateResult: { isUpdateAvailable: true, updateInfo: { version: '0.2.0' } } });
    await settle();
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(updater.checkForUpdatesAndNotify).not.toHaveBeenCalled();
    const { notices } = (await ipcMain.invoke('desktop:notices', console(), {})) as { notices: Array<{ id: string; title: string }> };
    expect(notices).toEqual([expect.objectContaining({ id: 'update', title: 'Baton 0.2.0 is available' })]);
  });

  it('an AppImage updates in place; a build without an update feed polls nothing', async () => {
    const appImage = await started({ packaged: true, updateFeedConfigured: true, env: { APPIMAGE: '/home/ana/Baton.AppImage' } });
    expect(appImage.updater.checkForUpdatesAndNotify).toHaveBeenCalledTimes(1);
    const feedless = await started({ packaged: true, updateFeedConfigured: false, platform: 'win32' });
    expect(feedless.updater.checkForUpdatesAndNotify).not.toHaveBeenCalled();
    expect(feedless.updater.checkForUpdates).not.toHaveBeenCalled();
  });

  it('a saved token the keyring cannot decrypt now is kept: no local demo sign-in replaces it, and the console is told why', async () => {
    const safeStorage = fakeSafeStorage({ backend: 'kwallet6' });
    safeStorage.readable = false;
    const saved = { encrypted: Buffer.from('sealed:tok-own').toString('base64'), backend: 'gnome_libsecret' };
    const { forked, ipcMain, console, settingsFile } = await started({ safeStorage, settings: { version: 1, storage: { 'baton.token': saved } } });
    expect(forked).toHaveLength(0);
    expect(await ipcMain.invoke('hub:connection', console(), {})).toEqual({ mode: 'saved' });
    expect((settingsFile.store.storage as Record<string, unknown>)['baton.token']).toEqual(saved);
    const { notices } = (await ipcMain.invoke('desktop:notices', console(), {})) as { notices: Array<{ id: string; message: string }> };
    expect(notices).toEqual([expect.objectContaining({ id: 'token-unreadable', message: expect.stringContaining('gnome_libsecret') })]);
  });
});
