import { randomUUID } from 'node:crypto';
import type { Handoff, ProductItem, ProductStatusChange, WebhookPayload, WebhookType } from '../../shared/protocol/index.ts';
import type { Queryable } from '../store/db.ts';

/** What a `product_item.updated` webhook carries besides the handoff. */
export interface ProductItemFields {
  productItem: ProductItem;
  change: ProductStatusChange;
}

/** An integration by id, or with its callback URL already at hand (saves reading it again). */
export type IntegrationRef = string | { id: string; callback_url: string | null };

/**
 * Writes a webhook for the handoff's integration into the outbox, inside the caller's
 * transaction, so the webhook exists exactly when the transition it reports does.
 * Integrations without a callback URL get none (and `handoff` is then not even built).
 * `product_item.updated` needs `product` (the item and how its status changed).
 */
export async function enqueueWebhook(
  q: Queryable,
  integration: IntegrationRef,
  type: WebhookType,
  handoff: Handoff | (() => Promise<Handoff>),
  at: Date,
  product?: ProductItemFields,
): Promise<boolean> {
  const integrationId = typeof integration === 'string' ? integration : integration.id;
  const callbackUrl =
    typeof integration === 'string'
      ? (await q.query<{ callback_url: string | null }>('select callback_url from integrations where id = $1', [integrationId])).rows[0]?.callback_url
      : integration.callback_url;
  if (!callbackUrl) return false;
  if ((type === 'product_item.updated') !== (product !== undefined)) throw new Error(`${type} webhooks ${product ? 'carry no' : 'need a'} product item`);
  const payload = {
    id: randomUUID(),
    type,
    at: at.toISOString(),
    handoff: typeof handoff === 'function' ? await handoff() : handoff,
    ...product,
  } as WebhookPayload;
  await q.query(
    `insert into webhook_outbox (id, integration_id, handoff_id, type, body, next_attempt_at, created_at)
     values ($1, $2, $3, $4, $5, $6, $6)`,
    [payload.id, integrationId, payload.handoff.id, type, JSON.stringify(payload), at.toISOString()],
  );
  return true;
}
