// Deflection ingress: bots report how many conversations they handled in a period.
import type { ConversationCountBody, ConversationCountResponse, FieldIssue } from '../../shared/protocol/index.ts';
import type { Integration } from '../auth/integration-keys.ts';
import type { Tx } from '../core/effects.ts';
import { findTeam } from '../store/agents.ts';

/** Why a count was not recorded: `invalid` (400, with issues), `forbidden` (403: a team the integration does not serve) or `conflict` (409). */
export class ConversationCountRefused extends Error {
  constructor(
    readonly kind: 'invalid' | 'forbidden' | 'conflict',
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
  }
}

/** SQL true when integration `$int` serves team `$team`: its own team, or one an administrator listed for it. */
export function servesTeam(integration: string, team: string): string {
  return `exists (select 1 from integrations si where si.id = ${integration} and si.default_team = ${team})
    or exists (select 1 from integration_teams st where st.integration_id = ${integration} and st.team = ${team})`;
}

/**
 * Records the integration's count for [from, to) and team, which it must serve (its own team, or
 * one an administrator listed with `integration teams`): one bot cannot move another team's rate. The same period again replaces the
 * count (idempotent); a period that overlaps another one already reported by this integration
 * for this team is refused, so no conversation is counted twice.
 */
export async function recordConversationCount(t: Tx, integration: Integration, body: ConversationCountBody): Promise<ConversationCountResponse> {
  const team = body.team ?? integration.default_team;
  if (!(await findTeam(t.q, team))) {
    throw new ConversationCountRefused('invalid', `There is no team ${team} on this hub.`, [{ path: 'team', message: `no team "${team}" on this hub` }]);
  }
  const { rows: served } = await t.q.query(`select 1 where ${servesTeam('$1', '$2')}`, [integration.id, team]);
  if (served.length === 0) {
    throw new ConversationCountRefused(
      'forbidden',
      `Integration ${integration.name} does not serve team ${team}, so it cannot report its conversations; an administrator can add the team with "integration teams".`,
    );
  }
  // One report at a time per integration, across hub processes too.
  await t.q.query('select id from integrations where id = $1 for update', [integration.id]);
  const { rows: overlapping } = await t.q.query<{ period_start: Date; period_end: Date }>(
    `select period_start, period_end from conversation_counts
     where integration_id = $1 and team = $2 and period_start < $4 and period_end > $3
       and not (period_start = $3 and period_end = $4)
     order by period_start limit 1`,
    [integration.id, team, body.from, body.to],
  );
  const clash = overlapping[0];
  if (clash) {
    throw new ConversationCountRefused(
      'conflict',
      `The period overlaps ${clash.period_start.toISOString()} – ${clash.period_end.toISOString()}, already reported for team ${team}; report periods that do not overlap, or the same period again to replace its count.`,
    );
  }
  const { rows: before } = await t.q.query(
    'select 1 from conversation_counts where integration_id = $1 and team = $2 and period_start = $3 and period_end = $4',
    [integration.id, team, body.from, body.to],
  );
  const { rows } = await t.q.query<{ period_start: Date; period_end: Date; count: number; received_at: Date }>(
    `insert into conversation_counts (integration_id, team, period_start, period_end, count, received_at)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (integration_id, team, period_start, period_end) do update set count = excluded.count, received_at = excluded.received_at
     returning period_start, period_end, count, received_at`,
    [integration.id, team, body.from, body.to, body.count, t.now.toISOString()],
  );
  const row = rows[0]!;
  return {
    conversations: {
      team,
      from: row.period_start.toISOString(),
      to: row.period_end.toISOString(),
      count: row.count,
      receivedAt: row.received_at.toISOString(),
    },
    replaced: before.length > 0,
  };
}
