// A team's connector configuration: what the CLI (`connector set`) stores, and how the hub reads
// credentials back. Credentials stay in the hub: they are read only where a request to the
// product tool is built or an incoming event is verified, and never leave it otherwise.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConnectorKind, TargetUrl, describeIssues, type ConnectorKind as Kind } from '../../../shared/protocol/index.ts';
import { AdminInputError } from '../../admin/accounts.ts';
import type { Queryable } from '../../store/db.ts';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name (letters, digits, _)');
const secret = z.string().min(8, 'must be at least 8 characters').max(2_000);
const teamName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, - or _ (up to 63)');
const issueType = z.string().trim().min(1).max(100);

/** What a connector of each kind needs besides credentials. Nothing here is secret. */
export const CONNECTOR_SETTINGS = {
  github: z.strictObject({
    baseUrl: TargetUrl.default('https://api.github.com'),
    repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name'),
  }),
  jira: z.strictObject({
    /** The site, e.g. https://acme.atlassian.net. */
    baseUrl: TargetUrl,
    project: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,254}$/, 'must be a Jira project key such as SUP'),
    /** The Atlassian account the API token belongs to (basic auth is email:api_token). */
    email: z.email().max(200),
    bugIssueType: issueType.default('Bug'),
    featureIssueType: issueType.default('Task'),
  }),
  linear: z.strictObject({
    baseUrl: TargetUrl.default('https://api.linear.app'),
    /** The Linear team's id (issueCreate's `teamId`). */
    teamId: z.string().trim().min(1).max(200),
  }),
  webhook: z.strictObject({ url: TargetUrl }),
} as const;
export type ConnectorSettings = { [K in Kind]: z.infer<(typeof CONNECTOR_SETTINGS)[K]> };

/** Where each secret is: the value itself, or the name of an environment variable of the hub process. */
export const Credentials = z.strictObject({
  token: secret.optional(),
  tokenEnv: envName.optional(),
  eventsSecret: secret.optional(),
  eventsSecretEnv: envName.optional(),
});
export type Credentials = z.infer<typeof Credentials>;

/** `connector set`'s input: flags by another name (`baseUrl` is `--base-url`). */
export const ConnectorInput = z
  .strictObject({
    team: teamName,
    kind: ConnectorKind,
    baseUrl: TargetUrl.optional(),
    repo: z.string().optional(),
    project: z.string().optional(),
    email: z.string().optional(),
    bugIssueType: z.string().optional(),
    featureIssueType: z.string().optional(),
    linearTeam: z.string().optional(),
    url: z.string().optional(),
    token: secret.optional(),
    tokenEnv: envName.optional(),
    eventsSecret: secret.optional(),
    eventsSecretEnv: envName.optional(),
  })
  .superRefine((input, ctx) => {
    const both = (a: 'token' | 'eventsSecret') => input[a] !== undefined && input[`${a}Env`] !== undefined;
    if (input.token === undefined && input.tokenEnv === undefined) {
      const what = input.kind === 'webhook' ? 'the signing secret' : 'the API token';
      ctx.addIssue({ code: 'custom', path: ['tokenEnv'], message: `or --token is required: ${what}` });
    }
    if (both('token')) ctx.addIssue({ code: 'custom', path: ['token'], message: 'give --token or --token-env, not both' });
    if (both('eventsSecret')) ctx.addIssue({ code: 'custom', path: ['eventsSecret'], message: 'give --events-secret or --events-secret-env, not both' });
    if (input.kind === 'webhook' && (input.eventsSecret !== undefined || input.eventsSecretEnv !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['eventsSecret'], message: 'a webhook connector verifies incoming events with its signing secret (--token)' });
    }
  });
export type ConnectorInput = z.input<typeof ConnectorInput>;

// Which input fields each kind takes, and their names in its settings.
const SETTING_FIELDS: { [K in Kind]: Partial<Record<keyof ConnectorInput, keyof ConnectorSettings[K]>> } = {
  github: { baseUrl: 'baseUrl', repo: 'repo' },
  jira: { baseUrl: 'baseUrl', project: 'project', email: 'email', bugIssueType: 'bugIssueType', featureIssueType: 'featureIssueType' },
  linear: { baseUrl: 'baseUrl', linearTeam: 'teamId' },
  webhook: { url: 'url' },
};
const SETTING_INPUTS = ['baseUrl', 'repo', 'project', 'email', 'bugIssueType', 'featureIssueType', 'linearTeam', 'url'] as const;

const flag = (field: string) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function refuse(issues: Array<{ path: string; message: string }>): never {
  throw new AdminInputError(`Cannot set the connector: ${issues.map((i) => `${i.path ? flag(i.path.split('.')[0]!) : '(input)'} ${i.message}`).join('; ')}`);
}

export interface ValidConnector {
  team: string;
  kind: Kind;
  settings: ConnectorSettings[Kind];
  credentials: Credentials;
}

/** Checks a `connector set` input, naming each bad flag; the CLI calls it before it opens the store. */
export function validateConnectorInput(input: unknown): ValidConnector {
  const parsed = ConnectorInput.safeParse(input);
  if (!parsed.success) refuse(describeIssues(parsed.error));
  const { team, kind, token, tokenEnv, eventsSecret, eventsSecretEnv } = parsed.data;
  const fields = SETTING_FIELDS[kind] as Record<string, string>;
  const stray = SETTING_INPUTS.filter((field) => parsed.data[field] !== undefined && !(field in fields));
  if (stray.length > 0) refuse(stray.map((field) => ({ path: field, message: `does not apply to a ${kind} connector` })));
  const raw = Object.fromEntries(SETTING_INPUTS.filter((f) => f in fields && parsed.data[f] !== undefined).map((f) => [fields[f]!, parsed.data[f]]));
  const settings = CONNECTOR_SETTINGS[kind].safeParse(raw);
  if (!settings.success) {
    const back = Object.fromEntries(Object.entries(fields).map(([input, setting]) => [setting, input]));
    refuse(describeIssues(settings.error).map((i) => ({ ...i, path: back[i.path.split('.')[0]!] ?? i.path })));
  }
  const credentials = Object.fromEntries(Object.entries({ token, tokenEnv, eventsSecret, eventsSecretEnv }).filter(([, v]) => v !== undefined));
  return { team, kind, settings: settings.data, credentials };
}

/** Creates or replaces the team's connector of that kind (its id, and so its events URL, stays). */
export async function setConnector(q: Queryable, input: ConnectorInput | ValidConnector): Promise<{ id: string; team: string; kind: Kind }> {
  const connector = 'settings' in input ? input : validateConnectorInput(input);
  const { rows: teams } = await q.query('select 1 from teams where name = $1', [connector.team]);
  if (!teams[0]) throw new AdminInputError(`Cannot set the connector: --team ${connector.team} does not exist.`);
  const now = new Date().toISOString();
  const { rows } = await q.query<{ id: string }>(
    `insert into product_connectors (id, team, kind, settings, credentials, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6)
     on conflict (team, kind) do update set settings = $4, credentials = $5, updated_at = $6
     returning id`,
    [randomUUID(), connector.team, connector.kind, JSON.stringify(connector.settings), JSON.stringify(connector.credentials), now],
  );
  return { id: rows[0]!.id, team: connector.team, kind: connector.kind };
}

/** Removes the team's connector of that kind, with its pending requests; returns whether there was one. */
export async function removeConnector(q: Queryable, team: string, kind: Kind): Promise<boolean> {
  const { rows } = await q.query('delete from product_connectors where team = $1 and kind = $2 returning id', [team, kind]);
  return rows.length > 0;
}

/** Where a secret comes from, for people: never the secret itself. */
function describeSecret(value: string | undefined, env: string | undefined): string {
  if (env !== undefined) return `from environment variable ${env}`;
  return value !== undefined ? 'stored in the hub' : 'none';
}

/** The connectors as an admin may see them: settings, and where the secrets are, not what they are. */
export async function listConnectors(q: Queryable) {
  const { rows } = await q.query<{ id: string; team: string; kind: Kind; settings: unknown; credentials: Credentials; updated_at: Date }>(
    'select id, team, kind, settings, credentials, updated_at from product_connectors order by team, kind',
  );
  return rows.map(({ credentials: c, ...row }) => ({
    id: row.id,
    team: row.team,
    kind: row.kind,
    settings: row.settings,
    token: describeSecret(c.token, c.tokenEnv),
    eventsSecret: row.kind === 'webhook' ? 'the signing secret (token)' : describeSecret(c.eventsSecret, c.eventsSecretEnv),
    eventsPath: `/v1/connectors/${row.id}/events`,
    updatedAt: row.updated_at.toISOString(),
  }));
}

export type SecretResult = { value: string } | { missing: string };

/** Resolves the token or the events secret; `missing` says why there is none, without any secret in it. */
export function resolveSecret(credentials: Credentials, which: 'token' | 'eventsSecret', env: NodeJS.ProcessEnv): SecretResult {
  const name = credentials[`${which}Env`];
  const what = which === 'token' ? 'token' : 'events secret';
  if (name !== undefined) {
    const value = env[name];
    return value ? { value } : { missing: `no ${what}: environment variable ${name} is not set` };
  }
  return credentials[which] !== undefined ? { value: credentials[which] } : { missing: `no ${what} configured` };
}
