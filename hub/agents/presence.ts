import type { Presence } from '../../shared/protocol/index.ts';
import type { Tx } from '../core/effects.ts';
import { withdrawOffersOf } from '../routing/router.ts';
import { addConnection, removeConnection } from '../store/hubs.ts';

/** An app of the agent connected to this hub (one of possibly several, on several hubs). */
export async function appConnected(t: Tx, agentId: string, hubId: string): Promise<void> {
  await addConnection(t.q, agentId, hubId);
  await agentConnected(t, agentId);
}

/** The agent's last app on this hub went away: they are disconnected unless an app of theirs is on another hub. */
export async function appsGone(t: Tx, agentId: string, hubId: string): Promise<void> {
  if (!(await removeConnection(t.q, agentId, hubId))) await agentDisconnected(t, agentId);
}

/** The agent's first app connected: an agent who had gone offline comes back available. */
async function agentConnected(t: Tx, agentId: string): Promise<void> {
  await t.q.query(
    `update agents set connected = true,
       presence = case when presence = 'offline' then 'available' else presence end,
       missed_offers = case when presence = 'offline' then 0 else missed_offers end,
       idle_since = coalesce(idle_since, $2)
     where id = $1`,
    [agentId, t.now.toISOString()],
  );
  await afterPresenceChange(t, agentId);
}

/** The agent's last app went away: offers they hold move on; accepted handoffs stay theirs. */
export async function agentDisconnected(t: Tx, agentId: string): Promise<void> {
  await t.q.query('update agents set connected = false where id = $1', [agentId]);
  await withdrawOffersOf(t, agentId, 'unavailable');
  await afterPresenceChange(t, agentId);
}

export async function setPresence(t: Tx, agentId: string, presence: Presence): Promise<void> {
  await t.q.query(
    `update agents set presence = $2,
       missed_offers = case when $2 = 'available' then 0 else missed_offers end,
       idle_since = case when $2 = 'available' and presence <> 'available' then $3::timestamptz else idle_since end
     where id = $1`,
    [agentId, presence, t.now.toISOString()],
  );
  if (presence !== 'available') await withdrawOffersOf(t, agentId, 'unavailable');
  await afterPresenceChange(t, agentId);
}

async function afterPresenceChange(t: Tx, agentId: string): Promise<void> {
  const { rows } = await t.q.query<{ team: string }>('select team from agents where id = $1', [agentId]);
  t.fx.agentsChanged.add(agentId);
  if (rows[0]) t.fx.teamsToRoute.add(rows[0].team);
}
