// Packets come from bots, and bots pass on whatever customers type. Everything in a packet must
// reach the agent as text: no script runs, nothing loads, nothing breaks the layout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContextPacket } from '../../shared/protocol/packet.ts';
import { CONSOLE_HEADERS } from '../../hub/http/console.ts';
import { EVENTUALLY, NARROW, WIDE, consoleOf, useBrowser } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const browsing = useBrowser();

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t?.stop());

// Each payload calls the trap with its own name, so a failure says which one ran.
const trap = (name: string): string => `window.__pwned('${name}')`;
const LONG_WORD = 'Supercalifragilistic'.repeat(60); // 1,200 characters, no break opportunity
const LONG_URL = `https://example.com/${'a1b2c3d4'.repeat(80)}`;
const ARABIC = 'لقد تم خصم المبلغ مرتين من بطاقتي، أريد استرداد أحدهما من فضلك';
const HEBREW = 'שלום, חויבתי פעמיים על אותה חשבונית';

const HOSTILE: ContextPacket = {
  summary: `<script>${trap('summary script')}</script><img src=x onerror="${trap('summary img')}"> Charged twice`,
  coreIssue: `<a href="javascript:${trap('core link')}">click me</a> javascript:${trap('core text')}`,
  trigger: { reason: 'other', detail: `<iframe src="javascript:${trap('iframe')}"></iframe><svg onload="${trap('svg')}"></svg>` },
  intent: { name: `<style>body{display:none}</style>`, confidence: 0.5 },
  sentiment: { score: -0.9, frustration: 0.95 },
  customer: {
    id: `"><img src=x onerror=${trap('id')}>`,
    name: `<img src=x onerror=${trap('name')}>`,
    email: 'mallory@example.com',
    tier: `<b onmouseover="${trap('tier')}">gold</b>`,
    locale: `<script src="https://evil.example/x.js"></script>`,
    authenticated: false,
  },
  channel: 'chat',
  priority: 'urgent',
  transcript: [
    { from: 'customer', text: `<script>${trap('transcript script')}</script>`, at: '2026-11-20T09:00:00Z' },
    { from: 'customer', text: `<img src="https://evil.example/pixel.gif" onerror="${trap('transcript img')}">`, at: '2026-11-20T09:00:05Z' },
    { from: 'customer', text: `[click here](javascript:${trap('markdown')}) **bold** javascript:alert(1)`, at: '2026-11-20T09:00:10Z' },
    { from: 'customer', text: LONG_WORD, at: '2026-11-20T09:00:15Z' },
    { from: 'customer', text: LONG_URL, at: '2026-11-20T09:00:20Z' },
    { from: 'customer', text: ARABIC, at: '2026-11-20T09:00:25Z' },
    { from: 'bot', text: `\u202Egnp.exe ${HEBREW}`, at: '2026-11-20T09:00:30Z' },
    { from: 'bot', text: 'I will hand you to a person now.', at: '2026-11-20T09:00:35Z' },
  ],
  botAttempts: [{ step: `<svg/onload=${trap('attempt')}>`, outcome: `<object data="javascript:${trap('object')}"></object>` }],
  skills: ['billing'],
  source: { platform: `<img src=x onerror=${trap('platform')}>`, conversationId: LONG_WORD.slice(0, 200), conversationUrl: `https://example.com/"><script>${trap('url')}</script>` },
  metadata: { [`<img src=x onerror=${trap('meta key')}>`]: `<script>${trap('meta value')}</script>`, plan: LONG_WORD },
};

describe('a hostile packet', () => {
  it('the hub refuses a javascript: conversation link outright', async () => {
    const refused = await t.request('POST', '/v1/handoffs', {
      body: { ...HOSTILE, source: { platform: 'generic', conversationUrl: `javascript:${trap('url')}` } },
    });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'invalid_packet', issues: [{ path: 'source.conversationUrl' }] } } });
  });

  it('renders inert: no script runs, no dialog, no element or request made from its text, no horizontal overflow, right-to-left text keeps its direction', async () => {
    // The console's CSP would stop an injected script on its own; bypassing it here means this
    // test sees what the rendering does. If packet text ever became HTML, the trap would fire.
    const page = await browsing.open({ bypassCSP: true, viewport: WIDE });
    const pwned: string[] = [];
    const dialogs: string[] = [];
    const requests: string[] = [];
    await page.exposeFunction('__pwned', (name: string) => void pwned.push(name));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('request', (request) => requests.push(request.url()));

    const response = await page.goto(`${t.url}/#token=demo-ana`);
    expect(response?.headers()['content-security-policy']).toBe(CONSOLE_HEADERS['content-security-policy']);
    const c = consoleOf(page);
    await expect.poll(() => c.connection.getAttribute('aria-label'), EVENTUALLY).toBe('Connection: Connected');

    const created = await t.request('POST', '/v1/handoffs', { body: HOSTILE });
    expect(created, JSON.stringify(created.body)).toMatchObject({ status: 201 });
    const id = created.body.handoff.id as string;
    const row = c.offers.locator(c.row(id));
    await row.waitFor();
    await row.click();
    await c.pane.getByRole('region', { name: /^Transcript/ }).waitFor();
    // Accept it, and open the route-to-product form: its fields are prefilled with the same text.
    await c.button('Accept').click();
    await expect.poll(() => c.mine.locator(c.row(id)).count(), EVENTUALLY).toBe(1);
    await c.button('Route to product').click();
    const form = page.getByRole('form', { name: 'Route to product' });
    await form.waitFor();

    // Shown, literally, as the text it is.
    const paneText = await c.pane.innerText();
    for (const literal of [HOSTILE.summary, HOSTILE.coreIssue!, HOSTILE.trigger.detail!, HOSTILE.intent!.name, HOSTILE.customer!.name!, ...HOSTILE.transcript!.map((turn) => turn.text.replace('\u202E', ''))]) {
      expect(paneText.replace('\u202E', '')).toContain(literal);
    }
    expect(await c.row(id).innerText()).toContain(HOSTILE.customer!.name!);
    expect(await form.getByRole('textbox', { name: 'Details' }).inputValue()).toContain(HOSTILE.summary);

    // Nothing ran, nothing asked.
    expect(pwned).toEqual([]);
    expect(dialogs).toEqual([]);

    // No element came from packet text: the console itself makes none of these, nor any handler attribute.
    const made = await page.evaluate(() => {
      const root = document.getElementById('root')!;
      return {
        elements: [...root.querySelectorAll('script, img, iframe, svg, style, object, embed, link, meta, base, b')].map((el) => el.outerHTML.slice(0, 80)),
        handlers: [...root.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName} ${a.name}`)),
        links: [...root.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        bodyVisible: getComputedStyle(document.body).display !== 'none',
      };
    });
    expect(made.elements).toEqual([]);
    expect(made.handlers).toEqual([]);
    expect(made.bodyVisible).toBe(true);
    // The one link is the conversation's, an https address with its quotes and brackets escaped.
    expect(made.links).toEqual([new URL(HOSTILE.source!.conversationUrl!).href]);
    expect(made.links[0]).toMatch(/^https:\/\/example\.com\/%22%3E%3Cscript%3E/);

    // Nothing was fetched from anywhere but the hub, and nothing named by the packet (`x`).
    const elsewhere = requests.filter((url) => new URL(url).origin !== t.url);
    expect(elsewhere).toEqual([]);
    expect(requests.filter((url) => new URL(url).pathname === '/x')).toEqual([]);

    // Long words and long addresses wrap: neither the page nor any card scrolls sideways.
    const overflow = () =>
      page.evaluate(() => ({
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        cards: [...document.querySelectorAll<HTMLElement>('.card, .row, .pane-header, .action-form')]
          .filter((el) => el.scrollWidth > el.clientWidth + 1)
          .map((el) => `${el.className}: ${el.scrollWidth} > ${el.clientWidth}`),
      }));
    expect(await overflow()).toEqual({ page: 0, cards: [] });

    // Right-to-left text reads right to left; each piece of packet text picks its own direction.
    const direction = (text: string) =>
      c.pane
        .getByText(text, { exact: true })
        .evaluate((el) => ({ dir: el.getAttribute('dir'), direction: getComputedStyle(el).direction }));
    expect(await direction(ARABIC)).toEqual({ dir: 'auto', direction: 'rtl' });
    expect(await direction('I will hand you to a person now.')).toEqual({ dir: 'auto', direction: 'ltr' });
    const untagged = await page.evaluate(() => [...document.querySelectorAll('.text')].filter((el) => el.getAttribute('dir') !== 'auto').length);
    expect(untagged).toBe(0);

    // The narrow side panel: the packet alone, still without sideways scrolling.
    await page.setViewportSize(NARROW);
    await c.pane.getByRole('region', { name: /^Transcript/ }).scrollIntoViewIfNeeded();
    expect(await c.pane.isVisible()).toBe(true);
    expect(await overflow()).toEqual({ page: 0, cards: [] });
    await page.getByRole('button', { name: 'Back to list' }).click();
    await c.mine.locator(c.row(id)).waitFor();
    expect(await overflow()).toEqual({ page: 0, cards: [] });

    expect(pwned).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
