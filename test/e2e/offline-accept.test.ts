// An action taken while the hub is unreachable is kept, shown as waiting, and sent once when the
// hub is back: the hub applies it exactly once.
import type { WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoffEvent } from '../../shared/protocol/handoff.ts';
import type { ContextPacket } from '../../shared/protocol/packet.ts';
import { PENDING_KEY } from '../../renderer/state/pending.ts';
import { EVENTUALLY, consoleOf, openConsole, useBrowser } from '../support/browser.ts';
import { readFixture } from '../support/fixtures.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const browsing = useBrowser();

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t?.stop());

/** Reconnecting after a restart takes socket.io's backoff (up to 5 s between attempts) plus the hub's start. */
const BACK = { timeout: 30_000 } as const;

describe('the hub goes away while an offer is open', () => {
  it('the agent accepts while it is down, it shows as waiting, and once the hub is back the accept is applied exactly once', async () => {
    const page = await openConsole(browsing, t.url, 'demo-ana');
    const c = consoleOf(page);

    // Every command the page sends, over any transport (websocket frames or long-polling posts).
    const sentAccepts: string[] = [];
    const watch = (ws: WebSocket) => ws.on('framesent', ({ payload }) => {
      if (String(payload).includes('"handoff:accept"')) sentAccepts.push(String(payload));
    });
    page.on('websocket', watch);
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.postData()?.includes('"handoff:accept"')) sentAccepts.push(request.postData()!);
    });

    const created = await t.request('POST', '/v1/handoffs', { body: readFixture<ContextPacket>('packets/billing-dispute-chat.json') });
    expect(created.status).toBe(201);
    const id = created.body.handoff.id as string;
    await c.offers.locator(c.row(id)).click();
    const stored = () => page.evaluate((key) => window.localStorage.getItem(key), PENDING_KEY);

    await t.stopHub();
    await expect.poll(() => c.connection.getAttribute('aria-label'), EVENTUALLY).toMatch(/^Connection: Reconnecting/);
    expect(await page.getByText('Lost the connection to the hub; reconnecting').isVisible()).toBe(true);

    await c.button('Accept').click();
    // Kept, and said so: on the handoff, on its row, and in the tray.
    const note = c.pane.getByRole('status');
    expect(await note.innerText()).toBe('Accepting — kept until the connection returns, then sent once.');
    expect(await c.offers.locator(c.row(id)).innerText()).toContain('Waiting to send');
    expect(await page.getByText('1 action is waiting to be sent.').isVisible()).toBe(true);
    expect(await c.button('Accept').isDisabled()).toBe(true);
    // In the browser's storage, so a reload would keep it too.
    expect(JSON.parse((await stored())!)).toEqual([expect.objectContaining({ command: 'handoff:accept', payload: { handoffId: id } })]);
    expect(sentAccepts).toEqual([]);

    await t.restart();
    await c.mine.locator(c.row(id)).waitFor(BACK);
    expect(await c.connection.getAttribute('aria-label')).toBe('Connection: Connected');
    expect(await note.count()).toBe(0);
    expect(await page.getByText('waiting to be sent').count()).toBe(0);
    expect(await c.offers.count()).toBe(0);
    expect(await c.pane.innerText()).toContain('With Ana');

    const { body } = await t.request('GET', `/v1/handoffs/${id}`);
    expect(body.handoff).toMatchObject({ status: 'accepted', assignee: { id: 'demo-ana' } });
    const accepted = (body.handoff.events as HandoffEvent[]).filter((e) => e.type === 'accepted');
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ actor: { kind: 'agent', id: 'demo-ana' } });
    // Sent once: nothing went out while the hub was down, and socket.io did not replay it on reconnect;
    // and nothing is left in storage for a reload to send again.
    expect(sentAccepts).toHaveLength(1);
    expect(await stored()).toBeNull();
  }, 60_000);
});
