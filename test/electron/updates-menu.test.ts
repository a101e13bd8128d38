import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { DEVELOPER_ROLES, applicationMenuTemplate } from '../../electron/menu/application-menu.ts';
import { startUpdateChecks, updateMode, type UpdaterPort } from '../../electron/updates/updates.ts';
import { manualTimers, recordingLog, settle } from './fakes.ts';

function fakeUpdater(result: unknown = null) {
  return {
    checkForUpdatesAndNotify: vi.fn(async () => null),
    checkForUpdates: vi.fn(async () => result),
    logger: null,
    autoDownload: true,
    autoInstallOnAppQuit: true,
  };
}

describe('updates: in place only where the format allows it', () => {
  it('macOS, Windows (NSIS) and an AppImage update in place; a .deb (or any other system package) is only told; unpackaged or feedless builds check nothing', () => {
    const packaged = { packaged: true, feedConfigured: true };
    expect(updateMode({ ...packaged, platform: 'darwin', env: {} })).toBe('in-place');
    expect(updateMode({ ...packaged, platform: 'win32', env: {} })).toBe('in-place');
    expect(updateMode({ ...packaged, platform: 'linux', env: { APPIMAGE: '/home/ana/Apps/Baton-0.1.0.AppImage' } })).toBe('in-place');
    expect(updateMode({ ...packaged, platform: 'linux', env: {} })).toBe('notify');
    expect(updateMode({ packaged: false, feedConfigured: true, platform: 'win32', env: {} })).toBe('off');
    expect(updateMode({ packaged: true, feedConfigured: false, platform: 'win32', env: {} })).toBe('off');
  });

  it('in place: downloads and offers the update through electron-updater, at start and every six hours', async () => {
    const updater = fakeUpdater();
    const timers = manualTimers();
    const stop = startUpdateChecks({ updater: updater as unknown as UpdaterPort, mode: 'in-place', log: recordingLog(), timers });
    expect(updater.checkForUpdatesAndNotify).toHaveBeenCalledTimes(1);
    timers.advance(6 * 60 * 60 * 1000);
    expect(updater.checkForUpdatesAndNotify).toHaveBeenCalledTimes(2);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    stop();
    expect(timers.pending()).toBe(0);
  });

  it('a .deb: nothing is downloaded or installed at quit (that needs root); the newer version is handed on to tell the agent', async () => {
    const updater = fakeUpdater({ isUpdateAvailable: true, updateInfo: { version: '0.2.0' } });
    const newer: string[] = [];
    startUpdateChecks({ updater: updater as unknown as UpdaterPort, mode: 'notify', log: recordingLog(), onNewerVersion: (v) => newer.push(v), timers: manualTimers() });
    await settle();
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.checkForUpdatesAndNotify).not.toHaveBeenCalled();
    expect(newer).toEqual(['0.2.0']);

    const current = fakeUpdater({ isUpdateAvailable: false, updateInfo: { version: '0.1.0' } });
    const none: string[] = [];
    startUpdateChecks({ updater: current as unknown as UpdaterPort, mode: 'notify', log: recordingLog(), onNewerVersion: (v) => none.push(v), timers: manualTimers() });
    await settle();
    expect(none).toEqual([]);
  });

  it('off: the updater is never asked, so no host is polled', () => {
    const updater = fakeUpdater();
    const timers = manualTimers();
    startUpdateChecks({ updater: updater as unknown as UpdaterPort, mode: 'off', log: recordingLog(), timers });
    timers.advance(24 * 60 * 60 * 1000);
    expect(updater.checkForUpdatesAndNotify).not.toHaveBeenCalled();
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
  });

  it('a failed check is logged, not thrown', async () => {
    const updater = fakeUpdater();
    updater.checkForUpdates.mockRejectedValue(new Error('net::ERR_NAME_NOT_RESOLVED'));
    const log = recordingLog();
    startUpdateChecks({ updater: updater as unknown as UpdaterPort, mode: 'notify', log, timers: manualTimers() });
    await settle();
    expect(log.entries.at(-1)).toMatchObject({ level: 'warn', message: 'Update check failed.' });
  });
});

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [...(item.role ? [item.role] : []), ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]);
}

describe('the application menu', () => {
  it.each(['darwin', 'win32', 'linux'] as const)('on %s: the standard Edit and Window menus, and no developer tools or reload in a packaged build', (platform) => {
    const packaged = roles(applicationMenuTemplate({ platform, packaged: true }));
    expect(packaged).toEqual(expect.arrayContaining(['editMenu', 'windowMenu', platform === 'darwin' ? 'appMenu' : 'fileMenu']));
    for (const role of DEVELOPER_ROLES) expect(packaged).not.toContain(role);
    expect(packaged).not.toContain('viewMenu'); // Electron's View menu carries Toggle Developer Tools
    expect(roles(applicationMenuTemplate({ platform, packaged: false }))).toEqual(expect.arrayContaining([...DEVELOPER_ROLES]));
  });
});
