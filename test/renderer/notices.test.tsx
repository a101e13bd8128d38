// @vitest-environment jsdom
import { act, cleanup, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentView } from '../../shared/protocol/agent.ts';
import type { Handoff, HandoffEvent } from '../../shared/protocol/handoff.ts';
import type { ProductItem, ProductStatusChange } from '../../shared/protocol/product.ts';
import { uiStore } from '../../renderer/state/ui.ts';
import type { NotificationPrefs } from '../../renderer/state/settings.ts';
import { FULL_PACKET, ana, makeHandoff, makeProductItem } from '../support/console-fixtures.ts';
import { flushMicrotasks, resetStores, signedInConsole, signedInData, type TestConsole } from '../support/console.ts';
import { renderConsole } from '../support/render-console.tsx';

const LEE = { id: 'lee', name: 'Lee' };
const lee: AgentView = { ...ana, id: 'lee', name: 'Lee', role: 'lead', skills: [], capacity: 0 };
const CUSTOMER = FULL_PACKET.customer!.name!; // Dana Whitfield
const NOTE = 'Dana asked for you; her card ending 4242 was charged twice';

let consoles: TestConsole[] = [];
beforeEach(resetStores);
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
});

async function agentConsole(agent: AgentView, handoffs: Handoff[], prefs: Partial<NotificationPrefs> = {}): Promise<TestConsole> {
  const c = await signedInConsole(agent, handoffs, { data: signedInData(prefs) });
  consoles.push(c);
  renderConsole(c);
  return c;
}

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 24, 10, minute)).toISOString();

const productItem = (fields: Partial<ProductItem> = {}): ProductItem =>
  makeProductItem({ kind: 'bug_report', title: 'Export fails on Safari', details: 'CSV export never starts', severity: 'high', createdAt: at(0), updatedAt: at(0), ...fields });

/** What the hub sends Ana when a lead changes the status of the item she routed h9 to. */
function statusChanged(from: ProductItem['status'], to: ProductItem['status'], minute: number, note: string | null = null) {
  const change: ProductStatusChange = { from, to, note, by: { kind: 'lead', id: LEE.id, name: LEE.name } };
  return { item: productItem({ status: to, statusNote: note, updatedAt: at(minute) }), change, handoffIds: ['h9'] };
}

const routedByAna = (): Handoff => ({ ...makeHandoff({ id: 'h9', acceptedBy: ana }), status: 'routed_to_product' });
const productNotices = (c: TestConsole) => c.platform.noticeLog.filter((n) => n.kind === 'product_status');
const productBanner = () => screen.queryByRole('status', { name: 'Product update: Export fails on Safari' });

describe('a product item the agent routed changes status', () => {
  it('shows one banner and one notification in plain words, once per change: not for a filing or a count, not again after a reconnect', async () => {
    const c = await agentConsole(ana, []);
    act(() => c.hub.emit('product:changed', { item: productItem(), handoffIds: ['h9'] })); // she filed it
    expect(productBanner()).toBeNull();

    act(() => c.hub.emit('product:changed', statusChanged('new', 'in_progress', 5, 'Fix scheduled for 4.2')));
    expect(productBanner()).toHaveTextContent("Bug report 'Export fails on Safari' is now In progress");
    expect(productBanner()).toHaveTextContent('Fix scheduled for 4.2');
    expect(productNotices(c)).toEqual([
      { kind: 'product_status', id: 'product:p1', title: "Bug report 'Export fails on Safari' is now In progress", body: 'Changed by Lee.\n“Fix scheduled for 4.2”', silent: false },
    ]);

    act(() => c.hub.emit('product:changed', { item: productItem({ status: 'in_progress', customerCount: 3, handoffCount: 3, updatedAt: at(6) }), handoffIds: ['h9'] }));
    c.hub.drop();
    act(() => c.hub.connectAs(ana, []));
    act(() => c.hub.emit('product:changed', statusChanged('new', 'in_progress', 5, 'Fix scheduled for 4.2'))); // the same change heard again
    expect(productNotices(c)).toHaveLength(1);

    act(() => c.hub.emit('product:changed', statusChanged('in_progress', 'done', 9)));
    expect(productNotices(c).map((n) => n.title)).toEqual(["Bug report 'Export fails on Safari' is now In progress", "Bug report 'Export fails on Safari' is now Done"]);
    expect(screen.getAllByRole('status', { name: 'Product update: Export fails on Safari' })).toHaveLength(1); // one banner per item, the newest
    expect(productBanner()).toHaveTextContent("Bug report 'Export fails on Safari' is now Done");
    await userEvent.click(within(productBanner()!).getByRole('button', { name: 'Dismiss' }));
    expect(productBanner()).toBeNull();
  });

  it('a click on the notification opens the handoff she routed, asking the hub for it when the console no longer has it', async () => {
    const c = await agentConsole(ana, []);
    c.hub.handoffs.set('h9', routedByAna());
    act(() => c.hub.emit('product:changed', statusChanged('new', 'planned', 5)));
    act(() => c.platform.choose('product:p1', 'open'));
    await act(flushMicrotasks);
    expect(c.hub.commands('handoff:get').map((s) => s.payload)).toEqual([{ handoffId: 'h9' }]);
    expect(uiStore.getState()).toMatchObject({ selectedId: 'h9', detailOpen: true });
    expect(screen.getByRole('heading', { level: 2, name: CUSTOMER })).toBeInTheDocument();
  });

  it('the banner’s Open shows that handoff too, and opening it takes the notification away', async () => {
    const c = await agentConsole(ana, []);
    c.hub.handoffs.set('h9', routedByAna());
    act(() => c.hub.emit('product:changed', statusChanged('new', 'planned', 5)));
    expect(c.platform.notices.has('product:p1')).toBe(true);
    await userEvent.click(within(productBanner()!).getByRole('button', { name: 'Open' }));
    expect(uiStore.getState().selectedId).toBe('h9');
    expect(c.platform.notices.has('product:p1')).toBe(false);
  });

  it('in privacy mode keeps the item’s title and status but not the note that came with it', async () => {
    const c = await agentConsole(ana, [], { privacy: true, sound: false });
    act(() => c.hub.emit('product:changed', statusChanged('new', 'wont_do', 5, `${CUSTOMER} can export to Excel instead`)));
    const [notice] = productNotices(c);
    expect(notice).toMatchObject({ title: "Bug report 'Export fails on Safari' is now Won’t do", body: 'Changed by Lee.', silent: true });
    expect(JSON.stringify(notice)).not.toMatch(/Dana|Whitfield|Excel/);
  });

  it('with do-not-disturb there is no notification, but the banner still shows', async () => {
    const c = await agentConsole(ana, [], { doNotDisturb: true });
    act(() => c.hub.emit('product:changed', statusChanged('new', 'in_progress', 5)));
    expect(c.platform.noticeLog).toEqual([]);
    expect(productBanner()).toHaveTextContent("Bug report 'Export fails on Safari' is now In progress");
  });

  it('a lead is not told: the product inbox shows the change', async () => {
    const c = await agentConsole(lee, []);
    act(() => c.hub.emit('product:changed', { item: statusChanged('new', 'in_progress', 5).item, change: statusChanged('new', 'in_progress', 5).change }));
    expect(c.platform.noticeLog).toEqual([]);
  });
});

describe('a lead gives the agent a handoff', () => {
  const event = (type: HandoffEvent['type'], actor: HandoffEvent['actor'], agentIds?: string[]): HandoffEvent => ({ type, at: at(1), actor, ...(agentIds && { agentIds }) });
  const ROUTER = { kind: 'system', id: 'router' } as const;
  const BY_LEE = { kind: 'lead', id: LEE.id } as const;

  function reassign(c: TestConsole, handoff: Handoff, note?: string): void {
    act(() => {
      c.hub.emit('handoff:changed', { handoff: { ...handoff, events: undefined } });
      c.hub.emit('handoff:reassigned', { handoff, by: LEE, ...(note && { note }) });
    });
  }

  it('new to her: “Reassigned to you by Lee” with the note, as a notification and a banner; a click opens it', async () => {
    const c = await agentConsole(ana, []);
    const handoff = { ...makeHandoff({ id: 'r1', acceptedBy: ana }), events: [event('created', { kind: 'bot', id: 'bot' }), event('offered', ROUTER, ['ben']), event('accepted', { kind: 'agent', id: 'ben' }), event('reassigned', BY_LEE, [ana.id])] };
    reassign(c, handoff, NOTE);
    expect(c.platform.noticeLog).toEqual([{ kind: 'reassigned', id: 'r1', title: 'Reassigned to you by Lee', body: `${CUSTOMER}\n“${NOTE}”`, silent: false }]);
    expect(screen.getByRole('status', { name: `Reassigned: ${CUSTOMER}` })).toHaveTextContent('Reassigned to you by Lee');

    act(() => c.platform.choose('r1', 'open'));
    await act(flushMicrotasks);
    expect(uiStore.getState()).toMatchObject({ selectedId: 'r1', detailOpen: true });
    expect(c.hub.commands('handoff:get')).toEqual([]); // she has it already
  });

  it('returned work: one she held before comes back as “Back to you from Lee”, and opening it closes the notification', async () => {
    const c = await agentConsole(ana, []);
    const history = [
      event('created', { kind: 'bot', id: 'bot' }),
      event('offered', ROUTER, [ana.id]),
      event('accepted', { kind: 'agent', id: ana.id }),
      event('reassigned', BY_LEE, ['ben']),
      event('reassigned', BY_LEE, [ana.id]),
    ];
    reassign(c, { ...makeHandoff({ id: 'r2', acceptedBy: ana }), events: history }, 'Ben is out; back to you');
    expect(c.platform.noticeLog).toMatchObject([{ kind: 'returned', id: 'r2', title: 'Back to you from Lee' }]);
    expect(screen.getByRole('status', { name: `Reassigned: ${CUSTOMER}` })).toHaveTextContent('Back to you from Lee');
    await userEvent.click(screen.getByRole('button', { name: 'Open' }));
    expect(c.platform.notices.has('r2')).toBe(false);
  });

  it('in privacy mode the notification names neither the customer nor quotes the note; with do-not-disturb only the banner shows', async () => {
    const handoff = { ...makeHandoff({ id: 'r3', acceptedBy: ana }), events: [event('reassigned', BY_LEE, [ana.id])] };
    const quiet = await agentConsole(ana, [], { privacy: true });
    reassign(quiet, handoff, NOTE);
    expect(quiet.platform.noticeLog).toMatchObject([{ kind: 'reassigned', title: 'Reassigned to you by Lee', body: 'Open Baton to read it and the note.' }]);
    expect(JSON.stringify(quiet.platform.noticeLog)).not.toMatch(/Dana|Whitfield|4242/);

    quiet.controller.dispose();
    cleanup();
    resetStores();
    const dnd = await agentConsole(ana, [], { doNotDisturb: true });
    reassign(dnd, handoff, NOTE);
    expect(dnd.platform.noticeLog).toEqual([]);
    expect(screen.getByRole('status', { name: `Reassigned: ${CUSTOMER}` })).toHaveTextContent(NOTE);
  });
});

describe('a lead takes a handoff away from the agent', () => {
  it('she is told quietly who moved it, with the note; a click shows it among the recently finished', async () => {
    const c = await agentConsole(ana, [makeHandoff({ id: 't1', acceptedBy: ana })]);
    act(() => c.hub.emit('handoff:withdrawn', { handoffId: 't1', reason: 'reassigned', by: LEE, note: 'Ben takes billing today' }));
    expect(c.platform.noticeLog).toEqual([
      { kind: 'taken_away', id: 't1', title: 'Moved away from you by Lee', body: `${CUSTOMER} is no longer yours.\n“Ben takes billing today”`, silent: true },
    ]);
    act(() => c.platform.choose('t1', 'open'));
    await act(flushMicrotasks);
    expect(uiStore.getState().selectedId).toBe('t1');
    expect(within(screen.getByRole('article', { name: CUSTOMER })).getByText('A lead moved it')).toBeInTheDocument();
  });

  it('an offer a lead moves just ends: its notification closes and nothing says it was taken', async () => {
    const c = await agentConsole(ana, [makeHandoff({ id: 'o1', offerFor: ana.id })]);
    expect(c.platform.notices.has('o1')).toBe(true);
    act(() => c.hub.emit('handoff:withdrawn', { handoffId: 'o1', reason: 'reassigned', by: LEE }));
    expect(c.platform.notices.has('o1')).toBe(false);
    expect(c.platform.noticeLog.map((n) => n.kind)).toEqual(['offer']);
  });

  it('in privacy mode it names no customer and quotes no note; with do-not-disturb nothing is shown', async () => {
    const quiet = await agentConsole(ana, [makeHandoff({ id: 't2', acceptedBy: ana })], { privacy: true });
    act(() => quiet.hub.emit('handoff:withdrawn', { handoffId: 't2', reason: 'reassigned', by: LEE, note: NOTE }));
    expect(quiet.platform.noticeLog).toEqual([{ kind: 'taken_away', id: 't2', title: 'Moved away from you by Lee', body: 'It is no longer yours.', silent: true }]);

    quiet.controller.dispose();
    cleanup();
    resetStores();
    const dnd = await agentConsole(ana, [makeHandoff({ id: 't3', acceptedBy: ana })], { doNotDisturb: true });
    act(() => dnd.hub.emit('handoff:withdrawn', { handoffId: 't3', reason: 'reassigned', by: LEE }));
    expect(dnd.platform.noticeLog).toEqual([]);
  });
});
