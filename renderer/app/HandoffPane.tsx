import { ActionBar } from '../actions/ActionBar.tsx';
import { useHubNow } from '../ui/use-hub-now.ts';
import { Countdown } from '../inbox/Countdown.tsx';
import { selectHandoff, useHandoffs } from '../state/handoffs.ts';
import { closeDetail, useUi } from '../state/ui.ts';
import { CHANNEL_LABEL, PRIORITY_LABEL, REASON_LABEL, customerLabel, sinceLabel, outcomeLabel, platformLabel } from '../ui/packet-labels.ts';
import { EarlierHandoff } from '../packet/EarlierHandoff.tsx';
import { PacketView } from '../packet/PacketView.tsx';
import { Text } from '../ui/Text.tsx';

/** The selected handoff: who and why at the top, the actions, then the whole packet. */
export function HandoffPane() {
  const selectedId = useUi((s) => s.selectedId);
  const handoff = useHandoffs(selectHandoff(selectedId));
  const recent = useHandoffs((s) => (selectedId ? s.recent[selectedId] : undefined));
  const now = useHubNow(30_000);

  if (!handoff) {
    return (
      <section className="pane pane-empty" aria-label="Handoff">
        <p className="empty">Select a handoff to read its packet. Press ? for keyboard shortcuts.</p>
      </section>
    );
  }
  const { packet } = handoff;
  const priority = packet.priority ?? 'normal';
  return (
    <article className="pane" aria-labelledby="pane-title">
      <button type="button" className="back" aria-label="Back to list" onClick={closeDetail}>
        ← Inbox
      </button>
      <header className="pane-header">
        <h2 id="pane-title">
          <Text>{customerLabel(packet)}</Text>
        </h2>
        <p className="pane-facts">
          <span className={`chip chip-${priority}`}>{PRIORITY_LABEL[priority]} priority</span>
          <span>{packet.channel ? CHANNEL_LABEL[packet.channel] : 'Unknown channel'}</span>
          {packet.source && (
            <span className="platform">
              From <Text>{platformLabel(packet.source.platform)}</Text>
            </span>
          )}
          <span>{REASON_LABEL[packet.trigger.reason]}</span>
          <span>Handed off {sinceLabel(handoff.createdAt, now)}</span>
          {handoff.status === 'offered' && <Countdown handoff={handoff} />}
          {recent && <span className="outcome">{outcomeLabel(recent.outcome)}</span>}
          {!recent && handoff.assignee && <span>With {handoff.assignee.name}</span>}
        </p>
      </header>
      {handoff.platformNotice !== undefined && (
        <p className="notice notice-error platform-notice" role="alert">
          <Text>{handoff.platformNotice}</Text>
        </p>
      )}
      {handoff.partial && (
        <p className="notice notice-warn platform-partial" role="status">
          {packet.source ? platformLabel(packet.source.platform) : 'The platform'} has not answered yet: the transcript and customer appear here as soon as it does.
        </p>
      )}
      <ActionBar handoff={handoff} />
      {handoff.previous && <EarlierHandoff previous={handoff.previous} now={now} />}
      <PacketView packet={packet} />
    </article>
  );
}
