import { createHash, randomUUID } from 'node:crypto';
import type { ContextPacket, FieldIssue, Handoff } from '../../shared/protocol/index.ts';
import type { Integration } from '../auth/integration-keys.ts';
import { announceOffer, newOffer, routeIncoming } from '../routing/router.ts';
import { appendEvent, findHandoffRow, insertHandoff, toHandoff, type NewHandoff } from '../store/records.ts';
import { FINISHED } from './agent-actions.ts';
import { announceChange, announceWithdrawal, currentHandoff, notifyIntegration } from '../core/announce.ts';
import { CommandFailure, type Tx } from '../core/effects.ts';
import { lockTeamOfHandoff, lockTeams } from '../core/team-locks.ts';

/** JSON with object keys sorted, so a retry that orders fields differently is still the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The packet is well formed but names something this hub does not have. */
export class PacketRejected extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

/** The same Idempotency-Key came with a different packet. */
export class IdempotencyConflict extends Error {}

/**
 * Stores a handoff exactly as the bot sent it and routes it in the same transaction.
 * With an Idempotency-Key the same request again returns the first handoff.
 */
export async function createHandoff(
  t: Tx,
  integration: Integration,
  packet: ContextPacket,
  idempotencyKey: string | undefined,
  platform?: NewHandoff['platform'],
): Promise<{ handoff: Handoff; created: boolean }> {
  const teamName = packet.team ?? integration.default_team;
  await lockTeams(t, [teamName]);
  const requestHash = idempotencyKey === undefined ? null : createHash('sha256').update(canonicalJson(packet)).digest('hex');
  if (idempotencyKey !== undefined) {
    const { rows } = await t.q.query<{ id: string; request_hash: string }>(
      'select id, request_hash from handoffs where integration_id = $1 and idempotency_key = $2',
      [integration.id, idempotencyKey],
    );
    const earlier = rows[0];
    if (earlier && earlier.request_hash !== requestHash) {
      throw new IdempotencyConflict(`Idempotency-Key ${idempotencyKey} was already used for a different packet (handoff ${earlier.id}).`);
    }
    if (earlier) return { handoff: await currentHandoff(t, earlier.id), created: false };
  }
  const id = randomUUID();
  const skills = packet.skills ?? [];
  const priority = packet.priority ?? 'normal';
  // Routed before it is stored, so it is written once as it will stand.
  const route = await routeIncoming(t, teamName, { id, priority, createdAt: t.now.toISOString(), skills, skip: [] });
  if (!route) {
    const { rows } = await t.q.query<{ name: string }>('select name from teams order by name');
    throw new PacketRejected([{ path: 'team', message: `no team "${teamName}" on this hub (teams: ${rows.map((r) => r.name).join(', ')})` }]);
  }
  const offer = route.agentIds.length > 0 ? newOffer(t, route.team, route.agentIds) : null;
  const row = await insertHandoff(
    t.q,
    { id, integrationId: integration.id, team: teamName, packet, priority, skills, idempotencyKey: idempotencyKey ?? null, requestHash, offer, at: t.now, platform },
    [{ type: 'created', at: t.now, actor: { kind: 'bot', id: integration.id } }, ...(offer ? [offer.event] : [])],
  );
  const handoff = toHandoff(row);
  if (offer) await announceOffer(t, handoff, { id: integration.id, callback_url: row.callback_url });
  else announceChange(t, handoff);
  return { handoff, created: true };
}

/** The bot takes the conversation back (the customer left, or the bot solved it). */
export async function cancelHandoff(t: Tx, integrationId: string, handoffId: string, reason: string | undefined): Promise<Handoff | undefined> {
  await lockTeamOfHandoff(t, handoffId);
  const row = await findHandoffRow(t.q, handoffId, true);
  if (!row || row.integration_id !== integrationId) return undefined;
  const finished = FINISHED[row.status];
  if (finished) throw new CommandFailure('invalid_state', `This handoff ${finished}; it can no longer be cancelled.`);
  const holders = row.status === 'accepted' && row.assignee_id ? [row.assignee_id] : row.offer_agent_ids;
  await t.q.query(
    `update handoffs set status = 'cancelled', offer_id = null, offer_agent_ids = '{}', offer_expires_at = null, updated_at = $2 where id = $1`,
    [row.id, t.now.toISOString()],
  );
  await appendEvent(t.q, row.id, { type: 'cancelled', at: t.now, actor: { kind: 'bot', id: integrationId }, reason });
  announceWithdrawal(t, row.id, holders, 'cancelled');
  const handoff = await currentHandoff(t, row.id);
  announceChange(t, handoff, { also: holders });
  await notifyIntegration(t, integrationId, 'handoff.cancelled', handoff);
  for (const id of holders) t.fx.agentsChanged.add(id);
  t.fx.teamsToRoute.add(row.team);
  return handoff;
}
