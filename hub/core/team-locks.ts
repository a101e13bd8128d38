import type { Queryable } from '../store/db.ts';
import type { Tx } from './effects.ts';

/** The first key of every team lock (`pg_advisory_xact_lock(int, int)`), so no other advisory lock shares its keys. */
const TEAM_LOCK_SPACE = 0x42_41_54_4e; // "BATN"

/** The team locks each transaction holds (its Queryable is its own for the transaction's life). */
const held = new WeakMap<Queryable, Set<string>>();

/**
 * Holds the teams' locks until the transaction ends. Everything that changes who may get which
 * offer (routing, an agent's presence or load, an offer's fate) runs under its team's lock, so
 * hubs sharing one PostgreSQL take turns per team as one hub's queue does, and no agent is offered
 * beyond their capacity by two hubs at once. A transaction takes its locks before it locks any
 * row, and several at once in name order, so two hubs never wait on each other in a circle.
 * Taking a lock already held costs nothing.
 */
export async function lockTeams(t: Pick<Tx, 'q'>, teams: Iterable<string>): Promise<void> {
  let mine = held.get(t.q);
  if (!mine) held.set(t.q, (mine = new Set()));
  const wanted = [...new Set(teams)].filter((team) => !mine.has(team)).sort();
  if (wanted.length === 0) return;
  // unnest yields the names in array order, and each lock is taken as its row is read.
  await t.q.query(`select pg_advisory_xact_lock(${TEAM_LOCK_SPACE}, hashtext(team)) from unnest($1::text[]) as team`, [wanted]);
  for (const team of wanted) mine.add(team);
}

/** Locks the teams of these agents (a command's actor, apps connecting or leaving). */
export async function lockTeamsOfAgents(t: Pick<Tx, 'q'>, agentIds: readonly string[]): Promise<void> {
  const { rows } = await t.q.query<{ team: string }>('select distinct team from agents where id = any($1)', [agentIds]);
  await lockTeams(t, rows.map((r) => r.team));
}

/** Locks the team of a handoff before the handoff itself is locked. */
export async function lockTeamOfHandoff(t: Pick<Tx, 'q'>, handoffId: string): Promise<void> {
  const { rows } = await t.q.query<{ team: string }>('select team from handoffs where id = $1', [handoffId]);
  await lockTeams(t, rows.map((r) => r.team));
}
