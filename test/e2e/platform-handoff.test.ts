// A handoff from a messaging platform in the console: where it comes from, the link back to the
// conversation in the platform, and what happened the last time it was handed off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from '../../hub/admin/accounts.ts';
import { setPlatform } from '../../hub/platforms/config.ts';
import { EVENTUALLY, consoleOf, useBrowser } from '../support/browser.ts';
import { chatwootHeaders, chatwootStatusChanged, startFakeChatwoot, type FakeChatwoot } from '../support/fake-platforms.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const browsing = useBrowser();
const SECRET = 'cw-webhook-secret-0123456789';

let t: TestHub;
let fake: FakeChatwoot;
beforeAll(async () => {
  fake = await startFakeChatwoot('cw-api-token-0123456789');
  fake.conversations.set('77', [
    { id: 1, content: 'My invoice is wrong', message_type: 0, created_at: 1765000000, private: false, sender: { id: 7, name: 'Maria Lopez', type: 'contact' } },
    { id: 2, content: 'Let me get you a person.', message_type: 1, created_at: 1765000010, private: false, sender: { id: 2, name: 'Helpbot', type: 'agent_bot' } },
  ]);
  t = await startTestHub({ env: { CW_TOKEN: 'cw-api-token-0123456789', CW_SECRET: SECRET }, platforms: { baseDelayMs: 20, maxDelayMs: 100, completeBaseDelayMs: 100, completeMaxDelayMs: 300 } });
  await createIntegration(t.hub.db, { name: 'helpdesk', team: 'support' });
  await setPlatform(t.hub.db, { name: 'helpdesk', kind: 'chatwoot', apiUrl: fake.url, tokenEnv: 'CW_TOKEN', webhookSecretEnv: 'CW_SECRET' });
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

const handOff = async (timestamp: number, conversation = 77) => {
  const raw = JSON.stringify(chatwootStatusChanged(conversation, 'pending', 'open', { timestamp }));
  const created = await t.request('POST', '/v1/ingress/chatwoot/helpdesk', { rawBody: raw, key: null, headers: chatwootHeaders(SECRET, raw) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.handoff.id as string;
};

describe('a Chatwoot handoff in the console', () => {
  it('shows the platform, the link back to the conversation, and the earlier handoff with its note', async () => {
    const page = await browsing.open();
    await page.goto(`${t.url}/#token=demo-ana`);
    const c = consoleOf(page);
    await expect.poll(() => c.connection.getAttribute('aria-label'), EVENTUALLY).toBe('Connection: Connected');

    // The first time: Ana takes it and gives it back to the bot with a note, in the console.
    const first = await handOff(1765000100);
    await c.offers.locator(c.row(first)).click();
    await expect.poll(() => c.pane.innerText(), EVENTUALLY).toContain('From Chatwoot');
    const link = c.pane.getByRole('link', { name: 'Open the conversation in Chatwoot' });
    expect(await link.getAttribute('href')).toBe(`${fake.url}/app/accounts/1/conversations/77`);
    expect(await c.pane.getByRole('region', { name: /^Transcript/ }).innerText()).toContain('My invoice is wrong');
    await c.button('Accept').click();
    await expect.poll(() => c.mine.locator(c.row(first)).count(), EVENTUALLY).toBe(1);
    await c.button('Return to bot').click();
    const form = page.getByRole('form', { name: 'Return to bot' });
    await form.getByRole('textbox', { name: 'Note for the bot (required)' }).fill('Invoice corrected; the bot sends the new PDF.');
    await form.getByRole('button', { name: 'Confirm' }).click();
    await fake.receiver.waitFor(1, (r) => r.path.endsWith('/toggle_status'));

    // Handed off again: the packet view says who had it before, how it ended and the note.
    const second = await handOff(1765000900);
    await c.offers.locator(c.row(second)).click();
    const earlier = c.pane.getByRole('region', { name: 'Handed off before' });
    await earlier.waitFor();
    const text = await earlier.innerText();
    expect(text).toContain('Ana had it');
    expect(text).toContain('Given back to the bot');
    expect(text).toContain('Invoice corrected; the bot sends the new PDF.');
    expect(await c.pane.getByRole('link', { name: 'Open the conversation in Chatwoot' }).count()).toBe(1);
  });

  it('says a handoff is partial while Chatwoot does not answer, and shows the transcript when it does', async () => {
    const page = await browsing.open();
    await page.goto(`${t.url}/#token=demo-ana`);
    const c = consoleOf(page);
    await expect.poll(() => c.connection.getAttribute('aria-label'), EVENTUALLY).toBe('Connection: Connected');
    fake.conversations.set('78', [{ id: 10, content: 'Still waiting for my refund', message_type: 0, created_at: 1765000000, private: false, sender: { id: 7, name: 'Maria Lopez', type: 'contact' } }]);
    fake.down = true;
    const id = await handOff(1765002000, 78);
    await c.offers.locator(c.row(id)).click();
    const partial = c.pane.getByRole('status').filter({ hasText: 'has not answered yet' });
    await partial.waitFor();
    expect(await partial.innerText()).toContain('Chatwoot has not answered yet');
    fake.down = false;
    await expect.poll(() => c.pane.getByRole('region', { name: /^Transcript/ }).innerText(), EVENTUALLY).toContain('Still waiting for my refund');
    expect(await partial.count()).toBe(0);
  });
});
