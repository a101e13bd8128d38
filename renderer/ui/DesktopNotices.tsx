import { useEffect, useState, type ReactNode } from 'react';
import type { DesktopNotice, Platform, SystemSetting } from '../platform/platform.ts';
import { Text } from './Text.tsx';
import { usePlatform } from './console-context.tsx';

const SETTING_LABEL: Record<SystemSetting, string> = { notifications: 'Open notification settings' };

/** The desktop's notices, as they change; none in a browser. */
export function useDesktopNotices(platform: Platform): DesktopNotice[] {
  const [notices, setNotices] = useState<DesktopNotice[]>([]);
  useEffect(() => {
    const port = platform.desktopNotices;
    if (!port) return;
    let heard = false;
    const stop = port.onChange((now) => {
      heard = true;
      setNotices(now);
    });
    void port.current().then(
      (now) => {
        if (!heard) setNotices(now);
      },
      () => undefined,
    );
    return stop;
  }, [platform]);
  return notices;
}

/**
 * What the desktop needs the agent to know about this computer (the local hub cannot start,
 * notifications switched off, the shortcut taken, the saved sign-in unreadable, an update to
 * install), each with the system setting that fixes it where there is one. As banners they can
 * be dismissed for this session; settings always lists them.
 */
export function DesktopNotices({ dismissible, empty = null }: { dismissible: boolean; /** Shown when there is no notice. */ empty?: ReactNode }) {
  const platform = usePlatform();
  const notices = useDesktopNotices(platform);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const key = (notice: DesktopNotice): string => `${notice.id}\n${notice.message}`;
  const shown = dismissible ? notices.filter((notice) => !dismissed.has(key(notice))) : notices;
  if (shown.length === 0) return <>{empty}</>;
  return (
    <div className="reassigned-banners">
      {shown.map((notice) => (
        <section key={notice.id} role="status" className="reassigned-banner" aria-label={notice.title}>
          <p>
            <strong>
              <Text>{notice.title}</Text>
            </strong>
          </p>
          <Text as="p">{notice.message}</Text>
          <div className="reassigned-actions">
            {notice.setting && (
              <button type="button" onClick={() => void platform.desktopNotices?.openSetting(notice.setting!).catch(() => undefined)}>
                {SETTING_LABEL[notice.setting]}
              </button>
            )}
            {dismissible && (
              <button type="button" onClick={() => setDismissed((before) => new Set(before).add(key(notice)))}>
                Dismiss
              </button>
            )}
          </div>
        </section>
      ))}
    </div>
  );
}
