// The team routing form's logic, apart from React: which settings a lead changed (only those are
// sent, so a field someone else changed meanwhile is not written back), and the hub's refusal in
// words that name the form's fields.
import type { RoutingMode } from '../../shared/protocol/agent.ts';
import type { TeamAgentView, TeamView } from '../../shared/protocol/lead.ts';
import type { CommandError } from '../../shared/protocol/socket.ts';
import type { CommandInput } from '../client/hub-client.ts';

export type TeamSettings = CommandInput<'team:configure'>;
type SecondsField = 'offerTimeoutSeconds' | 'stalledQueueSeconds' | 'stalledAcceptedSeconds';

export const FIELD_LABEL: Record<'routing' | SecondsField, string> = {
  routing: 'Routing',
  offerTimeoutSeconds: 'Offer timeout (seconds)',
  stalledQueueSeconds: 'Stalled after waiting (seconds)',
  stalledAcceptedSeconds: 'Stalled without action (seconds)',
};
export const SECONDS_FIELDS: readonly SecondsField[] = ['offerTimeoutSeconds', 'stalledQueueSeconds', 'stalledAcceptedSeconds'];

export const capacityLabel = (name: string): string => `Capacity of ${name}`;
export const skillsLabel = (name: string): string => `Skills of ${name}`;

/** What the lead typed, field by field; a field not in it shows the hub's current value. */
export interface SettingsDraft {
  routing?: RoutingMode;
  offerTimeoutSeconds?: string;
  stalledQueueSeconds?: string;
  stalledAcceptedSeconds?: string;
  capacity?: Record<string, string>;
  skills?: Record<string, string>;
}

/** "billing, technical , billing" → ["billing", "technical"]. */
export function parseSkills(text: string): string[] {
  return [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
}

export const skillsText = (skills: readonly string[]): string => skills.join(', ');

const sameSkills = (a: readonly string[], b: readonly string[]): boolean => [...a].sort().join('\n') === [...b].sort().join('\n');

export type SettingsChange = { ok: true; settings: TeamSettings | null } | { ok: false; field: string; message: string };

/**
 * The `team:configure` payload for what differs from the team as the hub last sent it; null when
 * nothing does. A number field that is not a number is named (ranges are the protocol's to check).
 */
export function settingsChange(team: TeamView, agents: readonly TeamAgentView[], draft: SettingsDraft): SettingsChange {
  const settings: TeamSettings = {};
  if (draft.routing !== undefined && draft.routing !== team.routing) settings.routing = draft.routing;
  for (const field of SECONDS_FIELDS) {
    const text = draft[field];
    if (text === undefined) continue;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) return { ok: false, field: FIELD_LABEL[field], message: `${FIELD_LABEL[field]}: enter a number of seconds.` };
    if (value !== team[field]) settings[field] = value;
  }
  for (const agent of agents) {
    const capacity = draft.capacity?.[agent.id];
    if (capacity !== undefined) {
      const value = Number(capacity);
      if (capacity.trim() === '' || !Number.isInteger(value)) {
        return { ok: false, field: capacityLabel(agent.name), message: `${capacityLabel(agent.name)}: enter a whole number.` };
      }
      if (value !== agent.capacity) (settings.capacity ??= []).push({ agentId: agent.id, capacity: value });
    }
    const skills = draft.skills?.[agent.id];
    if (skills !== undefined && !sameSkills(parseSkills(skills), agent.skills)) (settings.skills ??= []).push({ agentId: agent.id, skills: parseSkills(skills) });
  }
  return { ok: true, settings: Object.keys(settings).length === 0 ? null : settings };
}

/** The form's name for a field the protocol names (`offerTimeoutSeconds`, `capacity.0.capacity`, `skills.1.skills.2`). */
export function fieldLabel(path: string, sent: TeamSettings, agents: readonly TeamAgentView[]): string {
  const [head, index] = path.split('.');
  const nameOf = (agentId: string | undefined) => agents.find((a) => a.id === agentId)?.name ?? agentId ?? 'an agent';
  if (head === 'capacity') return capacityLabel(nameOf(sent.capacity?.[Number(index)]?.agentId));
  if (head === 'skills') return skillsLabel(nameOf(sent.skills?.[Number(index)]?.agentId));
  if (head && head in FIELD_LABEL) return FIELD_LABEL[head as keyof typeof FIELD_LABEL];
  return 'The settings';
}

/** The refusal in plain words: each offending field by its label, or the hub's own message. */
export function refusalText(error: CommandError, sent: TeamSettings, agents: readonly TeamAgentView[]): string {
  if (!error.issues?.length) return error.message;
  return error.issues.map((issue) => `${fieldLabel(issue.path, sent, agents)}: ${issue.message}`).join(' ');
}

/** The labels of the fields a refusal names, to mark them invalid. */
export function refusedFields(error: CommandError, sent: TeamSettings, agents: readonly TeamAgentView[]): Set<string> {
  return new Set((error.issues ?? []).map((issue) => fieldLabel(issue.path, sent, agents)));
}
