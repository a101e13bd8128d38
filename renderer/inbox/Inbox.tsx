import { memo, useMemo, type ReactNode } from 'react';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import { outcomeLabel } from '../ui/packet-labels.ts';
import { selectMine, selectOffers, selectRecentlyFinished, useHandoffs } from '../state/handoffs.ts';
import { useSession } from '../state/session.ts';
import { useUi } from '../state/ui.ts';
import { InboxRow } from './InboxRow.tsx';

interface SectionProps {
  id: string;
  title: string;
  count: number;
  empty: string;
  /** Keeps a row's height even when empty, so the first offer does not push the list down. */
  reserve?: boolean;
  children: ReactNode;
}

function Section({ id, title, count, empty, reserve = false, children }: SectionProps) {
  return (
    <section className={`inbox-section${reserve ? ' inbox-reserve' : ''}`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="inbox-title">
        {title} <span className="count">{count}</span>
      </h2>
      {count === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <div role="listbox" aria-label={title} className="rows">
          {children}
        </div>
      )}
    </section>
  );
}

/**
 * Rows per chunk: the browser skips laying out and painting chunks out of view, and repaints a
 * whole chunk when one of its rows changes, so a chunk stays small (the sizes tried are measured
 * in docs/performance.md). The height of a skipped chunk in console.css assumes this many rows.
 */
const CHUNK = 25;

interface ChunkProps {
  handoffs: readonly Handoff[];
  /** The list's tab stop when it is in this chunk, else null: other chunks need not re-render. */
  stop: string | null;
  offer: boolean;
  outcomes: readonly string[] | undefined;
}

const RowChunk = memo(function RowChunk({ handoffs, stop, offer, outcomes }: ChunkProps) {
  return (
    <div role="presentation" className="rows-chunk">
      {handoffs.map((h, i) => (
        <InboxRow key={h.id} handoff={h} offer={offer} outcome={outcomes?.[i]} tabStop={h.id === stop} />
      ))}
    </div>
  );
});

/**
 * A list's rows, in chunks. The roving tab stop is the selected row when it is in this list, else
 * the first; moving it re-renders the chunks it left and entered, so moving through thousands of
 * handoffs stays as quick as through ten.
 */
function Rows({ handoffs, offer = false, outcomes }: { handoffs: readonly Handoff[]; offer?: boolean; outcomes?: readonly string[] }) {
  const stop = useUi((s) => (s.selectedId !== null && handoffs.some((h) => h.id === s.selectedId) ? s.selectedId : handoffs[0]?.id));
  const chunks = useMemo(() => {
    const parts: Array<{ handoffs: Handoff[]; outcomes: string[] | undefined }> = [];
    for (let i = 0; i < handoffs.length; i += CHUNK) parts.push({ handoffs: handoffs.slice(i, i + CHUNK), outcomes: outcomes?.slice(i, i + CHUNK) });
    return parts;
  }, [handoffs, outcomes]);
  return chunks.map((chunk) => (
    <RowChunk
      key={chunk.handoffs[0]!.id}
      handoffs={chunk.handoffs}
      stop={chunk.handoffs.some((h) => h.id === stop) ? stop! : null}
      offer={offer}
      outcomes={chunk.outcomes}
    />
  ));
}

/** Offers first (with their countdown), then the agent's handoffs, then what just finished. */
export function Inbox() {
  const agent = useSession((s) => s.agent);
  const offers = useHandoffs(selectOffers(agent?.id));
  const mine = useHandoffs(selectMine(agent?.id));
  const recent = useHandoffs(selectRecentlyFinished);

  return (
    <nav className="inbox" aria-label="Inbox">
      <Section id="offers" title="Offers" count={offers.length} empty="No offers right now." reserve>
        <Rows handoffs={offers} offer />
      </Section>
      <Section id="mine" title="My handoffs" count={mine.length} empty="Nothing accepted yet.">
        <Rows handoffs={mine} />
      </Section>
      {recent.length > 0 && (
        <Section id="recent" title="Recently finished" count={recent.length} empty="">
          <Rows handoffs={recent.map((e) => e.handoff)} outcomes={recent.map((e) => outcomeLabel(e.outcome))} />
        </Section>
      )}
    </nav>
  );
}
