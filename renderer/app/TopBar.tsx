import { addConflict } from '../state/conflicts.ts';
import { useConnection } from '../state/connection.ts';
import { useSession } from '../state/session.ts';
import { setHelpOpen, showView, useUi } from '../state/ui.ts';
import { useController } from './console-context.tsx';
import { ConnectionStatus } from './ConnectionStatus.tsx';

export function PresencePicker({ id }: { id: string }) {
  const controller = useController();
  const presence = useSession((s) => s.agent?.presence);
  const connected = useConnection((c) => c.status === 'connected');
  return (
    <select
      id={id}
      aria-label="Presence"
      className={`presence presence-${presence ?? 'offline'}`}
      value={presence === 'away' ? 'away' : 'available'}
      disabled={!connected || presence === undefined}
      onChange={(event) => {
        const status = event.target.value === 'away' ? 'away' : 'available';
        void controller.setPresence(status).then((problem) => {
          if (problem) addConflict(`Could not change your presence: ${problem}`);
        });
      }}
    >
      <option value="available">Available</option>
      <option value="away">Away</option>
    </select>
  );
}

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
