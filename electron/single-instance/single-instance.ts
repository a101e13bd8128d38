import type { App } from 'electron';

export type SingleInstanceAppPort = Pick<App, 'requestSingleInstanceLock' | 'on'>;

/**
 * One Baton per user: true when this launch holds the lock. A later launch quits at once and
 * this one hears its arguments (where a `baton://` link may be) through `onSecondLaunch`.
 */
export function claimSingleInstance({ app, onSecondLaunch }: { app: SingleInstanceAppPort; onSecondLaunch(argv: string[]): void }): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', (_event, argv) => onSecondLaunch(argv));
  return true;
}
