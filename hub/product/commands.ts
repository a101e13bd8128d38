// The product commands of the /agents namespace: routing a handoff to the product team, suggestions
// for the routing form (any agent of the team), and the product inbox for leads (list, one item
// with its handoffs, status).
import type { CommandPayload, CommandResult, Handoff, ProductItem } from '../../shared/protocol/index.ts';
import { finish, loadActor, lockHandoff, requireOwnership } from '../handoffs/agent-actions.ts';
import { CommandFailure, type Tx } from '../core/effects.ts';
import type { AgentRow } from '../store/agents.ts';
import { findItem, itemDetail, listItems, suggestItems } from './item-store.ts';
import { announceProductItem, changeStatus, fileFromHandoff } from './items.ts';

async function requireLead(t: Tx, agentId: string, what: string): Promise<AgentRow> {
  const actor = await loadActor(t, agentId);
  if (actor.role !== 'lead') throw new CommandFailure('forbidden', `Only a team lead can ${what}.`);
  return actor;
}

/** The lead's own team's item; another team's is forbidden, as another team's handoff is. */
async function leadsItem(t: Tx, lead: AgentRow, productItemId: string, lock = false): Promise<ProductItem> {
  const item = await findItem(t.q, productItemId, lock);
  if (!item) throw new CommandFailure('not_found', `There is no product item ${productItemId}.`);
  if (item.team !== lead.team) throw new CommandFailure('forbidden', `Product item ${productItemId} belongs to team ${item.team}; you lead ${lead.team}.`);
  return item;
}

/**
 * Routes the handoff to the product team and, in the same transaction, files it as a product item
 * or adds it (and its customer) to an existing one; the event's `product` names the item.
 */
export async function routeToProduct(t: Tx, agentId: string, c: CommandPayload<'handoff:routeToProduct'>): Promise<Handoff> {
  const agent = await loadActor(t, agentId);
  const row = await lockHandoff(t, c.handoffId);
  requireOwnership(row, agent);
  const filed = await fileFromHandoff(t, row, agent, c);
  const handoff = await finish(t, agentId, c.handoffId, 'routed_to_product', { product: filed.routed });
  await announceProductItem(t, filed.item.id);
  return handoff;
}

export async function suggestProducts(t: Tx, agentId: string, { query, team }: CommandPayload<'product:suggest'>): Promise<CommandResult<'product:suggest'>> {
  const agent = await loadActor(t, agentId);
  const target = team ?? agent.team;
  if (target !== agent.team) throw new CommandFailure('forbidden', `You are in team ${agent.team}; team ${target}'s product items are not visible to you.`);
  return { suggestions: await suggestItems(t.q, target, query) };
}

export async function listProducts(t: Tx, agentId: string, { opId: _opId, ...request }: CommandPayload<'product:list'>): Promise<CommandResult<'product:list'>> {
  const lead = await requireLead(t, agentId, 'list product items');
  return { items: await listItems(t.q, lead.team, request) };
}

export async function getProduct(t: Tx, agentId: string, { productItemId }: CommandPayload<'product:get'>): Promise<CommandResult<'product:get'>> {
  const lead = await requireLead(t, agentId, 'open product items');
  return itemDetail(t.q, await leadsItem(t, lead, productItemId));
}

export async function setProductStatus(t: Tx, agentId: string, { productItemId, status, note }: CommandPayload<'product:setStatus'>): Promise<CommandResult<'product:setStatus'>> {
  const lead = await requireLead(t, agentId, 'change the status of product items');
  const item = await leadsItem(t, lead, productItemId, true);
  if (item.status === status) throw new CommandFailure('invalid_state', `Product item ${productItemId} is already ${status.replace('_', ' ')}.`);
  const changed = await changeStatus(t, productItemId, status, { kind: 'lead', id: lead.id, name: lead.name }, note ?? null);
  return { item: changed.item };
}

export const PRODUCT_HANDLERS = {
  'product:suggest': suggestProducts,
  'product:list': listProducts,
  'product:get': getProduct,
  'product:setStatus': setProductStatus,
};
