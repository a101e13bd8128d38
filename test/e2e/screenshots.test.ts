// Screenshots of the console's main views at a full-screen and a side-panel width, taken against a
// real hub in demo mode. They land in test-results/screenshots/ (gitignored), or in
// $BATON_SCREENSHOTS_DIR: `npm run screenshots` refreshes docs/screenshots/, which the README shows.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertTeam } from '../../hub/admin/accounts.ts';
import type { ContextPacket } from '../../shared/protocol/packet.ts';
import { EVENTUALLY, NARROW, WIDE, consoleOf, openConsole, screenshotsDir, useBrowser } from '../support/browser.ts';
import { readFixture } from '../support/fixtures.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { ok } from '../support/lead.ts';
import { presetPeriod } from '../../renderer/lead/metrics-period.ts';

const browsing = useBrowser();

let t: TestHub;
let dir: string;
let offerId: string;
let acceptedId: string;

async function post(fixture: string): Promise<string> {
  const created = await t.request('POST', '/v1/handoffs', { body: readFixture<ContextPacket>(`packets/${fixture}.json`) });
  expect(created.status).toBe(201);
  return created.body.handoff.id as string;
}

/** Today's finished work for the lead's metrics: Ben resolves, declines, returns and routes; the bot reports its conversations. */
async function seedMetrics(): Promise<void> {
  const ben = await t.signIn('demo-ben');
  const next = async (fixture: string): Promise<string> => {
    const offered = ben.waitFor('handoff:offered');
    const id = await post(fixture);
    expect((await offered).handoff.id).toBe(id);
    return id;
  };
  const billing = await next('billing-dispute-chat');
  ok(await ben.accept(billing));
  ok(await ben.resolve(billing));
  const outage = await next('angry-voice-outage');
  ok(await ben.decline(outage, 'Not my area today'));
  expect((await t.request('POST', `/v1/handoffs/${outage}/cancel`, { body: { reason: 'customer left' } })).status).toBe(200);
  const bug = await next('bug-report-social');
  ok(await ben.accept(bug));
  ok(await ben.routeToProduct(bug, { kind: 'bug_report', title: 'Crash opening a shared board from a notification', details: 'Android 15, app 7.12.0.' }));
  const feature = await next('feature-request-email');
  ok(await ben.accept(feature));
  ok(await ben.returnToBot(feature, 'Export is on the roadmap; the bot sends the workaround.'));
  // Away, so the offers below go to Ana.
  ok(await ben.setPresence('away'));
  ben.close();
  expect((await t.request('POST', '/v1/stats/conversations', { body: { ...presetPeriod('today', Date.now()), count: 24 } })).status).toBe(201);
}

beforeAll(async () => {
  t = await startTestHub();
  // Offers that outlast the screenshots, with a countdown that reads like a real one.
  await upsertTeam(t.hub.db, { name: 'support', offerTimeoutSeconds: 120 });
  dir = await screenshotsDir();
  await seedMetrics();
  // Ana has one handoff accepted and one offer waiting.
  const ana = await t.signIn('demo-ana');
  const offered = ana.waitFor('handoff:offered');
  acceptedId = await post('feature-request-email');
  await offered;
  expect(await ana.accept(acceptedId)).toMatchObject({ ok: true });
  offerId = await post('billing-dispute-chat');
  ana.close();
});
afterAll(() => t?.stop());

const sizes = [
  { name: 'wide', viewport: WIDE },
  { name: 'narrow', viewport: NARROW },
] as const;

async function shoot(page: Page, view: string): Promise<string> {
  const { width, height } = page.viewportSize()!;
  const file = path.join(dir, `${view}-${width}x${height}.png`);
  // The countdown and ages tick: the caret and animations must not make two runs differ for nothing.
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  // A screenshot of a page that scrolls sideways would hide the bug it shows.
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${file} scrolls sideways`).toBe(0);
  return file;
}

describe.each(sizes)('screenshots at the $name width ($viewport.width × $viewport.height)', ({ viewport }) => {
  it('an agent: the inbox with an offer, the offer’s packet, the route-to-product form, settings', async () => {
    const page = await openConsole(browsing, t.url, 'demo-ana', { viewport });
    const c = consoleOf(page);
    const offer = c.offers.locator(c.row(offerId));
    await offer.waitFor();
    await c.mine.locator(c.row(acceptedId)).waitFor();
    await shoot(page, 'inbox');

    await offer.click();
    await c.button('Accept').waitFor();
    await c.pane.getByText('Duplicate charge on invoice INV-2291').waitFor();
    if (viewport === NARROW) expect(await c.offers.isVisible(), 'the narrow window shows the packet alone').toBe(false);
    await shoot(page, 'packet');

    // Back to the list (narrow) and into the accepted handoff, with the prefilled form open.
    if (viewport === NARROW) await page.getByRole('button', { name: 'Back to list' }).click();
    await c.mine.locator(c.row(acceptedId)).click();
    await c.button('Route to product').click();
    await page.getByRole('form', { name: 'Route to product' }).waitFor();
    await shoot(page, 'route-to-product');

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByText('Signed in as Ana').waitFor();
    await shoot(page, 'settings');
  });

  it('a team lead signed in', async () => {
    const page = await openConsole(browsing, t.url, 'demo-lee', { viewport });
    await page.getByRole('heading', { name: /^Agents/ }).waitFor();
    await shoot(page, 'lead');
  });

  it('a team lead’s metrics for today', async () => {
    const page = await openConsole(browsing, t.url, 'demo-lee', { viewport });
    await page.getByRole('button', { name: 'Metrics', exact: true }).click();
    await page.getByRole('region', { name: 'Key figures' }).waitFor();
    // Every chart drawn (Chart.js paints its canvas once it has a size).
    const drawn = () =>
      page.locator('figure.metric-chart canvas').evaluateAll((canvases) =>
        canvases.filter((c) => (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, c.clientWidth, c.clientHeight).data.some((v, i) => i % 4 === 3 && v > 0)).length,
      );
    await expect.poll(drawn, EVENTUALLY).toBe(5);
    await shoot(page, 'lead-metrics');
  });
});
