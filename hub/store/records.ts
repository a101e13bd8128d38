import type { Actor, ContextPacket, EarlierHandoff, Handoff, HandoffEvent, HandoffEventType, HandoffStatus } from '../../shared/protocol/index.ts';
import type { Queryable } from './db.ts';

export interface HandoffRow {
  id: string;
  integration_id: string;
  team: string;
  status: HandoffStatus;
  packet: ContextPacket;
  priority: string;
  skills: string[];
  assignee_id: string | null;
  assignee_name: string | null;
  offer_id: string | null;
  offer_agent_ids: string[];
  offer_expires_at: Date | null;
  skip_agent_ids: string[];
  created_at: Date;
  updated_at: Date;
  /** When a lead last sent it back to the queue; null: never. */
  queued_at: Date | null;
  /** Platform handoffs only (undefined where a statement does not read them). */
  platform_conversation?: string | null;
  previous_handoff?: EarlierHandoff | null;
  platform_pending?: unknown;
  platform_failure?: string | null;
}

const SELECT_HANDOFF = `
  select h.*, a.name as assignee_name
  from handoffs h left join agents a on a.id = h.assignee_id`;

export function toHandoff(row: HandoffRow): Handoff {
  return {
    id: row.id,
    status: row.status,
    packet: row.packet,
    team: row.team,
    assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? row.assignee_id } : null,
    offer:
      row.status === 'offered' && row.offer_id && row.offer_expires_at
        ? { id: row.offer_id, agentIds: row.offer_agent_ids, expiresAt: row.offer_expires_at.toISOString() }
        : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    queuedAt: (row.queued_at ?? row.created_at).toISOString(),
    ...(row.previous_handoff && { previous: row.previous_handoff }),
    ...(row.platform_pending != null && { partial: true }),
    ...(row.platform_failure && { platformNotice: row.platform_failure }),
  };
}

/** Reads a handoff; `lock` takes the row lock so concurrent hubs cannot both change it. */
export async function findHandoffRow(q: Queryable, id: string, lock = false): Promise<HandoffRow | undefined> {
  if (lock) await q.query('select id from handoffs where id = $1 for update', [id]);
  const { rows } = await q.query<HandoffRow>(`${SELECT_HANDOFF} where h.id = $1`, [id]);
  return rows[0];
}

export async function findHandoffRows(q: Queryable, where: string, params: unknown[]): Promise<HandoffRow[]> {
  const { rows } = await q.query<HandoffRow>(`${SELECT_HANDOFF} where ${where} order by h.created_at, h.id`, params);
  return rows;
}

/** An agent's offers and accepted handoffs, and with `leadOf` that team's open work too. */
export function openHandoffRowsFor(q: Queryable, agentId: string, leadOf?: string): Promise<HandoffRow[]> {
  const mine = `(h.status = 'offered' and h.offer_agent_ids @> array[$1]::text[]) or (h.status = 'accepted' and h.assignee_id = $1)`;
  return leadOf === undefined
    ? findHandoffRows(q, mine, [agentId])
    : findHandoffRows(q, `${mine} or (h.team = $2 and h.status in ('queued', 'offered', 'accepted'))`, [agentId, leadOf]);
}

export interface NewEvent {
  type: HandoffEventType;
  at: Date;
  actor: Actor;
  note?: string | undefined;
  reason?: string | undefined;
  agentIds?: string[] | undefined;
  product?: HandoffEvent['product'] | undefined;
}

const eventColumns = (event: NewEvent) => ({
  type: event.type,
  at: event.at.toISOString(),
  actor_kind: event.actor.kind,
  actor_id: event.actor.id,
  note: event.note ?? null,
  reason: event.reason ?? null,
  agent_ids: event.agentIds ?? null,
  product: event.product ?? null,
});

/** Appends an event; the handoff's `updated_at` is then at least its time (it is the time of the last event). */
export async function appendEvent(q: Queryable, handoffId: string, event: NewEvent): Promise<void> {
  const e = eventColumns(event);
  // One statement for both: this runs several times for every handoff.
  await q.query(
    `with touched as (update handoffs set updated_at = $3 where id = $1 and updated_at < $3)
     insert into handoff_events (handoff_id, type, at, actor_kind, actor_id, note, reason, agent_ids, product)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [handoffId, e.type, e.at, e.actor_kind, e.actor_id, e.note, e.reason, e.agent_ids, e.product && JSON.stringify(e.product)],
  );
}

export interface NewHandoff {
  id: string;
  integrationId: string;
  team: string;
  /** Stored as the bot sent it: the request's JSON, validated but not rewritten. */
  packet: ContextPacket;
  priority: string;
  skills: readonly string[];
  idempotencyKey: string | null;
  /** Only with an idempotency key: a retry with the key is compared with it. */
  requestHash: string | null;
  /** Routed before it was stored: it starts out offered. */
  offer: { id: string; agentIds: readonly string[]; expiresAt: Date } | null;
  at: Date;
  /** From a messaging platform: its conversation, the earlier handoff of it, what is still to fetch. */
  platform?: { conversation: string; previous: EarlierHandoff | null; pending: unknown } | undefined;
}

/**
 * Stores a new handoff with its first events in one statement: this is every bot request's
 * write, and each statement is a round trip into the store. The packet is not read back (the
 * caller has it), and the integration's callback URL comes along, current as of this transaction,
 * for the webhook the new handoff may need.
 */
export async function insertHandoff(
  q: Queryable,
  h: NewHandoff,
  events: readonly NewEvent[],
): Promise<HandoffRow & { callback_url: string | null }> {
  const { rows } = await q.query<Omit<HandoffRow, 'packet'> & { callback_url: string | null }>(
    `with h as (
       insert into handoffs (id, integration_id, team, status, packet, priority, skills, idempotency_key, request_hash,
         offer_id, offer_agent_ids, offer_expires_at, created_at, updated_at, platform_conversation, previous_handoff, platform_pending)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, '{}'::text[]), $12, $13, $13, $15, $16, $17)
       returning *),
     events as (
       insert into handoff_events (handoff_id, type, at, actor_kind, actor_id, note, reason, agent_ids, product)
       select h.id, e.type, e.at, e.actor_kind, e.actor_id, e.note, e.reason, e.agent_ids, e.product
       from h, json_to_recordset($14::json) as e(n int, type text, at timestamptz, actor_kind text, actor_id text, note text, reason text, agent_ids text[], product json)
       order by e.n)
     select h.id, h.integration_id, h.team, h.status, h.priority, h.skills, h.assignee_id, null::text as assignee_name,
       h.offer_id, h.offer_agent_ids, h.offer_expires_at, h.skip_agent_ids, h.created_at, h.updated_at, h.queued_at,
       h.previous_handoff, h.platform_pending, h.platform_failure,
       (select callback_url from integrations where id = h.integration_id)
     from h`,
    [
      h.id,
      h.integrationId,
      h.team,
      h.offer ? 'offered' : 'queued',
      JSON.stringify(h.packet),
      h.priority,
      h.skills,
      h.idempotencyKey,
      h.requestHash,
      h.offer?.id ?? null,
      h.offer?.agentIds ?? null,
      h.offer?.expiresAt.toISOString() ?? null,
      h.at.toISOString(),
      JSON.stringify(events.map((event, n) => ({ n, ...eventColumns(event) }))),
      h.platform?.conversation ?? null,
      h.platform?.previous ? JSON.stringify(h.platform.previous) : null,
      h.platform?.pending != null ? JSON.stringify(h.platform.pending) : null,
    ],
  );
  return { ...rows[0]!, packet: h.packet };
}

interface EventRow {
  type: HandoffEventType;
  at: Date;
  actor_kind: Actor['kind'];
  actor_id: string;
  note: string | null;
  reason: string | null;
  agent_ids: string[] | null;
  product: HandoffEvent['product'] | null;
}

export async function listEvents(q: Queryable, handoffId: string): Promise<HandoffEvent[]> {
  const { rows } = await q.query<EventRow>('select * from handoff_events where handoff_id = $1 order by id', [handoffId]);
  return rows.map((row) => ({
    type: row.type,
    at: row.at.toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id },
    ...(row.note !== null && { note: row.note }),
    ...(row.reason !== null && { reason: row.reason }),
    ...(row.agent_ids !== null && { agentIds: row.agent_ids }),
    ...(row.product !== null && { product: row.product }),
  }));
}
