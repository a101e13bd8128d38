// The agent console in Chromium against a real hub in demo mode: what an agent sees and does with
// a handoff, checked in the page and in the hub's own history (GET /v1/handoffs/:id).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { HandoffEvent } from '../../shared/protocol/handoff.ts';
import type { ContextPacket } from '../../shared/protocol/packet.ts';
import { EVENTUALLY, consoleOf, openConsole, useBrowser } from '../support/browser.ts';
import { readFixture } from '../support/fixtures.ts';
import { useSharedHub } from '../support/hub.ts';

const browsing = useBrowser();

// One hub for the file. Every test starts with Ana and Ben signed out, nothing offered and nothing
// accepted: the bot cancels whatever a test left open.
const shared = useSharedHub();
const posted = shared.posted;

const billing = readFixture<ContextPacket>('packets/billing-dispute-chat.json');
const bug = readFixture<ContextPacket>('packets/bug-report-social.json');
const featureRequest = readFixture<ContextPacket>('packets/feature-request-email.json');

async function post(packet: ContextPacket): Promise<string> {
  const created = await shared.t.request('POST', '/v1/handoffs', { body: packet });
  expect(created.status).toBe(201);
  posted.push(created.body.handoff.id);
  return created.body.handoff.id as string;
}

async function history(handoffId: string): Promise<{ status: string; assignee: { id: string } | null; events: HandoffEvent[] }> {
  const { status, body } = await shared.t.request('GET', `/v1/handoffs/${handoffId}`);
  expect(status).toBe(200);
  return body.handoff;
}

/** Ana opens the offer and accepts it with the button; it is hers once the inbox says so. */
async function acceptInPage(page: Page, handoffId: string): Promise<void> {
  const c = consoleOf(page);
  await c.offers.locator(c.row(handoffId)).click();
  await c.button('Accept').click();
  await expect.poll(() => c.mine.locator(c.row(handoffId)).count(), EVENTUALLY).toBe(1);
}

describe('the agent console against a real hub', () => {
  it('a packet posted over HTTP appears as an offer with its packet, and Accept moves it to My handoffs', async () => {
    const page = await openConsole(browsing, shared.t.url, 'demo-ana');
    const c = consoleOf(page);
    await page.getByText('No offers right now.').waitFor();

    const id = await post(billing);
    const row = c.offers.locator(c.row(id));
    await expect.poll(() => row.innerText(), EVENTUALLY).toMatch(/Dana Whitfield[\s\S]*\d+ s left[\s\S]*High[\s\S]*Chat[\s\S]*Outside the bot’s scope/);
    expect(await page.title()).toBe('(1) Baton');

    await row.click();
    const pane = c.pane;
    await expect.poll(() => pane.getByRole('heading', { level: 2 }).innerText(), EVENTUALLY).toBe('Dana Whitfield');
    const text = await pane.innerText();
    for (const expected of [
      billing.summary,
      billing.coreIssue!,
      billing.trigger.detail!,
      'billing.refund_request',
      'dana@example.com',
      'cus_8812',
      'pro',
      'en-US',
      'Signed in (identity verified by the bot)',
      ...billing.transcript!.map((turn) => turn.text),
      ...billing.botAttempts!.map((attempt) => attempt.step),
    ]) {
      expect(text).toContain(expected);
    }
    const transcript = pane.getByRole('region', { name: /^Transcript/ });
    expect(await transcript.getByRole('listitem').count()).toBe(billing.transcript!.length);
    expect(await transcript.getByRole('listitem').first().innerText()).toMatch(/^Customer/);
    const link = pane.getByRole('link', { name: /Open the conversation/ });
    expect(await link.getAttribute('href')).toBe(billing.source!.conversationUrl);
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');

    await c.button('Accept').click();
    await expect.poll(() => c.mine.locator(c.row(id)).count(), EVENTUALLY).toBe(1);
    expect(await c.offers.count()).toBe(0);
    expect(await page.getByText('No offers right now.').isVisible()).toBe(true);
    // Now the agent's own: the actions for finishing it replace Accept and Decline.
    for (const name of ['Return to bot', 'Route to product', 'Resolve']) expect(await c.button(name).isVisible()).toBe(true);
    expect(await c.button('Accept').count()).toBe(0);
    expect(await page.title()).toBe('Baton');

    const handoff = await history(id);
    expect(handoff).toMatchObject({ status: 'accepted', assignee: { id: 'demo-ana' } });
    expect(handoff.events.filter((e) => e.type === 'accepted')).toHaveLength(1);
  });

  it('Return to bot needs a note, and the hub’s history shows returned_to_bot with that note', async () => {
    const page = await openConsole(browsing, shared.t.url, 'demo-ana');
    const c = consoleOf(page);
    const id = await post(billing);
    await acceptInPage(page, id);

    await c.button('Return to bot').click();
    const form = page.getByRole('form', { name: 'Return to bot' });
    const note = form.getByRole('textbox', { name: 'Note for the bot (required)' });
    // The form opens with the note focused, and refuses to send without one.
    await expect.poll(() => note.evaluate((el) => el === document.activeElement), EVENTUALLY).toBe(true);
    await form.getByRole('button', { name: 'Confirm' }).click();
    expect(await form.getByRole('alert').innerText()).toBe('Write a note for the bot: it is sent back with the conversation.');
    expect((await history(id)).status).toBe('accepted');

    const words = 'Refund of INV-2291 issued; the bot can confirm by email.';
    await note.fill(words);
    await form.getByRole('button', { name: 'Confirm' }).click();
    // The row moves to Recently finished and then shows its outcome: wait for the words, not the row.
    const finished = c.recent.locator(c.row(id));
    await expect.poll(() => finished.innerText(), EVENTUALLY).toContain('Back with the bot');
    expect(await c.mine.count()).toBe(0);

    await expect.poll(async () => (await history(id)).status, EVENTUALLY).toBe('returned_to_bot');
    const handoff = await history(id);
    expect(handoff.events.at(-1)).toMatchObject({ type: 'returned_to_bot', actor: { kind: 'agent', id: 'demo-ana' }, note: words });
  });

  it('Route to product opens a form prefilled from the packet, and the history shows routed_to_product with its kind and title', async () => {
    const page = await openConsole(browsing, shared.t.url, 'demo-ana');
    const c = consoleOf(page);
    const id = await post(bug);
    await acceptInPage(page, id);

    await c.button('Route to product').click();
    const form = page.getByRole('form', { name: 'Route to product' });
    // A bug report (the bot's trigger said so), titled with the summary's first sentence, the
    // customer's own words in the details, severity from the packet's priority (normal → medium).
    expect(await form.getByRole('radio', { name: 'Bug report' }).isChecked()).toBe(true);
    expect(await form.getByRole('textbox', { name: 'Title' }).inputValue()).toBe(bug.summary);
    const details = await form.getByRole('textbox', { name: 'Details' }).inputValue();
    expect(details).toContain(`Summary: ${bug.summary}`);
    expect(details).toContain('The customer said:');
    for (const turn of bug.transcript!.filter((turn) => turn.from === 'customer')) expect(details).toContain(`- ${turn.text}`);
    expect(await form.getByRole('combobox', { name: 'Severity' }).inputValue()).toBe('medium');

    const title = 'Android 15: app crashes when a shared-board notification is opened';
    await form.getByRole('textbox', { name: 'Title' }).fill(title);
    await form.getByRole('combobox', { name: 'Severity' }).selectOption('high');
    await form.getByRole('button', { name: 'Confirm' }).click();
    const finished = c.recent.locator(c.row(id));
    await expect.poll(() => finished.innerText(), EVENTUALLY).toContain('Sent to the product team');

    const handoff = await history(id);
    expect(handoff.status).toBe('routed_to_product');
    const routed = handoff.events.at(-1)!;
    expect(routed).toMatchObject({ type: 'routed_to_product', actor: { kind: 'agent', id: 'demo-ana' }, product: { kind: 'bug_report', title, severity: 'high' } });
    expect(routed.product!.details).toBe(details);
  });

  it('Decline with a reason moves the offer to the other agent: Ben’s console shows it', async () => {
    // Only Ana is signed in when the packet arrives, so the (push) offer is hers.
    const ana = await openConsole(browsing, shared.t.url, 'demo-ana');
    const id = await post(billing);
    const a = consoleOf(ana);
    await a.offers.locator(a.row(id)).click();

    const ben = await openConsole(browsing, shared.t.url, 'demo-ben');
    const b = consoleOf(ben);
    await ben.getByText('No offers right now.').waitFor();

    await a.button('Decline').click();
    const form = ana.getByRole('form', { name: 'Decline offer' });
    await form.getByRole('button', { name: 'Confirm' }).click();
    expect(await form.getByRole('alert').innerText()).toBe('Choose a reason.');
    await form.getByRole('radio', { name: 'Language I do not speak' }).check();
    await form.getByRole('button', { name: 'Confirm' }).click();

    const offered = b.offers.locator(b.row(id));
    await expect.poll(() => offered.innerText(), EVENTUALLY).toContain('Dana Whitfield');
    await offered.click();
    expect(await b.pane.innerText()).toContain(billing.summary);
    expect(await b.button('Accept').isEnabled()).toBe(true);
    // Ana's offer is gone from her offers.
    await expect.poll(() => a.offers.locator(a.row(id)).count(), EVENTUALLY).toBe(0);

    const events = (await history(id)).events;
    expect(events.find((e) => e.type === 'declined')).toMatchObject({ actor: { kind: 'agent', id: 'demo-ana' }, reason: 'Language I do not speak' });
    expect(events.at(-1)).toMatchObject({ type: 'offered', agentIds: ['demo-ben'] });
  });

  it('keyboard: j and k move through the inbox, a accepts the selected offer, ? lists the shortcuts', async () => {
    const page = await openConsole(browsing, shared.t.url, 'demo-ana');
    const c = consoleOf(page);
    const first = await post(billing);
    await c.offers.locator(c.row(first)).waitFor();
    const second = await post(featureRequest);
    await c.offers.locator(c.row(second)).waitFor();
    const selected = () => page.locator('[role="option"][aria-selected="true"]').getAttribute('id');
    const focused = () => page.evaluate(() => document.activeElement?.id);

    await page.keyboard.press('j');
    expect(await selected()).toBe(`row-${first}`);
    await page.keyboard.press('j');
    expect(await selected()).toBe(`row-${second}`);
    expect(await focused()).toBe(`row-${second}`);
    await page.keyboard.press('k');
    expect(await selected()).toBe(`row-${first}`);
    expect(await focused()).toBe(`row-${first}`);

    await page.keyboard.press('a');
    await expect.poll(() => c.mine.locator(c.row(first)).count(), EVENTUALLY).toBe(1);
    expect(await c.offers.locator(c.row(second)).count()).toBe(1);
    expect((await history(first)).status).toBe('accepted');
    expect((await history(second)).status).toBe('offered');

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    const keys = await help.locator('kbd').allInnerTexts();
    expect(keys).toEqual(expect.arrayContaining(['j', 'k', 'a', 'd', 'r', 'p', 's', '?', 'Esc']));
    expect(await help.innerText()).toContain('Accept the offer');
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count(), EVENTUALLY).toBe(0);
  });
});
