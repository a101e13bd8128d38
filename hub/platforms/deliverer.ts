// Delivers the platform outbox with the same deliverer as webhooks: in order per handoff (a
// Chatwoot note before the status change), retried with backoff, given up after maxAttempts, and
// picked up again after a restart. What went through is written to the handoff's history; what
// failed for good becomes a notice to the agent.
import { startOutboxDeliverer, type OutboxChannel, type OutboxDeliverer, type OutboxDelivererOptions, type OutboxRow, type Prepared } from '../outbox/deliverer.ts';
import { appendEvent } from '../store/records.ts';
import { PLATFORM_SETTINGS, PlatformCredentials, apiUrlOf, secretsOf, type PlatformIntegration, type PlatformKind } from './config.ts';
import { adapterOf, scrubber, USER_AGENT } from './index.ts';
import type { PlatformCall } from './types.ts';

export interface PlatformDelivererOptions extends OutboxDelivererOptions {
  /** Where the secrets' environment variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** A call went through and is in the history (the hub announces the handoff). */
  onDelivered?: (handoffId: string) => void;
  /** A call failed for good (the hub records the notice and announces it). */
  onFailed?: (handoffId: string, kind: PlatformKind, notice: string, error: string) => void;
}

interface PlatformRow extends OutboxRow {
  handoff_id: string;
  integration_id: string;
  action: string;
  body: PlatformCall;
  kind: PlatformKind;
  name: string;
  settings: unknown;
  credentials: unknown;
}

const LABEL: Record<PlatformKind, string> = { sunshine: 'Sunshine Conversations', chatwoot: 'Chatwoot', 'dialogflow-cx': 'Dialogflow CX', rasa: 'Rasa', lex: 'Amazon Lex' };
/** What each call was to do, for the agent's notice when it could not. */
const INTENT: Record<string, string> = {
  assign: 'assign the conversation to you',
  note: 'add your note to the conversation',
  return_to_bot: 'give the conversation back to the bot',
  resolve: 'resolve the conversation',
  trigger_intent: 'have the bot speak first',
};

/** A short reason from a failed answer: the platform's own message when it gave one. */
function describeAnswer(status: number, text: string): string {
  let message = text;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const errors = Array.isArray(body.errors) ? (body.errors as Array<{ title?: unknown; code?: unknown }>).map((e) => e.title ?? e.code) : [];
    const found = [body.message, body.error, body.description, ...errors].filter((m): m is string => typeof m === 'string' && m.length > 0);
    if (found.length > 0) message = found.join('; ');
  } catch {
    // not JSON: the text itself
  }
  const short = message.replace(/\s+/g, ' ').trim().slice(0, 160);
  return short ? `HTTP ${status}: ${short}` : `HTTP ${status}`;
}

export function startPlatformDeliverer(options: PlatformDelivererOptions): OutboxDeliverer {
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());

  function platformOf(row: PlatformRow): PlatformIntegration | undefined {
    const settings = PLATFORM_SETTINGS[row.kind]?.safeParse(row.settings);
    const credentials = PlatformCredentials.safeParse(row.credentials);
    if (!settings?.success || !credentials.success) return undefined;
    return { integrationId: row.integration_id, name: row.name, defaultTeam: '', kind: row.kind, settings: settings.data, credentials: credentials.data };
  }

  function scrub(row: PlatformRow, text: string): string {
    const platform = platformOf(row);
    if (!platform) return text;
    const keyId = platform.kind === 'sunshine' ? (platform.settings as { keyId: string }).keyId : undefined;
    return scrubber(secretsOf(platform.credentials, env), keyId)(text);
  }

  const channel: OutboxChannel<PlatformRow, true> = {
    what: 'platform call',
    table: 'platform_outbox',
    headsOfLine: `
      select h.id, h.handoff_id as lane, h.handoff_id, h.integration_id, h.action, h.body, h.attempts, h.next_attempt_at,
             p.kind, i.name, p.settings, p.credentials
      from (
        select o.*, row_number() over (partition by o.handoff_id order by o.seq) as position
        from platform_outbox o
        where o.delivered_at is null and o.failed_at is null
      ) h
      join platform_integrations p on p.integration_id = h.integration_id
      join integrations i on i.id = h.integration_id
      where h.position = 1
      order by h.next_attempt_at, h.seq
      limit $1`,
    context: (row) => ({ callId: row.id, handoffId: row.handoff_id, integrationId: row.integration_id, platform: row.kind, action: row.action }),
    prepare(row): Prepared {
      const platform = platformOf(row);
      if (!platform) return { error: `the ${row.kind} platform settings are invalid; run "integration platform" again` };
      const base = apiUrlOf(platform);
      if (base === undefined) return { error: `the ${row.kind} platform has no API URL; run "integration platform" again with --api-url` };
      const auth = adapterOf(row.kind).auth(platform, env);
      if ('missing' in auth) return { error: auth.missing };
      return {
        request: {
          url: base + row.body.path + (auth.query ? `${row.body.path.includes('?') ? '&' : '?'}${new URLSearchParams(auth.query).toString()}` : ''),
          headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': USER_AGENT, ...auth.headers },
          body: JSON.stringify(row.body.json),
        },
      };
    },
    async interpret(row, response) {
      const text = await response.text();
      if (response.status >= 200 && response.status < 300) return { ok: true, result: true };
      // Scrubbed before it is shortened, so no part of a secret the platform echoed survives.
      return { ok: false, error: describeAnswer(response.status, scrub(row, text)) };
    },
    async record(q, row) {
      await appendEvent(q, row.handoff_id, { type: 'platform_updated', at: now(), actor: { kind: 'system', id: row.kind }, note: row.body.describe });
    },
    delivered(row) {
      options.onDelivered?.(row.handoff_id);
    },
    failed(row, error) {
      const label = LABEL[row.kind];
      const notice = `Baton could not ${INTENT[row.action] ?? 'update the conversation'} in ${label} (${error}). Do it in ${label} itself.`;
      options.onFailed?.(row.handoff_id, row.kind, notice, error);
    },
    redact: scrub,
  };
  return startOutboxDeliverer(options, channel);
}
