// Signing in to the web console through a real OpenID provider (in-process, loopback) in Chromium:
// the sign-in screen offers the provider, the provider's own login and consent pages are filled
// in, the console comes back connected with nothing left in the address bar; the person's access
// is then revoked and the open console is disconnected. Signing out in the console ends the
// session at the hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, revokeAgent } from '../../hub/admin/accounts.ts';
import { EVENTUALLY, useBrowser } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startProvider, type TestProvider } from '../support/oidc-provider.ts';
import { freePort } from '../support/free-port.ts';

const browsing = useBrowser();

describe('the console signs in through the identity provider', () => {
  let t: TestHub;
  let provider: TestProvider;
  beforeAll(async () => {
    const port = await freePort();
    provider = await startProvider([`http://127.0.0.1:${port}/v1/sign-in/callback`]);
    t = await startTestHub({
      port,
      accessCheckMs: 500,
      oidc: {
        settings: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, name: 'Test IdP', scopes: 'openid email profile groups' },
        people: { matchEmail: true, groupsClaim: 'groups', leadGroup: 'baton-leads' },
      },
    });
    provider.accounts.set('idp|lee', { email: 'lee@example.com', email_verified: true, name: 'Lee', groups: ['baton-leads'] });
    provider.accounts.set('idp|ana', { email: 'ana@example.com', email_verified: true, name: 'Ana' });
  });
  afterAll(async () => {
    await t?.stop();
    await provider?.stop();
  });

  /** From the console's sign-in screen through the provider's own login and consent pages, back to a connected console. */
  async function signInAt(login: string) {
    const page = await browsing.open();
    await page.goto(`${t.url}/`);
    await page.getByRole('button', { name: 'Sign in with Test IdP' }).click();

    // The provider's own pages, not the console's.
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith('/interaction/'));
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL((url) => url.origin === t.url);
    await expect.poll(() => page.getByRole('status', { name: 'Connection: Connected' }).count(), EVENTUALLY).toBe(1);
    return page;
  }

  it('as an agent; signing out in the console ends the session at the hub', async () => {
    const ana = await createAgent(t.hub.db, { name: 'Ana Ruiz', team: 'support', email: 'ana@example.com' });
    const page = await signInAt('idp|ana');
    const open = () => t.hub.db.query('select 1 from sessions where agent_id = $1 and ended_at is null', [ana.id]).then((r) => r.rows.length);
    expect(await open()).toBe(1);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Sign in with Test IdP' }).count(), EVENTUALLY).toBe(1);
    await expect.poll(open, EVENTUALLY).toBe(0);
  });

  it('as a lead, through the provider’s login page; a revocation disconnects the open console', async () => {
    const lee = await createAgent(t.hub.db, { name: 'Lee Park', team: 'support', email: 'lee@example.com' });
    const page = await signInAt('idp|lee');
    expect(page.url()).toBe(`${t.url}/`); // the one-time code does not stay in the address bar
    const { rows } = await t.hub.db.query<{ role: string }>('select role from agents where id = $1', [lee.id]);
    expect(rows[0]!.role).toBe('lead'); // from the groups claim
    const sessions = await t.hub.db.query('select 1 from sessions where agent_id = $1 and ended_at is null', [lee.id]);
    expect(sessions.rows).toHaveLength(1);

    await t.hub.db.transaction((q) => revokeAgent(q, lee.id));
    await expect.poll(() => page.getByRole('status', { name: 'Connection: Connected' }).count(), EVENTUALLY).toBe(0);
  });
});
