// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentView } from '../../shared/protocol/agent.ts';
import type { ProductItem } from '../../shared/protocol/product.ts';
import { routeDraft } from '../../renderer/actions/route-draft.ts';
import { selectHandoffRow } from '../../renderer/state/ui.ts';
import { FULL_PACKET, ana, makeHandoff, makeProductItem } from '../support/console-fixtures.ts';
import { flushMicrotasks, resetStores, signedInConsole, type TestConsole } from '../support/console.ts';
import { renderConsole } from '../support/render-console.tsx';

const lee: AgentView = { ...ana, id: 'lee', name: 'Lee', role: 'lead', skills: [], capacity: 0 };
const AT = '2026-11-20T09:00:00.000Z';

const item = (id: string, over: Partial<ProductItem> = {}): ProductItem => makeProductItem({ id, title: `Item ${id}`, ...over });

let consoles: TestConsole[] = [];
beforeEach(resetStores);
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
});

describe('routing to product with suggestions', () => {
  it('suggests similar items while the agent types (debounced), and the picked one is sent as productItemId', async () => {
    const c = await signedInConsole(ana, [makeHandoff({ id: 'h1', acceptedBy: ana })]);
    consoles.push(c);
    c.hub.products.set('p1', item('p1', { title: 'Export reports as CSV', customerCount: 4 }));
    c.hub.products.set('p2', item('p2', { kind: 'bug_report', title: 'Crash on export' }));
    selectHandoffRow('h1', true);
    renderConsole(c);
    await userEvent.click(screen.getByRole('button', { name: 'Route to product' }));
    const form = screen.getByRole('form', { name: 'Route to product' });
    const title = within(form).getByRole('textbox', { name: 'Title' });
    await userEvent.clear(title);
    await userEvent.type(title, 'CSV export');

    const pick = await within(form).findByRole('button', { name: 'Add this customer to “Export reports as CSV”' });
    // Debounced: the hub is asked about what was typed, not about each keystroke.
    const queries = c.hub.commands('product:suggest').map((s) => (s.payload as { query: { title: string; kind?: string } }).query);
    expect(queries.at(-1)).toMatchObject({ title: 'CSV export', kind: 'feature_request' });
    expect(queries.every((q) => q.title === 'CSV export' || q.title === routeDraft(FULL_PACKET).title)).toBe(true);

    await userEvent.click(pick);
    expect(within(form).getByRole('status')).toHaveTextContent('This customer will be added to “Export reports as CSV”.');
    await userEvent.click(within(form).getByRole('button', { name: 'Confirm' }));
    await flushMicrotasks();
    const routed = c.hub.commands('handoff:routeToProduct').map((s) => s.payload);
    expect(routed).toHaveLength(1);
    expect(routed[0]).toMatchObject({ handoffId: 'h1', kind: 'feature_request', productItemId: 'p1' });
  });

  it('files a new item when no suggestion is picked', async () => {
    const c = await signedInConsole(ana, [makeHandoff({ id: 'h1', acceptedBy: ana })]);
    consoles.push(c);
    c.hub.products.set('p1', item('p1', { title: 'Export reports as CSV' }));
    selectHandoffRow('h1', true);
    renderConsole(c);
    await userEvent.click(screen.getByRole('button', { name: 'Route to product' }));
    const form = screen.getByRole('form', { name: 'Route to product' });
    await within(form).findByRole('button', { name: 'Add this customer to “Export reports as CSV”' });
    await userEvent.click(within(form).getByRole('button', { name: 'Confirm' }));
    await flushMicrotasks();
    const [routed] = c.hub.commands('handoff:routeToProduct').map((s) => s.payload);
    expect(routed).not.toHaveProperty('productItemId');
  });
});

describe('the product inbox', () => {
  async function inbox(): Promise<TestConsole> {
    const c = await signedInConsole(lee, []);
    consoles.push(c);
    c.hub.products.set('p1', item('p1', { title: 'Export reports as CSV', customerCount: 3, handoffCount: 4 }));
    c.hub.products.set('p2', item('p2', { kind: 'bug_report', title: 'Crash on export', status: 'planned' }));
    renderConsole(c);
    await userEvent.click(screen.getByRole('button', { name: 'Product inbox' }));
    await screen.findByRole('listitem', { name: 'Export reports as CSV' });
    return c;
  }
  const titles = () => within(screen.getByRole('list', { name: 'Product items' })).queryAllByRole('listitem').map((li) => li.getAttribute('aria-label'));
  const filters = () => within(screen.getByRole('group', { name: 'Product filters' }));

  it('lists the items with customer and conversation counts, and filters by kind and status', async () => {
    await inbox();
    expect(titles()).toEqual(['Export reports as CSV', 'Crash on export']);
    expect(screen.getByRole('listitem', { name: 'Export reports as CSV' })).toHaveTextContent('3 customers · 4 conversations');
    await userEvent.selectOptions(filters().getByRole('combobox', { name: 'Kind' }), 'Bug report');
    expect(titles()).toEqual(['Crash on export']);
    await userEvent.selectOptions(filters().getByRole('combobox', { name: 'Kind' }), 'Any kind');
    await userEvent.selectOptions(filters().getByRole('combobox', { name: 'Status filter' }), 'New');
    expect(titles()).toEqual(['Export reports as CSV']);
  });

  it('changes an item’s status with product:setStatus, and follows product:changed live', async () => {
    const c = await inbox();
    const p1 = screen.getByRole('listitem', { name: 'Export reports as CSV' });
    await userEvent.selectOptions(within(p1).getByRole('combobox', { name: 'Status' }), 'Planned');
    expect(c.hub.commands('product:setStatus').map((s) => s.payload)).toEqual([{ productItemId: 'p1', status: 'planned' }]);
    expect(within(p1).getByRole('combobox', { name: 'Status' })).toHaveValue('planned');

    act(() => c.hub.emit('product:changed', { item: { ...c.hub.products.get('p1')!, customerCount: 5, handoffCount: 6 } }));
    expect(screen.getByRole('listitem', { name: 'Export reports as CSV' })).toHaveTextContent('5 customers · 6 conversations');
  });

  it('opens an item’s linked packets in one click, with packet text as text', async () => {
    const c = await inbox();
    const linked = makeHandoff({ id: 'h9', packet: { customer: { name: '<img src=x onerror=alert(1)>' }, summary: 'Wants CSV export of reports' } });
    c.hub.respond = (command, payload) =>
      command === 'product:get'
        ? {
            ok: true,
            item: c.hub.products.get(String(payload.productItemId)),
            customers: [],
            links: [{ handoff: { ...linked, status: 'routed_to_product' }, customerKey: 'k', routedBy: { id: 'ana', name: 'Ana Ruiz' }, linkedAt: AT, routed: { kind: 'feature_request', title: 't', details: 'd' } }],
            events: [],
          }
        : { ok: true, items: [...c.hub.products.values()] };
    await userEvent.click(within(screen.getByRole('listitem', { name: 'Export reports as CSV' })).getByRole('button', { name: 'Conversations' }));
    expect(c.hub.commands('product:get').map((s) => s.payload)).toEqual([{ productItemId: 'p1' }]);
    const detail = await screen.findByRole('region', { name: 'Conversations for Export reports as CSV' });
    expect(detail).toHaveTextContent('<img src=x onerror=alert(1)>');
    expect(detail).toHaveTextContent('Wants CSV export of reports');
    expect(detail.querySelector('img')).toBeNull();
  });
});
