import { useEffect, useState } from 'react';
import { useController, usePlatform } from '../ui/console-context.tsx';
import { DesktopNotices } from '../ui/DesktopNotices.tsx';
import { PresencePicker } from '../ui/PresencePicker.tsx';
import type { AppInfo, NotificationPermission, Platform } from '../platform/platform.ts';
import { useSession } from '../state/session.ts';
import { THEMES, setNotificationPref, setTheme, useSettings, type NotificationPrefs, type Theme } from '../state/settings.ts';

const THEME_LABEL: Record<Theme, string> = { system: 'Match the system', light: 'Light', dark: 'Dark' };

const PREFS: Array<{ key: keyof NotificationPrefs; label: string; hint: string }> = [
  { key: 'sound', label: 'Sound', hint: 'Play the system sound with notifications.' },
  { key: 'privacy', label: 'Privacy mode', hint: 'Keep customer names and messages out of notifications.' },
  { key: 'doNotDisturb', label: 'Do not disturb', hint: 'No notifications of any kind; offers still appear in the inbox and on the badge, news in the banners.' },
];

function NotificationPermissionRow({ platform }: { platform: Platform }) {
  const [permission, setPermission] = useState<NotificationPermission>(() => platform.notificationPermission());
  if (permission === 'granted') return null;
  // The desktop says so itself, with the way to the system setting (its notices, above).
  if (platform.shell === 'desktop') return null;
  if (permission === 'denied') return <p className="muted">Notifications are blocked for this site; allow them in the browser’s site settings.</p>;
  return (
    <button type="button" onClick={() => void platform.requestNotificationPermission().then(setPermission)}>
      Allow notifications
    </button>
  );
}

export function SettingsView() {
  const controller = useController();
  const platform = usePlatform();
  const settings = useSettings((s) => s);
  const agent = useSession((s) => s.agent);
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    void platform.appInfo().then(setInfo, () => undefined);
  }, [platform]);

  return (
    <main className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>

      <section className="card" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <p>
          {agent ? `Signed in as ${agent.name} (${agent.role === 'lead' ? 'team lead' : 'agent'}, team ${agent.team})` : 'Signed in'} on{' '}
          <span className="code text">{settings.hubUrl}</span>
        </p>
        <button type="button" onClick={() => void controller.signOut()}>
          Sign out
        </button>
      </section>

      {platform.desktopNotices && (
        <section className="card" aria-labelledby="computer-title">
          <h2 id="computer-title">This computer</h2>
          <DesktopNotices dismissible={false} empty={<p className="muted">Nothing here needs your attention.</p>} />
        </section>
      )}

      <section className="card" aria-labelledby="presence-title">
        <h2 id="presence-title">Presence</h2>
        <p className="muted">Away: no new offers; the handoffs you have stay yours.</p>
        <PresencePicker id="presence-settings" />
      </section>

      <section className="card" aria-labelledby="notifications-title">
        <h2 id="notifications-title">Notifications</h2>
        {PREFS.map(({ key, label, hint }) => (
          <label key={key} className="toggle">
            <input type="checkbox" checked={settings.notifications[key]} onChange={(e) => setNotificationPref(key, e.target.checked)} />
            <span>
              {label}
              <span className="muted"> — {hint}</span>
            </span>
          </label>
        ))}
        <NotificationPermissionRow platform={platform} />
      </section>

      <section className="card" aria-labelledby="theme-title">
        <fieldset>
          <legend id="theme-title">Theme</legend>
          {THEMES.map((theme) => (
            <label key={theme} className="choice">
              <input type="radio" name="theme" value={theme} checked={settings.theme === theme} onChange={() => setTheme(theme)} />
              {THEME_LABEL[theme]}
            </label>
          ))}
        </fieldset>
      </section>

      {info && (
        <p className="muted about">
          {info.name} {info.version} · {info.shell === 'desktop' ? 'desktop app' : 'web console'}
        </p>
      )}
    </main>
  );
}
