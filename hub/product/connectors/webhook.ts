// The generic webhook: a signed POST of ConnectorWebhookPayload to any URL (signed like Baton's
// webhooks to bots, with the connector's secret), for tools Baton has no connector for. The
// receiver may answer a `product_item.created` with `{externalId, key?, url?}` to record its
// issue. Incoming: ConnectorStatusEvent, signed the same way with the same secret.
import { ConnectorStatusEvent, ConnectorWebhookAnswer, SIGNATURE_HEADER, describeIssues, type ConnectorWebhookPayload } from '../../../shared/protocol/index.ts';
import { signWebhook, verifyWebhookSignature } from '../../webhooks/signature.ts';
import type { Connector } from './types.ts';

const USER_AGENT = 'Baton-Webhooks/1';

export const webhook: Connector<'webhook'> = {
  kind: 'webhook',
  label: 'Webhook',
  request({ id, action, settings, token, message, now }) {
    const payload: ConnectorWebhookPayload = {
      id,
      type: action === 'create' ? 'product_item.created' : 'product_item.linked',
      at: message.link.routedAt,
      productItem: message.productItem,
      link: message.link,
    };
    const body = JSON.stringify(payload);
    return {
      url: settings.url,
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        [SIGNATURE_HEADER]: signWebhook(token, body, Math.floor(now.getTime() / 1000)),
        'Baton-Webhook-Id': id,
      },
      body,
    };
  },
  answer({ action }, body) {
    if (action === 'comment') return { ok: true };
    const answer = ConnectorWebhookAnswer.safeParse(body);
    return answer.success ? { ok: true, issue: { externalId: answer.data.externalId, key: answer.data.key ?? null, url: answer.data.url ?? null } } : { ok: true };
  },
  verify({ headers, raw }, secret, now) {
    const header = headers[SIGNATURE_HEADER.toLowerCase()];
    return verifyWebhookSignature(typeof header === 'string' ? header : undefined, raw, secret, { now });
  },
  incoming(_request, body) {
    const event = ConnectorStatusEvent.safeParse(body);
    if (!event.success) return { reject: `not a status event: ${describeIssues(event.error).map((i) => `${i.path || '(body)'} ${i.message}`).join('; ')}` };
    const { productItemId, status, note } = event.data;
    return { match: { productItemId }, status, note: note ?? `set to ${status} by the product tool` };
  },
};
