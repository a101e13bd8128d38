// Who a signed-in identity is in Baton: linked by the provider's stable `sub`, optionally matched
// by a verified email on the first sign-in, or created as an agent when the administrator allows
// it; role and team can follow a claim such as `groups` at every sign-in.
import { createAgent, upsertTeam } from '../admin/accounts.ts';
import type { Queryable } from '../store/db.ts';
import { issuerKey } from './links.ts';
import type { Identity } from './relying-party.ts';

export interface PeoplePolicy {
  /** `refuse` (the default): only people an administrator linked or created; `agent`: create unknown people as agents of `defaultTeam`. */
  provision: 'refuse' | 'agent';
  defaultTeam: string;
  /** Link an unlinked person whose email matches the identity's verified email, on its first sign-in. */
  matchEmail: boolean;
  /** A claim holding a list of groups; with it, a person's role and team follow it at every sign-in. */
  groupsClaim?: string | undefined;
  /** Members of this group are leads; everyone else an agent. */
  leadGroup?: string | undefined;
  /** A group `<prefix><team>` puts its member in that team. */
  teamPrefix?: string | undefined;
}

export class PersonRefused extends Error {}

function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Role and team from the groups claim, when configured; nothing when the claim is absent. */
function fromGroups(identity: Identity, policy: PeoplePolicy): { role?: 'agent' | 'lead'; team?: string } {
  if (!policy.groupsClaim) return {};
  const raw = identity.claims[policy.groupsClaim];
  if (!Array.isArray(raw)) return {};
  const groups = raw.filter((g): g is string => typeof g === 'string');
  const team = policy.teamPrefix ? groups.find((g) => g.startsWith(policy.teamPrefix!) && g.length > policy.teamPrefix!.length)?.slice(policy.teamPrefix.length).toLowerCase() : undefined;
  return { ...(policy.leadGroup && { role: groups.includes(policy.leadGroup) ? 'lead' : 'agent' }), ...(team && /^[a-z0-9][a-z0-9_-]{0,62}$/.test(team) && { team }) };
}

/** The Baton person an identity signs in as (linking or creating them as the policy says), or PersonRefused. */
export async function personFor(q: Queryable, signedIn: Identity, policy: PeoplePolicy, now: Date): Promise<string> {
  const identity = { ...signedIn, issuer: issuerKey(signedIn.issuer) };
  const email = stringClaim(identity.claims, 'email');
  const verified = identity.claims.email_verified === true;
  let agentId = (await q.query<{ agent_id: string }>('select agent_id from identities where issuer = $1 and subject = $2', [identity.issuer, identity.subject])).rows[0]?.agent_id;

  if (!agentId && policy.matchEmail && email && verified) {
    const { rows } = await q.query<{ id: string }>(
      'select a.id from agents a where lower(a.email) = lower($1) and not exists (select 1 from identities i where i.agent_id = a.id and i.issuer = $2)',
      [email, identity.issuer],
    );
    agentId = rows[0]?.id;
  }
  const mapped = fromGroups(identity, policy);
  if (!agentId) {
    if (policy.provision !== 'agent') {
      throw new PersonRefused(`${email ?? identity.subject} is not a Baton user on this hub. Ask an administrator to add you.`);
    }
    const name = stringClaim(identity.claims, 'name') ?? email ?? identity.subject;
    const created = await createAgent(q, { name: name.slice(0, 200), team: mapped.team ?? policy.defaultTeam, role: mapped.role ?? 'agent' }, now);
    agentId = created.id;
  } else if (mapped.role || mapped.team) {
    if (mapped.team) await upsertTeam(q, { name: mapped.team });
    await q.query('update agents set role = coalesce($2, role), team = coalesce($3, team) where id = $1', [agentId, mapped.role ?? null, mapped.team ?? null]);
  }
  await q.query(
    `insert into identities (issuer, subject, agent_id, email, created_at, last_sign_in_at) values ($1, $2, $3, $4, $5, $5)
     on conflict (issuer, subject) do update set email = excluded.email, last_sign_in_at = excluded.last_sign_in_at`,
    [identity.issuer, identity.subject, agentId, email ?? null, now],
  );
  const { rows } = await q.query('select 1 from agents where id = $1 and revoked_at is null', [agentId]);
  if (rows.length === 0) throw new PersonRefused('Your access to this hub has been revoked. Ask an administrator.');
  return agentId;
}
