import { lazy, Suspense, useState } from 'react';
import { LeadBoard } from '../lead/LeadBoard.tsx';
import { ReassignedBanners } from '../lead/ReassignedBanners.tsx';
import { ProductInbox } from '../product/ProductInbox.tsx';
import { ProductStatusBanners } from '../product/ProductStatusBanners.tsx';
import { useSession } from '../state/session.ts';
import { HandoffPane } from './HandoffPane.tsx';
import { Inbox } from '../inbox/Inbox.tsx';
import { SettingsView } from '../settings/SettingsView.tsx';
import { SignIn } from '../settings/SignIn.tsx';
import { useSettings } from '../state/settings.ts';
import { useUi } from '../state/ui.ts';
import { SignInConfirm } from '../settings/SignInConfirm.tsx';
import { DesktopNotices } from '../ui/DesktopNotices.tsx';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import { StatusTray } from './StatusTray.tsx';
import { TopBar } from './TopBar.tsx';
import { useShortcuts } from './use-shortcuts.ts';
import { useTheme } from './theme.ts';

function Workspace() {
  const detailOpen = useUi((s) => s.detailOpen);
  // Wide: inbox and handoff side by side. Narrow: one at a time (console.css), by `data-detail`.
  return (
    <>
      <DesktopNotices dismissible />
      <ReassignedBanners />
      <ProductStatusBanners />
      <main className="workspace" data-detail={detailOpen ? 'open' : 'closed'}>
        <Inbox />
        <HandoffPane />
      </main>
    </>
  );
}

type LeadTab = 'board' | 'product' | 'metrics';

// Its own chunk, with Chart.js: only a lead who opens Metrics loads it.
const MetricsView = lazy(() => import('../lead/MetricsView.tsx').then((module) => ({ default: module.MetricsView })));

/** A lead's console: the team board, the product inbox and the team's metrics. */
function LeadShell() {
  const view = useUi((s) => s.view);
  const [tab, setTab] = useState<LeadTab>('board');
  return (
    <div className="shell">
      <TopBar />
      {view === 'settings' ? (
        <SettingsView />
      ) : (
        <div className="lead-shell">
          <DesktopNotices dismissible />
          <nav className="lead-tabs" aria-label="Lead views">
            <button type="button" aria-pressed={tab === 'board'} onClick={() => setTab('board')}>
              Board
            </button>
            <button type="button" aria-pressed={tab === 'product'} onClick={() => setTab('product')}>
              Product inbox
            </button>
            <button type="button" aria-pressed={tab === 'metrics'} onClick={() => setTab('metrics')}>
              Metrics
            </button>
          </nav>
          {tab === 'board' ? (
            <LeadBoard />
          ) : tab === 'product' ? (
            <ProductInbox />
          ) : (
            <Suspense fallback={<p className="boot">Loading metrics…</p>}>
              <MetricsView />
            </Suspense>
          )}
        </div>
      )}
      <StatusTray />
    </div>
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
  const isLead = useSession((s) => s.agent?.role === 'lead');
  useTheme();
  if (!loaded) return <p className="boot">Loading…</p>;
  return (
    <>
      {!signedIn ? <SignIn /> : isLead ? <LeadShell /> : <Shell />}
      <SignInConfirm />
    </>
  );
}
