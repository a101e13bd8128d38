import type { AgentView, Presence, Role } from '../../shared/protocol/index.ts';
import type { Queryable } from './db.ts';

export interface AgentRow {
  id: string;
  name: string;
  role: Role;
  team: string;
  skills: string[];
  capacity: number;
  presence: Presence;
  connected: boolean;
  missed_offers: number;
  idle_since: Date | null;
  load: number;
}

/** An AgentRow's columns, of `agents a`. */
export const AGENT_COLUMNS = 'a.id, a.name, a.role, a.team, a.skills, a.capacity, a.presence, a.connected, a.missed_offers, a.idle_since, a.load';

const SELECT_AGENT = `select ${AGENT_COLUMNS} from agents a`;

/** What the apps see: an agent with no app connected is offline, whatever they last chose. */
export function toAgentView(row: AgentRow): AgentView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    team: row.team,
    skills: row.skills,
    capacity: row.capacity,
    presence: row.connected ? row.presence : 'offline',
    load: row.load,
  };
}

export async function findAgent(q: Queryable, id: string): Promise<AgentRow | undefined> {
  return (await q.query<AgentRow>(`${SELECT_AGENT} where a.id = $1`, [id])).rows[0];
}

export async function listTeamAgents(q: Queryable, team: string): Promise<AgentRow[]> {
  return (await q.query<AgentRow>(`${SELECT_AGENT} where a.team = $1 order by a.name, a.id`, [team])).rows;
}

export interface TeamRow {
  name: string;
  routing: 'push' | 'broadcast';
  offer_timeout_ms: number;
}

export async function findTeam(q: Queryable, name: string): Promise<TeamRow | undefined> {
  return (await q.query<TeamRow>('select name, routing, offer_timeout_ms from teams where name = $1', [name])).rows[0];
}
