import { useId, useMemo, useState } from 'react';
import { PRESENCES, type Presence } from '../../shared/protocol/agent.ts';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { TeamAgentView, TeamView } from '../../shared/protocol/lead.ts';
import { CHANNELS, PRIORITIES, TRIGGER_REASONS } from '../../shared/protocol/packet.ts';
import { stalledInfo } from '../../shared/domain/stalled.ts';
import { useController } from '../ui/console-context.tsx';
import { useHubNow } from '../ui/use-hub-now.ts';
import { ageLabel, CHANNEL_LABEL, customerLabel, PRIORITY_LABEL, REASON_LABEL, sinceLabel } from '../ui/packet-labels.ts';
import { Text } from '../ui/Text.tsx';
import { useHandoffs } from '../state/handoffs.ts';
import { useTeam } from '../state/team.ts';
import { byWait, matches, NO_FILTERS, type BoardFilters } from './board-filters.ts';
import { TeamRoutingForm } from './TeamRoutingForm.tsx';

const GROUPS = [
  { status: 'queued', title: 'Queued' },
  { status: 'offered', title: 'Offered' },
  { status: 'accepted', title: 'Accepted' },
] as const;

const QUEUE = '__queue__';

function Filters({ filters, agents, onChange }: { filters: BoardFilters; agents: TeamAgentView[]; onChange: (f: BoardFilters) => void }) {
  const set = (patch: Partial<BoardFilters>) => onChange({ ...filters, ...patch });
  return (
    <div className="lead-filters" role="group" aria-label="Filters">
      <label className="field">
        <span>Reason</span>
        <select value={filters.reason} onChange={(e) => set({ reason: e.target.value as BoardFilters['reason'] })}>
          <option value="">Any reason</option>
          {TRIGGER_REASONS.map((r) => (
            <option key={r} value={r}>
              {REASON_LABEL[r]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Channel</span>
        <select value={filters.channel} onChange={(e) => set({ channel: e.target.value as BoardFilters['channel'] })}>
          <option value="">Any channel</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_LABEL[c]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Priority</span>
        <select value={filters.priority} onChange={(e) => set({ priority: e.target.value as BoardFilters['priority'] })}>
          <option value="">Any priority</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABEL[p]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Agent</span>
        <select value={filters.agentId} onChange={(e) => set({ agentId: e.target.value })}>
          <option value="">Anyone</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

interface RowProps {
  handoff: Handoff;
  team: TeamView | null;
  now: number;
  selected: boolean;
  onToggle: () => void;
  onReassignOne: () => void;
}

function BoardRow({ handoff, team, now, selected, onToggle, onReassignOne }: RowProps) {
  const info = team ? stalledInfo(handoff, team, now) : null;
  const stalled = info?.stalled ?? false;
  const p = handoff.packet;
  const waitingSince = handoff.queuedAt ?? handoff.createdAt;
  const customer = customerLabel(p);
  return (
    <li className={`lead-row${stalled ? ' stalled' : ''}`} data-stalled={stalled ? 'true' : 'false'} aria-label={customer}>
      <input type="checkbox" checked={selected} onChange={onToggle} aria-label={`Select ${customer}`} />
      <div className="lead-row-main">
        <div className="lead-row-head">
          <Text className="lead-customer">{customer}</Text>
          <span className={`priority priority-${p.priority ?? 'normal'}`}>{PRIORITY_LABEL[p.priority ?? 'normal']}</span>
          <span className="tag">{REASON_LABEL[p.trigger.reason]}</span>
          {p.channel && <span className="tag">{CHANNEL_LABEL[p.channel]}</span>}
        </div>
        <Text as="p" className="lead-summary">
          {p.summary}
        </Text>
        <p className="lead-meta">
          <span>Age {ageLabel(handoff.createdAt, now)}</span>
          {handoff.status === 'accepted' ? (
            <span>
              With <Text>{handoff.assignee?.name ?? 'nobody'}</Text>, last action {sinceLabel(handoff.updatedAt, now)}
            </span>
          ) : (
            <span>Waiting {ageLabel(waitingSince, now)}</span>
          )}
          {handoff.status === 'offered' && handoff.offer && <span>Offered to {handoff.offer.agentIds.length}</span>}
        </p>
      </div>
      {stalled && info && (
        <div className="lead-stalled">
          <strong>{info.kind === 'waiting' ? 'Stalled: nobody has taken it' : 'Stalled: no action'}</strong>
          <button type="button" onClick={onReassignOne}>
            Reassign
          </button>
        </div>
      )}
    </li>
  );
}

function ReassignBar({ selected, agents, onDone }: { selected: string[]; agents: TeamAgentView[]; onDone: () => void }) {
  const controller = useController();
  const id = useId();
  const [target, setTarget] = useState<string>(QUEUE);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const people = agents.filter((a) => a.role === 'agent');

  const submit = async () => {
    if (selected.length === 0) return;
    setBusy(true);
    setMessage(null);
    const to = target === QUEUE ? { queue: true as const } : { agentId: target };
    const problem = await controller.reassign(selected, to, note.trim() || undefined);
    setBusy(false);
    if (problem) setMessage(problem);
    else {
      setNote('');
      onDone();
    }
  };

  return (
    <form
      className="lead-reassign"
      aria-label="Reassign selected"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <span className="count" aria-live="polite">
        {selected.length} selected
      </span>
      <label className="field">
        <span>To</span>
        <select id={`${id}-to`} value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value={QUEUE}>Back to the queue</option>
          {people.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.load}/{a.capacity})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Note</span>
        <input type="text" value={note} maxLength={4000} dir="auto" onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={busy || selected.length === 0}>
        Reassign
      </button>
      {message && (
        <p role="alert" className="form-error">
          {message}
        </p>
      )}
    </form>
  );
}

const PRESENCE_LABEL: Record<Presence, string> = { available: 'Available', away: 'Away', offline: 'Offline' };

/** A lead sets someone's presence as they could themselves; the card follows `agents:changed`. */
function PresenceControl({ agent }: { agent: TeamAgentView }) {
  const controller = useController();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  return (
    <>
      <label className="field field-inline">
        <span>Set presence</span>
        <select
          aria-label={`Presence of ${agent.name}`}
          value={agent.presence}
          disabled={busy}
          onChange={(e) => {
            setBusy(true);
            setMessage(null);
            void controller.setAgentPresence(agent.id, e.target.value as Presence).then((problem) => {
              setBusy(false);
              if (problem) setMessage(`Could not change ${agent.name}’s presence: ${problem}`);
            });
          }}
        >
          {PRESENCES.map((p) => (
            <option key={p} value={p}>
              {PRESENCE_LABEL[p]}
            </option>
          ))}
        </select>
      </label>
      {message && (
        <p role="alert" className="form-error">
          {message}
        </p>
      )}
    </>
  );
}

function AgentsPanel({ agents, team, byId, now }: { agents: TeamAgentView[]; team: TeamView | null; byId: Record<string, Handoff>; now: number }) {
  return (
    <section className="lead-agents" aria-labelledby="lead-agents-title">
      <h2 id="lead-agents-title" className="inbox-title">
        Agents <span className="count">{agents.length}</span>
      </h2>
      <ul className="rows">
        {agents.map((a) => (
          <li key={a.id} className="lead-agent" aria-label={a.name}>
            <div className="lead-row-head">
              <Text className="lead-customer">{a.name}</Text>
              <span className={`presence presence-${a.presence}`}>{a.presence}</span>
              {a.role === 'lead' ? <span className="tag">Lead</span> : <span>{`${a.load}/${a.capacity}`}</span>}
            </div>
            <p className="lead-meta">Last accept: {a.lastAcceptedAt ? sinceLabel(a.lastAcceptedAt, now) : 'never'}</p>
            {a.role === 'agent' && <PresenceControl agent={a} />}
            {a.handoffIds.length > 0 && (
              <ul className="lead-agent-handoffs">
                {a.handoffIds.map((hid) => {
                  const h = byId[hid];
                  return <li key={hid}>{h ? <Text>{customerLabel(h.packet)}</Text> : hid}</li>;
                })}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {team && (
        <details className="team-routing-details">
          <summary>Routing and capacity</summary>
          <TeamRoutingForm team={team} agents={agents} />
        </details>
      )}
    </section>
  );
}

/** The lead's board: every open handoff of the team by status, its people, and reassignment. */
export function LeadBoard() {
  const now = useHubNow();
  const byId = useHandoffs((s) => s.byId);
  const { team, agents } = useTeam((s) => ({ team: s.team, agents: s.agents }));
  const [filters, setFilters] = useState<BoardFilters>(NO_FILTERS);
  const [selected, setSelected] = useState<string[]>([]);
  const open = useMemo(() => Object.values(byId).filter((h) => matches(h, filters)).sort(byWait), [byId, filters]);
  // A handoff that left the board is no longer selectable.
  const live = selected.filter((id) => byId[id]);
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));

  return (
    <main className="lead-board">
      <div className="lead-main">
        <Filters filters={filters} agents={agents} onChange={setFilters} />
        <ReassignBar selected={live} agents={agents} onDone={() => setSelected([])} />
        <div className="lead-groups">
          {GROUPS.map(({ status, title }) => {
            const rows = open.filter((h) => h.status === status);
            return (
              <section key={status} className="lead-group" aria-labelledby={`lead-${status}-title`}>
                <h2 id={`lead-${status}-title`} className="inbox-title">
                  {title} <span className="count">{rows.length}</span>
                </h2>
                {rows.length === 0 ? (
                  <p className="empty">None.</p>
                ) : (
                  <ul className="rows" aria-label={title}>
                    {rows.map((h) => (
                      <BoardRow
                        key={h.id}
                        handoff={h}
                        team={team}
                        now={now}
                        selected={live.includes(h.id)}
                        onToggle={() => toggle(h.id)}
                        onReassignOne={() => setSelected([h.id])}
                      />
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
      </div>
      <AgentsPanel agents={agents} team={team} byId={byId} now={now} />
    </main>
  );
}
