import type { EarlierHandoff as Earlier } from '../../shared/protocol/handoff.ts';
import { STATUS_LABEL, sinceLabel } from '../ui/packet-labels.ts';
import { Text } from '../ui/Text.tsx';

/** The same conversation was handed off before and given back: who had it, how it ended, the note. */
export function EarlierHandoff({ previous, now }: { previous: Earlier; now: number }) {
  return (
    <section className="card earlier" aria-labelledby="earlier-title">
      <h3 id="earlier-title">Handed off before</h3>
      <p>
        {previous.assignee ? (
          <>
            <Text>{previous.assignee.name}</Text> had it
          </>
        ) : (
          'Nobody took it'
        )}
        {' · '}
        {STATUS_LABEL[previous.status]} {sinceLabel(previous.at, now)}
      </p>
      {previous.note !== undefined && (
        <blockquote className="earlier-note">
          <Text>{previous.note}</Text>
        </blockquote>
      )}
    </section>
  );
}
