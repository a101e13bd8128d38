// The links between identities at a provider and Baton people, as the CLI shows and changes them.
import { AdminInputError } from '../admin/accounts.ts';
import type { Queryable } from '../store/db.ts';

/** Issuers are compared without a trailing slash, however the administrator or the provider wrote them. */
export function issuerKey(issuer: string): string {
  return issuer.replace(/\/+$/, '');
}

export async function listLinks(q: Queryable) {
  return (
    await q.query(
      `select i.issuer, i.subject, i.email, i.agent_id, a.name, a.role, a.team, i.created_at, i.last_sign_in_at
       from identities i join agents a on a.id = i.agent_id order by a.name, i.issuer, i.subject`,
    )
  ).rows;
}

/** Links an identity to a person, replacing any link the identity had. */
export async function link(q: Queryable, issuer: string, subject: string, agentId: string): Promise<void> {
  if (subject.trim() === '' || subject.length > 255) throw new AdminInputError('--subject must be the identity\'s `sub` claim (1 to 255 characters).');
  await q.query(
    'insert into identities (issuer, subject, agent_id) values ($1, $2, $3) on conflict (issuer, subject) do update set agent_id = excluded.agent_id',
    [issuerKey(issuer), subject, agentId],
  );
}

/** Removes a link; returns whether there was one. The person's open sessions are not ended (revoke does that). */
export async function unlink(q: Queryable, issuer: string, subject: string): Promise<boolean> {
  return (await q.query('delete from identities where issuer = $1 and subject = $2 returning subject', [issuerKey(issuer), subject])).rows.length > 0;
}
