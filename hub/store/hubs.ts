import type { Queryable } from './db.ts';

/** A running hub process as its lease row records it. */
export interface HubRow {
  id: string;
  host: string;
  pid: number;
  url: string | null;
  started_at: Date;
  lease_expires_at: Date;
}

/** Starts a hub's lease (or starts it again after it was lost): it runs out `leaseMs` from now, by the database's clock. */
export async function holdLease(q: Queryable, hub: { id: string; host: string; pid: number; url?: string | undefined }, leaseMs: number): Promise<void> {
  await q.query(
    `insert into hubs (id, host, pid, url, lease_expires_at) values ($1, $2, $3, $4, now() + $5 * interval '1 millisecond')
     on conflict (id) do update set lease_expires_at = excluded.lease_expires_at, url = coalesce(excluded.url, hubs.url)`,
    [hub.id, hub.host, hub.pid, hub.url ?? null, leaseMs],
  );
}

/** Renews a lease; false when it is gone (another hub took this one over). */
export async function renewLease(q: Queryable, hubId: string, leaseMs: number): Promise<boolean> {
  const { rows } = await q.query(`update hubs set lease_expires_at = now() + $2 * interval '1 millisecond' where id = $1 returning id`, [hubId, leaseMs]);
  return rows.length === 1;
}

export async function setHubUrl(q: Queryable, hubId: string, url: string): Promise<void> {
  await q.query('update hubs set url = $2 where id = $1', [hubId, url]);
}

/**
 * Removes the hubs whose lease ran out, with their agents' connections; returns their ids. A hub
 * another one is removing at the same moment is skipped, not waited for.
 */
export async function removeExpiredHubs(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `delete from hubs where id in (select id from hubs where lease_expires_at < now() for update skip locked) returning id`,
  );
  return rows.map((r) => r.id);
}

/** A hub stopping on purpose: its lease runs out `graceMs` from now (or sooner, as it was). */
export async function cutLease(q: Queryable, hubId: string, graceMs: number): Promise<void> {
  await q.query(`update hubs set lease_expires_at = least(lease_expires_at, now() + $2 * interval '1 millisecond') where id = $1`, [hubId, graceMs]);
}

export async function listHubs(q: Queryable): Promise<Array<HubRow & { agents: number }>> {
  const { rows } = await q.query<HubRow & { agents: number }>(
    `select h.*, (select count(*)::int from agent_connections c where c.hub_id = h.id) as agents from hubs h order by h.started_at, h.id`,
  );
  return rows;
}

/** An app of the agent is connected to this hub. */
export async function addConnection(q: Queryable, agentId: string, hubId: string): Promise<void> {
  await q.query('insert into agent_connections (agent_id, hub_id) values ($1, $2) on conflict do nothing', [agentId, hubId]);
}

/** The agent's last app on this hub went away; returns whether an app of theirs is still connected to another hub. */
export async function removeConnection(q: Queryable, agentId: string, hubId: string): Promise<boolean> {
  const { rows } = await q.query<{ elsewhere: boolean }>(
    `with gone as (delete from agent_connections where agent_id = $1 and hub_id = $2)
     select exists (select 1 from agent_connections where agent_id = $1 and hub_id <> $2) as elsewhere`,
    [agentId, hubId],
  );
  return rows[0]!.elsewhere;
}

/** Agents marked connected with no app on any hub that holds a lease: their hub stopped or died. */
export async function strandedAgents(q: Queryable, ids?: readonly string[]): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `select id from agents a where connected ${ids ? 'and id = any($1)' : ''}
     and not exists (select 1 from agent_connections c where c.agent_id = a.id)
     order by id`,
    ids ? [ids] : [],
  );
  return rows.map((r) => r.id);
}
