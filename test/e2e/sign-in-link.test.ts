// A sign-in link can come from any web page or e-mail: one that would make the signed-in agent
// someone else is only acted on once the agent confirms it.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTUALLY, openConsole, screenshotsDir, useBrowser } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const browsing = useBrowser();

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t?.stop());

describe('a sign-in link for someone else, in the web console', () => {
  it('asks first, naming the hub and who the agent is now; Cancel keeps them, confirming signs the other person in', async () => {
    const page = await openConsole(browsing, t.url, 'demo-ana');
    await page.evaluate(() => {
      window.location.hash = '#token=demo-ben';
    });
    const dialog = page.getByRole('alertdialog', { name: 'Sign in as someone else?' });
    await expect.poll(() => dialog.count(), EVENTUALLY).toBe(1);
    expect(await dialog.textContent()).toContain(t.url);
    expect(await dialog.textContent()).toContain('You are signed in as Ana');
    // Who the link would make them, as the hub in use says (without signing anyone in there).
    await expect.poll(() => dialog.textContent(), EVENTUALLY).toContain('The link signs you in as Ben');
    expect(page.url()).toBe(`${t.url}/`); // the token leaves the address bar all the same
    await page.screenshot({ path: path.join(await screenshotsDir(), 'sign-in-confirm-1280x800.png') });

    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    expect(await dialog.count()).toBe(0);
    expect(await page.evaluate(() => window.localStorage.getItem('baton.token'))).toBe('demo-ana');

    await page.evaluate(() => {
      window.location.hash = '#token=demo-ben';
    });
    await page.getByRole('button', { name: `Sign in to ${new URL(t.url).host}` }).click();
    await expect.poll(() => page.evaluate(() => window.localStorage.getItem('baton.token')), EVENTUALLY).toBe('demo-ben');
    await expect.poll(() => page.getByRole('status', { name: 'Connection: Connected' }).count(), EVENTUALLY).toBe(1);
  });
});
