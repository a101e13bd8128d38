import { HandoffPane } from '../packet/HandoffPane.tsx';
import { Inbox } from '../inbox/Inbox.tsx';
import { SettingsView } from '../settings/SettingsView.tsx';
import { SignIn } from '../settings/SignIn.tsx';
import { useSettings } from '../state/settings.ts';
import { useUi } from '../state/ui.ts';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import { StatusTray } from './StatusTray.tsx';
import { TopBar } from './TopBar.tsx';
import { useShortcuts } from './use-shortcuts.ts';
import { useTheme } from './theme.ts';

function Workspace() {
  const detailOpen = useUi((s) => s.detailOpen);
  // Wide: inbox and handoff side by side. Narrow: one at a time (console.css), by `data-detail`.
  return (
    <main className="workspace" data-detail={detailOpen ? 'open' : 'closed'}>
      <Inbox />
      <HandoffPane />
    </main>
  );
}

function Shell() {
  const view = useUi((s) => s.view);
  useShortcuts();
  return (
    <div className="shell">
      <TopBar />
      {view === 'settings' ? <SettingsView /> : <Workspace />}
      <StatusTray />
      <ShortcutHelp />
    </div>
  );
}

/** Signed in: the inbox; otherwise the sign-in screen. */
export function App() {
  const loaded = useSettings((s) => s.loaded);
  const signedIn = useSettings((s) => s.token !== null);
  useTheme();
  if (!loaded) return <p className="boot">Loading…</p>;
  return signedIn ? <Shell /> : <SignIn />;
}
