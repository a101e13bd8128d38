// Signing in through a real OpenID provider, run in this process (`oidc-provider` on a loopback
// port), as the console and the desktop app do it: the app's own state and PKCE, the hub's flow
// with the provider (state, nonce, PKCE), a one-time code back to the app, a session.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, revokeAgent } from '../../hub/admin/accounts.ts';
import type { HubOptions } from '../../hub/hub.ts';
import { listLinks, link } from '../../hub/oidc/links.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { browseSignIn, startProvider, type TestProvider } from '../support/oidc-provider.ts';
import { freePort } from '../support/free-port.ts';
import { rawApp, type RawApp } from '../support/sockets.ts';

const APP_REDIRECT = 'http://127.0.0.1:45999/callback';

function appPkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url'), state: randomBytes(16).toString('base64url') };
}

interface Hub {
  t: TestHub;
  provider: TestProvider;
}

async function hubWithProvider(people: NonNullable<HubOptions['oidc']>['people'] = {}, more: Partial<HubOptions> = {}): Promise<Hub> {
  const port = await freePort();
  const provider = await startProvider([`http://127.0.0.1:${port}/v1/sign-in/callback`]);
  const t = await startTestHub({
    port,
    accessCheckMs: 60 * 60_000,
    rateLimits: { signIn: { maxFailures: 0 } },
    oidc: { settings: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, name: 'Test IdP', scopes: 'openid email profile groups' }, people },
    ...more,
  });
  return { t, provider };
}

describe('OpenID Connect sign-in', () => {
  let h: Hub;
  const apps: RawApp[] = [];
  beforeAll(async () => {
    h = await hubWithProvider({ matchEmail: true, groupsClaim: 'groups', leadGroup: 'baton-leads', teamPrefix: 'baton-team-' });
    h.provider.accounts.set('okta|ana', { email: 'ana@example.com', email_verified: true, name: 'Ana' });
    h.provider.accounts.set('okta|lee', { email: 'lee@example.com', email_verified: true, name: 'Lee', groups: ['baton-leads', 'baton-team-support'] });
    h.provider.accounts.set('okta|sam', { email: 'sam@example.com', email_verified: false, name: 'Sam' });
    h.provider.accounts.set('okta|stranger', { email: 'stranger@example.com', email_verified: true });
  });
  afterEach(() => apps.splice(0).forEach((a) => a.socket.close()));
  afterAll(async () => {
    await h.t.stop();
    await h.provider.stop();
  });

  /** Opens the hub's start URL and goes through the provider's pages; returns the hub callback URL the provider sent the browser to. */
  async function toCallback(login: string, pkce = appPkce()) {
    const start = `${h.t.url}/v1/sign-in/start?${new URLSearchParams({ redirect_uri: APP_REDIRECT, state: pkce.state, code_challenge: pkce.challenge, code_challenge_method: 'S256' })}`;
    return { callback: await browseSignIn(start, login, `${h.t.url}/v1/sign-in/callback`), pkce };
  }
  async function callback(url: string) {
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    return { status: response.status, back: location ? new URL(location) : undefined, text: location ? '' : await response.text() };
  }
  async function signIn(login: string) {
    const { callback: url, pkce } = await toCallback(login);
    const { back } = await callback(url);
    expect(back?.origin + back!.pathname).toBe(APP_REDIRECT);
    expect(back!.searchParams.get('state')).toBe(pkce.state);
    const code = back!.searchParams.get('code');
    expect(code, back!.searchParams.get('error_description') ?? '').toBeTruthy();
    const tokens = await h.t.request('POST', '/v1/session/token', { key: null, body: { code, codeVerifier: pkce.verifier } });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    return tokens.body as { accessToken: string; refreshToken: string; agent: { id: string; name: string; role: string; team: string } };
  }
  const app = (token: string) => {
    const a = rawApp(h.t.url, token);
    apps.push(a);
    return a;
  };

  it('tells apps the provider to offer', async () => {
    expect((await h.t.request('GET', '/v1/sign-in/options', { key: null })).body).toEqual({ provider: { name: 'Test IdP' } });
  });

  it('signs in an agent matched by verified email on the first sign-in, and by sub afterwards', async () => {
    const ana = await createAgent(h.t.hub.db, { name: 'Ana Ruiz', team: 'support', email: 'ana@example.com' });
    const first = await signIn('okta|ana');
    expect(first.agent).toMatchObject({ id: ana.id, name: 'Ana Ruiz', role: 'agent', team: 'support' });
    const a = app(first.accessToken);
    await a.signedIn;
    // The email changes at the provider: the link by sub holds.
    h.provider.accounts.set('okta|ana', { email: 'ana.ruiz@example.com', email_verified: true });
    expect((await signIn('okta|ana')).agent.id).toBe(ana.id);
    expect(await listLinks(h.t.hub.db)).toContainEqual(expect.objectContaining({ issuer: h.provider.issuer, subject: 'okta|ana', agent_id: ana.id, email: 'ana.ruiz@example.com' }));
  });

  it('signs in a lead whose role and team come from the groups claim', async () => {
    const lee = await createAgent(h.t.hub.db, { name: 'Lee Park', team: 'sales', role: 'agent' });
    await link(h.t.hub.db, h.provider.issuer, 'okta|lee', lee.id);
    const tokens = await signIn('okta|lee');
    expect(tokens.agent).toMatchObject({ id: lee.id, role: 'lead', team: 'support' });
    const metrics = await h.t.request('GET', '/v1/teams/support/metrics?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z', { key: tokens.accessToken });
    expect(metrics.status).toBe(200);
  });

  it('refuses an unknown person when provisioning is off, and an unverified email does not match', async () => {
    await createAgent(h.t.hub.db, { name: 'Sam', team: 'support', email: 'sam@example.com' });
    for (const login of ['okta|stranger', 'okta|sam']) {
      const { callback: url, pkce } = await toCallback(login);
      const { back } = await callback(url);
      expect(back!.searchParams.get('state')).toBe(pkce.state);
      expect(back!.searchParams.get('code')).toBeNull();
      expect(back!.searchParams.get('error')).toBe('access_denied');
      expect(back!.searchParams.get('error_description')).toMatch(/is not a Baton user on this hub/);
    }
  });

  it('refuses a wrong state and a replayed code', async () => {
    const { callback: url } = await toCallback('okta|ana');
    const forged = new URL(url);
    forged.searchParams.set('state', 'not-the-state-the-hub-sent');
    const wrongState = await callback(forged.href);
    expect(wrongState.status).toBe(400);
    expect(wrongState.text).toMatch(/unknown, was already used/);

    const { callback: good } = await toCallback('okta|ana');
    expect((await callback(good)).back!.searchParams.get('code')).toBeTruthy();
    const replayed = await callback(good);
    expect(replayed.status).toBe(400);
    expect(replayed.text).toMatch(/unknown, was already used/);
  });

  it('refuses an ID token whose nonce is not the one the hub sent', async () => {
    const pkce = appPkce();
    const start = `${h.t.url}/v1/sign-in/start?${new URLSearchParams({ redirect_uri: APP_REDIRECT, state: pkce.state, code_challenge: pkce.challenge, code_challenge_method: 'S256' })}`;
    const toProvider = await fetch(start, { redirect: 'manual' });
    const authorize = new URL(toProvider.headers.get('location')!);
    // The provider is asked with another nonce than the hub remembers, as a replayed or injected
    // ID token would carry.
    authorize.searchParams.set('nonce', 'a-nonce-the-hub-never-sent');
    const url = await browseSignIn(authorize.href, 'okta|ana', `${h.t.url}/v1/sign-in/callback`);
    const { back } = await callback(url);
    expect(back!.searchParams.get('code')).toBeNull();
    expect(back!.searchParams.get('error_description')).toMatch(/nonce/);
  });

  it('refreshes at the provider, and ends the session when the provider no longer signs the person in', async () => {
    h.provider.accounts.set('okta|kim', { email: 'kim@example.com', email_verified: true });
    const kim = await createAgent(h.t.hub.db, { name: 'Kim', team: 'support', email: 'kim@example.com' });
    const tokens = await signIn('okta|kim');
    const a = app(tokens.accessToken);
    await a.signedIn;
    const renewed = await h.t.request('POST', '/v1/session/refresh', { key: null, body: { refreshToken: tokens.refreshToken } });
    expect(renewed.status).toBe(200);

    h.provider.accounts.delete('okta|kim'); // disabled at the provider
    const refused = await h.t.request('POST', '/v1/session/refresh', { key: null, body: { refreshToken: renewed.body.refreshToken } });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/identity provider no longer signs you in/);
    expect((await a.disconnected).reason).toBe('signed_out');
    await expect(app(renewed.body.accessToken).signedIn).rejects.toThrow('unauthorized');
    expect(kim.id).toBeTruthy();
  });

  it('a revoked person is refused at the next sign-in, and their open app is disconnected', async () => {
    h.provider.accounts.set('okta|rex', { email: 'rex@example.com', email_verified: true });
    const rex = await createAgent(h.t.hub.db, { name: 'Rex', team: 'support', email: 'rex@example.com' });
    const tokens = await signIn('okta|rex');
    const a = app(tokens.accessToken);
    await a.signedIn;
    await h.t.hub.db.transaction((q) => revokeAgent(q, rex.id));
    await h.t.hub.access.checkAccess();
    expect((await a.disconnected).reason).toBe('expired_or_revoked');
    const { callback: url } = await toCallback('okta|rex');
    expect((await callback(url)).back!.searchParams.get('error_description')).toMatch(/revoked/);
  });

  it('sends the browser back only to the console, a loopback port or baton://sign-in', async () => {
    const pkce = appPkce();
    for (const redirect of ['https://evil.example.com/cb', 'http://127.0.0.1/no-port', 'http://localhost.evil.com:80/', 'baton://other/x', 'javascript:alert(1)']) {
      const query = new URLSearchParams({ redirect_uri: redirect, state: pkce.state, code_challenge: pkce.challenge, code_challenge_method: 'S256' });
      const response = await h.t.request('GET', `/v1/sign-in/start?${query}`, { key: null });
      expect(response.status, redirect).toBe(400);
      expect(response.body.error.message).toMatch(/redirect_uri must be/);
    }
    const plain = await h.t.request('GET', `/v1/sign-in/start?${new URLSearchParams({ redirect_uri: APP_REDIRECT, state: pkce.state, code_challenge: pkce.challenge, code_challenge_method: 'plain' })}`, { key: null });
    expect(plain.status).toBe(400);
  });
});

describe('sign-ins under way', () => {
  it('are capped: starting one needs no credential, so nobody can fill the store with them', async () => {
    const h = await hubWithProvider({}, { sessions: { maxPendingSignIns: 2 } });
    try {
      const pkce = appPkce();
      const start = () =>
        fetch(`${h.t.url}/v1/sign-in/start?${new URLSearchParams({ redirect_uri: APP_REDIRECT, state: pkce.state, code_challenge: pkce.challenge, code_challenge_method: 'S256' })}`, { redirect: 'manual' });
      expect((await start()).status).toBe(302);
      expect((await start()).status).toBe(302);
      const third = await start();
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBe('60');
    } finally {
      await h.t.stop();
      await h.provider.stop();
    }
  });
});

describe('OpenID Connect sign-in with provisioning', () => {
  it('creates an unknown person as an agent of the default team', async () => {
    const h = await hubWithProvider({ provision: 'agent', defaultTeam: 'onboarding' });
    try {
      h.provider.accounts.set('google|new', { email: 'new@example.com', email_verified: true, name: 'Nia New' });
      const pkce = appPkce();
      const start = `${h.t.url}/v1/sign-in/start?${new URLSearchParams({ redirect_uri: `${h.t.url}/`, state: pkce.state, code_challenge: pkce.challenge, code_challenge_method: 'S256' })}`;
      const back = new URL((await fetch(await browseSignIn(start, 'google|new', `${h.t.url}/v1/sign-in/callback`), { redirect: 'manual' })).headers.get('location')!);
      expect(back.origin).toBe(h.t.url);
      const tokens = await h.t.request('POST', '/v1/session/token', { key: null, body: { code: back.searchParams.get('code'), codeVerifier: pkce.verifier } });
      expect(tokens.body.agent).toMatchObject({ name: 'Nia New', role: 'agent', team: 'onboarding' });
    } finally {
      await h.t.stop();
      await h.provider.stop();
    }
  });
});
