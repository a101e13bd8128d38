import { randomUUID } from 'node:crypto';
import type { ConnectorLink, ProductItem } from '../../../shared/protocol/index.ts';
import type { Queryable } from '../../store/db.ts';
import type { ConnectorMessage } from './types.ts';

/**
 * Writes a request to each of the team's product tools into the connector outbox, inside the
 * caller's transaction: `create` (the item's issue) or `comment` (a later link). Returns whether
 * the team has any connector.
 */
export async function enqueueConnectorRequests(q: Queryable, item: ProductItem, action: 'create' | 'comment', link: ConnectorLink, at: Date): Promise<boolean> {
  const { rows } = await q.query<{ id: string }>('select id from product_connectors where team = $1 order by kind', [item.team]);
  const body: ConnectorMessage = { productItem: item, link };
  for (const connector of rows) {
    await q.query(
      `insert into connector_outbox (id, connector_id, item_id, action, body, next_attempt_at, created_at) values ($1, $2, $3, $4, $5, $6, $6)`,
      [randomUUID(), connector.id, item.id, action, JSON.stringify(body), at.toISOString()],
    );
  }
  return rows.length > 0;
}
