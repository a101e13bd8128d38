// Delivers the connector outbox with the same deliverer as webhooks: in order per item and
// connector (the issue exists before its comments), retried with backoff, given up after
// maxAttempts. What a `create` returns (the issue's number, key and URL) is recorded with it.
import type { ConnectorKind } from '../../../shared/protocol/index.ts';
import { startOutboxDeliverer, type OutboxChannel, type OutboxDeliverer, type OutboxDelivererOptions, type OutboxRow, type Prepared } from '../../outbox/deliverer.ts';
import { CONNECTOR_SETTINGS, resolveSecret, type Credentials } from './config.ts';
import { CONNECTORS } from './index.ts';
import { secretScrubber, type SecretScrubber } from './redact.ts';
import { describeAnswer, type ConnectorDelivery, type ConnectorMessage, type ExternalIssue } from './types.ts';

export interface ConnectorDelivererOptions extends OutboxDelivererOptions {
  /** Where `tokenEnv` variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** An item got its issue in a product tool (the hub announces `product:changed`). */
  onIssueRecorded?: (itemId: string) => void;
}

interface ConnectorRow extends OutboxRow {
  connector_id: string;
  item_id: string;
  action: 'create' | 'comment';
  body: ConnectorMessage;
  kind: ConnectorKind;
  settings: unknown;
  credentials: Credentials;
  external_id: string | null;
  external_key: string | null;
  external_url: string | null;
}

/** What a row asks for now: a comment on an issue that never got made creates it instead. */
type Plan = { skip: true } | { error: string } | { delivery: ConnectorDelivery<ConnectorKind> };

export function startConnectorDeliverer(options: ConnectorDelivererOptions): OutboxDeliverer {
  const env = options.env ?? process.env;

  function plan(row: ConnectorRow, now: Date): Plan {
    const issue: ExternalIssue | null = row.external_id ? { externalId: row.external_id, key: row.external_key, url: row.external_url } : null;
    // Already created (a create retried after its answer was recorded elsewhere): nothing to do.
    if (row.action === 'create' && issue) return { skip: true };
    const settings = CONNECTOR_SETTINGS[row.kind].safeParse(row.settings);
    if (!settings.success) return { error: `the ${row.kind} connector's settings are invalid; run "connector set" again` };
    const token = resolveSecret(row.credentials, 'token', env);
    if ('missing' in token) return { error: token.missing };
    return {
      delivery: {
        id: row.id,
        action: issue ? row.action : 'create',
        settings: settings.data,
        token: token.value,
        message: row.body,
        issue,
        now,
      },
    };
  }

  const connector = (kind: ConnectorKind) => CONNECTORS[kind] as (typeof CONNECTORS)['github'];

  /** What takes the row's connector's secrets out of a text: the token and events secret, and Jira's basic-auth form of the token. */
  function scrubberFor(row: ConnectorRow): SecretScrubber {
    const secrets: string[] = [];
    for (const which of ['token', 'eventsSecret'] as const) {
      const found = resolveSecret(row.credentials, which, env);
      if ('value' in found) secrets.push(found.value);
    }
    const email = (row.settings as { email?: unknown }).email;
    if (typeof email === 'string') for (const value of [...secrets]) secrets.push(Buffer.from(`${email}:${value}`, 'utf8').toString('base64'));
    return secretScrubber(secrets);
  }

  const channel: OutboxChannel<ConnectorRow, ExternalIssue> = {
    what: 'connector request',
    table: 'connector_outbox',
    headsOfLine: `
      select h.id, h.lane, h.connector_id, h.item_id, h.action, h.body, h.attempts, h.next_attempt_at,
             c.kind, c.settings, c.credentials, r.external_id, r.external_key, r.url as external_url
      from (
        select o.*, o.connector_id || ':' || o.item_id as lane,
               row_number() over (partition by o.connector_id, o.item_id order by o.seq) as position
        from connector_outbox o
        where o.delivered_at is null and o.failed_at is null
      ) h
      join product_connectors c on c.id = h.connector_id
      left join product_external_refs r on r.connector_id = h.connector_id and r.item_id = h.item_id
      where h.position = 1
      order by h.next_attempt_at, h.seq
      limit $1`,
    context: (row) => ({ requestId: row.id, connectorId: row.connector_id, kind: row.kind, productItemId: row.item_id, action: row.action }),
    prepare(row, now): Prepared {
      const planned = plan(row, now);
      if (!('delivery' in planned)) return planned;
      return { request: connector(row.kind).request(planned.delivery as ConnectorDelivery<'github'>) };
    },
    async interpret(row, response) {
      const text = await response.text();
      // Scrubbed after each step (decoding, cutting), so no part of a secret the service echoed survives.
      if (response.status < 200 || response.status >= 300) return { ok: false, error: describeAnswer(response.status, text, scrubberFor(row)) };
      const planned = plan(row, new Date());
      if (!('delivery' in planned)) return { ok: true };
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const answer = connector(row.kind).answer(planned.delivery as ConnectorDelivery<'github'>, body);
      if (!answer.ok) return answer;
      return answer.issue ? { ok: true, result: answer.issue } : { ok: true };
    },
    async record(q, row, issue) {
      await q.query(
        `insert into product_external_refs (item_id, connector_id, external_id, external_key, url, created_at) values ($1, $2, $3, $4, $5, $6)
         on conflict (item_id, connector_id) do nothing`,
        [row.item_id, row.connector_id, issue.externalId, issue.key, issue.url, new Date().toISOString()],
      );
    },
    delivered(row, issue) {
      if (issue) options.onIssueRecorded?.(row.item_id);
    },
    // Services sometimes echo what they were sent; no error we store or log may carry a secret.
    redact: (row, error) => scrubberFor(row).clean(error),
  };
  return startOutboxDeliverer(options, channel);
}
