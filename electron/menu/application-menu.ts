import type { MenuItemConstructorOptions } from 'electron';

type Role = NonNullable<MenuItemConstructorOptions['role']>;

/** Menu roles that open the developer tools or reload the console: for unpackaged builds only. */
export const DEVELOPER_ROLES: readonly Role[] = ['reload', 'forceReload', 'toggleDevTools'];

/**
 * The application menu, in place of Electron's default one (which offers Reload and the
 * developer tools to every agent): the platform's own app or File menu, Edit (so copy and paste
 * work, and their shortcuts on macOS), View with zoom and full screen, and Window. The
 * developer items appear only when Baton runs unpackaged.
 */
export function applicationMenuTemplate({ platform, packaged }: { platform: NodeJS.Platform; packaged: boolean }): MenuItemConstructorOptions[] {
  const developer: MenuItemConstructorOptions[] = packaged ? [] : [...DEVELOPER_ROLES.map((role): MenuItemConstructorOptions => ({ role })), { type: 'separator' }];
  return [
    { role: platform === 'darwin' ? 'appMenu' : 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [...developer, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
  ];
}
