import type { Handoff } from '../../shared/protocol/handoff.ts';
import { useHubNow } from '../ui/use-hub-now.ts';
import { timeLeftLabel } from '../ui/packet-labels.ts';
import { timeLeftMs } from '../state/handoffs.ts';

/** An offer's time left, ticking every second on the hub's clock. */
export function Countdown({ handoff }: { handoff: Handoff }) {
  const now = useHubNow(1_000);
  const msLeft = timeLeftMs(handoff, now) ?? 0;
  const tone = msLeft <= 0 ? 'expired' : msLeft < 10_000 ? 'soon' : 'ok';
  return (
    <span className={`countdown countdown-${tone}`} data-testid="countdown">
      {timeLeftLabel(msLeft)}
    </span>
  );
}
