import { memo } from 'react';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import { useHubNow } from '../ui/use-hub-now.ts';
import { CHANNEL_LABEL, PRIORITY_LABEL, REASON_LABEL, ageLabel, customerLabel } from '../ui/packet-labels.ts';
import { selectPendingFor, usePending } from '../state/pending.ts';
import { selectHandoffRow, useUi } from '../state/ui.ts';
import { Countdown } from './Countdown.tsx';

export const rowId = (handoffId: string): string => `row-${handoffId}`;

interface InboxRowProps {
  handoff: Handoff;
  /** The roving tab stop of its list. */
  tabStop: boolean;
  /** What happened to it, for recently finished rows. */
  outcome?: string;
  offer?: boolean;
}

/**
 * One handoff in the inbox: customer, channel, trigger reason, priority and age at a glance.
 * Memoized: a row re-renders when its handoff, its place as tab stop or its own state changes.
 */
export const InboxRow = memo(function InboxRow({ handoff, tabStop, outcome, offer = false }: InboxRowProps) {
  const selected = useUi((s) => s.selectedId === handoff.id);
  const pending = usePending(selectPendingFor(handoff.id)).length > 0;
  const now = useHubNow(30_000);
  const { packet } = handoff;
  const priority = packet.priority ?? 'normal';
  return (
    <div
      role="option"
      id={rowId(handoff.id)}
      aria-selected={selected}
      tabIndex={tabStop ? 0 : -1}
      className={`row priority-${priority}${offer ? ' row-offer' : ''}`}
      onClick={() => selectHandoffRow(handoff.id, true)}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          selectHandoffRow(handoff.id, true);
        }
      }}
    >
      <span className="row-line">
        <span className="row-customer text" dir="auto">
          {customerLabel(packet)}
        </span>
        {offer ? <Countdown handoff={handoff} /> : <span className="row-age">{ageLabel(handoff.createdAt, now)}</span>}
      </span>
      <span className="row-line row-facts">
        <span className={`chip chip-${priority}`}>{PRIORITY_LABEL[priority]}</span>
        <span>{packet.channel ? CHANNEL_LABEL[packet.channel] : 'Unknown channel'}</span>
        <span aria-hidden="true">·</span>
        <span>{REASON_LABEL[packet.trigger.reason]}</span>
        {offer && (
          <>
            <span aria-hidden="true">·</span>
            <span className="row-age">{ageLabel(handoff.createdAt, now)}</span>
          </>
        )}
      </span>
      {(pending || outcome) && (
        <span className="row-line row-note">
          {pending ? <span className="pending">Waiting to send</span> : null}
          {outcome ? <span className="outcome">{outcome}</span> : null}
        </span>
      )}
    </div>
  );
});
