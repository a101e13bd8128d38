import type { Shell } from 'electron';
import type { DesktopNotice, DesktopNoticeId, SystemSetting } from '../../shared/protocol/bridge.ts';

export interface DesktopNotices {
  /** Shows this notice (replacing one with the same id). */
  set(notice: DesktopNotice): void;
  clear(id: DesktopNoticeId): void;
  list(): DesktopNotice[];
}

/**
 * What the agent must be told about this computer, kept until it no longer holds, so the console
 * can show it whenever it (re)loads; `onChange` hears every change, to pass on to the console.
 */
export function createDesktopNotices({ onChange }: { onChange(notices: DesktopNotice[]): void }): DesktopNotices {
  const notices = new Map<DesktopNoticeId, DesktopNotice>();
  const changed = (): void => onChange([...notices.values()]);
  return {
    set(notice) {
      const before = notices.get(notice.id);
      if (before && JSON.stringify(before) === JSON.stringify(notice)) return;
      notices.set(notice.id, notice);
      changed();
    },
    clear(id) {
      if (notices.delete(id)) changed();
    },
    list: () => [...notices.values()],
  };
}

/**
 * Each platform's page for a system setting; null where there is no address to open (Linux
 * desktops each keep notifications in their own settings app).
 */
export function systemSettingUrl(setting: SystemSetting, platform: NodeJS.Platform): string | null {
  switch (setting) {
    case 'notifications':
      if (platform === 'win32') return 'ms-settings:notifications';
      if (platform === 'darwin') return 'x-apple.systempreferences:com.apple.preference.notifications';
      return null;
  }
}

/** Opens the setting's page; the address is fixed here, never taken from the console. */
export async function openSystemSetting(shell: Pick<Shell, 'openExternal'>, setting: SystemSetting, platform: NodeJS.Platform): Promise<void> {
  const url = systemSettingUrl(setting, platform);
  if (url) await shell.openExternal(url);
}
