import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle, WebContents } from 'electron';
import type { Log } from '../logging/log.ts';
import { MIN_WINDOW, type Settings } from '../settings/schema.ts';
import { secureWebPreferences } from '../security/web-preferences.ts';
import { restoreBounds } from './window-state.ts';

export type WebContentsPort = Pick<WebContents, 'id' | 'send' | 'isDestroyed' | 'on' | 'setWindowOpenHandler' | 'reload'>;
export type BrowserWindowPort = Pick<
  BrowserWindow,
  'on' | 'once' | 'show' | 'hide' | 'focus' | 'restore' | 'isMinimized' | 'isVisible' | 'isMaximized' | 'maximize' | 'getNormalBounds' | 'loadURL' | 'isDestroyed' | 'setOverlayIcon'
> & { webContents: WebContentsPort };

export type WindowState = Settings['window'];

export interface MainWindow {
  readonly window: BrowserWindowPort;
  /** Brings the window forward: shown, restored if minimised, focused. */
  show(): void;
}

/** The options every Baton window is created with; the web preferences are the secure ones. */
export function mainWindowOptions({
  preload,
  icon,
  saved,
  workAreas,
  devTools = true,
}: {
  preload: string;
  icon?: string;
  saved: WindowState;
  workAreas: Rectangle[];
  /** False in packaged builds: no developer tools, whatever opens them. */
  devTools?: boolean;
}): BrowserWindowConstructorOptions {
  return {
    ...restoreBounds(saved.bounds, workAreas),
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    title: 'Baton',
    show: false,
    autoHideMenuBar: true,
    ...(icon && { icon }),
    webPreferences: { ...secureWebPreferences(preload), devTools },
  };
}

/** How often a console that keeps crashing is reloaded before it is left as it is (and logged). */
export const MAX_CONSOLE_RELOADS = 3;

/**
 * The console's window. Closing it hides it to the tray (offers still arrive as notifications);
 * only quitting closes it for real. Its size, place and maximised state are saved on every close
 * and restored next time. It appears (maximised, if it was) only once the console has painted, so
 * there is no blank window first. A console whose renderer dies is reloaded; its console errors
 * go to the main log.
 */
export function createMainWindow({
  createWindow,
  preload,
  url,
  icon,
  saved,
  workAreas,
  save,
  isQuitting,
  startHidden = false,
  devTools = true,
  log,
}: {
  createWindow(options: BrowserWindowConstructorOptions): BrowserWindowPort;
  preload: string;
  url: string;
  icon?: string;
  saved: WindowState;
  workAreas: Rectangle[];
  save(state: WindowState): void;
  isQuitting(): boolean;
  startHidden?: boolean;
  devTools?: boolean;
  log: Log;
}): MainWindow {
  const window = createWindow(mainWindowOptions({ preload, ...(icon && { icon }), saved, workAreas, devTools }));

  // maximize() shows a hidden window at once on most platforms: wait until there is something to show.
  window.once('ready-to-show', () => {
    if (startHidden) return;
    if (saved.maximized) window.maximize();
    window.show();
  });

  let reloads = 0;
  window.webContents.on('did-finish-load', () => {
    reloads = 0;
  });
  window.webContents.on('render-process-gone', (_event, details) => {
    log.error('The console’s renderer process is gone.', { reason: details.reason, exitCode: details.exitCode });
    if (details.reason === 'clean-exit' || window.isDestroyed()) return;
    if (reloads >= MAX_CONSOLE_RELOADS) {
      log.error('The console keeps crashing; it is not reloaded again until Baton restarts.', { reloads });
      return;
    }
    reloads++;
    window.webContents.reload();
  });
  window.webContents.on('console-message', (details) => {
    if (details.level !== 'error' && details.level !== 'warning') return;
    log[details.level === 'error' ? 'error' : 'warn'](`console: ${details.message}`.slice(0, 2_000), { source: details.sourceId.slice(0, 200), line: details.lineNumber });
  });
  window.on('close', (event) => {
    const bounds = window.getNormalBounds();
    save({
      bounds: {
        x: Math.round(bounds.x),
        y: Math.round(bounds.y),
        width: Math.max(MIN_WINDOW.width, Math.round(bounds.width)),
        height: Math.max(MIN_WINDOW.height, Math.round(bounds.height)),
      },
      maximized: window.isMaximized(),
    });
    if (isQuitting()) return;
    event.preventDefault();
    window.hide();
  });

  window.loadURL(url).catch((error: unknown) => log.error('The console did not load.', { url, error: String(error) }));

  return {
    window,
    show() {
      if (window.isDestroyed()) return;
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    },
  };
}
