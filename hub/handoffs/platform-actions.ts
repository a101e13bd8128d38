// What a platform's news does to the handoffs, each in one transaction: a handoff in (the same
// delivery or the same open conversation gives the same one; a conversation handed off again is
// linked to its earlier handoff), the context completed, the conversation taken back.
import type { ContextPacket, EarlierHandoff, Handoff } from '../../shared/protocol/index.ts';
import type { Integration } from '../auth/integration-keys.ts';
import { announceChange, currentHandoff } from '../core/announce.ts';
import { cancelHandoff, createHandoff } from './bot-actions.ts';
import type { Tx } from '../core/effects.ts';
import type { Queryable } from '../store/db.ts';
import { appendEvent } from '../store/records.ts';
import type { PlatformKind } from '../platforms/config.ts';

const OPEN = `('queued', 'offered', 'accepted')`;

interface LatestRow {
  id: string;
  status: Handoff['status'];
  assignee_id: string | null;
  assignee_name: string | null;
  updated_at: Date;
}

/** The newest handoff of the platform conversation, if any. */
async function latestOf(q: Queryable, integrationId: string, conversation: string): Promise<LatestRow | undefined> {
  const { rows } = await q.query<LatestRow>(
    `select h.id, h.status, h.assignee_id, a.name as assignee_name, h.updated_at
     from handoffs h left join agents a on a.id = h.assignee_id
     where h.integration_id = $1 and h.platform_conversation = $2
     order by h.created_at desc, h.id desc limit 1`,
    [integrationId, conversation],
  );
  return rows[0];
}

/** The handoff an earlier delivery of this webhook, or the conversation's open handoff, already is. */
export async function existingHandoff(q: Queryable, integrationId: string, delivery: string, conversation: string): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>('select id from handoffs where integration_id = $1 and idempotency_key = $2', [integrationId, delivery]);
  if (rows[0]) return rows[0].id;
  const latest = await latestOf(q, integrationId, conversation);
  return latest && ['queued', 'offered', 'accepted'].includes(latest.status) ? latest.id : undefined;
}

async function earlier(q: Queryable, latest: LatestRow): Promise<EarlierHandoff> {
  const { rows } = await q.query<{ note: string | null; reason: string | null }>(
    `select note, reason from handoff_events
     where handoff_id = $1 and type in ('returned_to_bot', 'routed_to_product', 'resolved', 'cancelled')
     order by id desc limit 1`,
    [latest.id],
  );
  const note = rows[0]?.note ?? rows[0]?.reason ?? undefined;
  return {
    id: latest.id,
    status: latest.status,
    at: latest.updated_at.toISOString(),
    assignee: latest.assignee_id ? { id: latest.assignee_id, name: latest.assignee_name ?? latest.assignee_id } : null,
    ...(note != null && { note }),
  };
}

/** A `team` key naming no team of this hub goes to the integration's team, and stays in the metadata. */
async function fitTeam(q: Queryable, packet: ContextPacket): Promise<ContextPacket> {
  if (packet.team === undefined) return packet;
  const { rows } = await q.query('select 1 from teams where name = $1', [packet.team]);
  if (rows[0]) return packet;
  const { team, ...rest } = packet;
  const metadata = { ...rest.metadata, team };
  return Object.keys(metadata).length <= 100 ? { ...rest, metadata } : rest;
}

export interface Arrival {
  conversation: string;
  delivery: string;
  packet: ContextPacket;
  /** What to fetch later, when the platform's API could not be read now. */
  pending: unknown;
}

export async function receiveHandoff(t: Tx, integration: Integration, arrival: Arrival): Promise<{ handoff: Handoff; created: boolean }> {
  const same = await existingHandoff(t.q, integration.id, arrival.delivery, arrival.conversation);
  if (same) return { handoff: await currentHandoff(t, same), created: false };
  const latest = await latestOf(t.q, integration.id, arrival.conversation);
  const previous = latest ? await earlier(t.q, latest) : null;
  const packet = await fitTeam(t.q, arrival.packet);
  return createHandoff(t, integration, packet, arrival.delivery, { conversation: arrival.conversation, previous, pending: arrival.pending });
}

/** The platform's API answered: the packet with the whole context replaces the partial one. */
export async function completeHandoff(t: Tx, handoffId: string, kind: PlatformKind, packet: ContextPacket): Promise<boolean> {
  const fitted = await fitTeam(t.q, packet);
  const { rows } = await t.q.query('update handoffs set packet = $2, platform_pending = null where id = $1 and platform_pending is not null returning id', [
    handoffId,
    JSON.stringify(fitted),
  ]);
  if (!rows[0]) return false;
  await appendEvent(t.q, handoffId, { type: 'completed', at: t.now, actor: { kind: 'system', id: kind }, note: 'transcript and customer fetched' });
  announceChange(t, await currentHandoff(t, handoffId));
  return true;
}

/** The platform took the conversation away first: its open handoff is cancelled, its pending calls dropped. */
export async function releaseConversation(t: Tx, integrationId: string, conversation: string, why: string): Promise<Handoff | undefined> {
  const { rows } = await t.q.query<{ id: string }>(
    `select id from handoffs where integration_id = $1 and platform_conversation = $2 and status in ${OPEN} order by created_at desc limit 1`,
    [integrationId, conversation],
  );
  if (!rows[0]) return undefined;
  await t.q.query(
    `update platform_outbox set failed_at = $2, last_error = $3 where handoff_id = $1 and delivered_at is null and failed_at is null`,
    [rows[0].id, t.now.toISOString(), `not sent: ${why}`],
  );
  return cancelHandoff(t, integrationId, rows[0].id, why);
}

/** A call back to the platform failed for good: the history, and a notice on the handoff for its agent. */
export async function recordFailure(t: Tx, handoffId: string, kind: PlatformKind, notice: string, error: string): Promise<void> {
  await t.q.query('update handoffs set platform_failure = $2 where id = $1', [handoffId, notice]);
  await appendEvent(t.q, handoffId, { type: 'platform_failed', at: t.now, actor: { kind: 'system', id: kind }, note: notice, reason: error });
  announceChange(t, await currentHandoff(t, handoffId));
}

/** Announces the handoff as it now stands (after a call was recorded outside a service change). */
export async function announceHandoff(t: Tx, handoffId: string): Promise<void> {
  announceChange(t, await currentHandoff(t, handoffId));
}
