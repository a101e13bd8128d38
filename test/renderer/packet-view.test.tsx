// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import { ContextPacket } from '../../shared/protocol/packet.ts';
import { selectHandoffRow } from '../../renderer/state/ui.ts';
import { ana, makeHandoff } from '../support/console-fixtures.ts';
import { resetStores, signedInConsole, type TestConsole } from '../support/console.ts';
import { REPO_ROOT } from '../support/fixtures.ts';
import { renderConsole } from '../support/render-console.tsx';

let consoles: TestConsole[] = [];
beforeEach(resetStores);
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
  delete (window as { pwned?: boolean }).pwned;
});

async function showHandoff(handoff: Handoff): Promise<{ c: TestConsole; pane: HTMLElement; container: HTMLElement }> {
  const c = await signedInConsole(ana, [handoff]);
  consoles.push(c);
  selectHandoffRow(handoff.id, true);
  const { container } = renderConsole(c);
  return { c, pane: screen.getByRole('article'), container };
}

describe('the packet view', () => {
  it('shows every part of the packet', async () => {
    const { c, pane } = await showHandoff(makeHandoff({ id: 'h1', acceptedBy: ana }));
    const view = within(pane);
    const section = (name: string) => within(view.getByRole('region', { name: new RegExp(`^${name}`) }));

    expect(view.getByRole('heading', { level: 2 })).toHaveTextContent('Dana Whitfield');
    section('Summary').getByText('Customer was charged twice for the March invoice and wants the duplicate refunded.');
    section('Summary').getByText('Duplicate charge on invoice INV-2203.');
    section('Why the bot handed off').getByText('Outside the bot’s scope');
    section('Why the bot handed off').getByText('Refunds need an agent with billing access');
    section('Intent and sentiment').getByText('billing.refund_request');
    expect(section('Intent and sentiment').getByRole('meter', { name: 'Confidence' })).toHaveAttribute('value', '0.91');
    section('Intent and sentiment').getByText('91%');
    expect(view.getByRole('region', { name: /^Intent and sentiment/ })).toHaveTextContent('Sentiment Negative (-0.40)');
    expect(section('Intent and sentiment').getByRole('meter', { name: 'Frustration' })).toHaveAttribute('value', '0.55');

    const customer = section('Customer');
    customer.getByText('Signed in (identity verified by the bot)');
    for (const text of ['Dana Whitfield', 'dana@example.com', 'cus_8812', 'pro', 'en-GB']) customer.getByText(text);

    const turns = section('Transcript').getAllByRole('listitem');
    expect(turns).toHaveLength(2);
    expect(turns[0]).toHaveTextContent('Customer');
    expect(turns[0]).toHaveTextContent('Hi, I was charged twice this month.');
    expect(turns[0]!.querySelector('time')).toHaveAttribute('datetime', '2026-11-20T09:14:02Z');
    expect(turns[1]).toHaveTextContent('Bot');

    section('What the bot tried').getByText('self_service_refund');
    section('What the bot tried').getByText('not allowed for card payments');

    const link = view.getByRole('link', { name: 'Open the conversation in zendesk' });
    expect(link).toHaveAttribute('href', 'https://helpdesk.example.com/conversations/10442');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    await userEvent.click(link);
    expect(c.platform.opened).toEqual(['https://helpdesk.example.com/conversations/10442']);
  });

  it('says plainly when a customer is not signed in', async () => {
    const { pane } = await showHandoff(makeHandoff({ id: 'h1', acceptedBy: ana, packet: { customer: { name: 'Guest', authenticated: false } } }));
    within(pane).getByText('Not signed in (identity not verified)');
  });
});

describe('a hostile packet', () => {
  const longWord = 'W'.repeat(5_000);
  const arabic = 'لقد تم خصم المبلغ مرتين من بطاقتي';
  const hebrew = 'חויבתי פעמיים';
  const hostile: ContextPacket = ContextPacket.parse({
    summary: '<script>window.pwned = true</script>Refund please',
    trigger: { reason: 'other', detail: '<img src=x onerror="window.pwned = true">' },
    coreIssue: `[click me](javascript:window.pwned=true) ${longWord}`,
    customer: { name: '<b onmouseover="window.pwned = true">Eve</b>', locale: 'ar-EG' },
    transcript: [
      { from: 'customer', text: arabic, at: '2026-11-20T09:14:02Z' },
      { from: 'customer', text: `${hebrew} <iframe src="https://evil.example"></iframe>`, at: '2026-11-20T09:14:05Z' },
      { from: 'bot', text: 'javascript:window.pwned=true', at: '2026-11-20T09:14:09Z' },
    ],
    botAttempts: [{ step: '<svg onload="window.pwned = true">', outcome: '**bold** _not_ markdown' }],
    source: { platform: '<a href="javascript:alert(1)">x</a>', conversationUrl: 'https://helpdesk.example.com/c/1?q=<script>' },
    metadata: { '<style>*{display:none}</style>': '<object data="x">' },
  });

  it('renders as inert text: no elements, no handlers, no script runs', async () => {
    const { pane, container } = await showHandoff(makeHandoff({ id: 'h1', acceptedBy: ana, packet: hostile }));
    expect(container.querySelector('script, img, iframe, svg, object, style, b')).toBeNull();
    expect(container.querySelector('[onerror], [onload], [onmouseover]')).toBeNull();
    expect((window as { pwned?: boolean }).pwned).toBeUndefined();

    const view = within(pane);
    view.getByText('<script>window.pwned = true</script>Refund please');
    view.getByText('<img src=x onerror="window.pwned = true">');
    view.getByText('**bold** _not_ markdown');
    view.getAllByText('<b onmouseover="window.pwned = true">Eve</b>');
  });

  it('turns no javascript: text into a link; the only link is the http(s) conversation link', async () => {
    const { container } = await showHandoff(makeHandoff({ id: 'h1', acceptedBy: ana, packet: hostile }));
    const hrefs = [...container.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.getAttribute('rel')]);
    expect(hrefs).toEqual([['https://helpdesk.example.com/c/1?q=%3Cscript%3E', 'noopener noreferrer']]);
  });

  it('shows a conversation link that is not http(s) as text (defence beyond the schema)', async () => {
    const handoff = makeHandoff({ id: 'h1', acceptedBy: ana });
    const tampered = { ...handoff, packet: { ...handoff.packet, source: { platform: 'zendesk', conversationUrl: 'javascript:window.pwned=true' } } };
    const { pane, container } = await showHandoff(tampered);
    expect(container.querySelector('a')).toBeNull();
    within(pane).getByText('javascript:window.pwned=true');
  });

  it('wraps very long words and lets right-to-left text set its own direction', async () => {
    const { pane } = await showHandoff(makeHandoff({ id: 'h1', acceptedBy: ana, packet: hostile }));
    const long = within(pane).getByText((_, el) => el?.classList.contains('text') === true && el.textContent.includes(longWord));
    expect(long).toHaveAttribute('dir', 'auto');
    for (const text of [arabic, new RegExp(hebrew)]) {
      const el = within(pane).getByText(text);
      expect(el).toHaveAttribute('dir', 'auto');
      expect(el).toHaveClass('text');
    }
    const css = readFileSync(`${REPO_ROOT}/renderer/app/console.css`, 'utf8');
    expect(css).toMatch(/\.text\s*\{[^}]*overflow-wrap:\s*anywhere/);
  });
});

describe('a handoff from a messaging platform', () => {
  it('names the platform, shows the earlier handoff with its note, says when it is partial, and shows a failed call as an alert', async () => {
    const base = makeHandoff({ id: 'h-platform', acceptedBy: ana });
    const handoff: Handoff = {
      ...base,
      packet: { ...base.packet, source: { platform: 'chatwoot', conversationId: '42', conversationUrl: 'https://chat.example.com/app/accounts/1/conversations/42' } },
      previous: { id: 'h-before', status: 'returned_to_bot', at: base.createdAt, assignee: { id: 'demo-ben', name: 'Ben' }, note: 'Refund issued; bot confirms.' },
      partial: true,
      platformNotice: 'Baton could not give the conversation back to the bot in Chatwoot (HTTP 503). Do it in Chatwoot itself.',
    };
    const { pane } = await showHandoff(handoff);
    const view = within(pane);
    expect(pane).toHaveTextContent('From Chatwoot');
    expect(view.getByRole('link', { name: 'Open the conversation in Chatwoot' })).toHaveAttribute('href', 'https://chat.example.com/app/accounts/1/conversations/42');
    const earlier = within(view.getByRole('region', { name: 'Handed off before' }));
    earlier.getByText('Ben');
    expect(view.getByRole('region', { name: 'Handed off before' })).toHaveTextContent('Ben had it · Given back to the bot');
    earlier.getByText('Refund issued; bot confirms.');
    expect(view.getAllByRole('status').map((el) => el.textContent)).toContain('Chatwoot has not answered yet: the transcript and customer appear here as soon as it does.');
    expect(view.getByRole('alert')).toHaveTextContent('Baton could not give the conversation back to the bot in Chatwoot (HTTP 503). Do it in Chatwoot itself.');
  });

  it('shows none of it for a handoff from a bot', async () => {
    const { pane } = await showHandoff(makeHandoff({ id: 'h-bot', acceptedBy: ana }));
    expect(within(pane).queryByRole('region', { name: 'Handed off before' })).toBeNull();
    expect(pane).not.toHaveTextContent('has not answered yet');
    expect(within(pane).queryByRole('alert')).toBeNull();
  });
});
