import type { Session, WebContents } from 'electron';
import type { Log } from '../logging/log.ts';

export type WebContentsPort = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * For every web contents the app creates: no new windows (http/https links open in the
 * browser instead), no navigation away from the console, no <webview>.
 */
export function hardenWebContents(contents: WebContentsPort, { isAppUrl, openExternal, log }: { isAppUrl(url: string): boolean; openExternal(url: string): void; log: Log }): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternal(url);
    return { action: 'deny' };
  });
  const stayHome = (event: { preventDefault(): void; url: string }): void => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log.warn('Blocked a navigation away from the console.', { url: event.url.slice(0, 200) });
    openExternal(event.url);
  };
  contents.on('will-navigate', (event) => stayHome(event));
  contents.on('will-frame-navigate', (event) => stayHome(event));
  contents.on('will-redirect', (event) => stayHome(event));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export type SessionPort = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>;

/** Notifications for the console, nothing for anyone else: no camera, microphone, location, devices… */
export function restrictPermissions(session: SessionPort, { isAppUrl }: { isAppUrl(url: string): boolean }): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permission === 'notifications' && isAppUrl(details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permission === 'notifications' && isAppUrl(requestingOrigin));
  session.setDevicePermissionHandler(() => false);
}
