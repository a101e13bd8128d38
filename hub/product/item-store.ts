// Product items' tables (product_items, product_item_customers, product_item_handoffs,
// product_item_events): every statement on them, and the rows they read turned into the protocol's shapes.
import type {
  CommandPayload,
  ProductActor,
  ProductCustomer,
  ProductItem,
  ProductItemEvent,
  ProductKind,
  ProductLink,
  ProductStatus,
  ProductSuggestion,
  RoutedProduct,
  Severity,
} from '../../shared/protocol/index.ts';
import { MAX_SUGGESTIONS } from '../../shared/protocol/index.ts';
import type { Queryable } from '../store/db.ts';
import { findHandoffRows, toHandoff, type HandoffRow } from '../store/records.ts';

interface ItemRow {
  id: string;
  team: string;
  kind: ProductKind;
  title: string;
  details: string;
  severity: Severity | null;
  steps_to_reproduce: string | null;
  expected: string | null;
  actual: string | null;
  status: ProductStatus;
  status_note: string | null;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Date;
  updated_at: Date;
  customer_count: number;
  handoff_count: number;
  external: ProductItem['external'];
}

const ITEM_COLUMNS = `
  i.id, i.team, i.kind, i.title, i.details, i.severity, i.steps_to_reproduce, i.expected, i.actual, i.status, i.status_note,
  i.created_by, a.name as created_by_name, i.created_at, i.updated_at,
  (select count(*)::int from product_item_customers c where c.item_id = i.id) as customer_count,
  (select count(*)::int from product_item_handoffs l where l.item_id = i.id) as handoff_count,
  coalesce((
    select json_agg(json_build_object('connectorId', r.connector_id, 'kind', pc.kind, 'externalId', r.external_id, 'key', r.external_key, 'url', r.url)
                    order by r.created_at, r.connector_id)
    from product_external_refs r join product_connectors pc on pc.id = r.connector_id
    where r.item_id = i.id
  ), '[]') as external`;
const FROM_ITEMS = 'from product_items i left join agents a on a.id = i.created_by';

export function toProductItem(row: ItemRow): ProductItem {
  return {
    id: row.id,
    team: row.team,
    kind: row.kind,
    title: row.title,
    details: row.details,
    severity: row.severity,
    stepsToReproduce: row.steps_to_reproduce,
    expected: row.expected,
    actual: row.actual,
    status: row.status,
    statusNote: row.status_note,
    customerCount: row.customer_count,
    handoffCount: row.handoff_count,
    external: row.external,
    createdBy: row.created_by ? { id: row.created_by, name: row.created_by_name ?? row.created_by } : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Reads an item; `lock` takes its row lock first, so two hubs cannot change it at once. */
export async function findItem(q: Queryable, id: string, lock = false): Promise<ProductItem | undefined> {
  if (lock) await q.query('select id from product_items where id = $1 for update', [id]);
  const { rows } = await q.query<ItemRow>(`select ${ITEM_COLUMNS} ${FROM_ITEMS} where i.id = $1`, [id]);
  return rows[0] && toProductItem(rows[0]);
}

/** A team's item by id, or undefined (a product tool's event names an item of its own team only). */
export async function findTeamItemId(q: Queryable, id: string, team: string): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>('select id from product_items where id = $1 and team = $2', [id, team]);
  return rows[0]?.id;
}

/** What filing a new item stores; the rest (status, counts, links) starts empty. */
export type NewItem = Pick<ProductItem, 'id' | 'team' | 'kind' | 'title' | 'details' | 'severity' | 'stepsToReproduce' | 'expected' | 'actual'> & { createdBy: string; at: Date };

export async function insertItem(q: Queryable, item: NewItem): Promise<void> {
  await q.query(
    `insert into product_items (id, team, kind, title, details, severity, steps_to_reproduce, expected, actual, status, created_by, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new', $10, $11, $11)`,
    [item.id, item.team, item.kind, item.title, item.details, item.severity, item.stepsToReproduce, item.expected, item.actual, item.createdBy, item.at.toISOString()],
  );
}

export async function touchItem(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query('update product_items set updated_at = $2 where id = $1', [id, at.toISOString()]);
}

export async function setItemStatus(q: Queryable, id: string, status: ProductStatus, note: string | null, at: Date): Promise<void> {
  await q.query('update product_items set status = $2, status_note = $3, updated_at = $4 where id = $1', [id, status, note, at.toISOString()]);
}

/** Who a handoff's customer is, for counting them once per item. */
export interface CustomerIdentity {
  key: string;
  anonymous: boolean;
  customerId: string | null;
  name: string | null;
  email: string | null;
  tier: string | null;
}

/** Counts the customer on the item once; true when this is the first time. */
export async function addItemCustomer(q: Queryable, itemId: string, customer: CustomerIdentity, handoffId: string, at: Date): Promise<boolean> {
  const { rows } = await q.query(
    `insert into product_item_customers (item_id, customer_key, customer_id, name, email, tier, first_handoff_id, first_linked_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (item_id, customer_key) do nothing
     returning customer_key`,
    [itemId, customer.key, customer.customerId, customer.name, customer.email, customer.tier, handoffId, at.toISOString()],
  );
  return rows.length === 1;
}

export async function linkHandoff(q: Queryable, link: { handoffId: string; itemId: string; customerKey: string; routedBy: string; routed: RoutedProduct; at: Date }): Promise<void> {
  await q.query(
    `insert into product_item_handoffs (handoff_id, item_id, customer_key, routed_by, routed, linked_at) values ($1, $2, $3, $4, $5, $6)`,
    [link.handoffId, link.itemId, link.customerKey, link.routedBy, JSON.stringify(link.routed), link.at.toISOString()],
  );
}

export async function appendItemEvent(
  q: Queryable,
  itemId: string,
  event: { type: ProductItemEvent['type']; at: Date; actor: ProductActor; handoffId?: string; status?: ProductStatus; previousStatus?: ProductStatus; note?: string | null },
): Promise<void> {
  await q.query(
    `insert into product_item_events (item_id, type, at, actor_kind, actor_id, actor_name, handoff_id, status, previous_status, note)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      itemId,
      event.type,
      event.at.toISOString(),
      event.actor.kind,
      event.actor.id,
      event.actor.name,
      event.handoffId ?? null,
      event.status ?? null,
      event.previousStatus ?? null,
      event.note ?? null,
    ],
  );
}

/** The handoffs routed to an item. */
export function linkedHandoffRows(q: Queryable, itemId: string): Promise<HandoffRow[]> {
  return findHandoffRows(q, 'h.id in (select handoff_id from product_item_handoffs where item_id = $1)', [itemId]);
}

/** Who routed handoffs to the item (each with those handoffs), leaving out the leads of `team`. */
export async function itemRouters(q: Queryable, itemId: string, team: string): Promise<Array<{ agentId: string; handoffIds: string[] }>> {
  const { rows } = await q.query<{ routed_by: string; handoff_ids: string[] }>(
    `select l.routed_by, array_agg(l.handoff_id order by l.linked_at, l.handoff_id) as handoff_ids
     from product_item_handoffs l join agents a on a.id = l.routed_by
     where l.item_id = $1 and not (a.role = 'lead' and a.team = $2)
     group by l.routed_by`,
    [itemId, team],
  );
  return rows.map((row) => ({ agentId: row.routed_by, handoffIds: row.handoff_ids }));
}

// The score of an item for a query: how much of the query's title appears in the item (title and
// details), how similar the titles are, and how similar the whole texts are. Each term's operator
// (`%`, `%>`) is true from the session's trigram threshold on (db.ts), which the GIN indexes serve.
const SCORE = 'greatest(similarity(i.title, $2), word_similarity($2, i.search_text), similarity(i.search_text, $3))';
const similar = (title: string, whole: string) => `(i.title % ${title} or i.search_text %> ${title} or i.search_text % ${whole})`;
// Long details add little to a trigram comparison but cost time.
const MAX_QUERY_TEXT = 2_000;

/** Items of the team similar to what the agent is typing, best first. */
export async function suggestItems(
  q: Queryable,
  team: string,
  query: { kind?: ProductKind | undefined; title: string; details?: string | undefined },
): Promise<ProductSuggestion[]> {
  const title = query.title.trim();
  const whole = `${title} ${query.details?.trim() ?? ''}`.trim().slice(0, MAX_QUERY_TEXT);
  if (whole.length < 3) return [];
  const { rows } = await q.query<ItemRow & { score: number }>(
    `select ${ITEM_COLUMNS}, ${SCORE} as score
     ${FROM_ITEMS}
     where i.team = $1 and ($4::text is null or i.kind = $4) and ${similar('$2', '$3')}
     order by score desc, customer_count desc, i.updated_at desc, i.id
     limit ${MAX_SUGGESTIONS}`,
    [team, title === '' ? whole : title, whole, query.kind ?? null],
  );
  return rows.map((row) => ({ item: toProductItem(row), score: Math.min(1, Math.max(0, Number(row.score))) }));
}

const ORDER: Record<NonNullable<CommandPayload<'product:list'>['sort']>, string> = {
  customers: 'customer_count desc, handoff_count desc, i.updated_at desc, i.id',
  updated: 'i.updated_at desc, i.id',
  created: 'i.created_at desc, i.id',
};

/** The team's items for a lead's inbox. */
export async function listItems(q: Queryable, team: string, { filters = {}, sort = 'customers', limit = 200 }: Omit<CommandPayload<'product:list'>, 'opId'>): Promise<ProductItem[]> {
  // Only the filters given are in the statement: its plan is made once and reused (db.ts), and a
  // plan for `$2 is null or i.title % $2` could not use the trigram indexes.
  const params: unknown[] = [team];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = ['i.team = $1'];
  if (filters.kind !== undefined) where.push(`i.kind = ${param(filters.kind)}`);
  if (filters.status !== undefined) where.push(`i.status = any(${param(filters.status)})`);
  const text = filters.text?.trim();
  if (text !== undefined) {
    const p = param(text);
    where.push(similar(p, p));
  }
  const { rows } = await q.query<ItemRow>(
    `select * from (select ${ITEM_COLUMNS} ${FROM_ITEMS} where ${where.join(' and ')}) i
     order by ${ORDER[sort]}
     limit ${param(limit)}`,
    params,
  );
  return rows.map(toProductItem);
}

interface CustomerRow {
  customer_key: string;
  customer_id: string | null;
  name: string | null;
  email: string | null;
  tier: string | null;
  first_linked_at: Date;
  handoff_ids: string[];
}

interface LinkRow {
  handoff_id: string;
  customer_key: string;
  routed_by: string;
  routed_by_name: string;
  routed: RoutedProduct;
  linked_at: Date;
}

interface EventRow {
  type: ProductItemEvent['type'];
  at: Date;
  actor_kind: ProductActor['kind'];
  actor_id: string;
  actor_name: string;
  handoff_id: string | null;
  status: ProductStatus | null;
  previous_status: ProductStatus | null;
  note: string | null;
}

/** An item with its customers, its linked handoffs (packets included) and its history. */
export async function itemDetail(q: Queryable, item: ProductItem): Promise<{ item: ProductItem; customers: ProductCustomer[]; links: ProductLink[]; events: ProductItemEvent[] }> {
  const customers = await q.query<CustomerRow>(
    `select c.customer_key, c.customer_id, c.name, c.email, c.tier, c.first_linked_at,
       array(select l.handoff_id from product_item_handoffs l where l.item_id = c.item_id and l.customer_key = c.customer_key order by l.linked_at, l.handoff_id) as handoff_ids
     from product_item_customers c where c.item_id = $1 order by c.first_linked_at, c.customer_key`,
    [item.id],
  );
  const links = await q.query<LinkRow>(
    `select l.handoff_id, l.customer_key, l.routed_by, a.name as routed_by_name, l.routed, l.linked_at
     from product_item_handoffs l join agents a on a.id = l.routed_by where l.item_id = $1 order by l.linked_at, l.handoff_id`,
    [item.id],
  );
  const handoffs = new Map(
    (await linkedHandoffRows(q, item.id)).map((row) => [row.id, toHandoff(row)]),
  );
  const events = await q.query<EventRow>('select * from product_item_events where item_id = $1 order by id', [item.id]);
  return {
    item,
    customers: customers.rows.map((c) => ({
      key: c.customer_key,
      anonymous: c.customer_key.startsWith('handoff:'),
      customerId: c.customer_id,
      name: c.name,
      email: c.email,
      tier: c.tier,
      handoffIds: c.handoff_ids,
      firstLinkedAt: c.first_linked_at.toISOString(),
    })),
    links: links.rows.map((l) => ({
      handoff: handoffs.get(l.handoff_id)!,
      customerKey: l.customer_key,
      routedBy: { id: l.routed_by, name: l.routed_by_name },
      linkedAt: l.linked_at.toISOString(),
      routed: l.routed,
    })),
    events: events.rows.map((e) => ({
      type: e.type,
      at: e.at.toISOString(),
      actor: { kind: e.actor_kind, id: e.actor_id, name: e.actor_name },
      ...(e.handoff_id !== null && { handoffId: e.handoff_id }),
      ...(e.status !== null && { status: e.status }),
      ...(e.previous_status !== null && { previousStatus: e.previous_status }),
      ...(e.note !== null && { note: e.note }),
    })),
  };
}
