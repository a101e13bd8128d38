// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import { routeDraft } from '../../renderer/actions/route-draft.ts';
import { uiStore, selectHandoffRow } from '../../renderer/state/ui.ts';
import { FULL_PACKET, ana, makeHandoff } from '../support/console-fixtures.ts';
import { flushMicrotasks, resetStores, signedInConsole, type TestConsole } from '../support/console.ts';
import { renderConsole } from '../support/render-console.tsx';

let consoles: TestConsole[] = [];
beforeEach(resetStores);
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
});

async function open(handoffs: Handoff[], select: string | null = handoffs[0]?.id ?? null): Promise<TestConsole> {
  const c = await signedInConsole(ana, handoffs);
  consoles.push(c);
  if (select) selectHandoffRow(select, true);
  renderConsole(c);
  return c;
}

const button = (name: string) => screen.getByRole('button', { name });

describe('actions on an offer', () => {
  it('Accept sends the accept and the handoff becomes the agent’s', async () => {
    const c = await open([makeHandoff({ id: 'h1', offerFor: ana.id })]);
    expect(screen.queryByRole('button', { name: 'Resolve' })).toBeNull();
    await userEvent.click(button('Accept'));
    expect(c.hub.commands().map((s) => [s.command, s.payload])).toEqual([['handoff:accept', { handoffId: 'h1' }]]);
    expect(within(screen.getByRole('listbox', { name: 'My handoffs' })).getAllByRole('option')).toHaveLength(1);
    expect(button('Resolve')).toBeEnabled();
  });

  it('Decline asks for a reason from a list before anything is sent', async () => {
    const c = await open([makeHandoff({ id: 'h1', offerFor: ana.id })]);
    await userEvent.click(button('Decline'));
    const form = screen.getByRole('form', { name: 'Decline offer' });
    await userEvent.click(within(form).getByRole('button', { name: 'Confirm' }));
    expect(within(form).getByRole('alert')).toHaveTextContent('Choose a reason.');
    expect(c.hub.sent).toEqual([]);

    await userEvent.click(within(form).getByRole('radio', { name: 'Another reason' }));
    await userEvent.type(within(form).getByRole('textbox', { name: 'Reason' }), 'Customer asked for Spanish');
    await userEvent.click(within(form).getByRole('button', { name: 'Confirm' }));
    expect(c.hub.commands('handoff:decline').map((s) => s.payload)).toEqual([{ handoffId: 'h1', reason: 'Customer asked for Spanish' }]);
  });

  it('shows an action taken offline as pending, and blocks a second one', async () => {
    const c = await open([makeHandoff({ id: 'h1', offerFor: ana.id })]);
    act(() => c.hub.drop());
    await userEvent.click(button('Accept'));
    expect(screen.getByText(/Accepting — kept until the connection returns, then sent once\./)).toBeInTheDocument();
    expect(button('Accept')).toBeDisabled();
    expect(within(screen.getByRole('listbox', { name: 'Offers' })).getByRole('option')).toHaveTextContent('Waiting to send');
    await act(async () => {
      c.hub.connectAs(ana);
      await flushMicrotasks();
    });
    expect(c.hub.commands('handoff:accept')).toHaveLength(1);
    expect(screen.queryByText(/Accepting/)).toBeNull();
  });
});

describe('actions on the agent’s handoff', () => {
  it('Return to bot needs a note; a suggested note can fill it', async () => {
    const c = await open([makeHandoff({ id: 'h1', acceptedBy: ana })]);
    await userEvent.click(button('Return to bot'));
    const form = screen.getByRole('form', { name: 'Return to bot' });
    const note = within(form).getByRole('textbox', { name: /Note for the bot/ });
    expect(note).toHaveFocus();

    await userEvent.type(note, '   ');
    await userEvent.click(within(form).getByRole('button', { name: 'Confirm' }));
    expect(within(form).getByRole('alert')).toHaveTextContent('Write a note for the bot');
    expect(note).toHaveAttribute('aria-invalid', 'true');
    expect(c.hub.sent).toEqual([]);

    await userEvent.click(within(form).getByRole('button', { name: 'Answered the question; the bot can take it from here.' }));
    expect(note).toHaveValue('Answered the question; the bot can take it from here.');
    await userEvent.click(within(form).getByRole('button', { name: 'Confirm' }));
    expect(c.hub.commands('handoff:returnToBot').map((s) => s.payload)).toEqual([
      { handoffId: 'h1', note: 'Answered the question; the bot can take it from here.' },
    ]);
    expect(screen.queryByRole('form')).toBeNull();
  });

  it('Route to product opens a form filled in from the packet', async () => {
    const c = await open([makeHandoff({ id: 'h1', acceptedBy: ana, packet: { trigger: { reason: 'bug_report', detail: 'Checkout 502' }, priority: 'urgent' } })]);
    await userEvent.click(button('Route to product'));
    const form = within(screen.getByRole('form', { name: 'Route to product' }));
    expect(form.getByRole('radio', { name: 'Bug report' })).toBeChecked();
    expect(form.getByRole('textbox', { name: 'Title' })).toHaveValue('Duplicate charge on invoice INV-2203.');
    const details = form.getByRole<HTMLTextAreaElement>('textbox', { name: 'Details' });
    expect(details.value).toContain(`Summary: ${FULL_PACKET.summary}`);
    expect(details.value).toContain('Why the bot handed off: Bug report — Checkout 502');
    expect(details.value).toContain('- Hi, I was charged twice this month.');
    expect(form.getByRole('combobox', { name: 'Severity' })).toHaveValue('critical');

    await userEvent.click(form.getByRole('radio', { name: 'Feature request' }));
    expect(form.queryByRole('combobox', { name: 'Severity' })).toBeNull();
    await userEvent.click(form.getByRole('radio', { name: 'Bug report' }));
    await userEvent.selectOptions(form.getByRole('combobox', { name: 'Severity' }), 'high');
    await userEvent.click(form.getByRole('button', { name: 'Confirm' }));
    expect(c.hub.commands('handoff:routeToProduct').map((s) => s.payload)).toEqual([
      { handoffId: 'h1', kind: 'bug_report', title: 'Duplicate charge on invoice INV-2203.', details: details.value, severity: 'high' },
    ]);
  });

  it('Resolve finishes it, and it moves to recently finished', async () => {
    const c = await open([makeHandoff({ id: 'h1', acceptedBy: ana })]);
    await userEvent.click(button('Resolve'));
    expect(c.hub.commands().map((s) => s.command)).toEqual(['handoff:resolve']);
    expect(within(screen.getByRole('listbox', { name: 'Recently finished' })).getByRole('option')).toHaveTextContent('Done');
  });

  it('the route draft is a feature request unless the bot saw a bug, and never longer than the hub accepts', () => {
    expect(routeDraft({ summary: 'Wants dark mode', trigger: { reason: 'feature_request' } })).toMatchObject({
      kind: 'feature_request',
      title: 'Wants dark mode',
      severity: 'medium',
    });
    const huge = routeDraft({ summary: 'x'.repeat(20_000), coreIssue: 'y '.repeat(5_000), trigger: { reason: 'other' } });
    expect(huge.details.length).toBeLessThanOrEqual(20_000);
    expect(huge.details).toMatch(/shortened to fit/);
    expect(huge.title.length).toBeLessThanOrEqual(200);
  });
});

describe('the keyboard', () => {
  const offers = () => [
    makeHandoff({ id: 'o1', offerFor: ana.id, expiresInMs: 10_000, packet: { customer: { name: 'First Offer' } } }),
    makeHandoff({ id: 'o2', offerFor: ana.id, expiresInMs: 20_000, packet: { customer: { name: 'Second Offer' } } }),
    makeHandoff({ id: 'm1', acceptedBy: ana, packet: { customer: { name: 'Mine' } } }),
  ];

  it('j and k move through the inbox; a accepts the selected offer', async () => {
    const c = await open(offers(), null);
    await userEvent.keyboard('j');
    expect(uiStore.getState().selectedId).toBe('o1');
    await userEvent.keyboard('jj');
    expect(uiStore.getState().selectedId).toBe('m1');
    expect(screen.getByRole('option', { name: /Mine/ })).toHaveFocus();
    await userEvent.keyboard('kk');
    expect(uiStore.getState().selectedId).toBe('o1');
    await userEvent.keyboard('a');
    expect(c.hub.commands().map((s) => [s.command, s.payload])).toEqual([['handoff:accept', { handoffId: 'o1' }]]);
  });

  it('d, r and p open their forms; s resolves; keys do nothing where they do not apply', async () => {
    const c = await open(offers(), 'o1');
    await userEvent.keyboard('s'); // not on an offer
    expect(c.hub.sent).toEqual([]);
    await userEvent.click(button('Decline'));
    expect(screen.getByRole('radio', { name: 'Outside my skills' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('form')).toBeNull();
    expect(button('Decline')).toHaveFocus();
    await userEvent.keyboard('d');
    expect(screen.getByRole('form', { name: 'Decline offer' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('form')).toBeNull();

    act(() => selectHandoffRow('m1', true));
    await userEvent.keyboard('r');
    expect(screen.getByRole('form', { name: 'Return to bot' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    await userEvent.keyboard('p');
    expect(screen.getByRole('form', { name: 'Route to product' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    await userEvent.keyboard('s');
    expect(c.hub.commands().map((s) => [s.command, s.payload])).toEqual([['handoff:resolve', { handoffId: 'm1' }]]);
  });

  it('typing in a field is typing, not shortcuts', async () => {
    const c = await open(offers(), 'm1');
    await userEvent.click(button('Return to bot'));
    const note = screen.getByRole('textbox', { name: /Note for the bot/ });
    await userEvent.type(note, 'jkadrps?');
    expect(note).toHaveValue('jkadrps?');
    expect(uiStore.getState()).toMatchObject({ selectedId: 'm1', helpOpen: false, form: 'returnToBot' });
    expect(c.hub.sent).toEqual([]);
  });

  it('? lists the shortcuts, and Escape closes the list', async () => {
    await open(offers(), null);
    await userEvent.keyboard('?');
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const does of ['Accept the offer', 'Decline the offer (choose a reason)', 'Return to bot (with a note)', 'Route to product', 'Resolve', 'Next handoff', 'Previous handoff']) {
      within(dialog).getByText(does);
    }
    expect(within(dialog).getByRole('button', { name: 'Close' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
