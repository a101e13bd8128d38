import { useId, useState } from 'react';
import { ROUTING_MODES, type RoutingMode } from '../../shared/protocol/agent.ts';
import type { TeamAgentView, TeamView } from '../../shared/protocol/lead.ts';
import { useController } from '../ui/console-context.tsx';
import { capacityLabel, FIELD_LABEL, refusalText, refusedFields, SECONDS_FIELDS, settingsChange, skillsLabel, skillsText, type SettingsDraft } from './team-settings.ts';

const ROUTING_LABEL: Record<RoutingMode, string> = {
  push: 'Push: one agent at a time',
  broadcast: 'Broadcast: every eligible agent at once',
};

type Outcome = { kind: 'refused'; text: string; fields: Set<string> } | { kind: 'saved' } | null;

/**
 * The team's routing, offer timeout, stalled-work targets, and each agent's capacity and skills.
 * A field shows what the hub last sent until the lead types in it, so changes by another lead
 * (`team:changed`, `agents:changed`) show at once; Save sends only what the lead changed.
 */
export function TeamRoutingForm({ team, agents }: { team: TeamView; agents: TeamAgentView[] }) {
  const controller = useController();
  const id = useId();
  const [draft, setDraft] = useState<SettingsDraft>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const people = agents.filter((a) => a.role === 'agent');
  const invalid = (label: string) => (outcome?.kind === 'refused' && outcome.fields.has(label)) || undefined;
  const edit = (patch: (d: SettingsDraft) => SettingsDraft) => {
    setOutcome(null);
    setDraft(patch);
  };

  const save = async () => {
    const change = settingsChange(team, people, draft);
    if (!change.ok) return setOutcome({ kind: 'refused', text: change.message, fields: new Set([change.field]) });
    if (!change.settings) return setOutcome({ kind: 'refused', text: 'Nothing to save: no setting was changed.', fields: new Set() });
    setBusy(true);
    const error = await controller.configureTeam(change.settings);
    setBusy(false);
    if (error) return setOutcome({ kind: 'refused', text: refusalText(error, change.settings, people), fields: refusedFields(error, change.settings, people) });
    setDraft({});
    setOutcome({ kind: 'saved' });
  };

  return (
    <form
      className="team-routing"
      aria-label="Team routing"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset className="team-routing-mode">
        <legend>{FIELD_LABEL.routing}</legend>
        {ROUTING_MODES.map((mode) => (
          <label key={mode} className="choice">
            <input
              type="radio"
              name={`${id}-routing`}
              value={mode}
              checked={(draft.routing ?? team.routing) === mode}
              onChange={() => edit((d) => ({ ...d, routing: mode }))}
            />
            {ROUTING_LABEL[mode]}
          </label>
        ))}
      </fieldset>
      {SECONDS_FIELDS.map((field) => (
        <label key={field} className="field">
          <span>{FIELD_LABEL[field]}</span>
          <input
            type="number"
            inputMode="decimal"
            min={1}
            value={draft[field] ?? String(team[field])}
            aria-invalid={invalid(FIELD_LABEL[field])}
            onChange={(e) => edit((d) => ({ ...d, [field]: e.target.value }))}
          />
        </label>
      ))}
      {people.map((agent) => (
        <fieldset key={agent.id} className="team-routing-agent">
          <legend>{agent.name}</legend>
          <label className="field">
            <span>Capacity</span>
            <input
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              aria-label={capacityLabel(agent.name)}
              value={draft.capacity?.[agent.id] ?? String(agent.capacity)}
              aria-invalid={invalid(capacityLabel(agent.name))}
              onChange={(e) => edit((d) => ({ ...d, capacity: { ...d.capacity, [agent.id]: e.target.value } }))}
            />
          </label>
          <label className="field">
            <span>Skills (comma-separated)</span>
            <input
              type="text"
              aria-label={skillsLabel(agent.name)}
              value={draft.skills?.[agent.id] ?? skillsText(agent.skills)}
              aria-invalid={invalid(skillsLabel(agent.name))}
              onChange={(e) => edit((d) => ({ ...d, skills: { ...d.skills, [agent.id]: e.target.value } }))}
            />
          </label>
        </fieldset>
      ))}
      <div className="team-routing-actions">
        <button type="submit" className="primary" disabled={busy}>
          Save routing
        </button>
        <button type="button" disabled={busy} onClick={() => edit(() => ({}))}>
          Undo changes
        </button>
      </div>
      {outcome?.kind === 'refused' && (
        <p role="alert" className="form-error">
          {outcome.text}
        </p>
      )}
      {outcome?.kind === 'saved' && (
        <p role="status" className="lead-meta">
          Saved. The new routing applies to the next offers.
        </p>
      )}
    </form>
  );
}
