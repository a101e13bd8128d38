// The hub's command line, run as people run it: `tsx hub/cli.ts …` in a child process.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashSecret } from '../../hub/auth/secrets.ts';
import { POOL_APPLICATION_NAME } from '../../hub/store/db.ts';
import { connectTestHub, type TestHubClient } from '../support/hub-client.ts';
import { hubCliRunner, type HubCli } from '../support/hub-cli.ts';
import { DEMO_KEY, DEMO_SECRET } from '../support/hub.ts';
import { browseSignIn, startProvider } from '../support/oidc-provider.ts';
import { freePort } from '../support/free-port.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';

const READY_LINE = /^Baton hub listening on (http:\/\/127\.0\.0\.1:(\d+))$/m;

const { cli, run, stopAll } = hubCliRunner();
const clients: TestHubClient[] = [];
const tempRoots: string[] = [];

/** Starts `serve` and waits for its ready line on stdout; fails early if the process exits first. */
async function serve(args: string[], timeoutMs = 30_000): Promise<{ cli: HubCli; url: string }> {
  const handle = cli(['serve', '--port', '0', ...args]);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms; stderr:\n${handle.stderr()}`)), timeoutMs);
    const check = () => {
      const match = READY_LINE.exec(handle.stdout());
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]!);
    };
    handle.child.stdout!.on('data', check);
    void handle.exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before it was ready; stderr:\n${handle.stderr()}`));
    });
  });
  return { cli: handle, url };
}

/** SIGTERM, as a service manager stops the hub; resolves with how it exited. */
async function terminate(handle: HubCli) {
  handle.child.kill('SIGTERM');
  return handle.exited;
}

async function tempDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'baton-cli-'));
  tempRoots.push(root);
  return root;
}

/** A data folder with the migrated demo database (skips the slow first-time creation). */
async function templateCopy(): Promise<string> {
  const dir = join(await tempDir(), 'data');
  await cp(inject('templateDataDir'), dir, { recursive: true });
  return dir;
}

async function signIn(url: string, token: string) {
  const client = connectTestHub({ url, token });
  clients.push(client);
  return { client, ...(await client.ready()) };
}

async function postHandoff(url: string, key: string, summary: string) {
  const response = await fetch(`${url}/v1/handoffs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...VALID_BASE_PACKET, summary }),
  });
  return { status: response.status, body: (await response.json()) };
}

/** Kills every child (and what it started) and removes the temp folders; also after a failed test. */
async function cleanUp(): Promise<void> {
  for (const client of clients.splice(0)) client.close();
  await stopAll();
  await Promise.all(tempRoots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
}

describe('baton hub serve', () => {
  afterEach(cleanUp);

  it('serve --demo on a new data folder prints its URL, serves the demo credentials, stops on SIGTERM with 0, and keeps the data for the next start', async () => {
    const dataDir = join(await tempDir(), 'data');
    const first = await serve(['--data-dir', dataDir, '--demo'], 45_000);

    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const { client: ana, session } = await signIn(first.url, 'demo-ana');
    expect(session.agent).toMatchObject({ id: 'demo-ana', name: 'Ana', role: 'agent', team: 'support' });
    const offered = ana.waitFor('handoff:offered');
    const created = await postHandoff(first.url, DEMO_KEY, 'Customer charged twice; handed over from the CLI test.');
    expect(created.status).toBe(201);
    expect((await offered).handoff.id).toBe(created.body.handoff.id);

    expect(await terminate(first.cli)).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'baton-hub.pid'))).toBe(false); // the lock is released
    // The hub's lease is still listed (cut to the reconnect grace), with the address it served.
    const hubs = await run(['hubs', '--data-dir', dataDir]);
    expect(hubs.code).toBe(0);
    expect(JSON.parse(hubs.stdout)).toEqual([expect.objectContaining({ url: first.url, pid: expect.any(Number), agents: 1 })]);

    // Started again without --demo: the accounts and the handoff are read from the folder.
    const second = await serve(['--data-dir', dataDir]);
    const response = await fetch(`${second.url}/v1/handoffs/${created.body.handoff.id}`, { headers: { authorization: `Bearer ${DEMO_KEY}` } });
    expect(response.status).toBe(200);
    const { handoff } = (await response.json());
    expect(handoff.packet).toStrictEqual(created.body.handoff.packet);
    expect(handoff.events.map((e: { type: string }) => e.type).slice(0, 2)).toEqual(['created', 'offered']);
    expect(await terminate(second.cli)).toEqual({ code: 0, signal: null });
  }, 90_000);

  it('serve --oidc-*: discovers the provider, offers it by name, and signs people in with the secret from the environment', async () => {
    const port = await freePort();
    const provider = await startProvider([`http://127.0.0.1:${port}/v1/sign-in/callback`]);
    provider.accounts.set('idp|ana', { email: 'ana@example.com', email_verified: true });
    process.env.BATON_TEST_OIDC_SECRET = provider.clientSecret;
    try {
      const dataDir = await templateCopy();
      const linked = await run(['identity', 'link', '--id', 'demo-ana', '--subject', 'idp|ana', '--issuer', provider.issuer, '--data-dir', dataDir]);
      expect(linked.code).toBe(0);
      const { url, cli: hub } = await serve([
        '--port', String(port), '--data-dir', dataDir, '--oidc-issuer', provider.issuer, '--oidc-client-id', provider.clientId,
        '--oidc-client-secret-env', 'BATON_TEST_OIDC_SECRET', '--oidc-name', 'Test IdP', '--oidc-scopes', 'openid email',
      ]);
      expect(await (await fetch(`${url}/v1/sign-in/options`)).json()).toEqual({ provider: { name: 'Test IdP' } });
      const query = new URLSearchParams({ redirect_uri: `${url}/`, state: 's'.repeat(20), code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' });
      const callback = await browseSignIn(`${url}/v1/sign-in/start?${query}`, 'idp|ana', `${url}/v1/sign-in/callback`);
      const back = new URL((await fetch(callback, { redirect: 'manual' })).headers.get('location')!);
      // The code came back: the hub's token request with its client secret was accepted.
      expect(back.searchParams.get('error_description')).toBeNull();
      expect(back.searchParams.get('code')).toMatch(/^grant_/);
      expect(await terminate(hub)).toEqual({ code: 0, signal: null });
    } finally {
      delete process.env.BATON_TEST_OIDC_SECRET;
      await provider.stop();
    }
  }, 60_000);

  it('refuses --demo on a non-loopback address, and an unknown flag, with exit code 2', async () => {
    const dataDir = join(await tempDir(), 'data');
    const [demoOnAll, unknown] = await Promise.all([
      run(['serve', '--demo', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir]),
      run(['serve', '--demo', '--prot', '7400', '--data-dir', dataDir]),
    ]);
    expect(demoOnAll.code).toBe(2);
    expect(demoOnAll.stderr).toMatch(/--demo .*loopback only/);
    expect(demoOnAll.stdout).not.toMatch(READY_LINE);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--prot'");
    expect(unknown.stderr).toContain('Usage:');
    expect(existsSync(dataDir)).toBe(false); // refused before touching the data folder
  });
});

describe('baton hub serve on PostgreSQL: pool size and statement timeout', () => {
  afterEach(cleanUp);

  it('refuses a pool size or statement timeout out of range, or without --database-url, naming the flag or variable', async () => {
    const url = 'postgres://baton@127.0.0.1:1/baton'; // refused before any connection is tried
    const dataDir = join(await tempDir(), 'data');
    const [zero, fraction, noUrl, badEnv] = await Promise.all([
      run(['serve', '--database-url', url, '--database-pool-size', '0']),
      run(['serve', '--database-url', url, '--database-pool-size', '2.5']),
      run(['serve', '--data-dir', dataDir, '--database-pool-size', '5'], { DATABASE_URL: '' }),
      run(['serve', '--database-url', url], { DATABASE_STATEMENT_TIMEOUT: '30s' }),
    ]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--database-pool-size (or DATABASE_POOL_SIZE): the pool size must be a whole number from 1 to 1000 (got 0).');
    expect(fraction.code).toBe(2);
    expect(fraction.stderr).toContain('the pool size must be a whole number from 1 to 1000 (got 2.5)');
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('need --database-url: the embedded store has one connection.');
    expect(existsSync(dataDir)).toBe(false);
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('--database-statement-timeout must be a number (got "30s").');
  });

  it.runIf(process.env.TEST_DATABASE_URL)('--database-pool-size: the hub keeps at most that many connections, however many requests wait', async () => {
    const server = process.env.TEST_DATABASE_URL!;
    const name = `baton_cli_${randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Client(server);
    await admin.connect();
    try {
      await admin.query(`create database ${name}`);
      const url = new URL(server);
      url.pathname = `/${name}`;
      const { cli: hub, url: hubUrl } = await serve(['--database-url', url.href, '--demo', '--database-pool-size', '2', '--database-statement-timeout', '5'], 60_000);
      const replies = await Promise.all(
        Array.from({ length: 12 }, () => fetch(`${hubUrl}/v1/handoffs/${randomUUID()}`, { headers: { authorization: `Bearer ${DEMO_KEY}` } })),
      );
      expect(replies.map((reply) => reply.status)).toEqual(Array(12).fill(404));
      const { rows } = await admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = $2', [name, POOL_APPLICATION_NAME]);
      expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
      expect(rows[0]!.n).toBeLessThanOrEqual(2);
      expect(await terminate(hub)).toEqual({ code: 0, signal: null });
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 90_000);
});

// One hub for both tests: starting one costs seconds.
describe('a running serve --demo --demo-bot', () => {
  let dataDir: string;
  let url: string;
  beforeAll(async () => {
    dataDir = await templateCopy();
    ({ url } = await serve(['--data-dir', dataDir, '--demo', '--demo-bot']));
  });
  afterAll(cleanUp);

  it('sends a signed-in agent an offer from the demo bot within 15 s', async () => {
    const ana = connectTestHub({ url, token: 'demo-ana' });
    clients.push(ana);
    // Listening from the start: the offer may follow the sign-in at once.
    const offered = ana.waitFor('handoff:offered', undefined, 15_000);
    expect((await ana.ready()).session.agent.id).toBe('demo-ana');
    const offer = await offered;
    expect(offer.handoff).toMatchObject({ status: 'offered', team: 'support', offer: { agentIds: ['demo-ana'] } });
    expect(offer.handoff.packet.summary.length).toBeGreaterThan(0);
  }, 30_000);

  it('holds its data folder: a second serve on it is refused with exit code 2', async () => {
    const second = await run(['serve', '--port', '0', '--data-dir', dataDir]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/data folder .* is in use by process \d+/);
    expect(second.stdout).not.toMatch(READY_LINE);
    expect((await fetch(`${url}/healthz`)).status).toBe(200); // the first hub is untouched
  });
});

describe('baton hub admin commands', () => {
  afterEach(cleanUp);

  it('create an agent, an integration and team settings that a started hub then honours; list shows them without secrets', async () => {
    const dataDir = await templateCopy();
    const zoe = await run(['agent', 'create', '--name', 'Zoe', '--team', 'sales', '--role', 'lead', '--skills', 'billing,technical', '--capacity', '2', '--data-dir', dataDir]);
    expect(zoe).toMatchObject({ code: 0, stderr: '' });
    const token = /^Token \(shown once\): (\S+)$/m.exec(zoe.stdout)?.[1];
    expect(token).toBeDefined();

    const acme = await run(['integration', 'create', '--name', 'acme', '--callback-url', 'https://example.com/hook', '--data-dir', dataDir]);
    expect(acme).toMatchObject({ code: 0, stderr: '' });
    const key = /^Key \(shown once\): (\S+)$/m.exec(acme.stdout)?.[1];
    const secret = /^Signing secret \(shown once\): (\S+)$/m.exec(acme.stdout)?.[1];
    expect(key).toBeDefined();
    expect(secret).toBeDefined();

    const team = await run(['team', 'set', '--name', 'sales', '--routing', 'broadcast', '--offer-timeout', '30', '--data-dir', dataDir]);
    expect(team).toMatchObject({ code: 0, stderr: '' });
    expect(team.stdout).toContain('Team sales: broadcast routing, offers expire after 30 s.');

    const list = await run(['list', '--data-dir', dataDir]);
    expect(list.code).toBe(0);
    const accounts = JSON.parse(list.stdout);
    expect(accounts.teams).toContainEqual({ name: 'sales', routing: 'broadcast', offer_timeout_ms: 30_000 });
    expect(accounts.agents).toContainEqual(expect.objectContaining({ name: 'Zoe', role: 'lead', team: 'sales', skills: ['billing', 'technical'], capacity: 2 }));
    expect(accounts.integrations).toContainEqual(expect.objectContaining({ name: 'acme', callback_url: 'https://example.com/hook' }));
    for (const credential of [token!, key!, secret!, DEMO_KEY, DEMO_SECRET]) expect(list.stdout).not.toContain(credential);
    // The demo tokens are also the demo agents' ids, so only their hashes must stay out.
    for (const credential of [token!, key!, DEMO_KEY, 'demo-ana', 'demo-ben', 'demo-lee']) expect(list.stdout).not.toContain(hashSecret(credential));
    expect(list.stdout).not.toMatch(/hash|secret|token/i);

    // The hub started afterwards lets Zoe sign in and takes handoffs with acme's key.
    const { url, cli: hub } = await serve(['--data-dir', dataDir]);
    const { session } = await signIn(url, token!);
    expect(session.agent).toMatchObject({ name: 'Zoe', role: 'lead', team: 'sales', skills: ['billing', 'technical'], capacity: 2 });
    const created = await postHandoff(url, key!, 'Handed over by the acme integration.');
    expect(created.status).toBe(201);
    expect(created.body.handoff).toMatchObject({ status: 'queued', team: 'support' });
    expect((await postHandoff(url, 'key_not-a-real-key', 'Refused.')).status).toBe(401);
    expect(await terminate(hub)).toEqual({ code: 0, signal: null });
  }, 60_000);

  it("agent revoke takes a person's access back, agent token gives it back with an expiry", async () => {
    const dataDir = await templateCopy();
    const created = await run(['agent', 'create', '--name', 'Kai', '--team', 'support', '--expires-in', '30d', '--data-dir', dataDir]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const expires = /^The token expires (\S+)\.$/m.exec(created.stdout)?.[1];
    expect(Date.parse(expires!) - Date.now()).toBeGreaterThan(29.9 * 86400_000);
    const first = /^Token \(shown once\): (\S+)$/m.exec(created.stdout)![1]!;

    const revoked = await run(['agent', 'revoke', '--name', 'Kai', '--data-dir', dataDir]);
    expect(revoked).toMatchObject({ code: 0, stderr: '' });
    expect(revoked.stdout).toMatch(/^Revoked Kai \(.+\): their CLI token and 0 open session\(s\) no longer work\.$/m);
    expect(JSON.parse((await run(['list', '--data-dir', dataDir])).stdout).agents).toContainEqual(expect.objectContaining({ name: 'Kai', revoked_at: expect.any(String) }));

    const issued = await run(['agent', 'token', '--name', 'Kai', '--expires-in', '2h', '--data-dir', dataDir]);
    expect(issued).toMatchObject({ code: 0, stderr: '' });
    const second = /^Token \(shown once\): (\S+)$/m.exec(issued.stdout)![1]!;

    const { url, cli: hub } = await serve(['--data-dir', dataDir]);
    await expect(signIn(url, first)).rejects.toThrow(/unauthorized/);
    expect((await signIn(url, second)).session.agent.name).toBe('Kai');
    expect(await terminate(hub)).toEqual({ code: 0, signal: null });

    const nobody = await run(['agent', 'revoke', '--name', 'Nobody', '--data-dir', dataDir]);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/No person is named "Nobody"/);
    const badDuration = await run(['agent', 'token', '--name', 'Kai', '--expires-in', 'soon', '--data-dir', dataDir]);
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toMatch(/--expires-in must be a duration/);
  }, 60_000);

  it('identity link, list and unlink: which identity at the provider is which person', async () => {
    const dataDir = await templateCopy();
    const issuer = 'https://login.example.com/';
    const linked = await run(['identity', 'link', '--id', 'demo-ana', '--subject', '00u1ana', '--issuer', issuer, '--data-dir', dataDir]);
    expect(linked).toMatchObject({ code: 0, stderr: '' });
    expect(linked.stdout).toContain('00u1ana at https://login.example.com/ now signs in as Ana (demo-ana).');
    const list = JSON.parse((await run(['identity', 'list', '--data-dir', dataDir])).stdout);
    expect(list).toEqual([expect.objectContaining({ issuer: 'https://login.example.com', subject: '00u1ana', agent_id: 'demo-ana', name: 'Ana' })]);
    const unlinked = await run(['identity', 'unlink', '--subject', '00u1ana', '--issuer', 'https://login.example.com', '--data-dir', dataDir]);
    expect(unlinked.stdout).toContain('Unlinked 00u1ana');
    expect(JSON.parse((await run(['identity', 'list', '--data-dir', dataDir])).stdout)).toEqual([]);

    const noIssuer = await run(['identity', 'link', '--id', 'demo-ana', '--subject', 'x', '--data-dir', dataDir]);
    expect(noIssuer.code).toBe(2);
    expect(noIssuer.stderr).toMatch(/needs --issuer/);
    const badProvision = await run(['serve', '--port', '0', '--oidc-issuer', 'https://login.example.com', '--oidc-client-id', 'baton', '--oidc-provision', 'everyone', '--data-dir', dataDir]);
    expect(badProvision.code).toBe(2);
    expect(badProvision.stderr).toMatch(/--oidc-provision must be refuse or agent/);
  }, 60_000);

  it('integration teams sets the teams an integration serves besides its own; list shows them', async () => {
    const dataDir = await templateCopy();
    expect((await run(['team', 'set', '--name', 'billing', '--data-dir', dataDir])).code).toBe(0);
    const set = await run(['integration', 'teams', '--name', 'demo-bot', '--teams', 'billing, support', '--data-dir', dataDir]);
    expect(set).toMatchObject({ code: 0, stdout: 'demo-bot serves team support (its own) and billing.\n' });
    const listed = JSON.parse((await run(['list', '--data-dir', dataDir])).stdout) as { integrations: Array<{ name: string; teams: string[] }> };
    expect(listed.integrations.find((i) => i.name === 'demo-bot')?.teams).toEqual(['billing']);
    expect((await run(['integration', 'teams', '--name', 'demo-bot', '--teams', '', '--data-dir', dataDir])).stdout).toBe('demo-bot serves team support (its own) only.\n');
    const unknown = await run(['integration', 'teams', '--name', 'no-such-bot', '--teams', 'billing', '--data-dir', dataDir]);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('there is no integration no-such-bot') });
  }, 60_000);

  it('refuses bad input with exit code 2 and a message naming the flag', async () => {
    const cases: Array<{ args: string[]; flag: string }> = [
      { args: ['agent', 'create', '--name', 'Zoe', '--team', 'sales', '--role', 'boss'], flag: '--role' },
      { args: ['agent', 'create', '--name', 'Zoe', '--team', 'sales', '--capacity', 'lots'], flag: '--capacity' },
      { args: ['integration', 'create', '--name', 'acme', '--callback-url', 'ftp://x'], flag: '--callback-url' },
      { args: ['integration', 'create', '--name', 'acme', '--callback-url', 'https://bot:hunter22@example.com/hook'], flag: '--callback-url' },
      { args: ['integration', 'teams', '--name', 'demo-bot', '--teams', 'no-such-team'], flag: '--teams' },
      { args: ['integration', 'teams', '--name', 'demo-bot', '--teams', 'Not A Team'], flag: '--teams.0' },
      { args: ['integration', 'teams', '--name', 'demo-bot'], flag: '--teams' },
      { args: ['serve', '--trusted-proxy', 'proxy.example.com'], flag: '--trusted-proxy' },
      { args: ['serve', '--trust-proxy', '--trust-proxy-hops', '2'], flag: '--trust-proxy-hops' },
      { args: ['serve', '--trust-proxy-hops=-1'], flag: '--trust-proxy-hops' },
      { args: ['serve', '--lease-seconds', '0.5'], flag: '--lease-seconds' },
      { args: ['serve', '--lease-seconds', 'long'], flag: '--lease-seconds' },
    ];
    // Each on its own data folder, so they can run side by side.
    const results = await Promise.all(cases.map(async ({ args }) => run([...args, '--data-dir', await templateCopy()])));
    for (const [i, result] of results.entries()) {
      expect(result.code, cases[i]!.args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^baton hub: .*${cases[i]!.flag}\\b`, 'm'));
      expect(result.stdout).not.toMatch(/Created|shown once/);
    }
  });
});
