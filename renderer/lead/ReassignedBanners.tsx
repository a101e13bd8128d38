import { useStore } from 'zustand';
import { customerLabel } from '../ui/packet-labels.ts';
import { NoticeBanner } from '../notifications/NoticeBanner.tsx';
import { Text } from '../ui/Text.tsx';
import { useHandoffs } from '../state/handoffs.ts';
import { dismissReassigned, reassignedStore } from '../state/team.ts';
import { selectHandoffRow } from '../state/ui.ts';

/**
 * "Reassigned to you by Lee" ("Back to you from Lee" when the agent held it before), with the
 * lead's note, for each handoff a lead gave this agent.
 */
export function ReassignedBanners() {
  const notices = useStore(reassignedStore);
  const byId = useHandoffs((s) => s.byId);
  // Only while the handoff is still open and here.
  const shown = Object.entries(notices).filter(([id]) => byId[id]);
  if (shown.length === 0) return null;
  return (
    <div className="reassigned-banners">
      {shown.map(([id, notice]) => (
        <NoticeBanner
          key={id}
          label={`Reassigned: ${customerLabel(byId[id]!.packet)}`}
          note={notice.note}
          onOpen={() => selectHandoffRow(id, true)}
          onDismiss={() => dismissReassigned(id)}
        >
          <strong>
            {notice.returned ? 'Back to you from ' : 'Reassigned to you by '}
            <Text>{notice.by.name}</Text>
          </strong>
          {' · '}
          <Text>{customerLabel(byId[id]!.packet)}</Text>
        </NoticeBanner>
      ))}
    </div>
  );
}
