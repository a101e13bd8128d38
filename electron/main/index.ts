// The main process entry: the real Electron APIs handed to startDesktop. Everything it does is
// in modules that take these APIs as parameters (and are tested with fakes); this file only wires.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BrowserWindow,
  Menu,
  Notification,
  Tray,
  app,
  dialog,
  globalShortcut,
  ipcMain,
  nativeImage,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  utilityProcess,
} from 'electron';
import electronLog from 'electron-log/main';
import Store from 'electron-store';
import electronUpdater from 'electron-updater';
import { OVERLAY_SIZE, drawBadgeBitmap } from '../badge/overlay-image.ts';
import { CONSOLE_SCHEME_PRIVILEGES } from '../console/console-protocol.ts';
import { setupMainLog } from '../logging/log.ts';
import { startDesktop } from './desktop.ts';

// Before the app is ready, and before anything is awaited.
protocol.registerSchemesAsPrivileged([CONSOLE_SCHEME_PRIVILEGES]);

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const log = setupMainLog(electronLog, { packaged: app.isPackaged });
// The tray icon is a template image on macOS (drawn in the menu bar's own colour).
const trayIconPath = here(process.platform === 'darwin' ? './assets/trayTemplate.png' : './assets/tray.png');

startDesktop({
  app,
  platform: process.platform,
  argv: process.argv,
  env: process.env,
  ...(process.defaultApp && process.argv[1] && { devLaunch: { execPath: process.execPath, args: [resolve(process.argv[1])] } }),
  createWindow: (options) => new BrowserWindow(options),
  createNotification: (options) => new Notification(options),
  notificationsSupported: () => Notification.isSupported(),
  createTray: (icon) => new Tray(icon),
  buildMenu: (template) => Menu.buildFromTemplate(template),
  setApplicationMenu: (menu) => Menu.setApplicationMenu(menu),
  trayIcon: trayIconPath,
  overlayImage: (count) => nativeImage.createFromBitmap(drawBadgeBitmap(count), { width: OVERLAY_SIZE, height: OVERLAY_SIZE, scaleFactor: 2 }),
  powerMonitor,
  safeStorage,
  ipcMain,
  shell,
  globalShortcut,
  forkUtility: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
  protocol,
  get session() {
    return session.defaultSession; // only exists once the app is ready; read after whenReady
  },
  screen,
  dialog,
  updater: electronUpdater.autoUpdater,
  // electron-builder writes app-update.yml only for a build with an update feed (BATON_UPDATE_URL).
  updateFeedConfigured: app.isPackaged && existsSync(join(process.resourcesPath, 'app-update.yml')),
  settingsFile: new Store({ name: 'settings', clearInvalidConfig: true }),
  log,
  paths: {
    preload: here('./preload.cjs'),
    consoleRoot: here('../console'),
    hubProcess: here('./hub-process.js'),
    appIcon: here('./assets/icon.png'),
  },
}).catch((error: unknown) => {
  log.error('Baton could not start.', { error: error instanceof Error ? error.stack : String(error) });
  dialog.showErrorBox('Baton could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
});
