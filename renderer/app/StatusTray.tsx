import { dismissConflict, useConflicts } from '../state/conflicts.ts';
import { useConnection } from '../state/connection.ts';
import { usePending } from '../state/pending.ts';
import { useController } from '../ui/console-context.tsx';

/**
 * Connection trouble, actions waiting to be sent, and refusals from the hub. It floats over the
 * bottom edge, so nothing in the inbox moves when a message comes or goes.
 */
export function StatusTray() {
  const controller = useController();
  const connection = useConnection((c) => c);
  const waiting = usePending((s) => s.queue.length);
  const messages = useConflicts((s) => s.messages);

  return (
    <aside className="tray" aria-label="Messages">
      <div role="status" className="tray-status">
        {connection.status === 'reconnecting' && (
          <p className="notice notice-warn">
            Lost the connection to the hub; reconnecting{connection.attempt > 0 ? ` (attempt ${connection.attempt})` : ''}. What you do now is kept and sent when it is back.
          </p>
        )}
        {connection.status === 'offline' && (
          <p className="notice notice-warn">
            Disconnected from the hub ({connection.reason}).{' '}
            <button type="button" onClick={() => controller.reconnect()}>
              Reconnect
            </button>
          </p>
        )}
        {waiting > 0 && connection.status !== 'connected' && (
          <p className="notice">{waiting === 1 ? '1 action is waiting to be sent.' : `${waiting} actions are waiting to be sent.`}</p>
        )}
      </div>
      <ul className="tray-messages" aria-live="assertive">
        {messages.map((message) => (
          <li key={message.id} className="notice notice-error">
            <span className="text" dir="auto">
              {message.text}
            </span>
            <button type="button" className="dismiss" onClick={() => dismissConflict(message.id)}>
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
