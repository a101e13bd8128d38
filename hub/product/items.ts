// Product items as the agents and leads change them: filing one from a handoff (or adding the
// handoff and its customer to an existing one), and changing its status, which tells every linked
// handoff's bot and the agents who routed them. The statements are in item-store.ts.
import { randomUUID } from 'node:crypto';
import type {
  CommandPayload,
  ConnectorLink,
  ContextPacket,
  ProductActor,
  ProductItem,
  ProductKind,
  ProductStatus,
  ProductStatusChange,
  RoutedProduct,
} from '../../shared/protocol/index.ts';
import { notifyIntegration } from '../core/announce.ts';
import { CommandFailure, agentRoom, leadsRoom, type Tx } from '../core/effects.ts';
import type { AgentRow } from '../store/agents.ts';
import type { Queryable } from '../store/db.ts';
import { toHandoff, type HandoffRow } from '../store/records.ts';
import { enqueueConnectorRequests } from './connectors/outbox.ts';
import {
  addItemCustomer,
  appendItemEvent,
  findItem,
  insertItem,
  itemRouters,
  linkedHandoffRows,
  linkHandoff,
  setItemStatus,
  touchItem,
  type CustomerIdentity,
} from './item-store.ts';

async function requireItem(q: Queryable, id: string, lock = false): Promise<ProductItem> {
  const item = await findItem(q, id, lock);
  if (!item) throw new CommandFailure('not_found', `There is no product item ${id}.`);
  return item;
}

/**
 * Who the customer of a handoff is, for counting: `packet.customer.id`, else the email
 * (lower-cased), else the handoff itself (an anonymous customer, counted once per conversation).
 */
export function customerOf(packet: ContextPacket, handoffId: string): CustomerIdentity {
  const c = packet.customer;
  const key = c?.id ? `id:${c.id}` : c?.email ? `email:${c.email.toLowerCase()}` : `handoff:${handoffId}`;
  return {
    key,
    anonymous: !c?.id && !c?.email,
    customerId: c?.id ?? null,
    name: c?.name ?? null,
    email: c?.email ?? null,
    tier: c?.tier ?? null,
  };
}

/** What routing a handoff did to the product items: the event's `product` and the item. */
export interface Filed {
  routed: RoutedProduct;
  item: ProductItem;
  created: boolean;
}

/**
 * Files the handoff as a new item, or adds it (and its customer, once) to `productItemId`, inside
 * the routing's transaction, and queues the requests to the team's product tools. The caller has
 * checked that the agent holds the handoff.
 */
export async function fileFromHandoff(t: Tx, handoff: HandoffRow, agent: AgentRow, c: CommandPayload<'handoff:routeToProduct'>): Promise<Filed> {
  const bug = {
    ...(c.severity !== undefined && { severity: c.severity }),
    ...(c.stepsToReproduce !== undefined && { stepsToReproduce: c.stepsToReproduce }),
    ...(c.expected !== undefined && { expected: c.expected }),
    ...(c.actual !== undefined && { actual: c.actual }),
  };
  const actor: ProductActor = { kind: 'agent', id: agent.id, name: agent.name };
  let itemId: string;
  let routed: RoutedProduct;
  const created = c.productItemId === undefined;
  if (c.productItemId !== undefined) {
    const item = await requireItem(t.q, c.productItemId, true);
    if (item.team !== handoff.team) {
      throw new CommandFailure('forbidden', `Product item ${item.id} belongs to team ${item.team}; this handoff is team ${handoff.team}'s.`);
    }
    if (item.kind !== c.kind) {
      const kinds: Record<ProductKind, string> = { bug_report: 'a bug report', feature_request: 'a feature request' };
      throw new CommandFailure('invalid_state', `Product item ${item.id} is ${kinds[item.kind]}; route this handoff as ${kinds[item.kind]}, or file a new item.`);
    }
    itemId = item.id;
    // Omitted text is the item's: the event always says what the handoff was routed as.
    routed = { kind: c.kind, title: c.title ?? item.title, details: c.details ?? item.details, ...bug, productItemId: item.id };
    await touchItem(t.q, itemId, t.now);
  } else {
    itemId = randomUUID();
    // The schema requires both when no productItemId is given.
    routed = { kind: c.kind, title: c.title!, details: c.details!, ...bug, productItemId: itemId };
    await insertItem(t.q, {
      id: itemId,
      team: handoff.team,
      kind: c.kind,
      title: routed.title,
      details: routed.details,
      severity: c.severity ?? null,
      stepsToReproduce: c.stepsToReproduce ?? null,
      expected: c.expected ?? null,
      actual: c.actual ?? null,
      createdBy: agent.id,
      at: t.now,
    });
  }

  const customer = customerOf(handoff.packet, handoff.id);
  const isNew = await addItemCustomer(t.q, itemId, customer, handoff.id, t.now);
  await linkHandoff(t.q, { handoffId: handoff.id, itemId, customerKey: customer.key, routedBy: agent.id, routed, at: t.now });
  await appendItemEvent(t.q, itemId, { type: created ? 'created' : 'linked', at: t.now, actor, handoffId: handoff.id });

  const item = (await findItem(t.q, itemId))!;
  const source = handoff.packet.source;
  const link: ConnectorLink = {
    handoffId: handoff.id,
    customer: { ...customer, isNew },
    conversation: { platform: source?.platform ?? null, conversationId: source?.conversationId ?? null, url: source?.conversationUrl ?? null },
    routedBy: { id: agent.id, name: agent.name },
    routedAt: t.now.toISOString(),
    routed,
  };
  if (await enqueueConnectorRequests(t.q, item, created ? 'create' : 'comment', link, t.now)) t.fx.connectors = true;
  return { routed, item, created };
}

/**
 * Tells the team's leads and every agent who routed a handoff to the item that it changed: each
 * agent with the handoffs they routed to it (what their app opens), and `change` when the status
 * changed, so apps tell the agents about that and not about every new handoff or issue.
 */
export async function announceProductItem(t: Tx, itemId: string, change?: ProductStatusChange): Promise<ProductItem | undefined> {
  const item = await findItem(t.q, itemId);
  if (!item) return undefined;
  const event = { item, ...(change && { change }) };
  // The team's leads hear it in their room, so one who routed a handoff (after a reassignment) is not told twice.
  const routers = await itemRouters(t.q, itemId, item.team);
  t.fx.emit([leadsRoom(item.team)], 'product:changed', event);
  for (const { agentId, handoffIds } of routers) t.fx.emit([agentRoom(agentId)], 'product:changed', { ...event, handoffIds });
  return item;
}

/**
 * Sets an item's status. Each linked handoff's integration gets `product_item.updated` (carrying
 * that handoff, so the bot knows which customer and conversation to tell), and the agents who
 * routed it and the team's leads get `product:changed`. The same status again changes nothing.
 */
export async function changeStatus(
  t: Tx,
  itemId: string,
  status: ProductStatus,
  by: ProductActor,
  note: string | null,
): Promise<{ item: ProductItem; changed: boolean }> {
  const before = await requireItem(t.q, itemId, true);
  if (before.status === status) return { item: before, changed: false };
  await setItemStatus(t.q, itemId, status, note, t.now);
  await appendItemEvent(t.q, itemId, { type: 'status_changed', at: t.now, actor: by, status, previousStatus: before.status, note });
  const item = (await findItem(t.q, itemId))!;
  const change = { from: before.status, to: status, note, by };
  const handoffs = await linkedHandoffRows(t.q, itemId);
  for (const row of handoffs) {
    await notifyIntegration(t, row.integration_id, 'product_item.updated', toHandoff(row), { productItem: item, change });
  }
  await announceProductItem(t, itemId, change);
  return { item, changed: true };
}
