import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  AdminInputError,
  AgentInput,
  IntegrationInput,
  IntegrationTeamsInput,
  TeamInput,
  createAgent,
  createIntegration,
  findPerson,
  issueToken,
  revokeAgent,
  listAccounts,
  setCallbackUrl,
  setIntegrationTeams,
  upsertTeam,
  validateAdminInput,
} from './admin/accounts.ts';
import { ConnectorKind } from '../shared/protocol/index.ts';
import { listConnectors, removeConnector, setConnector, validateConnectorInput } from './product/connectors/config.ts';
import { linkAgent, listPlatforms, setPlatform, validatePlatformInput } from './platforms/config.ts';
import { startDemoHub, startHub, openStore, type HubOptions } from './hub.ts';
import { CorsOrigin } from './http/security.ts';
import { InvalidTrustedProxy, trustedHop } from './http/client-address.ts';
import type { Logger } from 'pino';
import type { Db } from './store/db.ts';
import { createLogger, stderrDestination, type LogDestination } from './log.ts';
import { link, listLinks, unlink } from './oidc/links.ts';
import { acquireDataDirLock, DataDirLocked } from './store/lock.ts';
import { listHubs } from './store/hubs.ts';
import { leaseFor } from './cluster/membership.ts';
import { InvalidPostgresSetting, withPostgresSettings, type PostgresSettings } from './store/postgres-url.ts';


const USAGE = `Usage: npm run hub -- [serve] [options]
       npm run hub -- <admin command> [options]

Serve (the default):
  --port <n>             port to listen on (0 picks a free one; default 7400)
  --host <addr>          address to bind (default 127.0.0.1; --demo allows loopback only)
  --data-dir <dir>       PGlite data folder (default .data/hub; env BATON_DATA_DIR)
  --database-url <url>   PostgreSQL instead of PGlite (env DATABASE_URL)
  --database-pool-size <n>
                         connections to PostgreSQL this hub keeps open at most (default 10;
                         env DATABASE_POOL_SIZE); with several hubs see docs/scaling.md
  --database-statement-timeout <s>
                         PostgreSQL cancels a statement of this hub that runs longer (default
                         none; env DATABASE_STATEMENT_TIMEOUT)
  --demo                 seed team "support", Ana (demo-ana), Ben (demo-ben), lead Lee (demo-lee)
                         and the integration demo-bot (key demo-integration-key)
  --demo-bot             also run a bot that sends realistic handoffs and answers webhooks
  --cors-origin <origin> a browser origin allowed to call the hub across origins, e.g.
                         https://console.example.com (repeat for more; default none)
  --trust-proxy          behind one reverse proxy: a client's address is the one the proxy
                         appended to X-Forwarded-For (its last entry)
  --trust-proxy-hops <n> behind a chain of n proxies: the address n entries from the end
  --trusted-proxy <addr> behind proxies at these addresses or CIDR ranges (repeat for more): the
                         last X-Forwarded-For entry that is not one of them
  --ingress-limit <n>    requests per integration key per window (default 1200; 0 = off)
  --ingress-window <s>   its window in seconds (default 1)
  --sign-in-limit <n>    failed sign-ins per client address per window before it is refused
                         (default 20; 0 = off)
  --sign-in-window <s>   its window in seconds (default 60)
  --public-url <url>     the hub's address as browsers reach it (default http://<host>:<port>);
                         the identity provider's redirect URI is <public URL>/v1/sign-in/callback
  --lease-seconds <s>    hubs sharing one PostgreSQL (docs/scaling.md): a hub that stops renewing
                         its lease is taken over within 1.2 × this (default 10; renewed every
                         0.3 ×, looked for every 0.2 ×; a stopping hub's apps get 0.5 × to reconnect)
  --stop-timeout <s>     SIGTERM or SIGINT stops the hub gracefully; if that has not finished within
                         this many seconds it exits anyway, with code 1 (default 30)

Sign-in through an OpenID Connect identity provider (docs/sign-in.md):
  --oidc-issuer <url>            the issuer (env BATON_OIDC_ISSUER); discovery reads its
                                 /.well-known/openid-configuration at start
  --oidc-client-id <id>          the hub's client id there (env BATON_OIDC_CLIENT_ID)
  --oidc-client-secret-env <VAR> the variable holding the client secret (default
                                 BATON_OIDC_CLIENT_SECRET; unset: a public client with PKCE)
  --oidc-name <name>             the button says "Sign in with <name>" (env BATON_OIDC_NAME;
                                 default the issuer's host name)
  --oidc-scopes <scopes>         default "openid email profile offline_access" (env BATON_OIDC_SCOPES)
  --oidc-provision refuse|agent  unknown people: refused (default), or created as agents
  --oidc-default-team <team>     their team (default support)
  --oidc-match-email             link a person by verified email on their first sign-in
  --oidc-groups-claim <claim>    a claim listing groups; with it role and team follow it:
  --oidc-lead-group <group>        members are leads, everyone else agents
  --oidc-team-prefix <prefix>      a group <prefix><team> puts its member in that team

Admin commands (run while the hub is stopped when using a PGlite data folder):
  agent create --name <name> --team <team> [--role agent|lead] [--skills a,b] [--capacity <n>] [--id <id>]
               [--email <address>] [--expires-in <duration>]
  agent token (--name <name> | --id <id>) [--expires-in <duration>]
                         a new CLI token (the old one stops working); lifts a revocation
  agent revoke (--name <name> | --id <id>)
                         takes the person's access back: their CLI token and sessions stop
                         working; a running hub disconnects their apps within 15 s
      <duration>: seconds, or a number with s, m, h or d (e.g. 90d); the token stops working then
  integration create --name <name> [--team <team>] [--callback-url <url>]
  integration callback --name <name> --callback-url <url>
  integration platform --name <integration> --kind sunshine --api-url <url> --key-id <id>
                --key-secret-env <VAR> [--webhook-secret-env <VAR>]
                --human-switchboard-name <name> --bot-switchboard-name <name>
  integration platform --name <integration> --kind chatwoot --api-url <url> --token-env <VAR>
                [--webhook-secret-env <VAR>] [--account-id <id>]
  integration platform --name <integration> --kind dialogflow-cx [--fulfillment-text <text>]
      (CX sends the integration key as "Authorization: Bearer <key>")
  integration platform --name <integration> --kind rasa [--api-url <Rasa server> [--token-env <VAR>]]
                [--reasons <intent=reason,...>] [--handoff-action <action>] [--resume-intent <intent>]
      the handoff action posts the tracker with "Authorization: Bearer <integration key>";
      --api-url lets "Return to bot" resume the conversation in Rasa
  integration platform --name <integration> --kind lex
      (the Lambda in integrations/lex-lambda forwards the event with "Authorization: Bearer <key>")
      the platform's webhook goes to POST <hub URL>/v1/ingress/<kind>/<integration>; secrets are
      read from the hub's environment, never stored or printed
  integration platforms
  agent link --name <agent name or id> --chatwoot-user-id <id>
  integration teams --name <name> --teams <team,team>   the teams it serves besides its own (it reports
                         conversation counts only for those); replaces the list, "" empties it
  team set --name <team> [--routing push|broadcast] [--offer-timeout <seconds>]
  connector set --team <team> --kind github|jira|linear|webhook (--token-env <VAR> | --token <value>)
                [--events-secret-env <VAR> | --events-secret <value>] [--base-url <url>]
      github:  --repo <owner/name>                      (base URL default https://api.github.com)
      jira:    --base-url https://<site>.atlassian.net --project <KEY> --email <account email>
               [--bug-issue-type Bug] [--feature-issue-type Task]
      linear:  --linear-team <team id>                  (base URL default https://api.linear.app)
      webhook: --url <url>                              (the token is the signing secret)
  connector remove --team <team> --kind <kind>
  connector list
  identity list                  which identity at the provider is which person
  identity link (--name <name> | --id <id>) --subject <sub> [--issuer <url>]
  identity unlink --subject <sub> [--issuer <url>]
                                 --issuer defaults to --oidc-issuer / BATON_OIDC_ISSUER
  list
  hubs                           the hubs running on this store, with their leases and apps
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'database-pool-size': { type: 'string' },
  'database-statement-timeout': { type: 'string' },
  demo: { type: 'boolean' },
  'demo-bot': { type: 'boolean' },
  'cors-origin': { type: 'string', multiple: true },
  'trust-proxy': { type: 'boolean' },
  'trust-proxy-hops': { type: 'string' },
  'trusted-proxy': { type: 'string', multiple: true },
  'ingress-limit': { type: 'string' },
  'ingress-window': { type: 'string' },
  'sign-in-limit': { type: 'string' },
  'sign-in-window': { type: 'string' },
  'public-url': { type: 'string' },
  'lease-seconds': { type: 'string' },
  'stop-timeout': { type: 'string' },
  'oidc-issuer': { type: 'string' },
  'oidc-client-id': { type: 'string' },
  'oidc-client-secret-env': { type: 'string' },
  'oidc-name': { type: 'string' },
  'oidc-scopes': { type: 'string' },
  'oidc-provision': { type: 'string' },
  'oidc-default-team': { type: 'string' },
  'oidc-match-email': { type: 'boolean' },
  'oidc-groups-claim': { type: 'string' },
  'oidc-lead-group': { type: 'string' },
  'oidc-team-prefix': { type: 'string' },
  subject: { type: 'string' },
  issuer: { type: 'string' },
  name: { type: 'string' },
  team: { type: 'string' },
  role: { type: 'string' },
  skills: { type: 'string' },
  capacity: { type: 'string' },
  id: { type: 'string' },
  'expires-in': { type: 'string' },
  'callback-url': { type: 'string' },
  teams: { type: 'string' },
  routing: { type: 'string' },
  'offer-timeout': { type: 'string' },
  kind: { type: 'string' },
  'base-url': { type: 'string' },
  repo: { type: 'string' },
  project: { type: 'string' },
  email: { type: 'string' },
  'bug-issue-type': { type: 'string' },
  'feature-issue-type': { type: 'string' },
  'linear-team': { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  'token-env': { type: 'string' },
  'events-secret': { type: 'string' },
  'events-secret-env': { type: 'string' },
  'api-url': { type: 'string' },
  'key-id': { type: 'string' },
  'key-secret-env': { type: 'string' },
  'webhook-secret-env': { type: 'string' },
  'human-switchboard-name': { type: 'string' },
  'bot-switchboard-name': { type: 'string' },
  'account-id': { type: 'string' },
  'fulfillment-text': { type: 'string' },
  reasons: { type: 'string' },
  'handoff-action': { type: 'string' },
  'resume-intent': { type: 'string' },
  'chatwoot-user-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number (got "${value}").`);
  return n;
}

function count(value: string | undefined, flag: string): number | undefined {
  const n = number(value, flag);
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new UsageError(`--${flag} must be a whole number, 0 or more (got ${value}).`);
  return n;
}

function windowMs(value: string | undefined, flag: string): number | undefined {
  const n = number(value, flag);
  if (n !== undefined && (n <= 0 || n > 24 * 3600)) throw new UsageError(`--${flag} must be more than 0 and at most 86400 seconds (got ${value}).`);
  return n === undefined ? undefined : Math.round(n * 1000);
}

/** --trust-proxy, --trust-proxy-hops or --trusted-proxy (one of them) as startHub's `trustProxy`. */
function proxyTrust(values: Values): HubOptions['trustProxy'] {
  const given = [values['trust-proxy'], values['trust-proxy-hops'], values['trusted-proxy']].filter((v) => v !== undefined && v !== false);
  if (given.length > 1) throw new UsageError('Give one of --trust-proxy, --trust-proxy-hops and --trusted-proxy.');
  if (values['trust-proxy']) return true;
  const hops = count(values['trust-proxy-hops'], 'trust-proxy-hops');
  if (hops !== undefined) return hops;
  const addresses = values['trusted-proxy'];
  if (addresses === undefined) return undefined;
  try {
    trustedHop(addresses);
  } catch (error) {
    if (error instanceof InvalidTrustedProxy) throw new UsageError(`--trusted-proxy: ${error.message}.`);
    throw error;
  }
  return addresses;
}

/** CORS, proxy and rate-limit flags as startHub options (only those given: the rest keep their defaults). */
function accessOptions(values: Values): Pick<HubOptions, 'corsOrigins' | 'trustProxy' | 'rateLimits'> {
  const corsOrigins = (values['cors-origin'] ?? []).map((origin) => {
    const parsed = CorsOrigin.safeParse(origin);
    if (!parsed.success) throw new UsageError(`--cors-origin ${origin}: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
    return parsed.data;
  });
  const trustProxy = proxyTrust(values);
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    ...(corsOrigins.length > 0 && { corsOrigins }),
    ...(trustProxy !== undefined && { trustProxy }),
    rateLimits: {
      ingress: defined({ max: count(values['ingress-limit'], 'ingress-limit'), windowMs: windowMs(values['ingress-window'], 'ingress-window') }),
      signIn: defined({ maxFailures: count(values['sign-in-limit'], 'sign-in-limit'), windowMs: windowMs(values['sign-in-window'], 'sign-in-window') }),
    },
  };
}

/** The identity provider flags (or their variables) as startHub's `oidc`; undefined without an issuer. */
function oidcOptions(values: Values, env: NodeJS.ProcessEnv): HubOptions['oidc'] {
  const issuer = values['oidc-issuer'] ?? env.BATON_OIDC_ISSUER;
  if (!issuer) {
    const stray = Object.keys(values).find((flag) => flag.startsWith('oidc-'));
    if (stray) throw new UsageError(`--${stray} needs --oidc-issuer.`);
    return undefined;
  }
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    throw new UsageError(`--oidc-issuer must be a URL (got "${issuer}").`);
  }
  const clientId = values['oidc-client-id'] ?? env.BATON_OIDC_CLIENT_ID;
  if (!clientId) throw new UsageError('--oidc-issuer needs --oidc-client-id (or BATON_OIDC_CLIENT_ID).');
  const secretVar = values['oidc-client-secret-env'] ?? 'BATON_OIDC_CLIENT_SECRET';
  if (values['oidc-client-secret-env'] && !env[secretVar]) throw new UsageError(`--oidc-client-secret-env ${secretVar}: that variable is not set.`);
  const provision = values['oidc-provision'] ?? 'refuse';
  if (provision !== 'refuse' && provision !== 'agent') throw new UsageError(`--oidc-provision must be refuse or agent (got "${provision}").`);
  const publicUrl = values['public-url'];
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+\/?$/.test(publicUrl)) throw new UsageError(`--public-url must be http(s)://host[:port] (got "${publicUrl}").`);
  return {
    settings: {
      issuer,
      clientId,
      clientSecret: env[secretVar] || undefined,
      name: values['oidc-name'] ?? env.BATON_OIDC_NAME ?? issuerUrl.hostname,
      scopes: values['oidc-scopes'] ?? env.BATON_OIDC_SCOPES ?? 'openid email profile offline_access',
      ...(publicUrl && { publicUrl: publicUrl.replace(/\/+$/, '') }),
    },
    people: {
      provision,
      ...(values['oidc-default-team'] && { defaultTeam: values['oidc-default-team'] }),
      matchEmail: values['oidc-match-email'] ?? false,
      groupsClaim: values['oidc-groups-claim'],
      leadGroup: values['oidc-lead-group'],
      teamPrefix: values['oidc-team-prefix'],
    },
  };
}

/**
 * The PGlite folder, or the PostgreSQL URL with the pool size and statement timeout in its query
 * (hub/store/postgres-url.ts), from the flags or else their variables.
 */
function storeOptions(values: Values, env: NodeJS.ProcessEnv = process.env) {
  const databaseUrl = values['database-url'] ?? env.DATABASE_URL;
  const poolSize = values['database-pool-size'] ?? env.DATABASE_POOL_SIZE;
  const timeout = values['database-statement-timeout'] ?? env.DATABASE_STATEMENT_TIMEOUT;
  if (!databaseUrl) {
    if (poolSize !== undefined || timeout !== undefined) {
      throw new UsageError('--database-pool-size and --database-statement-timeout (or DATABASE_POOL_SIZE, DATABASE_STATEMENT_TIMEOUT) need --database-url: the embedded store has one connection.');
    }
    return { dataDir: resolve(values['data-dir'] ?? env.BATON_DATA_DIR ?? '.data/hub') };
  }
  // One setting at a time, so a message names the flag (or variable) that is wrong.
  const add = (url: string, flag: string, variable: string, settings: PostgresSettings) => {
    try {
      return withPostgresSettings(url, settings);
    } catch (error) {
      if (error instanceof InvalidPostgresSetting) throw new UsageError(`--${flag} (or ${variable}): ${error.message}.`);
      throw error;
    }
  };
  let url = databaseUrl;
  const size = number(poolSize, 'database-pool-size');
  if (size !== undefined) url = add(url, 'database-pool-size', 'DATABASE_POOL_SIZE', { poolSize: size });
  const seconds = number(timeout, 'database-statement-timeout');
  if (seconds !== undefined) url = add(url, 'database-statement-timeout', 'DATABASE_STATEMENT_TIMEOUT', { statementTimeoutMs: Math.round(seconds * 1000) });
  return { databaseUrl: url };
}

async function serve(values: Values): Promise<void> {
  const port = number(values.port, 'port') ?? 7400;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0 to 65535 (got ${port}).`);
  const host = values.host ?? '127.0.0.1';
  if ((values.demo || values['demo-bot']) && !['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new UsageError('--demo uses published credentials, so it binds to loopback only (127.0.0.1, localhost or ::1).');
  }
  if (values['demo-bot'] && !values.demo) throw new UsageError('--demo-bot needs --demo (the bot signs in as the demo integration).');
  const access = accessOptions(values);
  const oidc = oidcOptions(values, process.env);
  if (oidc && values.demo) throw new UsageError('--demo uses published credentials; it does not go with --oidc-issuer.');
  const stopTimeoutMs = windowMs(values['stop-timeout'], 'stop-timeout') ?? DEFAULT_STOP_TIMEOUT_MS;
  const store = storeOptions(values);
  const leaseSeconds = number(values['lease-seconds'], 'lease-seconds');
  if (leaseSeconds !== undefined && !(leaseSeconds >= 1 && leaseSeconds <= 3600)) throw new UsageError(`--lease-seconds must be 1 to 3600 (got ${leaseSeconds}).`);
  const lease = leaseSeconds === undefined ? undefined : leaseFor(leaseSeconds * 1000);
  const release = store.dataDir ? acquireDataDirLock(store.dataDir) : () => undefined;
  // console.log already ignores a failed write; nothing else writing to stdout may turn EPIPE (its
  // reader gone) into an uncaught error either.
  process.stdout.on('error', () => undefined);
  const output = stderrDestination();
  const log = createLogger(undefined, output);
  const hub = values['demo-bot']
    ? await startDemoHub({ ...store, ...access, port, host, log, ...(lease && { lease }) })
    : await startHub({ ...store, ...access, port, host, demo: values.demo ?? false, log, ...(oidc && { oidc }), ...(lease && { lease }) });
  // Before the ready line: whoever reads it may signal at once.
  stopOnSignals({ close: () => hub.close(), release, log, output, stopTimeoutMs });
  console.log(`Baton hub listening on ${hub.url}`);
  if (values.demo) console.log(`Demo sign-in: ${hub.url}/#token=demo-ana (Ana), demo-ben (Ben), demo-lee (lead Lee)`);
}

/** How long a stop may take before the process exits anyway (--stop-timeout): longer than an outgoing request's own limit. */
const DEFAULT_STOP_TIMEOUT_MS = 30_000;
/** A signal this soon after the first is the same stop relayed by a wrapper (tsx relays the ones it gets), not a second request. */
const SIGNAL_ECHO_MS = 1_000;
/** How long a stopped hub waits for its last log lines to leave before it exits. */
const LOG_FLUSH_MS = 2_000;

/**
 * SIGTERM or SIGINT closes the hub (no new work, the writes under way finished), releases the data
 * folder and exits with 0. The stop is bounded: if it has not finished within `stopTimeoutMs`, or
 * the close fails, the process exits with 1; so does a second signal (one more than a second after
 * the first), at once. Nothing here waits on stdout or stderr without a bound.
 */
function stopOnSignals({ close, release, log, output, stopTimeoutMs }: {
  close: () => Promise<void>;
  release: () => void;
  log: Logger;
  output: LogDestination;
  stopTimeoutMs: number;
}): void {
  let stoppingSince: number | undefined;
  const stop = async (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < SIGNAL_ECHO_MS) return;
      log.warn({ signal }, 'second signal: exiting without finishing the stop');
      process.exit(1);
    }
    stoppingSince = Date.now();
    setTimeout(() => {
      log.error({ stopTimeoutMs }, 'the hub did not stop in time: exiting anyway');
      process.exit(1);
    }, stopTimeoutMs);
    log.info({ signal }, 'shutting down');
    try {
      await close();
    } catch (error) {
      log.error({ err: error }, 'the hub did not stop cleanly');
      await output.flushed(LOG_FLUSH_MS);
      process.exit(1);
    }
    release();
    await output.flushed(LOG_FLUSH_MS);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** `--expires-in`: seconds, or a number followed by s, m, h or d. */
function duration(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(value.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--${flag} must be a duration such as 3600, 90m, 12h or 30d (got "${value}").`);
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
}

const expiryText = (expiresAt: Date | null) => (expiresAt ? `expires ${expiresAt.toISOString()}` : 'does not expire');

type AdminTask = (db: Db) => Promise<void>;

/**
 * Checks every flag of an admin command before the store is opened, so a typo costs nothing and
 * never creates an empty database; returns the work to do once it is open.
 */
function planAdmin(command: string, values: Values): AdminTask {
  const required = (flag: 'name' | 'team' | 'callback-url') => {
    const value = values[flag];
    if (!value) throw new UsageError(`${command} needs --${flag}.`);
    return value;
  };
  switch (command) {
    case 'agent create': {
      const input = validateAdminInput(AgentInput, {
        name: required('name'),
        team: required('team'),
        ...(values.role !== undefined && { role: values.role }),
        skills: values.skills ? values.skills.split(',').map((s) => s.trim()).filter(Boolean) : [],
        ...(values.capacity !== undefined && { capacity: number(values.capacity, 'capacity') }),
        ...(values.id && { id: values.id }),
        ...(values.email !== undefined && { email: values.email }),
        ...(values['expires-in'] !== undefined && { expiresInSeconds: duration(values['expires-in'], 'expires-in') }),
      }, 'create the agent');
      return async (db) => {
        const agent = await createAgent(db, input);
        console.log(`Created ${input.role} ${input.name} (${agent.id}) in team ${input.team}.`);
        console.log(`Token (shown once): ${agent.token}`);
        console.log(`The token ${expiryText(agent.expiresAt)}.`);
      };
    }
    case 'agent token':
    case 'agent revoke': {
      if (!values.name && !values.id) throw new UsageError(`${command} needs --name or --id.`);
      const who = { id: values.id, name: values.name };
      if (command === 'agent revoke') {
        return async (db) => {
          const person = await findPerson(db, who);
          const { sessionsEnded } = await db.transaction((q) => revokeAgent(q, person.id));
          console.log(`Revoked ${person.name} (${person.id}): their CLI token and ${sessionsEnded} open session(s) no longer work.`);
          console.log('A running hub disconnects their apps within 15 s. `agent token` gives them access again.');
        };
      }
      const seconds = duration(values['expires-in'], 'expires-in');
      return async (db) => {
        const person = await findPerson(db, who);
        const { token, expiresAt } = await issueToken(db, person.id, seconds);
        console.log(`New token for ${person.name} (${person.id}); the old one no longer works.`);
        console.log(`Token (shown once): ${token}`);
        console.log(`The token ${expiryText(expiresAt)}.`);
      };
    }
    case 'integration create': {
      const input = validateAdminInput(IntegrationInput, {
        name: required('name'),
        ...(values.team && { team: values.team }),
        ...(values['callback-url'] && { callbackUrl: values['callback-url'] }),
      }, 'create the integration');
      return async (db) => {
        const integration = await createIntegration(db, input);
        console.log(`Created integration ${integration.name} (${integration.id}).`);
        console.log(`Key (shown once): ${integration.key}`);
        console.log(`Signing secret (shown once): ${integration.signingSecret}`);
      };
    }
    case 'integration callback': {
      const name = required('name');
      const { callbackUrl } = validateAdminInput(IntegrationInput.pick({ callbackUrl: true }), { callbackUrl: required('callback-url') }, 'set the callback URL');
      return async (db) => {
        await setCallbackUrl(db, name, callbackUrl ?? null);
        console.log(`Webhooks for ${name} now go to ${callbackUrl}.`);
      };
    }
    case 'integration platform': {
      const input = validatePlatformInput({
        name: required('name'),
        kind: values.kind,
        ...(values['api-url'] !== undefined && { apiUrl: values['api-url'] }),
        ...(values['key-id'] !== undefined && { keyId: values['key-id'] }),
        ...(values['key-secret-env'] !== undefined && { keySecretEnv: values['key-secret-env'] }),
        ...(values['token-env'] !== undefined && { tokenEnv: values['token-env'] }),
        ...(values['webhook-secret-env'] !== undefined && { webhookSecretEnv: values['webhook-secret-env'] }),
        ...(values['human-switchboard-name'] !== undefined && { humanSwitchboardName: values['human-switchboard-name'] }),
        ...(values['bot-switchboard-name'] !== undefined && { botSwitchboardName: values['bot-switchboard-name'] }),
        ...(values['account-id'] !== undefined && { accountId: values['account-id'] }),
        ...(values['fulfillment-text'] !== undefined && { fulfillmentText: values['fulfillment-text'] }),
        ...(values.reasons !== undefined && { reasons: values.reasons }),
        ...(values['handoff-action'] !== undefined && { handoffAction: values['handoff-action'] }),
        ...(values['resume-intent'] !== undefined && { resumeIntent: values['resume-intent'] }),
      });
      return async (db) => {
        const platform = await setPlatform(db, input);
        console.log(`Integration ${platform.name} now takes handoffs from ${platform.kind}.`);
        console.log(`Point the platform's webhook at: POST <hub URL>/v1/ingress/${platform.kind}/${platform.name}`);
      };
    }
    case 'integration platforms':
      return async (db) => console.log(JSON.stringify(await listPlatforms(db), null, 2));
    case 'agent link': {
      const name = required('name');
      const userId = values['chatwoot-user-id'];
      if (!userId || !/^[0-9]{1,18}$/.test(userId)) throw new UsageError('agent link needs --chatwoot-user-id <the agent\'s Chatwoot user id, digits>.');
      return async (db) => {
        const agent = await linkAgent(db, name, userId);
        console.log(`${agent.name} is Chatwoot user ${userId}: accepting a Chatwoot handoff in Baton assigns it to them there.`);
      };
    }
    case 'integration teams': {
      if (values.teams === undefined) throw new UsageError('integration teams needs --teams (a comma-separated list; "" for none).');
      const input = validateAdminInput(IntegrationTeamsInput, {
        name: required('name'),
        teams: values.teams.split(',').map((t) => t.trim()).filter(Boolean),
      }, 'set the teams');
      return async (db) => {
        const { ownTeam, teams } = await setIntegrationTeams(db, input);
        console.log(`${input.name} serves team ${ownTeam} (its own)${teams.length > 0 ? ` and ${teams.join(', ')}` : ' only'}.`);
      };
    }
    case 'team set': {
      const input = validateAdminInput(TeamInput, {
        name: required('name'),
        ...(values.routing !== undefined && { routing: values.routing }),
        ...(values['offer-timeout'] !== undefined && { offerTimeoutSeconds: number(values['offer-timeout'], 'offer-timeout') }),
      }, 'set the team');
      return async (db) => {
        const team = await upsertTeam(db, input);
        console.log(`Team ${team.name}: ${team.routing} routing, offers expire after ${team.offer_timeout_ms / 1000} s.`);
      };
    }
    case 'connector set': {
      // Secrets are checked here and stored; they are never printed.
      const input = validateConnectorInput({
        team: values.team,
        kind: values.kind,
        ...(values['base-url'] !== undefined && { baseUrl: values['base-url'] }),
        ...(values.repo !== undefined && { repo: values.repo }),
        ...(values.project !== undefined && { project: values.project }),
        ...(values.email !== undefined && { email: values.email }),
        ...(values['bug-issue-type'] !== undefined && { bugIssueType: values['bug-issue-type'] }),
        ...(values['feature-issue-type'] !== undefined && { featureIssueType: values['feature-issue-type'] }),
        ...(values['linear-team'] !== undefined && { linearTeam: values['linear-team'] }),
        ...(values.url !== undefined && { url: values.url }),
        ...(values.token !== undefined && { token: values.token }),
        ...(values['token-env'] !== undefined && { tokenEnv: values['token-env'] }),
        ...(values['events-secret'] !== undefined && { eventsSecret: values['events-secret'] }),
        ...(values['events-secret-env'] !== undefined && { eventsSecretEnv: values['events-secret-env'] }),
      });
      return async (db) => {
        const connector = await setConnector(db, input);
        console.log(`Team ${connector.team}: product items now go to ${connector.kind} (connector ${connector.id}).`);
        console.log(`Status events from the tool: POST <hub URL>/v1/connectors/${connector.id}/events`);
      };
    }
    case 'connector remove': {
      const team = required('team');
      const kind = ConnectorKind.safeParse(values.kind);
      if (!kind.success) throw new UsageError('connector remove needs --kind github|jira|linear|webhook.');
      return async (db) => {
        const removed = await removeConnector(db, team, kind.data);
        console.log(removed ? `Removed the ${kind.data} connector of team ${team}.` : `Team ${team} has no ${kind.data} connector.`);
      };
    }
    case 'connector list':
      return async (db) => console.log(JSON.stringify(await listConnectors(db), null, 2));
    case 'identity list':
      return async (db) => console.log(JSON.stringify(await listLinks(db), null, 2));
    case 'identity link':
    case 'identity unlink': {
      const subject = values.subject;
      if (!subject) throw new UsageError(`${command} needs --subject (the identity's \`sub\` claim).`);
      const issuer = values.issuer ?? values['oidc-issuer'] ?? process.env.BATON_OIDC_ISSUER;
      if (!issuer) throw new UsageError(`${command} needs --issuer (or BATON_OIDC_ISSUER).`);
      if (command === 'identity unlink') {
        return async (db) => console.log((await unlink(db, issuer, subject)) ? `Unlinked ${subject} at ${issuer}.` : `${subject} at ${issuer} was not linked.`);
      }
      if (!values.name && !values.id) throw new UsageError('identity link needs --name or --id.');
      return async (db) => {
        const person = await findPerson(db, { id: values.id, name: values.name });
        await link(db, issuer, subject, person.id);
        console.log(`${subject} at ${issuer} now signs in as ${person.name} (${person.id}).`);
      };
    }
    case 'list':
      return async (db) => console.log(JSON.stringify(await listAccounts(db), null, 2));
    case 'hubs':
      return async (db) => console.log(JSON.stringify(await listHubs(db), null, 2));
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

async function admin(command: string, values: Values): Promise<void> {
  const task = planAdmin(command, values);
  const store = storeOptions(values);
  const release = store.dataDir ? acquireDataDirLock(store.dataDir) : () => undefined;
  try {
    const db = await openStore(store);
    try {
      await task(db);
    } finally {
      await db.close();
    }
  } finally {
    release();
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const command = positionals.join(' ');
  if (command === '' || command === 'serve') return serve(values);
  return admin(command, values);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof AdminInputError || error instanceof DataDirLocked) {
    console.error(`baton hub: ${error.message}`);
    if (error instanceof UsageError) console.error(`\n${USAGE}`);
  } else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`baton hub: ${(error as Error).message}\n\n${USAGE}`);
  } else {
    console.error(error);
  }
  process.exit(2);
});

