import { join } from 'node:path';
import type { App, Dialog, Menu, MenuItemConstructorOptions, NativeImage, Protocol, Screen, Shell } from 'electron';
import { SECRET_STORAGE_KEYS } from '../../shared/protocol/bridge.ts';
import { applicationMenuTemplate } from '../menu/application-menu.ts';
import { createDesktopNotices, openSystemSetting } from '../notices/desktop-notices.ts';
import { createBadge } from '../badge/badge.ts';
import { CONSOLE_SCHEME, CONSOLE_URL, createConsoleHandler, isConsoleUrl } from '../console/console-protocol.ts';
import { createDeepLinks, findBatonLink, handoffLink, listenForLinks } from '../deep-links/deep-links.ts';
import { chooseHub } from '../embedded-hub/choose-hub.ts';
import { startEmbeddedHub, type EmbeddedHub, type ForkUtility } from '../embedded-hub/embedded-hub.ts';
import { createHubConnection } from '../embedded-hub/hub-connection.ts';
import { createBridgeEvents, registerBridge, type IpcMainPort } from '../ipc/bridge-main.ts';
import type { Log } from '../logging/log.ts';
import { createNativeNotifications, type NativeNotifications, type NotificationFactory } from '../notifications/native-notifications.ts';
import { watchDesktopPresence, type PowerMonitorPort, type Timers } from '../presence/desktop-presence.ts';
import { openExternalSafely } from '../security/external-links.ts';
import { hardenWebContents, restrictPermissions, type SessionPort, type WebContentsPort as HardenedContents } from '../security/harden.ts';
import { isTrustedSender } from '../security/trusted-sender.ts';
import { createRendererStorage } from '../settings/renderer-storage.ts';
import { createSecrets, type SafeStoragePort } from '../settings/secrets.ts';
import { openSettings, type SettingsFile, type SettingsStore } from '../settings/settings-store.ts';
import { createNewestOfferShortcut, type GlobalShortcutPort } from '../shortcut/global-shortcut.ts';
import { claimSingleInstance } from '../single-instance/single-instance.ts';
import { createTray, type TrayController, type TrayPort } from '../tray/tray.ts';
import { startUpdateChecks, updateMode, type UpdaterPort } from '../updates/updates.ts';
import { createMainWindow, type BrowserWindowPort, type MainWindow } from '../window/main-window.ts';

/** Windows' AppUserModelID: notifications are attributed to it. Equal to `appId` in build/electron-builder.config.ts. */
export const APP_ID = 'app.baton.desktop';

export type AppPort = Pick<
  App,
  'requestSingleInstanceLock' | 'on' | 'whenReady' | 'quit' | 'setAppUserModelId' | 'setAsDefaultProtocolClient' | 'getPath' | 'getVersion' | 'getName' | 'isPackaged' | 'setBadgeCount'
>;

export interface DesktopPaths {
  preload: string;
  /** The built console (dist/console). */
  consoleRoot: string;
  /** The built hub-process.js, run in a utility process. */
  hubProcess: string;
  /** For the window and notifications (Linux, Windows). */
  appIcon: string;
}

/** Every Electron API the desktop uses, passed in: the real ones in main/index.ts, fakes in tests. */
export interface DesktopDeps {
  app: AppPort;
  platform: NodeJS.Platform;
  argv: string[];
  env: Record<string, string | undefined>;
  /** Set when unpackaged (`electron .`): how the OS should start this app for a `baton://` link. */
  devLaunch?: { execPath: string; args: string[] };
  createWindow(options: Electron.BrowserWindowConstructorOptions): BrowserWindowPort;
  createNotification: NotificationFactory;
  /** Asked once the app is ready. */
  notificationsSupported(): boolean;
  createTray(icon: NativeImage | string): TrayPort;
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
  setApplicationMenu(menu: Menu | null): void;
  trayIcon: NativeImage | string;
  overlayImage(count: number): NativeImage;
  powerMonitor: PowerMonitorPort;
  safeStorage: SafeStoragePort;
  ipcMain: IpcMainPort;
  shell: Pick<Shell, 'openExternal'>;
  globalShortcut: GlobalShortcutPort;
  forkUtility: ForkUtility;
  protocol: Pick<Protocol, 'handle'>;
  session: SessionPort;
  screen: Pick<Screen, 'getAllDisplays'>;
  dialog: Pick<Dialog, 'showMessageBox'>;
  updater: UpdaterPort;
  /** The packaged build carries an update feed (it was built with BATON_UPDATE_URL). */
  updateFeedConfigured: boolean;
  settingsFile: SettingsFile;
  log: Log;
  paths: DesktopPaths;
  readFile?: (path: string) => Promise<Uint8Array>;
  timers?: Timers & { setTimeout(callback: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
}

export interface Desktop {
  readonly mainWindow: MainWindow;
  readonly tray: TrayController;
  readonly notifications: NativeNotifications;
  readonly settings: SettingsStore;
  readonly hub: EmbeddedHub | null;
  /** Quits for real (the tray's Quit): the window closes, the local hub stops. */
  quit(): void;
}

const TOKEN_KEY = SECRET_STORAGE_KEYS[0];

/**
 * Baton's main process: one instance, a console window that hides to the tray, native
 * notifications (offers, reassignments, product news), the badge and tray count, desktop presence, the newest-offer
 * shortcut, `baton://` links, settings with the token encrypted, the local demo hub when no hub
 * is configured, and the security rules for everything the console can reach.
 * Resolves with null when another Baton already runs (it was told, and this one quits).
 */
export async function startDesktop(deps: DesktopDeps): Promise<Desktop | null> {
  const { app, platform, log } = deps;
  if (platform === 'win32') app.setAppUserModelId(APP_ID);

  let mainWindow: MainWindow | null = null;
  let quitting = false;
  const send = createBridgeEvents({ target: () => mainWindow?.window.webContents ?? null, log });
  const showWindow = (): void => mainWindow?.show();
  const notices = createDesktopNotices({ onChange: (list) => void send('desktop:notices', { notices: list }) });

  // macOS hands links over as open-url events; Windows and Linux in the arguments.
  const links = createDeepLinks({
    initial: platform === 'darwin' ? null : findBatonLink(deps.argv),
    deliver: (url) => {
      showWindow();
      send('deepLink:open', { url });
    },
  });
  const single = claimSingleInstance({
    app,
    onSecondLaunch: (argv) => {
      showWindow();
      const link = findBatonLink(argv);
      if (link) links.receive(link);
    },
  });
  if (!single) {
    app.quit();
    return null;
  }
  listenForLinks({ app, links, ...(deps.devLaunch && { devLaunch: deps.devLaunch }) });

  await app.whenReady();
  deps.setApplicationMenu(deps.buildMenu(applicationMenuTemplate({ platform, packaged: app.isPackaged })));

  // Security first, before any web contents exist.
  const openExternal = (url: unknown): void => void openExternalSafely(deps.shell, url, log).catch(() => undefined);
  restrictPermissions(deps.session, { isAppUrl: isConsoleUrl });
  deps.protocol.handle(CONSOLE_SCHEME, createConsoleHandler({ root: deps.paths.consoleRoot, ...(deps.readFile && { readFile: deps.readFile }) }));
  app.on('web-contents-created', (_event, contents: HardenedContents) => hardenWebContents(contents, { isAppUrl: isConsoleUrl, openExternal, log }));

  const settings = openSettings({ file: deps.settingsFile, log });
  const storage = createRendererStorage({
    settings,
    secrets: createSecrets({ safeStorage: deps.safeStorage, platform }),
    log,
    tell: ({ title, message }) => void deps.dialog.showMessageBox({ type: 'warning', title, message: title, detail: message, buttons: ['OK'] }).catch(() => undefined),
    onUnreadable: (notice) => (notice ? notices.set({ id: 'token-unreadable', ...notice }) : notices.clear('token-unreadable')),
  });

  const savedToken = () => storage.get(TOKEN_KEY);
  const firstToken = await savedToken();
  const choice = chooseHub({
    configuredUrl: settings.get().hubUrl,
    envUrl: deps.env.BATON_HUB_URL,
    savedToken: firstToken,
    savedTokenUnreadable: firstToken === null && settings.get().storage[TOKEN_KEY] !== undefined,
    demoTokens: settings.get().embeddedHub.tokens,
  });
  log.info('Hub chosen.', { mode: choice.mode });
  const localHubDown = (message: string): void => {
    const detail = `${message}\n\nYou can still sign in to another hub. The log is in ${app.getPath('logs')}.`;
    notices.set({ id: 'local-hub', title: 'The local demo hub cannot be started', message: detail });
    void deps.dialog.showMessageBox({ type: 'error', title: 'The local demo hub cannot be started', message: 'The local demo hub cannot be started', detail, buttons: ['OK'] }).catch(() => undefined);
  };
  let localHubUrl: string | null = null;
  const hub =
    choice.mode === 'embedded'
      ? startEmbeddedHub({
          fork: deps.forkUtility,
          modulePath: deps.paths.hubProcess,
          dataDir: join(app.getPath('userData'), 'hub'),
          port: settings.get().embeddedHub.port,
          log,
          onReady: ({ url }) => {
            const port = Number(new URL(url).port);
            if (port !== settings.get().embeddedHub.port) settings.update((s) => ({ ...s, embeddedHub: { ...s.embeddedHub, port } }));
            // Restarted on another port: the console signed in there must follow it.
            if (localHubUrl !== null && url !== localHubUrl) send('hub:moved', { hubUrl: url });
            localHubUrl = url;
            notices.clear('local-hub');
          },
          onGaveUp: (message) => {
            log.error('The local demo hub cannot be started.', { message });
            localHubDown(message);
          },
          ...(deps.timers && { timers: deps.timers }),
        })
      : null;
  hub?.ready().catch((error: unknown) => {
    log.error('The local demo hub did not start.', { error: String(error) });
    localHubDown(error instanceof Error ? error.message : String(error));
  });
  const hubConnection = createHubConnection({
    choice,
    hub,
    savedToken,
    rememberDemoTokens: (tokens) => {
      if (settings.get().embeddedHub.tokens.join('\n') !== tokens.join('\n')) settings.update((s) => ({ ...s, embeddedHub: { ...s.embeddedHub, tokens } }));
    },
  });

  const notifications = createNativeNotifications({
    createNotification: deps.createNotification,
    supported: deps.notificationsSupported(),
    platform,
    icon: deps.paths.appIcon,
    log,
    onChoice: (id, choice) => {
      if (choice !== 'dismissed') showWindow();
      send('notification:choice', { id, choice });
    },
    onBlocked: (blocked) => {
      if (!blocked) return notices.clear('notifications-blocked');
      notices.set({
        id: 'notifications-blocked',
        title: 'Notifications for Baton are switched off',
        message:
          platform === 'win32' || platform === 'darwin'
            ? 'Your system does not show Baton’s notifications, so new offers appear only in the window, the badge and the tray. Switch them on in the system’s notification settings.'
            : 'Your desktop does not show Baton’s notifications, so new offers appear only in the window and the tray. Switch them on in your desktop’s notification settings.',
        ...(platform !== 'linux' && { setting: 'notifications' as const }),
      });
    },
  });
  const badge = createBadge({ platform, app, window: () => mainWindow?.window ?? null, overlayImage: deps.overlayImage });
  const quit = (): void => {
    quitting = true;
    app.quit();
  };
  const tray = createTray({
    createTray: deps.createTray,
    buildMenu: deps.buildMenu,
    icon: deps.trayIcon,
    platform,
    actions: { open: showWindow, quit, setPresence: (status) => void send('presence:request', { status }) },
  });
  const presence = watchDesktopPresence({
    powerMonitor: deps.powerMonitor,
    rules: settings.get().presence,
    onChange: (change) => void send('presence:desktop', change),
    ...(deps.timers && { timers: deps.timers }),
  });
  const shortcut = createNewestOfferShortcut({
    globalShortcut: deps.globalShortcut,
    log,
    onProblem: (message) => (message ? notices.set({ id: 'shortcut', title: 'The global shortcut is off', message }) : notices.clear('shortcut')),
    onPress: () => {
      showWindow();
      const newest = notifications.newestOffer();
      if (newest) send('deepLink:open', { url: handoffLink(newest) });
    },
  });
  shortcut.apply(settings.get().shortcut);
  settings.onChange((now, before) => {
    if (now.presence !== before.presence) presence.setRules(now.presence);
    if (now.shortcut !== before.shortcut) shortcut.apply(now.shortcut);
  });

  // The bridge answers before the console loads, so its first calls find a handler.
  registerBridge({
    ipcMain: deps.ipcMain,
    log,
    isTrusted: (event) => isTrustedSender(event, { webContentsId: () => mainWindow?.window.webContents.id ?? null, isAppUrl: isConsoleUrl }),
    handlers: {
      'notification:show': (notice) => notifications.show(notice),
      'notification:close': ({ id }) => notifications.close(id),
      'badge:set': ({ count }) => {
        badge.set(count);
        tray.update({ pending: count });
      },
      'storage:get': async ({ key }) => ({ value: await storage.get(key) }),
      'storage:set': ({ key, value }) => storage.set(key, value),
      'storage:remove': ({ key }) => storage.remove(key),
      'link:open': async ({ url }) => {
        await openExternalSafely(deps.shell, url, log);
      },
      'app:info': () => ({ name: app.getName(), version: app.getVersion(), shell: 'desktop' as const }),
      'deepLink:initial': () => ({ url: links.takeInitial() }),
      'hub:connection': () => hubConnection(),
      'presence:current': ({ status }) => tray.update({ presence: status }),
      'desktop:notices': () => ({ notices: notices.list() }),
      'system:openSetting': async ({ setting }) => {
        await openSystemSetting(deps.shell, setting, platform);
      },
    },
  });

  mainWindow = createMainWindow({
    createWindow: deps.createWindow,
    preload: deps.paths.preload,
    url: CONSOLE_URL,
    icon: deps.paths.appIcon,
    saved: settings.get().window,
    workAreas: deps.screen.getAllDisplays().map((display) => display.workArea),
    save: (window) => settings.update((s) => ({ ...s, window })),
    isQuitting: () => quitting,
    devTools: !app.isPackaged,
    log,
  });
  mainWindow.window.webContents.on('did-start-loading', () => links.consoleLoading());

  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('activate', showWindow); // macOS: the dock icon was clicked
  app.on('window-all-closed', () => undefined); // the tray keeps Baton running
  const stopUpdates = startUpdateChecks({
    updater: deps.updater,
    mode: updateMode({ packaged: app.isPackaged, feedConfigured: deps.updateFeedConfigured, platform, env: deps.env }),
    log,
    onNewerVersion: (version) =>
      notices.set({
        id: 'update',
        title: `Baton ${version} is available`,
        message: `You have Baton ${app.getVersion()}. This copy was installed from a system package, which Baton cannot replace by itself: install the new version’s package the way you installed this one (or ask whoever manages your computer).`,
      }),
    ...(deps.timers && { timers: deps.timers }),
  });

  // Stops everything and lets the local hub finish its writes; once, however the end comes.
  let stopping: Promise<void> | null = null;
  const shutDown = (): Promise<void> => {
    stopping ??= (async () => {
      quitting = true;
      shortcut.dispose();
      presence.stop();
      notifications.closeAll();
      tray.destroy();
      stopUpdates();
      await hub?.stop();
    })();
    return stopping;
  };
  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    // Hold the quit until the local hub has finished its writes.
    event.preventDefault();
    void shutDown().finally(() => {
      stopped = true;
      app.quit();
    });
  });
  // Logging off or shutting down emits neither before-quit nor will-quit. Windows ends the
  // session whatever we do (session-end), so the hub is asked to stop at once; Linux and macOS
  // wait for an app that asks them to (powerMonitor shutdown + preventDefault) until it quits.
  mainWindow.window.on('session-end', () => {
    log.info('The Windows session is ending; stopping the local hub.');
    void shutDown();
  });
  deps.powerMonitor.on('shutdown', (event?: { preventDefault?(): void }) => {
    log.info('The system is shutting down; stopping the local hub first.');
    event?.preventDefault?.();
    void shutDown().finally(() => {
      stopped = true;
      app.quit();
    });
  });

  return { mainWindow, tray, notifications, settings, hub, quit };
}
