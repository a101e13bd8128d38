// The lead's Metrics view in Chromium against a real hub: handoffs that real agents (hub clients)
// accepted, declined, returned, resolved and routed, and a conversation count from the bot; Lee
// opens Metrics, the charts are drawn (pixels read back from each canvas), the tables show the
// figures the hub computes, the CSV saved from the page is the hub's own CSV, and the charts take
// the theme's colours when the system switches to dark or the theme setting pins one.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationLabel } from '../../renderer/lead/metrics-charts.ts';
import { presetPeriod } from '../../renderer/lead/metrics-period.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { MetricsReport } from '../../shared/protocol/lead.ts';
import type { ContextPacket } from '../../shared/protocol/packet.ts';
import { EVENTUALLY, NARROW, WIDE, openConsole, useBrowser } from '../support/browser.ts';
import { readFixture } from '../support/fixtures.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { ok } from '../support/lead.ts';

const browsing = useBrowser();

const LIGHT_ACCENT = [59, 91, 219]; // --accent in console.css, light
const DARK_ACCENT = [116, 143, 252]; // --accent, dark
const LIGHT_BACKGROUND = 'rgb(246, 247, 249)'; // --bg, light
const DARK_BACKGROUND = 'rgb(20, 23, 28)'; // --bg, dark
const pageBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

let t: TestHub;
/** The hub's own report for today, as Lee's console asks for it. */
let today: MetricsReport;

/** Posts a packet and waits until it is offered to `to`. */
async function handOff(to: TestHubClient, fixture: string): Promise<string> {
  const offered = to.waitFor('handoff:offered', (p) => p.handoff.packet.summary === readFixture<ContextPacket>(`packets/${fixture}.json`).summary);
  const created = await t.request('POST', '/v1/handoffs', { body: readFixture<ContextPacket>(`packets/${fixture}.json`) });
  expect(created.status).toBe(201);
  return (await offered).handoff.id;
}

beforeAll(async () => {
  t = await startTestHub();
  const [ana, ben] = await Promise.all([t.signIn('demo-ana'), t.signIn('demo-ben')]);
  // Presence steers each push offer to the agent named.
  ok(await ben.setPresence('away'));
  const billing = await handOff(ana, 'billing-dispute-chat');
  ok(await ana.accept(billing));
  ok(await ana.resolve(billing, 'Duplicate charge refunded.'));

  const outage = await handOff(ana, 'angry-voice-outage');
  const toBen = ben.waitFor('handoff:offered', (p) => p.handoff.id === outage);
  ok(await ana.decline(outage, 'Not my area today'));
  ok(await ben.setPresence('available'));
  await toBen;
  ok(await ben.accept(outage));
  ok(await ben.returnToBot(outage, 'Outage confirmed; the bot posts status updates.'));

  ok(await ben.setPresence('away'));
  const bug = await handOff(ana, 'bug-report-social');
  ok(await ana.accept(bug));
  ok(await ana.routeToProduct(bug, { kind: 'bug_report', title: 'Crash opening a shared board from a notification', details: 'Android 15, app 7.12.0.' }));

  ok(await ana.setPresence('away'));
  ok(await ben.setPresence('available'));
  const feature = await handOff(ben, 'feature-request-email');
  ok(await ben.accept(feature));
  ok(await ben.routeToProduct(feature, { kind: 'feature_request', title: 'Export the audit log as CSV', details: 'Needed for SOC 2.' }));
  ana.close();
  ben.close();

  // The bot handled 40 conversations today, 4 of which it handed off.
  const period = presetPeriod('today', Date.now());
  expect((await t.request('POST', '/v1/stats/conversations', { body: { ...period, count: 40 } })).status).toBe(201);
  const response = await t.request('GET', `/v1/teams/support/metrics?from=${period.from}&to=${period.to}`, { key: 'demo-lee' });
  expect(response.status).toBe(200);
  today = MetricsReport.parse(response.body);
});
afterAll(() => t?.stop());

async function openMetrics(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Metrics', exact: true }).click();
  await page.getByRole('region', { name: 'Key figures' }).waitFor();
}

/** A key figure's value, by its term. */
const figure = (page: Page, term: string) =>
  page.getByRole('region', { name: 'Key figures' }).locator('div', { has: page.locator('dt', { hasText: new RegExp(`^${term}$`) }) }).locator('dd');

async function tableRows(page: Page, name: string): Promise<string[][]> {
  return page.getByRole('table', { name, exact: true }).locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? '')));
}

interface Paint {
  title: string;
  /** Pixels drawn at all, and pixels in the bar colour. */
  painted: number;
  bars: number;
}

/** Reads each chart's canvas back: how much is drawn, and how much of it in `rgb` (the bars). */
function paintOf(page: Page, rgb: number[]): Promise<Paint[]> {
  return page.evaluate((bar) => {
    return [...document.querySelectorAll('figure.metric-chart')].flatMap((figureElement) => {
      const canvas = figureElement.querySelector('canvas');
      if (!canvas) return [];
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      let bars = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 0) painted++;
        if (data[i] === bar[0] && data[i + 1] === bar[1] && data[i + 2] === bar[2] && data[i + 3] === 255) bars++;
      }
      return [{ title: figureElement.querySelector('figcaption')?.textContent ?? '', painted, bars }];
    });
  }, rgb);
}

const CHARTS = ['Handoffs by trigger reason', 'Handoffs by channel', 'Time to accept', 'Declines by reason', 'How handoffs were finished'];

describe('a team lead’s metrics in the browser', () => {
  it('shows today’s figures as the hub computes them, in drawn charts and their tables, and saves the hub’s CSV', async () => {
    const page = await openConsole(browsing, t.url, 'demo-lee', { viewport: WIDE });
    await openMetrics(page);

    // Worked out from the steps above; the times to accept are real, so they come from the hub's report.
    expect(await figure(page, 'Handoffs').textContent()).toBe('4');
    expect(await figure(page, 'Median time to accept').textContent()).toBe(durationLabel(today.totals.timeToAccept.medianSeconds));
    expect(await figure(page, '90th percentile time to accept').textContent()).toBe(durationLabel(today.totals.timeToAccept.p90Seconds));
    expect(today.totals.timeToAccept.count).toBe(4);
    expect(await figure(page, 'Declines').textContent()).toBe('1');
    expect(await figure(page, 'Return-to-bot rate').textContent()).toBe('25% 1 returned of 4 finished');
    expect(await figure(page, 'Resolved').textContent()).toBe('1');
    expect(await figure(page, 'Routed to product').textContent()).toBe('2');
    expect(await figure(page, 'Deflection rate').textContent()).toBe('90% 4 handoffs in 40 conversations');
    expect(await tableRows(page, 'Handoffs by channel')).toEqual([
      ['Chat', '1'],
      ['Voice', '1'],
      ['Email', '1'],
      ['SMS', '0'],
      ['Social', '1'],
      ['Other channel', '0'],
      ['No channel given', '0'],
    ]);
    expect(await tableRows(page, 'Declines by reason')).toEqual([['Not my area today', '1']]);
    expect(await tableRows(page, 'How handoffs were finished')).toEqual([
      ['Resolved', '1'],
      ['Returned to bot', '1'],
      ['Product route: feature request', '1'],
      ['Product route: bug report', '1'],
    ]);
    const [anaRow, benRow] = await tableRows(page, 'By agent');
    expect(anaRow).toEqual(['Ana', '2', ...[today.agents[0]!.timeToAccept.medianSeconds, today.agents[0]!.timeToAccept.p90Seconds].map(durationLabel), '0', '1', '0%', '1']);
    expect(benRow).toEqual(['Ben', '2', ...[today.agents[1]!.timeToAccept.medianSeconds, today.agents[1]!.timeToAccept.p90Seconds].map(durationLabel), '0', '0', '50%', '0']);

    // Every chart is drawn, with bars in the light theme's accent.
    await expect.poll(async () => (await paintOf(page, LIGHT_ACCENT)).map((p) => p.title), EVENTUALLY).toEqual(CHARTS);
    for (const paint of await paintOf(page, LIGHT_ACCENT)) {
      expect(paint.bars, `${paint.title}: bars drawn`).toBeGreaterThan(100);
      expect(paint.painted, `${paint.title}: axes and labels drawn too`).toBeGreaterThan(paint.bars);
    }

    // The CSV saved from the page is the hub's CSV for the same period, byte for byte.
    const saving = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const download = await saving;
    expect(download.suggestedFilename()).toMatch(/^baton-metrics-support-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv$/);
    const saved = await readFile((await download.path()), 'utf8');
    const hubCsv = await fetch(`${t.url}/v1/teams/support/metrics.csv?from=${today.from}&to=${today.to}`, { headers: { authorization: 'Bearer demo-lee' } });
    expect(saved).toBe(await hubCsv.text());

    // One agent: Ben's own figures.
    await page.getByRole('combobox', { name: 'People' }).selectOption({ label: 'Ben' });
    await expect.poll(() => figure(page, 'Return-to-bot rate').textContent(), EVENTUALLY).toBe('50% 1 returned of 2 finished');
    expect(await figure(page, 'Handoffs').textContent()).toBe('2');
    expect(await page.getByRole('region', { name: 'Key figures' }).getByText('Deflection rate').count()).toBe(0);
  });

  it('is readable in a 360 px side panel, and redraws in the theme’s colours when the system turns dark or the setting pins a theme', async () => {
    const page = await openConsole(browsing, t.url, 'demo-lee', { viewport: NARROW, colorScheme: 'light' });
    await openMetrics(page);
    await expect.poll(async () => (await paintOf(page, LIGHT_ACCENT)).filter((p) => p.bars > 100).length, EVENTUALLY).toBe(CHARTS.length);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 'the page scrolls sideways').toBe(0);
    // Each chart fits the panel.
    const widths = await page.locator('figure.metric-chart canvas').evaluateAll((canvases) => canvases.map((c) => c.getBoundingClientRect().right));
    expect(Math.max(...widths)).toBeLessThanOrEqual(NARROW.width);

    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(async () => (await paintOf(page, DARK_ACCENT)).filter((p) => p.bars > 100).length, EVENTUALLY).toBe(CHARTS.length);
    expect((await paintOf(page, LIGHT_ACCENT)).every((p) => p.bars === 0)).toBe(true);
    expect(await pageBackground(page)).toBe(DARK_BACKGROUND);

    // The theme setting (data-theme, as renderer/app/theme.ts sets it) wins over the system's.
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await expect.poll(async () => (await paintOf(page, LIGHT_ACCENT)).filter((p) => p.bars > 100).length, EVENTUALLY).toBe(CHARTS.length);
    expect(await pageBackground(page)).toBe(LIGHT_BACKGROUND);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await expect.poll(async () => (await paintOf(page, DARK_ACCENT)).filter((p) => p.bars > 100).length, EVENTUALLY).toBe(CHARTS.length);
    expect(await pageBackground(page)).toBe(DARK_BACKGROUND);
  });
});
