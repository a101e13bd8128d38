import { useConnection, type Connection } from '../state/connection.ts';

export function connectionLabel(connection: Connection): string {
  switch (connection.status) {
    case 'connected':
      return 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return connection.attempt > 0 ? `Reconnecting (attempt ${connection.attempt})…` : 'Reconnecting…';
    case 'offline':
      return 'Offline';
    case 'unauthorized':
      return 'Signed out: token refused';
    case 'signed_out':
      return 'Signed out';
  }
}

/** A small, always-present pill: its width may change, the layout around it does not. */
export function ConnectionStatus() {
  const connection = useConnection((c) => c);
  return (
    <span className={`status status-${connection.status}`} role="status" aria-label={`Connection: ${connectionLabel(connection)}`}>
      <span className="status-dot" aria-hidden="true" />
      {connectionLabel(connection)}
    </span>
  );
}
