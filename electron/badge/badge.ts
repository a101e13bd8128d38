import type { App, BrowserWindow, NativeImage } from 'electron';

export interface Badge {
  /** The number of offers waiting; 0 clears the badge. */
  set(count: number): void;
}

/**
 * The pending count on the app icon: the dock (macOS) or launcher (Linux, Unity-style) badge via
 * `app.setBadgeCount`, and on Windows an overlay icon on the taskbar button.
 */
export function createBadge({
  platform,
  app,
  window,
  overlayImage,
}: {
  platform: NodeJS.Platform;
  app: Pick<App, 'setBadgeCount'>;
  window(): Pick<BrowserWindow, 'setOverlayIcon' | 'isDestroyed'> | null;
  overlayImage(count: number): NativeImage;
}): Badge {
  let shown = -1;
  return {
    set(count) {
      if (count === shown) return;
      shown = count;
      if (platform !== 'win32') {
        app.setBadgeCount(count);
        return;
      }
      const target = window();
      if (!target || target.isDestroyed()) return;
      if (count > 0) target.setOverlayIcon(overlayImage(count), count === 1 ? '1 offer waiting' : `${count} offers waiting`);
      else target.setOverlayIcon(null, '');
    },
  };
}
