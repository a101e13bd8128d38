import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Role, RoutingMode, TargetUrl, describeIssues } from '../../shared/protocol/index.ts';
import { hashSecret, newSecret } from '../auth/secrets.ts';
import { endSessionsOf } from '../auth/sessions.ts';
import type { Db, Queryable } from '../store/db.ts';

/** An admin input the hub refuses, naming what is wrong. */
export class AdminInputError extends Error {}

// Input fields whose command-line flag has another name.
const FLAGS: Record<string, string> = { callbackUrl: 'callback-url', offerTimeoutSeconds: 'offer-timeout', expiresInSeconds: 'expires-in' };

/** The flag a field path stands for, e.g. `callbackUrl` → `callback-url`, `skills.1` → `skills.1`. */
function flagOf(path: string): string {
  const [head = '', ...rest] = path.split('.');
  return [FLAGS[head] ?? head, ...rest].join('.');
}

/** Parses admin input, naming each bad flag; the CLI calls it before it opens the store. */
export function validateAdminInput<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = describeIssues(result.error).map((i) => `--${flagOf(i.path)} ${i.message}`);
  throw new AdminInputError(`Cannot ${what}: ${issues.join('; ')}`);
}

const name = z.string().trim().min(1).max(200);
const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, - or _ (up to 63)');

export const TeamInput = z.strictObject({
  name: id,
  routing: RoutingMode.optional(),
  offerTimeoutSeconds: z.number().positive().max(24 * 3600).optional(),
});

/** Creates the team, or changes the given settings of an existing one. */
export async function upsertTeam(q: Queryable, input: z.input<typeof TeamInput>) {
  const team = validateAdminInput(TeamInput, input, 'set the team');
  await q.query(
    `insert into teams (name, routing, offer_timeout_ms) values ($1, coalesce($2, 'push'), coalesce($3, 45000))
     on conflict (name) do update set routing = coalesce($2, teams.routing), offer_timeout_ms = coalesce($3, teams.offer_timeout_ms)`,
    [team.name, team.routing ?? null, team.offerTimeoutSeconds === undefined ? null : Math.round(team.offerTimeoutSeconds * 1000)],
  );
  return (await q.query<{ name: string; routing: string; offer_timeout_ms: number }>('select * from teams where name = $1', [team.name])).rows[0]!;
}

export const AgentInput = z.strictObject({
  id: id.optional(),
  name,
  role: Role.default('agent'),
  team: id,
  skills: z.array(z.string().trim().min(1).max(200)).default([]),
  capacity: z.number().int().min(0).max(100).default(3),
  /** Only for fixed, documented demo credentials; real tokens are always generated. */
  token: z.string().min(8).optional(),
  /** The CLI token stops working after this many seconds; omitted, it works until replaced or revoked. */
  expiresInSeconds: z.number().positive().max(10 * 365 * 24 * 3600).optional(),
  /** What an identity provider may match on this person's first sign-in (verified addresses only). */
  email: z.email().max(320).optional(),
});

function expiryOf(expiresInSeconds: number | undefined, now: Date): Date | null {
  return expiresInSeconds === undefined ? null : new Date(now.getTime() + expiresInSeconds * 1000);
}

/** Creates an agent or lead (and their team if new) and returns their token, shown only this once. */
export async function createAgent(q: Queryable, input: z.input<typeof AgentInput>, now = new Date()): Promise<{ id: string; token: string; expiresAt: Date | null }> {
  const agent = validateAdminInput(AgentInput, input, 'create the agent');
  await upsertTeam(q, { name: agent.team });
  const agentId = agent.id ?? randomUUID();
  const token = agent.token ?? newSecret('agt');
  const { rows } = await q.query<{ id: string }>('select id from agents where id = $1', [agentId]);
  if (rows[0]) throw new AdminInputError(`Cannot create the agent: --id ${agentId} is taken.`);
  if (agent.email) {
    const taken = await q.query('select id from agents where lower(email) = lower($1)', [agent.email]);
    if (taken.rows[0]) throw new AdminInputError(`Cannot create the agent: --email ${agent.email} belongs to someone else.`);
  }
  const expiresAt = expiryOf(agent.expiresInSeconds, now);
  await q.query(
    'insert into agents (id, name, role, team, skills, capacity, token_hash, token_expires_at, email) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
    [agentId, agent.name, agent.role, agent.team, agent.skills, agent.capacity, hashSecret(token), expiresAt, agent.email ?? null],
  );
  return { id: agentId, token, expiresAt };
}

/** One person, by id or by name; a name two people share is refused, naming their ids. */
export async function findPerson(q: Queryable, who: { id?: string | undefined; name?: string | undefined }): Promise<{ id: string; name: string }> {
  const { rows } = who.id
    ? await q.query<{ id: string; name: string }>('select id, name from agents where id = $1', [who.id])
    : await q.query<{ id: string; name: string }>('select id, name from agents where name = $1 order by id', [who.name ?? '']);
  if (rows.length === 0) throw new AdminInputError(who.id ? `No person has --id ${who.id}.` : `No person is named ${JSON.stringify(who.name)}.`);
  if (rows.length > 1) throw new AdminInputError(`${rows.length} people are named ${JSON.stringify(who.name)} (${rows.map((r) => r.id).join(', ')}): give --id instead.`);
  return rows[0]!;
}

/**
 * Takes a person's access back: their CLI token and every session stop working, and the hub
 * refuses them from then on, until `issueToken` gives them a new one. A running hub disconnects
 * their apps within its session check interval. Returns the sessions ended.
 */
export async function revokeAgent(q: Queryable, agentId: string, now = new Date()): Promise<{ sessionsEnded: number }> {
  await q.query('update agents set revoked_at = coalesce(revoked_at, $2) where id = $1', [agentId, now]);
  const ended = await endSessionsOf(q, agentId, 'revoked', now);
  return { sessionsEnded: ended.length };
}

/** A new CLI token for a person (the old one stops working), optionally expiring; lifts a revocation. */
export async function issueToken(q: Queryable, agentId: string, expiresInSeconds: number | undefined, now = new Date()): Promise<{ token: string; expiresAt: Date | null }> {
  const { expiresInSeconds: seconds } = validateAdminInput(AgentInput.pick({ expiresInSeconds: true }), { expiresInSeconds }, 'issue the token');
  const token = newSecret('agt');
  const expiresAt = expiryOf(seconds, now);
  await q.query('update agents set token_hash = $2, token_expires_at = $3, revoked_at = null where id = $1', [agentId, hashSecret(token), expiresAt]);
  return { token, expiresAt };
}

export const IntegrationInput = z.strictObject({
  name: id,
  callbackUrl: TargetUrl.optional(),
  team: id.default('support'),
  key: z.string().min(8).optional(),
  signingSecret: z.string().min(8).optional(),
});

/** Creates an integration; its key and signing secret are shown only this once. */
export async function createIntegration(q: Queryable, input: z.input<typeof IntegrationInput>) {
  const integration = validateAdminInput(IntegrationInput, input, 'create the integration');
  await upsertTeam(q, { name: integration.team });
  const { rows } = await q.query('select id from integrations where name = $1', [integration.name]);
  if (rows[0]) throw new AdminInputError(`Cannot create the integration: --name ${integration.name} is taken.`);
  const key = integration.key ?? newSecret('key');
  const signingSecret = integration.signingSecret ?? newSecret('whsec');
  const integrationId = randomUUID();
  await q.query(
    'insert into integrations (id, name, key_hash, signing_secret, callback_url, default_team) values ($1, $2, $3, $4, $5, $6)',
    [integrationId, integration.name, hashSecret(key), signingSecret, integration.callbackUrl ?? null, integration.team],
  );
  return { id: integrationId, name: integration.name, key, signingSecret };
}

export async function setCallbackUrl(q: Queryable, integrationName: string, callbackUrl: string | null): Promise<void> {
  const url = callbackUrl === null ? null : validateAdminInput(z.strictObject({ callbackUrl: TargetUrl }), { callbackUrl }, 'set the callback URL').callbackUrl;
  await q.query('update integrations set callback_url = $2 where name = $1', [integrationName, url]);
}

export const IntegrationTeamsInput = z.strictObject({ name: id, teams: z.array(id).max(500) });

/**
 * Sets the teams an integration serves besides its own (replacing the list; [] leaves its own
 * team alone). It may report conversation counts only for these, and only these counts go into
 * a team's deflection rate. Every team must exist. Returns its own team and the list.
 */
export async function setIntegrationTeams(db: Db, input: z.input<typeof IntegrationTeamsInput>): Promise<{ ownTeam: string; teams: string[] }> {
  const { name: integrationName, teams } = validateAdminInput(IntegrationTeamsInput, input, 'set the teams');
  return db.transaction(async (q) => {
    const { rows } = await q.query<{ id: string; default_team: string }>('select id, default_team from integrations where name = $1', [integrationName]);
    const integration = rows[0];
    if (!integration) throw new AdminInputError(`Cannot set the teams: there is no integration ${integrationName}.`);
    const wanted = [...new Set(teams)].filter((team) => team !== integration.default_team).sort();
    const { rows: known } = await q.query<{ name: string }>('select name from teams where name = any($1)', [wanted]);
    const missing = wanted.filter((team) => !known.some((k) => k.name === team));
    if (missing.length > 0) throw new AdminInputError(`Cannot set the teams: --teams names ${missing.join(', ')}, not a team on this hub (create it with "team set --name <team>").`);
    await q.query('delete from integration_teams where integration_id = $1', [integration.id]);
    for (const team of wanted) await q.query('insert into integration_teams (integration_id, team) values ($1, $2)', [integration.id, team]);
    return { ownTeam: integration.default_team, teams: wanted };
  });
}

export async function listAccounts(q: Queryable) {
  const teams = (await q.query('select name, routing, offer_timeout_ms from teams order by name')).rows;
  const agents = (await q.query('select id, name, role, team, skills, capacity, email, token_expires_at as expires_at, revoked_at from agents order by team, name')).rows;
  // `teams`: the teams it serves besides default_team (integration teams).
  const integrations = (
    await q.query(
      `select i.id, i.name, i.default_team, coalesce(array(select t.team from integration_teams t where t.integration_id = i.id order by t.team), '{}') as teams, i.callback_url
       from integrations i order by i.name`,
    )
  ).rows;
  return { teams, agents, integrations };
}
