import type { Queryable } from '../store/db.ts';
import type { Tx } from './effects.ts';

/** The first key of every team lock (`pg_advisory_xact_lock(int, int)`), so no other advisory lock shares its keys. */
const TEAM_LOCK_SPACE = 0x42_41_54_4e; // "BATN"

/** The team locks each transaction holds (its Queryable is its own for the transaction's life). */
const held = new WeakMap<Queryable, Set<string>>();
const heldBy = (q: Queryable): Set<string> => {
  let mine = held.get(q);
  if (!mine) held.set(q, (mine = new Set()));
  return mine;
};

/**
 * Holds the teams' locks until the transaction ends. Everything that changes who may get which
 * offer (routing, an agent's presence or load, an offer's fate) runs under its team's lock, so
 * hubs sharing one PostgreSQL take turns per team as one hub's queue does, and no agent is offered
 * beyond their capacity by two hubs at once. A transaction takes its locks before it locks any
 * row, and several at once in name order, so two hubs never wait on each other in a circle.
 * Taking a lock already held costs nothing.
 */
export async function lockTeams(t: Pick<Tx, 'q'>, teams: Iterable<string>): Promise<void> {
  const mine = heldBy(t.q);
  const wanted = [...new Set(teams)].filter((team) => !mine.has(team)).sort();
  if (wanted.length === 0) return;
  // unnest yields the names in array order (sorted as "C" sorts them), and each lock is taken as its row is read.
  await t.q.query(`select pg_advisory_xact_lock(${TEAM_LOCK_SPACE}, hashtext(team)) from unnest($1::text[]) as team`, [wanted]);
  for (const team of wanted) mine.add(team);
}

/**
 * Takes the locks of the teams found by `teamsSql` (a query returning `team`), in name order, in
 * one round trip: the lock is taken as each name is read, and the name is all that is read.
 */
async function lockTeamsFound(t: Pick<Tx, 'q'>, teamsSql: string, params: unknown[]): Promise<void> {
  const { rows } = await t.q.query<{ team: string }>(
    `select team, pg_advisory_xact_lock(${TEAM_LOCK_SPACE}, hashtext(team)) from (${teamsSql} order by team collate "C") found`,
    params,
  );
  for (const { team } of rows) heldBy(t.q).add(team);
}

/** Locks the teams of these agents (a command's actor, apps connecting or leaving). */
export function lockTeamsOfAgents(t: Pick<Tx, 'q'>, agentIds: readonly string[]): Promise<void> {
  return lockTeamsFound(t, 'select team from agents where id = any($1) group by team', [agentIds]);
}

/** Locks the team of a handoff before the handoff itself is locked. */
export function lockTeamOfHandoff(t: Pick<Tx, 'q'>, handoffId: string): Promise<void> {
  return lockTeamsFound(t, 'select team from handoffs where id = $1', [handoffId]);
}
