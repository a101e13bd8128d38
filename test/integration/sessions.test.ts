// Access that ends and can be taken back: CLI tokens with an expiry, sessions whose access
// credential lasts minutes and is renewed through the hub, sign-out, and revocation, each seen by
// new sign-ins, by the lead API and by apps already connected.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, issueToken, revokeAgent } from '../../hub/admin/accounts.ts';
import { createGrant, DEFAULT_SESSION_LIMITS, pkceChallenge } from '../../hub/auth/sessions.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { rawApp, type RawApp } from '../support/sockets.ts';

const VERIFIER = 'v'.repeat(43) + '-pkce-verifier';
const MINUTE = 60_000;

describe('sessions that end and access that can be taken back', () => {
  let t: TestHub;
  let clock = new Date('2026-03-02T09:00:00Z').getTime();
  const now = () => new Date(clock);
  const apps: RawApp[] = [];
  const app = (token: string) => {
    const a = rawApp(t.url, token);
    apps.push(a);
    return a;
  };

  beforeAll(async () => {
    // The periodic check is turned down so the tests drive it with checkAccess(), except where
    // they watch the timer itself.
    t = await startTestHub({ now, accessCheckMs: 60 * MINUTE, rateLimits: { signIn: { maxFailures: 0 } } });
  });
  afterEach(() => apps.splice(0).forEach((a) => a.socket.close()));
  afterAll(() => t.stop());

  /** A session as the identity provider's sign-in leaves it: a one-time code exchanged with the PKCE verifier. */
  async function session(agentId: string) {
    const code = await createGrant(t.hub.db, agentId, pkceChallenge(VERIFIER), { refreshToken: null, idToken: null }, now(), DEFAULT_SESSION_LIMITS);
    const answer = await t.request('POST', '/v1/session/token', { key: null, body: { code, codeVerifier: VERIFIER } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as { accessToken: string; refreshToken: string; accessExpiresAt: string; sessionExpiresAt: string; agent: { id: string } };
  }
  const refresh = (refreshToken: string) => t.request('POST', '/v1/session/refresh', { key: null, body: { refreshToken } });
  const metrics = (token: string) => t.request('GET', '/v1/teams/support/metrics?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z', { key: token });

  it('a CLI token with an expiry works until then, and an app signed in with it is disconnected after', async () => {
    const { token, expiresAt } = await createAgent(t.hub.db, { name: 'Tia', team: 'support', role: 'lead', expiresInSeconds: 3600 }, now());
    expect(expiresAt?.toISOString()).toBe(new Date(clock + 3600_000).toISOString());
    const connected = app(token);
    await connected.signedIn;
    expect((await metrics(token)).status).toBe(200);

    clock += 3600_000 + 1;
    await expect(app(token).signedIn).rejects.toThrow('unauthorized');
    expect((await metrics(token)).status).toBe(401);
    await t.hub.access.checkAccess();
    expect(await connected.disconnected).toEqual({ reason: 'expired_or_revoked', cause: 'io server disconnect' });
  });

  it('a new CLI token replaces the old one: apps signed in with the old one are disconnected', async () => {
    const { id, token } = await createAgent(t.hub.db, { name: 'Uma', team: 'support' });
    const old = app(token);
    await old.signedIn;
    const { token: next, expiresAt } = await issueToken(t.hub.db, id, undefined, now());
    expect(expiresAt).toBeNull();
    await expect(app(token).signedIn).rejects.toThrow('unauthorized');
    await app(next).signedIn;
    await t.hub.access.checkAccess();
    expect((await old.disconnected).reason).toBe('expired_or_revoked');
  });

  it('a session: exchanged once with the PKCE verifier, renewed before its access credential runs out, refused after', async () => {
    const { id } = await createAgent(t.hub.db, { name: 'Val', team: 'support' });
    const code = await createGrant(t.hub.db, id, pkceChallenge(VERIFIER), { refreshToken: null, idToken: null }, now(), DEFAULT_SESSION_LIMITS);
    const wrongVerifier = await t.request('POST', '/v1/session/token', { key: null, body: { code, codeVerifier: 'w'.repeat(43) } });
    expect(wrongVerifier.status).toBe(401);
    expect(wrongVerifier.body.error.message).toMatch(/already used|PKCE/);
    // The code was spent by the failed attempt: a stolen code is worth one guess.
    expect((await t.request('POST', '/v1/session/token', { key: null, body: { code, codeVerifier: VERIFIER } })).status).toBe(401);

    const first = await session(id);
    expect(first.agent.id).toBe(id);
    expect(Date.parse(first.accessExpiresAt) - clock).toBe(DEFAULT_SESSION_LIMITS.accessTtlMs);
    const connected = app(first.accessToken);
    await connected.signedIn;

    clock += 4 * MINUTE;
    const renewed = await refresh(first.refreshToken);
    expect(renewed.status).toBe(200);
    // The old access credential is replaced.
    await expect(app(first.accessToken).signedIn).rejects.toThrow('unauthorized');
    await app(renewed.body.accessToken).signedIn;

    clock += 4 * MINUTE; // past the first access credential's end, within the renewed one's
    await t.hub.access.checkAccess();
    expect(connected.socket.connected).toBe(true);

    clock += 2 * MINUTE; // not renewed in time: the session no longer keeps apps connected
    await expect(app(renewed.body.accessToken).signedIn).rejects.toThrow('unauthorized');
    await t.hub.access.checkAccess();
    expect((await connected.disconnected).reason).toBe('expired_or_revoked');
    // The session itself lives on: renewing it still works until its own end.
    expect((await refresh(renewed.body.refreshToken)).status).toBe(200);
  });

  it('a refresh credential presented twice was copied: the session ends for everyone holding it', async () => {
    const { id } = await createAgent(t.hub.db, { name: 'Ole', team: 'support' });
    const first = await session(id);
    const renewed = await refresh(first.refreshToken);
    expect(renewed.status).toBe(200);
    const connected = app(renewed.body.accessToken);
    await connected.signedIn;

    const replayed = await refresh(first.refreshToken);
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.message).toMatch(/already used, so the session has ended/);
    expect((await connected.disconnected).reason).toBe('signed_out');
    expect((await refresh(renewed.body.refreshToken)).status).toBe(401);
  });

  it('a session ends for good at its maximum lifetime, renewed or not', async () => {
    const { id } = await createAgent(t.hub.db, { name: 'Wes', team: 'support' });
    let tokens = await session(id);
    for (let at = 0; at < DEFAULT_SESSION_LIMITS.maxLifetimeMs - 4 * MINUTE; at += 4 * MINUTE) {
      clock += 4 * MINUTE;
      const renewed = await refresh(tokens.refreshToken);
      expect(renewed.status).toBe(200);
      tokens = renewed.body;
      expect(Date.parse(tokens.accessExpiresAt)).toBeLessThanOrEqual(Date.parse(tokens.sessionExpiresAt));
    }
    clock += 4 * MINUTE;
    const late = await refresh(tokens.refreshToken);
    expect(late.status).toBe(401);
    expect(late.body.error.message).toMatch(/ended, expired or was revoked/);
  });

  it('signing out ends the session at once: its apps are disconnected and it cannot be renewed', async () => {
    const { id } = await createAgent(t.hub.db, { name: 'Xia', team: 'support' });
    const [web, desk] = [await session(id), await session(id)];
    const [webApp, deskApp] = [app(web.accessToken), app(desk.accessToken)];
    await Promise.all([webApp.signedIn, deskApp.signedIn]);

    const out = await t.request('POST', '/v1/session/sign-out', { key: web.accessToken, body: {} });
    expect(out).toEqual({ status: 200, body: { endedSessions: 1, providerSignOutUrl: null } });
    expect((await webApp.disconnected).reason).toBe('signed_out');
    expect((await refresh(web.refreshToken)).status).toBe(401);
    expect(deskApp.socket.connected).toBe(true);

    const everywhere = await t.request('POST', '/v1/session/sign-out', { key: desk.accessToken, body: { everywhere: true } });
    expect(everywhere.body.endedSessions).toBe(1);
    expect((await deskApp.disconnected).reason).toBe('signed_out');
    expect((await t.request('POST', '/v1/session/sign-out', { key: desk.accessToken, body: {} })).status).toBe(401);
  });

  it('revoking a person ends their token and sessions, disconnects their apps, and refuses them until a new token', async () => {
    const { id, token } = await createAgent(t.hub.db, { name: 'Yan', team: 'support', role: 'lead' });
    const s = await session(id);
    const [tokenApp, sessionApp] = [app(token), app(s.accessToken)];
    await Promise.all([tokenApp.signedIn, sessionApp.signedIn]);

    expect(await t.hub.db.transaction((q) => revokeAgent(q, id, now()))).toEqual({ sessionsEnded: 1 });
    await t.hub.access.checkAccess();
    expect((await tokenApp.disconnected).reason).toBe('expired_or_revoked');
    expect((await sessionApp.disconnected).reason).toBe('expired_or_revoked');
    await expect(app(token).signedIn).rejects.toThrow('unauthorized');
    await expect(app(s.accessToken).signedIn).rejects.toThrow('unauthorized');
    expect((await refresh(s.refreshToken)).status).toBe(401);
    expect((await metrics(token)).status).toBe(401);
    // A sign-in code handed out before the revocation is refused too.
    const code = await createGrant(t.hub.db, id, pkceChallenge(VERIFIER), { refreshToken: null, idToken: null }, now(), DEFAULT_SESSION_LIMITS);
    expect((await t.request('POST', '/v1/session/token', { key: null, body: { code, codeVerifier: VERIFIER } })).body.error.message).toMatch(/revoked/);

    const { token: again } = await issueToken(t.hub.db, id, undefined, now());
    await app(again).signedIn;
  });

  it('bad session requests are refused with what is wrong', async () => {
    const missing = await t.request('POST', '/v1/session/token', { key: null, body: { code: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/codeVerifier/);
    expect((await refresh('ref_unknown')).status).toBe(401);
    expect((await t.request('POST', '/v1/session/sign-out', { key: 'demo-ana', body: {} })).status).toBe(401);
  });
});

describe('the periodic check', () => {
  it('disconnects a revoked person within the check interval, with no call to check', async () => {
    const t = await startTestHub({ accessCheckMs: 200 });
    try {
      const { id, token } = await createAgent(t.hub.db, { name: 'Zed', team: 'support' });
      const a = rawApp(t.url, token);
      await a.signedIn;
      const revokedAt = Date.now();
      // As the CLI does it on PostgreSQL: in the store, from outside the hub's own code paths.
      await t.hub.db.query('update agents set revoked_at = now() where id = $1', [id]);
      expect((await a.disconnected).reason).toBe('expired_or_revoked');
      expect(Date.now() - revokedAt).toBeLessThan(5_000);
      a.socket.close();
    } finally {
      await t.stop();
    }
  });
});
