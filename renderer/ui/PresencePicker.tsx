import { addConflict } from '../state/conflicts.ts';
import { useConnection } from '../state/connection.ts';
import { useSession } from '../state/session.ts';
import { useController } from './console-context.tsx';

/** The agent's own presence, in the top bar and in settings. */
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
