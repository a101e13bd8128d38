import type { ReactNode } from 'react';
import { outcomeLabel } from '../packet/labels.ts';
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
        <ul role="listbox" aria-label={title} className="rows">
          {children}
        </ul>
      )}
    </section>
  );
}

/** Offers first (with their countdown), then the agent's handoffs, then what just finished. */
export function Inbox() {
  const agent = useSession((s) => s.agent);
  const offers = useHandoffs(selectOffers(agent?.id));
  const mine = useHandoffs(selectMine(agent?.id));
  const recent = useHandoffs(selectRecentlyFinished);
  const selectedId = useUi((s) => s.selectedId);
  const tabStop = (ids: string[], id: string): boolean => (ids.includes(selectedId ?? '') ? id === selectedId : id === ids[0]);
  const offerIds = offers.map((h) => h.id);
  const mineIds = mine.map((h) => h.id);
  const recentIds = recent.map((e) => e.handoff.id);

  return (
    <nav className="inbox" aria-label="Inbox">
      <Section id="offers" title="Offers" count={offers.length} empty="No offers right now." reserve>
        {offers.map((h) => (
          <InboxRow key={h.id} handoff={h} offer tabStop={tabStop(offerIds, h.id)} />
        ))}
      </Section>
      <Section id="mine" title="My handoffs" count={mine.length} empty="Nothing accepted yet.">
        {mine.map((h) => (
          <InboxRow key={h.id} handoff={h} tabStop={tabStop(mineIds, h.id)} />
        ))}
      </Section>
      {recent.length > 0 && (
        <Section id="recent" title="Recently finished" count={recent.length} empty="">
          {recent.map((e) => (
            <InboxRow key={e.handoff.id} handoff={e.handoff} outcome={outcomeLabel(e.outcome)} tabStop={tabStop(recentIds, e.handoff.id)} />
          ))}
        </Section>
      )}
      {agent?.role === 'lead' && <p className="hint">Signed in as a team lead: this inbox shows your own offers and handoffs; the team board is not in this version yet.</p>}
    </nav>
  );
}
