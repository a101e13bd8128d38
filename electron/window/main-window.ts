import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle, WebContents } from 'electron';
import type { Log } from '../logging/log.ts';
import { MIN_WINDOW, type Settings } from '../settings/schema.ts';
import { secureWebPreferences } from '../security/web-preferences.ts';
import { restoreBounds } from './window-state.ts';

export type WebContentsPort = Pick<WebContents, 'id' | 'send' | 'isDestroyed' | 'on' | 'setWindowOpenHandler'>;
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
export function mainWindowOptions({ preload, icon, saved, workAreas }: { preload: string; icon?: string; saved: WindowState; workAreas: Rectangle[] }): BrowserWindowConstructorOptions {
  return {
    ...restoreBounds(saved.bounds, workAreas),
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    title: 'Baton',
    show: false,
    autoHideMenuBar: true,
    ...(icon && { icon }),
    webPreferences: secureWebPreferences(preload),
  };
}

/**
 * The console's window. Closing it hides it to the tray (offers still arrive as notifications);
 * only quitting closes it for real. Its size, place and maximised state are saved on every close
 * and restored next time.
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
  log: Log;
}): MainWindow {
  const window = createWindow(mainWindowOptions({ preload, ...(icon && { icon }), saved, workAreas }));
  if (saved.maximized) window.maximize();

  window.once('ready-to-show', () => {
    if (!startHidden) window.show();
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
