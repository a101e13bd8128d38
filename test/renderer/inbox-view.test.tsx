// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ana, ben, makeHandoff } from '../support/console-fixtures.ts';
import { flushMicrotasks, resetStores, signedInConsole, type TestConsole } from '../support/console.ts';
import { renderConsole } from '../support/render-console.tsx';

let consoles: TestConsole[] = [];
beforeEach(resetStores);
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
  vi.useRealTimers();
});

async function showInbox(...args: Parameters<typeof signedInConsole>): Promise<TestConsole> {
  const c = await signedInConsole(...args);
  consoles.push(c);
  renderConsole(c);
  return c;
}

const rowsOf = (list: string): string[] =>
  within(screen.getByRole('listbox', { name: list }))
    .getAllByRole('option')
    .map((o) => o.querySelector('.row-customer')!.textContent);

describe('the inbox', () => {
  it('shows offers first, then the agent’s handoffs, and only theirs', async () => {
    await showInbox(ana, [
      makeHandoff({ id: 'm1', acceptedBy: ana, packet: { customer: { name: 'Mia Chen' } } }),
      makeHandoff({ id: 'o1', offerFor: ana.id, expiresInMs: 30_000, packet: { customer: { name: 'Omar Haddad' } } }),
      makeHandoff({ id: 'o2', offerFor: ana.id, expiresInMs: 10_000, packet: { customer: { name: 'Olga Petrova' } } }),
      makeHandoff({ id: 'b1', offerFor: ben.id, packet: { customer: { name: 'Ben’s customer' } } }),
    ]);
    const lists = screen.getAllByRole('listbox').map((l) => l.getAttribute('aria-label'));
    expect(lists).toEqual(['Offers', 'My handoffs']);
    expect(rowsOf('Offers')).toEqual(['Olga Petrova', 'Omar Haddad']);
    expect(rowsOf('My handoffs')).toEqual(['Mia Chen']);
    expect(screen.queryByText('Ben’s customer')).toBeNull();
  });

  it('shows customer, channel, trigger reason, priority and age on each row', async () => {
    await showInbox(ana, [
      makeHandoff({ id: 'm1', acceptedBy: ana, createdAt: new Date(Date.now() - 7 * 60_000).toISOString(), packet: { channel: 'email', priority: 'urgent', trigger: { reason: 'bug_report' } } }),
    ]);
    const row = within(screen.getByRole('listbox', { name: 'My handoffs' })).getByRole('option');
    expect(row).toHaveTextContent('Dana Whitfield');
    expect(row).toHaveTextContent('Email');
    expect(row).toHaveTextContent('Bug report');
    expect(row).toHaveTextContent('Urgent');
    expect(row).toHaveTextContent('7 min');
  });

  it('counts an offer down every second, on the hub’s clock', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(Date.parse('2026-11-20T10:00:00Z'));
    const c = await signedInConsole(ana, [], {});
    consoles.push(c);
    // The hub's clock runs 5 s ahead of ours.
    const hubNow = Date.now() + 5_000;
    const offer = makeHandoff({ id: 'o1', offerFor: ana.id, expiresInMs: 20_000, now: hubNow });
    c.hub.emit('session', { agent: ana, serverTime: new Date(hubNow).toISOString() });
    c.hub.emit('handoff:offered', { handoff: offer, offer: { id: offer.offer!.id, expiresAt: offer.offer!.expiresAt } });
    renderConsole(c);

    const countdown = within(screen.getByRole('listbox', { name: 'Offers' })).getByTestId('countdown');
    expect(countdown).toHaveTextContent('20 s left');
    act(() => void vi.advanceTimersByTime(3_000));
    expect(countdown).toHaveTextContent('17 s left');
    act(() => void vi.advanceTimersByTime(17_000));
    expect(countdown).toHaveTextContent('Expired');
  });

  it('keeps a row’s space for offers when there are none, so the first one does not push the list down', async () => {
    const c = await showInbox(ana, [makeHandoff({ id: 'm1', acceptedBy: ana })]);
    const offers = screen.getByRole('region', { name: /^Offers/ });
    expect(offers).toHaveClass('inbox-reserve');
    expect(within(offers).getByText('No offers right now.')).toBeInTheDocument();

    const offer = makeHandoff({ id: 'o1', offerFor: ana.id });
    act(() => c.hub.emit('handoff:offered', { handoff: offer, offer: { id: offer.offer!.id, expiresAt: offer.offer!.expiresAt } }));
    expect(rowsOf('Offers')).toEqual(['Dana Whitfield']);
  });

  it('lists what just finished below, newest first, with how it ended', async () => {
    const c = await showInbox(ana, [makeHandoff({ id: 'o1', offerFor: ana.id }), makeHandoff({ id: 'm1', acceptedBy: ana })]);
    act(() => {
      c.hub.emit('handoff:withdrawn', { handoffId: 'o1', reason: 'timed_out' });
      c.hub.emit('handoff:changed', { handoff: { ...c.hub.handoffs.get('m1')!, status: 'resolved' } });
    });
    const recent = within(screen.getByRole('listbox', { name: 'Recently finished' })).getAllByRole('option');
    expect(recent.map((r) => r.querySelector('.outcome')?.textContent)).toEqual(['Done', 'Offer timed out']);
  });

  it('says when the connection is gone and that actions are kept', async () => {
    const c = await showInbox(ana, []);
    act(() => c.hub.drop(2));
    expect(screen.getByRole('status', { name: /Connection/ })).toHaveTextContent('Reconnecting (attempt 2)');
    expect(screen.getByText(/What you do now is kept and sent when it is back/)).toBeInTheDocument();
    act(() => c.hub.setState({ status: 'disconnected', reason: 'io server disconnect' }));
    expect(screen.getByRole('button', { name: 'Reconnect' })).toBeInTheDocument();
    await flushMicrotasks();
  });
});
