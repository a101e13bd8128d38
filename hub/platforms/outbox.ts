import { randomUUID } from 'node:crypto';
import type { Tx } from '../core/effects.ts';
import type { HandoffRow } from '../store/records.ts';
import { findPlatformOf } from './config.ts';
import { adapterOf } from './index.ts';
import type { Outcome } from './types.ts';

/**
 * Writes the calls that tell the handoff's platform what happened in Baton into the platform
 * outbox, inside the caller's transaction, so they exist exactly when the change they report does.
 * Handoffs that did not come from a platform need none.
 */
export async function tellPlatform(t: Tx, row: HandoffRow, outcome: Outcome): Promise<void> {
  if (!row.platform_conversation) return;
  const platform = await findPlatformOf(t.q, row.integration_id);
  if (!platform) return;
  const calls = adapterOf(platform.kind).calls(row.platform_conversation, outcome, platform);
  for (const call of calls) {
    await t.q.query(
      `insert into platform_outbox (id, integration_id, handoff_id, action, body, next_attempt_at, created_at) values ($1, $2, $3, $4, $5, $6, $6)`,
      [randomUUID(), row.integration_id, row.id, call.action, JSON.stringify(call), t.now.toISOString()],
    );
  }
  if (calls.length > 0) t.fx.platformCalls = true;
}

/** The Chatwoot user an agent was linked to (`agent link`), if any. */
export async function chatwootUserOf(t: Tx, agentId: string): Promise<string | undefined> {
  const { rows } = await t.q.query<{ chatwoot_user_id: string | null }>('select chatwoot_user_id from agents where id = $1', [agentId]);
  return rows[0]?.chatwoot_user_id ?? undefined;
}
