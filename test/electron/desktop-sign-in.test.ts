// The desktop app signs in as RFC 8252 describes for native apps: its own state and PKCE, the
// hub's start page opened in the system browser (never inside the app), and the way back through
// the `baton://sign-in/callback` link the OS hands the app. Here against a real hub and a real
// OpenID provider (in-process, loopback), with the system browser played by plain HTTP requests
// and the OS by the desktop's own link handling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../hub/admin/accounts.ts';
import { createDeepLinks } from '../../electron/deep-links/deep-links.ts';
import { createProviderSignIn, SESSION_KEY } from '../../renderer/state/provider-sign-in.ts';
import type { PlatformStorage } from '../../renderer/platform/platform.ts';
import { settingsStore } from '../../renderer/state/settings.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { browseSignIn, startProvider, type TestProvider } from '../support/oidc-provider.ts';
import { freePort } from '../support/free-port.ts';
import { rawApp } from '../support/sockets.ts';

describe('desktop sign-in through the system browser', () => {
  let t: TestHub;
  let provider: TestProvider;
  beforeAll(async () => {
    const port = await freePort();
    provider = await startProvider([`http://127.0.0.1:${port}/v1/sign-in/callback`]);
    t = await startTestHub({
      port,
      oidc: { settings: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, name: 'Test IdP', scopes: 'openid email profile' }, people: { matchEmail: true } },
    });
    provider.accounts.set('idp|ana', { email: 'ana@example.com', email_verified: true });
  });
  afterAll(async () => {
    await t?.stop();
    await provider?.stop();
  });

  it('opens the start page outside the app, comes back through baton://sign-in/callback, and keeps the session', async () => {
    const ana = await createAgent(t.hub.db, { name: 'Ana', team: 'support', email: 'ana@example.com' });
    settingsStore.setState({ hubUrl: t.url, token: null, loaded: true });
    const data = new Map<string, string>();
    const storage: PlatformStorage = { get: async (k) => data.get(k) ?? null, set: async (k, v) => void data.set(k, v), remove: async (k) => void data.delete(k) };
    const externallyOpened: string[] = [];
    let signedIn: { hubUrl: string; token: string } | undefined;
    let delivered: Promise<boolean> | undefined;

    const flow = createProviderSignIn({
      storage,
      fetch,
      redirectUri: () => 'baton://sign-in/callback',
      // The platform's openExternal: the system browser (shell.openExternal), never a window of the app.
      openSignInPage: (url) => void externallyOpened.push(url),
      signIn: (hubUrl, token) => (signedIn = { hubUrl, token }),
      signOut: async () => undefined,
    });
    // The main process's link handling, delivering to the console as it does over the bridge.
    const links = createDeepLinks({
      deliver: (url) => {
        delivered = flow.complete(url);
      },
    });
    links.takeInitial();

    await flow.begin(t.url);
    expect(externallyOpened).toHaveLength(1);
    // The system browser: the hub, the provider's login and consent pages, back to the hub, and
    // then the OS is handed the baton:// link.
    const back = await browseSignIn(externallyOpened[0]!, 'idp|ana', 'baton://');
    expect(back).toMatch(/^baton:\/\/sign-in\/callback\?/);
    links.receive(back);
    expect(await delivered).toBe(true);

    expect(signedIn?.hubUrl).toBe(t.url);
    const app = rawApp(t.url, signedIn!.token);
    await app.signedIn;
    app.socket.close();
    expect(JSON.parse(data.get(SESSION_KEY)!)).toMatchObject({ hubUrl: t.url, refreshToken: expect.stringMatching(/^ref_/) });
    const { rows } = await t.hub.db.query('select agent_id from sessions where ended_at is null');
    expect(rows).toEqual([{ agent_id: ana.id }]);
    flow.dispose();
  });
});
