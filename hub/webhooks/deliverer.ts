import { SIGNATURE_HEADER } from '../../shared/protocol/index.ts';
import {
  retryDelayMs,
  startOutboxDeliverer,
  type OutboxChannel,
  type OutboxDeliverer,
  type OutboxDelivererOptions,
  type OutboxRow,
} from '../outbox/deliverer.ts';
import { signWebhook } from './signature.ts';

export type WebhookDelivererOptions = OutboxDelivererOptions;
export type WebhookDeliverer = OutboxDeliverer;

/** The retry delay of webhooks (and of every outbox): full jitter, see retryDelayMs. */
export const webhookRetryDelayMs = retryDelayMs;

const USER_AGENT = 'Baton-Webhooks/1';

interface WebhookRow extends OutboxRow {
  handoff_id: string;
  integration_id: string;
  type: string;
  body: string;
  callback_url: string | null;
  signing_secret: string;
}

/** Webhooks to integrations' callback URLs: a handoff's webhooks are one lane, so they arrive in order. */
const WEBHOOKS: OutboxChannel<WebhookRow> = {
  what: 'webhook',
  table: 'webhook_outbox',
  // The oldest pending webhook of each handoff (in insertion order). Pending rows are few
  // (partial index), so this stays cheap.
  headsOfLine: `
    select h.id, h.handoff_id as lane, h.handoff_id, h.integration_id, h.type, h.body, h.attempts, h.next_attempt_at,
           i.callback_url, i.signing_secret
    from (
      select o.*, row_number() over (partition by o.handoff_id order by o.seq) as position
      from webhook_outbox o
      where o.delivered_at is null and o.failed_at is null
    ) h
    join integrations i on i.id = h.integration_id
    where h.position = 1
    order by h.next_attempt_at, h.seq
    limit $1`,
  context: (row) => ({ webhookId: row.id, handoffId: row.handoff_id, integrationId: row.integration_id, type: row.type }),
  prepare(row, now) {
    if (!row.callback_url) return { error: 'integration has no callback URL' };
    return {
      request: {
        url: row.callback_url,
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          // Signed at each attempt, so `t` is the time of the attempt.
          [SIGNATURE_HEADER]: signWebhook(row.signing_secret, row.body, Math.floor(now.getTime() / 1000)),
          'Baton-Webhook-Id': row.id,
        },
        body: row.body,
      },
    };
  },
};

export function startWebhookDeliverer(options: WebhookDelivererOptions): WebhookDeliverer {
  return startOutboxDeliverer(options, WEBHOOKS);
}
