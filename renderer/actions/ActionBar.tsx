import type { Handoff } from '../../shared/protocol/handoff.ts';
import { useController } from '../ui/console-context.tsx';
import { useConnection } from '../state/connection.ts';
import { selectPendingFor, usePending, type PendingAction } from '../state/pending.ts';
import { useUi } from '../state/ui.ts';
import { useSession } from '../state/session.ts';
import { ACTION_KEY, ACTION_LABEL, availableActions } from './available.ts';
import { DeclineForm } from './DeclineForm.tsx';
import { ReturnToBotForm } from './ReturnToBotForm.tsx';
import { RouteToProductForm } from './RouteToProductForm.tsx';
import { FORM_OF, runAction } from './run-action.ts';

const PENDING_WORDS: Record<PendingAction['command'], string> = {
  'handoff:accept': 'Accepting',
  'handoff:decline': 'Declining',
  'handoff:returnToBot': 'Returning to the bot',
  'handoff:routeToProduct': 'Routing to the product team',
  'handoff:resolve': 'Finishing',
};

export function ActionBar({ handoff }: { handoff: Handoff }) {
  const controller = useController();
  const agentId = useSession((s) => s.agent?.id);
  const pending = usePending(selectPendingFor(handoff.id));
  const sending = usePending((s) => s.sending);
  const connected = useConnection((c) => c.status === 'connected');
  const form = useUi((s) => s.form);
  const actions = availableActions(handoff, agentId);
  if (actions.length === 0 && pending.length === 0) return null;
  const busy = pending.length > 0;

  return (
    <div className="actions">
      {actions.length > 0 && (
        <div className="action-buttons" role="group" aria-label="Actions">
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              className={action === 'accept' ? 'primary' : undefined}
              disabled={busy}
              aria-keyshortcuts={ACTION_KEY[action]}
              aria-expanded={FORM_OF[action] ? form === FORM_OF[action] : undefined}
              onClick={() => runAction(action, handoff, controller)}
            >
              {ACTION_LABEL[action]}
              <kbd aria-hidden="true">{ACTION_KEY[action]}</kbd>
            </button>
          ))}
        </div>
      )}
      {busy && (
        <p className="pending-note" role="status">
          {pending.map((p) => PENDING_WORDS[p.command]).join(', then ')}
          {sending && pending.some((p) => p.opId === sending) ? '…' : connected ? ' — waiting for the hub.' : ' — kept until the connection returns, then sent once.'}
        </p>
      )}
      {!busy && form === 'decline' && actions.includes('decline') && <DeclineForm key={handoff.id} handoffId={handoff.id} />}
      {!busy && form === 'returnToBot' && actions.includes('returnToBot') && <ReturnToBotForm key={handoff.id} handoffId={handoff.id} />}
      {!busy && form === 'routeToProduct' && actions.includes('routeToProduct') && (
        <RouteToProductForm key={handoff.id} handoffId={handoff.id} packet={handoff.packet} />
      )}
    </div>
  );
}
