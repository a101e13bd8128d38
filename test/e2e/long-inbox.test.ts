// An agent with hundreds of handoffs (a long shift, a broadcast queue) sees the same inbox as one
// with three: rows as wide as the inbox, nothing pushed out of sight sideways. The list renders in
// chunks that the browser skips while out of view, so this needs many of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIDE, consoleOf, openConsole, useBrowser } from '../support/browser.ts';
import { readFixture } from '../support/fixtures.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const browsing = useBrowser();
const HANDOFFS = 250;

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  // Accepted by Ana directly in the store: the inbox is what is under test, not routing.
  await t.hub.db.query(
    `insert into handoffs (id, integration_id, team, status, packet, priority, skills, assignee_id, request_hash, created_at, updated_at)
     select 'long-' || i, (select id from integrations limit 1), 'support', 'accepted', $1::jsonb, 'normal', '{}', 'demo-ana', 'long-' || i,
       now() - (i || ' seconds')::interval, now()
     from generate_series(1, $2) as i`,
    [JSON.stringify(readFixture('packets/billing-dispute-chat.json')), HANDOFFS],
  );
});
afterAll(() => t?.stop());

describe('an inbox of hundreds of handoffs', () => {
  it('keeps every row as wide as the inbox, with its title in view', async () => {
    const page = await openConsole(browsing, t.url, 'demo-ana', { viewport: WIDE });
    const c = consoleOf(page);
    await expect.poll(() => c.mine.getByRole('option').count()).toBe(HANDOFFS);
    // To the bottom and back: the last chunks are laid out, then skipped again with the size they had.
    for (const to of ['bottom', 'top']) {
      await page.evaluate(async (where) => {
        const inbox = document.querySelector<HTMLElement>('.inbox')!;
        inbox.scrollTop = where === 'bottom' ? inbox.scrollHeight : 0;
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      }, to);
    }
    await c.mine.getByRole('option').first().click();

    const geometry = await page.evaluate(() => {
      const inbox = document.querySelector<HTMLElement>('.inbox')!;
      const list = document.querySelector<HTMLElement>('[role="listbox"][aria-label="My handoffs"]')!;
      const rows = [...list.querySelectorAll<HTMLElement>('[role="option"]')];
      return {
        inboxOverflow: inbox.scrollWidth - inbox.clientWidth,
        scrolledSideways: inbox.scrollLeft,
        listWidth: list.getBoundingClientRect().width,
        rowWidths: [...new Set([rows[0]!, rows[150]!, rows.at(-1)!].map((row) => Math.round(row.getBoundingClientRect().width)))],
      };
    });
    expect(geometry.inboxOverflow).toBe(0);
    expect(geometry.scrolledSideways).toBe(0);
    expect(geometry.rowWidths).toEqual([Math.round(geometry.listWidth)]);
    expect(geometry.listWidth).toBeLessThan(WIDE.width / 2);
    // The first row's title (the customer) is on screen, inside the inbox.
    const title = c.mine.getByRole('option').first().getByText('Dana Whitfield');
    const box = (await title.boundingBox())!;
    const inbox = (await page.locator('.inbox').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(inbox.x);
    expect(box.x + box.width).toBeLessThanOrEqual(inbox.x + inbox.width);
  });
});
