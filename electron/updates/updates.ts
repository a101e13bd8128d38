import type { AppUpdater } from 'electron-updater';
import type { Log } from '../logging/log.ts';

export type UpdaterPort = Pick<AppUpdater, 'checkForUpdatesAndNotify'> & { logger: AppUpdater['logger'] };

export const UPDATE_CHECK_MS = 6 * 60 * 60 * 1000;

/**
 * Checks the update feed (build/electron-builder.config.ts `publish`) at start and every six
 * hours, downloads in the background and offers the update with a system notification. Only in
 * packaged builds: an unpackaged app has no feed to compare against. A failed check is logged.
 */
export function startUpdateChecks({
  updater,
  packaged,
  log,
  timers = { setInterval, clearInterval },
  intervalMs = UPDATE_CHECK_MS,
}: {
  updater: UpdaterPort;
  packaged: boolean;
  log: Log;
  timers?: { setInterval(callback: () => void, ms: number): unknown; clearInterval(handle: unknown): void };
  intervalMs?: number;
}): () => void {
  if (!packaged) {
    log.info('Update checks run in packaged builds only.');
    return () => undefined;
  }
  updater.logger = log;
  const check = (): void => {
    updater.checkForUpdatesAndNotify().catch((error: unknown) => log.warn('Update check failed.', { error: String(error) }));
  };
  check();
  const handle = timers.setInterval(check, intervalMs);
  return () => timers.clearInterval(handle);
}
