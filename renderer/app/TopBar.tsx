import { useSession } from '../state/session.ts';
import { setHelpOpen, showView, useUi } from '../state/ui.ts';
import { PresencePicker } from '../ui/PresencePicker.tsx';
import { ConnectionStatus } from './ConnectionStatus.tsx';

export function TopBar() {
  const name = useSession((s) => s.agent?.name);
  const view = useUi((s) => s.view);
  return (
    <header className="topbar">
      <span className="brand" aria-hidden="true">
        Baton
      </span>
      <ConnectionStatus />
      <span className="spacer" />
      {name && (
        <span className="who" title={`Signed in as ${name}`}>
          {name}
        </span>
      )}
      {view === 'inbox' && <PresencePicker id="presence-top" />}
      <nav className="views" aria-label="Views">
        <button type="button" aria-current={view === 'inbox' ? 'page' : undefined} onClick={() => showView('inbox')}>
          Inbox
        </button>
        <button type="button" aria-current={view === 'settings' ? 'page' : undefined} onClick={() => showView('settings')}>
          Settings
        </button>
        <button type="button" aria-label="Keyboard shortcuts" aria-keyshortcuts="?" onClick={() => setHelpOpen(true)}>
          ?
        </button>
      </nav>
    </header>
  );
}
