import type { AppUpdater } from 'electron-updater';
import type { Log } from '../logging/log.ts';

export type UpdaterPort = Pick<AppUpdater, 'checkForUpdatesAndNotify' | 'checkForUpdates'> & {
  logger: AppUpdater['logger'];
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
};

export const UPDATE_CHECK_MS = 6 * 60 * 60 * 1000;

/**
 * How this copy of Baton is updated:
 * - `in-place`: downloaded in the background and installed on quit, where the format allows it
 *   without a password (the macOS zip, the Windows NSIS installer, an AppImage, whose file the
 *   user owns);
 * - `notify`: only told that a newer version exists (a .deb, or any other system package:
 *   installing it needs root, which electron-updater would ask for through pkexec when the app
 *   quits);
 * - `off`: unpackaged, or built without an update feed (no BATON_UPDATE_URL at `npm run dist`).
 */
export type UpdateMode = 'in-place' | 'notify' | 'off';

export function updateMode({
  packaged,
  feedConfigured,
  platform,
  env,
}: {
  packaged: boolean;
  /** The build carries an update feed (electron-builder's `app-update.yml` in the resources). */
  feedConfigured: boolean;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
}): UpdateMode {
  if (!packaged || !feedConfigured) return 'off';
  if (platform === 'darwin' || platform === 'win32') return 'in-place';
  // An AppImage runs with APPIMAGE set to its own file, which the updater replaces.
  return env.APPIMAGE ? 'in-place' : 'notify';
}

/**
 * Checks the update feed (build/electron-builder.config.ts `publish`) at start and every six
 * hours. In place: downloads in the background and offers the update with a system
 * notification. Notify: downloads nothing and hands the newer version to `onNewerVersion`. A
 * failed check is logged.
 */
export function startUpdateChecks({
  updater,
  mode,
  log,
  onNewerVersion = () => undefined,
  timers = { setInterval, clearInterval },
  intervalMs = UPDATE_CHECK_MS,
}: {
  updater: UpdaterPort;
  mode: UpdateMode;
  log: Log;
  onNewerVersion?(version: string): void;
  timers?: { setInterval(callback: () => void, ms: number): unknown; clearInterval(handle: unknown): void };
  intervalMs?: number;
}): () => void {
  if (mode === 'off') {
    log.info('No update checks: Baton runs unpackaged or was built without an update feed.');
    return () => undefined;
  }
  updater.logger = log;
  if (mode === 'notify') {
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = false;
  }
  const check = async (): Promise<void> => {
    if (mode === 'in-place') {
      await updater.checkForUpdatesAndNotify();
      return;
    }
    const result = await updater.checkForUpdates();
    if (result?.isUpdateAvailable) onNewerVersion(result.updateInfo.version);
  };
  const run = (): void => void check().catch((error: unknown) => log.warn('Update check failed.', { error: String(error) }));
  run();
  const handle = timers.setInterval(run, intervalMs);
  return () => timers.clearInterval(handle);
}
