// The lead's console and the product flow in Chromium against a real hub in demo mode: a lead
// reassigns from the board and the agent sees it; two agents route similar bug reports, the second
// adds the customer to the first's item, and the lead's product inbox counts both customers.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { HandoffEvent } from '../../shared/protocol/handoff.ts';
import type { ContextPacket } from '../../shared/protocol/packet.ts';
import { EVENTUALLY, consoleOf, openConsole, useBrowser } from '../support/browser.ts';
import { readFixture } from '../support/fixtures.ts';
import { useSharedHub } from '../support/hub.ts';

const browsing = useBrowser();

// One hub for the file; the bot cancels whatever a test left open.
const shared = useSharedHub();
const posted = shared.posted;

const billing = readFixture<ContextPacket>('packets/billing-dispute-chat.json');
const bug = readFixture<ContextPacket>('packets/bug-report-social.json');

async function post(packet: ContextPacket): Promise<string> {
  const created = await shared.t.request('POST', '/v1/handoffs', { body: packet });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  posted.push(created.body.handoff.id);
  return created.body.handoff.id as string;
}

async function history(handoffId: string): Promise<{ status: string; assignee: { id: string } | null; events: HandoffEvent[] }> {
  const { status, body } = await shared.t.request('GET', `/v1/handoffs/${handoffId}`);
  expect(status).toBe(200);
  return body.handoff;
}

/** Whether the hub counts this person as connected (an app of theirs is open). */
async function connected(agentId: string): Promise<boolean> {
  const { rows } = await shared.t.hub.db.query<{ connected: boolean }>('select connected from agents where id = $1', [agentId]);
  return rows[0]!.connected;
}

/** The agent opens the offer and accepts it with the button; it is theirs once the inbox says so. */
async function acceptInPage(page: Page, handoffId: string): Promise<void> {
  const c = consoleOf(page);
  await c.offers.locator(c.row(handoffId)).click();
  await c.button('Accept').click();
  await expect.poll(() => c.mine.locator(c.row(handoffId)).count(), EVENTUALLY).toBe(1);
}

describe('the lead’s console and the product inbox against a real hub', () => {
  it('the lead reassigns a handoff from Ana to Ben on the board and Ben’s console shows it with the lead’s note', async () => {
    // Only Ana is signed in when the packet arrives, so the (push) offer is hers.
    const ana = await shared.t.signIn('demo-ana');
    const offered = ana.waitFor('handoff:offered');
    const id = await post(billing);
    expect((await offered).handoff.id).toBe(id);
    expect((await ana.accept(id)).ok).toBe(true);

    const ben = await openConsole(browsing, shared.t.url, 'demo-ben');
    const b = consoleOf(ben);
    await ben.getByText('No offers right now.').waitFor();
    expect(await b.row(id).count()).toBe(0);

    const lee = await openConsole(browsing, shared.t.url, 'demo-lee');
    const accepted = lee.getByRole('list', { name: 'Accepted' });
    const row = accepted.getByRole('listitem', { name: 'Dana Whitfield' });
    await expect.poll(() => row.innerText(), EVENTUALLY).toContain('With Ana');

    const bar = lee.getByRole('form', { name: 'Reassign selected' });
    const reassign = bar.getByRole('button', { name: 'Reassign', exact: true });
    expect(await reassign.isDisabled()).toBe(true);
    await lee.getByRole('checkbox', { name: 'Select Dana Whitfield' }).check();
    expect(await bar.innerText()).toContain('1 selected');
    await bar.getByRole('combobox', { name: 'To' }).selectOption('demo-ben');
    const note = 'Ana is off sick this afternoon; the refund for INV-2291 is already approved.';
    await bar.getByRole('textbox', { name: 'Note' }).fill(note);
    await reassign.click();

    // Ben has it in his own list, with a banner naming the lead and carrying the note.
    await expect.poll(() => b.mine.locator(b.row(id)).count(), EVENTUALLY).toBe(1);
    const banner = ben.getByRole('status', { name: 'Reassigned: Dana Whitfield' });
    await banner.waitFor();
    const bannerText = await banner.innerText();
    expect(bannerText).toContain('Reassigned to you by Lee');
    expect(bannerText).toContain(note);
    // The board follows: the row now says Ben has it, and nothing stays selected.
    await expect.poll(() => row.innerText(), EVENTUALLY).toContain('With Ben');
    expect(await lee.getByRole('checkbox', { name: 'Select Dana Whitfield' }).isChecked()).toBe(false);

    const handoff = await history(id);
    expect(handoff).toMatchObject({ status: 'accepted', assignee: { id: 'demo-ben' } });
    expect(handoff.events.at(-1)).toMatchObject({ type: 'reassigned', actor: { kind: 'lead', id: 'demo-lee' }, agentIds: ['demo-ben'], note });
    ana.close();
    await expect.poll(() => connected('demo-ana'), EVENTUALLY).toBe(false);
  });

  it('an agent routes a bug report, a second agent routes a similar one and picks the suggested item, and the lead’s product inbox shows one item with two customers', async () => {
    // Ana alone: the first bug report is offered to her, and she routes it with the form as prefilled.
    const ana = await openConsole(browsing, shared.t.url, 'demo-ana');
    const first = await post(bug);
    await acceptInPage(ana, first);
    const a = consoleOf(ana);
    await a.button('Route to product').click();
    const anaForm = ana.getByRole('form', { name: 'Route to product' });
    expect(await anaForm.getByRole('radio', { name: 'Bug report' }).isChecked()).toBe(true);
    const title = await anaForm.getByRole('textbox', { name: 'Title' }).inputValue();
    expect(title).toBe(bug.summary);
    await anaForm.getByRole('button', { name: 'Confirm' }).click();
    await a.recent.locator(a.row(first)).waitFor();
    const routedFirst = (await history(first)).events.at(-1)!;
    expect(routedFirst).toMatchObject({ type: 'routed_to_product', product: { kind: 'bug_report', title } });
    await ana.context().close();
    await expect.poll(() => connected('demo-ana'), EVENTUALLY).toBe(false);

    // Ben alone: the same crash from another customer.
    const ben = await openConsole(browsing, shared.t.url, 'demo-ben');
    const b = consoleOf(ben);
    const second = await post({ ...bug, customer: { id: 'cus_5120', name: 'Mara Lind', email: 'mara@example.com', authenticated: true } });
    await acceptInPage(ben, second);
    await b.button('Route to product').click();
    const benForm = ben.getByRole('form', { name: 'Route to product' });
    await benForm.getByRole('textbox', { name: 'Title' }).fill('App crashes when I open a shared board from the notification on Android 15');
    const suggestion = benForm.getByRole('region', { name: 'Similar items' }).getByRole('button', { name: `Add this customer to “${title}”` });
    await suggestion.waitFor();
    await suggestion.click();
    expect(await suggestion.count()).toBe(0);
    expect(await benForm.getByRole('button', { name: 'Added — undo' }).getAttribute('aria-pressed')).toBe('true');
    expect(await benForm.getByRole('status').textContent()).toBe(`This customer will be added to “${title}”.`);
    await benForm.getByRole('button', { name: 'Confirm' }).click();
    await b.recent.locator(b.row(second)).waitFor();
    expect((await history(second)).status).toBe('routed_to_product');

    // The hub made one item, and both conversations are linked to it.
    const { rows: items } = await shared.t.hub.db.query<{ n: number }>('select count(*)::int as n from product_items');
    expect(items[0]!.n).toBe(1);
    const { rows: links } = await shared.t.hub.db.query<{ handoff_id: string; item_id: string }>('select handoff_id, item_id from product_item_handoffs order by linked_at');
    expect(links.map((l) => l.handoff_id)).toEqual([first, second]);
    expect(new Set(links.map((l) => l.item_id)).size).toBe(1);

    // Lee's product inbox: one item, two customers, two conversations.
    const lee = await openConsole(browsing, shared.t.url, 'demo-lee');
    await lee.getByRole('button', { name: 'Product inbox', exact: true }).click();
    const list = lee.getByRole('list', { name: 'Product items' });
    await list.waitFor();
    const itemRows = list.getByRole('listitem', { name: title });
    await itemRows.first().waitFor();
    expect(await list.locator('> li').count()).toBe(1);
    const text = await itemRows.innerText();
    expect(text).toContain('Bug report');
    expect(text).toContain('2 customers · 2 conversations');

    // Its conversations: both customers, each routed by the agent who sent it.
    await itemRows.getByRole('button', { name: 'Conversations' }).click();
    const detail = lee.getByRole('region', { name: `Conversations for ${title}` });
    await detail.waitFor();
    const detailText = await detail.innerText();
    expect(detailText).toContain('@jules_builds · routed by Ana');
    expect(detailText).toContain('Mara Lind · routed by Ben');
  });
});
