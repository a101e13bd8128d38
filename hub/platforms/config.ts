// An integration's messaging platform: what `integration platform` stores, and how the hub reads
// it back. Secrets are never stored: only the names of the hub's environment variables holding
// them, read where a request to the platform is built or a webhook is verified.
import { z } from 'zod';
import { TRIGGER_REASONS, TargetUrl, describeIssues } from '../../shared/protocol/index.ts';
import { AdminInputError } from '../admin/accounts.ts';
import type { Queryable } from '../store/db.ts';

export const PLATFORM_KINDS = ['sunshine', 'chatwoot', 'dialogflow-cx', 'rasa', 'lex'] as const;
export const PlatformKind = z.enum(PLATFORM_KINDS);
export type PlatformKind = z.infer<typeof PlatformKind>;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name (letters, digits, _)');
/** A switchboard integration's name: alphanumeric, `-` and `_` (Sunshine's own rule). */
const switchboardName = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a switchboard integration name (letters, digits, - and _)');
const apiUrl = TargetUrl.transform((url) => url.replace(/\/+$/, ''));
/** A Rasa intent or action name. */
const rasaName = z.string().regex(/^[A-Za-z0-9_.:/-]{1,200}$/, 'must be a Rasa intent or action name (letters, digits, _ . : / -)');
/** `intent=reason,intent=reason`: which trigger reason an intent (or fallback action) stands for. */
const reasonTable = z
  .string()
  .transform((value) => value.split(',').map((pair) => pair.trim()).filter(Boolean).map((pair) => pair.split('=').map((part) => part.trim())))
  .pipe(z.array(z.tuple([rasaName, z.enum(TRIGGER_REASONS)], { error: 'must be intent=reason pairs, the reason one of the packet\'s trigger reasons' })).max(200))
  .transform((pairs) => Object.fromEntries(pairs));

export const PLATFORM_SETTINGS = {
  sunshine: z.strictObject({
    /** https://api.smooch.io or a regional base. */
    apiUrl,
    keyId: z.string().trim().min(1).max(200),
    /** The switchboard integration that stands for the human agents (Zendesk's is `zd-agentWorkspace`). */
    humanSwitchboardName: switchboardName,
    /** The bot's switchboard integration: "Return to bot" passes control to it. */
    botSwitchboardName: switchboardName,
  }),
  chatwoot: z.strictObject({
    /** The Chatwoot installation, e.g. https://app.chatwoot.com. */
    apiUrl,
    /** Used when a webhook names no account (conversation events carry none in some versions). */
    accountId: z.string().regex(/^[0-9]{1,18}$/, 'must be a Chatwoot account id (digits)').optional(),
  }),
  'dialogflow-cx': z.strictObject({
    /** What the bot tells the customer when it hands off (CX appends it to the turn's responses). */
    fulfillmentText: z.string().trim().min(1).max(1000).optional(),
  }),
  rasa: z.strictObject({
    /** The Rasa server, for "Return to bot" (its HTTP API enabled with --enable-api). */
    apiUrl: apiUrl.optional(),
    /** Intent (or action) → trigger reason, over the defaults. */
    reasons: z.record(rasaName, z.enum(TRIGGER_REASONS)).optional(),
    /** The custom action that posts the tracker: not a bot attempt. */
    handoffAction: rasaName.optional(),
    /** Triggered after "Return to bot", so the bot speaks first. */
    resumeIntent: rasaName.optional(),
  }),
  lex: z.strictObject({}),
} as const;
export type PlatformSettings = { [K in PlatformKind]: z.infer<(typeof PLATFORM_SETTINGS)[K]> };

export const PlatformCredentials = z.strictObject({
  keySecretEnv: envName.optional(),
  tokenEnv: envName.optional(),
  webhookSecretEnv: envName.optional(),
});
export type PlatformCredentials = z.infer<typeof PlatformCredentials>;

/** `integration platform`'s input: flags by another name (`apiUrl` is `--api-url`). */
export const PlatformInput = z.strictObject({
  name: z.string().min(1).max(200),
  kind: PlatformKind,
  apiUrl: z.string().optional(),
  keyId: z.string().optional(),
  keySecretEnv: envName.optional(),
  tokenEnv: envName.optional(),
  webhookSecretEnv: envName.optional(),
  humanSwitchboardName: z.string().optional(),
  botSwitchboardName: z.string().optional(),
  accountId: z.string().optional(),
  fulfillmentText: z.string().optional(),
  reasons: reasonTable.optional(),
  handoffAction: z.string().optional(),
  resumeIntent: z.string().optional(),
});
export type PlatformInput = z.input<typeof PlatformInput>;

const SETTING_INPUTS = {
  sunshine: ['apiUrl', 'keyId', 'humanSwitchboardName', 'botSwitchboardName'],
  chatwoot: ['apiUrl', 'accountId'],
  'dialogflow-cx': ['fulfillmentText'],
  rasa: ['apiUrl', 'reasons', 'handoffAction', 'resumeIntent'],
  lex: [],
} as const;
const SECRET_INPUTS = { sunshine: ['keySecretEnv', 'webhookSecretEnv'], chatwoot: ['tokenEnv', 'webhookSecretEnv'], 'dialogflow-cx': [], rasa: ['tokenEnv'], lex: [] } as const;
const REQUIRED_SECRETS = { sunshine: ['keySecretEnv'], chatwoot: ['tokenEnv'], 'dialogflow-cx': [], rasa: [], lex: [] } as const;
const ALL_INPUTS = [
  'apiUrl',
  'keyId',
  'humanSwitchboardName',
  'botSwitchboardName',
  'accountId',
  'fulfillmentText',
  'reasons',
  'handoffAction',
  'resumeIntent',
  'keySecretEnv',
  'tokenEnv',
  'webhookSecretEnv',
] as const;

const flag = (field: string) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function refuse(issues: Array<{ path: string; message: string }>): never {
  throw new AdminInputError(`Cannot set the platform: ${issues.map((i) => `${i.path ? flag(i.path.split('.')[0]!) : '(input)'} ${i.message}`).join('; ')}`);
}

export interface ValidPlatform {
  name: string;
  kind: PlatformKind;
  settings: PlatformSettings[PlatformKind];
  credentials: PlatformCredentials;
}

/** Checks an `integration platform` input, naming each bad flag; the CLI calls it before it opens the store. */
export function validatePlatformInput(input: unknown): ValidPlatform {
  const parsed = PlatformInput.safeParse(input);
  if (!parsed.success) refuse(describeIssues(parsed.error));
  const { name, kind } = parsed.data;
  const takes = new Set<string>([...SETTING_INPUTS[kind], ...SECRET_INPUTS[kind]]);
  const stray = ALL_INPUTS.filter((field) => parsed.data[field] !== undefined && !takes.has(field));
  if (stray.length > 0) refuse(stray.map((field) => ({ path: field, message: `does not apply to a ${kind} platform` })));
  const missing = REQUIRED_SECRETS[kind].filter((field) => parsed.data[field] === undefined);
  if (missing.length > 0) refuse(missing.map((field) => ({ path: field, message: 'is required (the environment variable holding the secret)' })));
  const raw = Object.fromEntries(SETTING_INPUTS[kind].filter((f) => parsed.data[f] !== undefined).map((f) => [f, parsed.data[f]]));
  const settings = PLATFORM_SETTINGS[kind].safeParse(raw);
  if (!settings.success) refuse(describeIssues(settings.error));
  const credentials = Object.fromEntries(SECRET_INPUTS[kind].filter((f) => parsed.data[f] !== undefined).map((f) => [f, parsed.data[f]]));
  return { name, kind, settings: settings.data, credentials };
}

/** Puts the integration in front of a platform (or changes how); its key and webhooks stay as they are. */
export async function setPlatform(q: Queryable, input: PlatformInput | ValidPlatform): Promise<{ integrationId: string; name: string; kind: PlatformKind }> {
  const platform = 'settings' in input ? input : validatePlatformInput(input);
  const { rows } = await q.query<{ id: string }>('select id from integrations where name = $1', [platform.name]);
  const integration = rows[0];
  if (!integration) throw new AdminInputError(`Cannot set the platform: --name ${platform.name} is not an integration (create it with "integration create").`);
  const now = new Date().toISOString();
  await q.query(
    `insert into platform_integrations (integration_id, kind, settings, credentials, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)
     on conflict (integration_id) do update set kind = $2, settings = $3, credentials = $4, updated_at = $5`,
    [integration.id, platform.kind, JSON.stringify(platform.settings), JSON.stringify(platform.credentials), now],
  );
  return { integrationId: integration.id, name: platform.name, kind: platform.kind };
}

export interface PlatformIntegration<K extends PlatformKind = PlatformKind> {
  integrationId: string;
  name: string;
  defaultTeam: string;
  kind: K;
  settings: PlatformSettings[K];
  credentials: PlatformCredentials;
}

interface PlatformRow {
  integration_id: string;
  name: string;
  default_team: string;
  kind: PlatformKind;
  settings: unknown;
  credentials: unknown;
}

function toPlatform(row: PlatformRow): PlatformIntegration | undefined {
  const settings = PLATFORM_SETTINGS[row.kind]?.safeParse(row.settings);
  const credentials = PlatformCredentials.safeParse(row.credentials);
  if (!settings?.success || !credentials.success) return undefined;
  return { integrationId: row.integration_id, name: row.name, defaultTeam: row.default_team, kind: row.kind, settings: settings.data, credentials: credentials.data };
}

const SELECT_PLATFORM = `
  select p.integration_id, i.name, i.default_team, p.kind, p.settings, p.credentials
  from platform_integrations p join integrations i on i.id = p.integration_id`;

/** The integration of that name, when it is in front of a platform of that kind. */
export async function findPlatform(q: Queryable, kind: PlatformKind, name: string): Promise<PlatformIntegration | undefined> {
  const { rows } = await q.query<PlatformRow>(`${SELECT_PLATFORM} where i.name = $1 and p.kind = $2`, [name, kind]);
  return rows[0] && toPlatform(rows[0]);
}

export async function findPlatformOf(q: Queryable, integrationId: string): Promise<PlatformIntegration | undefined> {
  const { rows } = await q.query<PlatformRow>(`${SELECT_PLATFORM} where p.integration_id = $1`, [integrationId]);
  return rows[0] && toPlatform(rows[0]);
}

/** The platform's API base, for platforms Baton calls (a webhook-only framework has none). */
export function apiUrlOf(platform: Pick<PlatformIntegration, 'settings'>): string | undefined {
  return 'apiUrl' in platform.settings ? platform.settings.apiUrl : undefined;
}

export type SecretName = keyof PlatformCredentials;
export type Secret = { value: string } | { missing: string };

/** A secret from the hub's environment; `missing` says why there is none, without any secret in it. */
export function readSecret(credentials: PlatformCredentials, which: SecretName, env: NodeJS.ProcessEnv): Secret | undefined {
  const name = credentials[which];
  if (name === undefined) return undefined;
  const value = env[name];
  return value ? { value } : { missing: `environment variable ${name} is not set` };
}

/** Every secret of the platform that is set, to scrub from errors before they are stored or logged. */
export function secretsOf(credentials: PlatformCredentials, env: NodeJS.ProcessEnv): string[] {
  return (['keySecretEnv', 'tokenEnv', 'webhookSecretEnv'] as const).flatMap((which) => {
    const found = readSecret(credentials, which, env);
    return found && 'value' in found ? [found.value] : [];
  });
}

/** The platforms as an admin may see them: settings, and which variables hold the secrets. */
export async function listPlatforms(q: Queryable) {
  const { rows } = await q.query<PlatformRow>(`${SELECT_PLATFORM} order by i.name`);
  return rows.map((row) => ({ name: row.name, kind: row.kind, settings: row.settings, secretsFrom: row.credentials, ingressPath: `/v1/ingress/${row.kind}/${row.name}` }));
}

/** Links an agent (by id, or by name when it is unique) to their Chatwoot user. */
export async function linkAgent(q: Queryable, nameOrId: string, chatwootUserId: string): Promise<{ id: string; name: string }> {
  const { rows } = await q.query<{ id: string; name: string }>('select id, name from agents where id = $1 or name = $1 order by (id = $1) desc', [nameOrId]);
  const byId = rows.find((r) => r.id === nameOrId);
  if (!byId && rows.length > 1) throw new AdminInputError(`Cannot link the agent: --name ${nameOrId} names ${rows.length} agents; give the agent's id.`);
  const agent = byId ?? rows[0];
  if (!agent) throw new AdminInputError(`Cannot link the agent: there is no agent ${nameOrId}.`);
  await q.query('update agents set chatwoot_user_id = $2 where id = $1', [agent.id, chatwootUserId]);
  return agent;
}
