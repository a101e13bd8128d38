import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { ProductItem } from '../../shared/protocol/product.ts';
import type { Controller } from '../../renderer/ui/controls.ts';
import type { ProductRoute } from '../../renderer/client/hub-client.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import type { FakePlatform } from '../../renderer/platform/fake-platform.ts';
import { clearHandoffs, handoffsStore, selectMine, selectOffers } from '../../renderer/state/handoffs.ts';
import { productStore } from '../../renderer/state/product.ts';
import { productNoticesStore } from '../../renderer/state/product-notices.ts';
import { sessionStore } from '../../renderer/state/session.ts';
import { uiStore } from '../../renderer/state/ui.ts';
import { FULL_PACKET } from '../support/console-fixtures.ts';
import { consoleOnHub, type ConsoleOnHub } from '../support/console.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { waitForStore } from '../support/wait-for-store.ts';

// Closing the loop with the agent, end to end: Ana's console (its controller and stores over the
// real client core) routes work to the product team on a real hub, and Lee changes the item's status.

let hub: TestHub;
let controller: Controller;
let platform: FakePlatform;
let lee: TestHubClient;
let ana: ConsoleOnHub;

beforeAll(async () => {
  hub = await startTestHub();
  ana = await consoleOnHub(hub.url);
  ({ controller, platform } = ana);
  lee = await hub.signIn('demo-lee');
});

afterAll(async () => {
  ana.close();
  await hub.stop();
});

const anaId = (): string => sessionStore.getState().agent!.id;
const productNotices = () => platform.noticeLog.filter((n) => n.kind === 'product_status');

/** A new handoff offered to Ana, accepted and routed to the product team from her console. */
async function routeThroughAna(route: ProductRoute, isItem: (item: ProductItem) => boolean): Promise<{ handoffId: string; item: ProductItem }> {
  const { status, body } = await hub.request('POST', '/v1/handoffs', { body: FULL_PACKET });
  expect(status).toBe(201);
  const handoffId = (body as { handoff: Handoff }).handoff.id;
  await waitForStore(handoffsStore, (s) => selectOffers(anaId())(s).some((h) => h.id === handoffId), 'the offer in Ana’s inbox');
  controller.accept(handoffId);
  await waitForStore(handoffsStore, (s) => selectMine(anaId())(s).some((h) => h.id === handoffId), 'the handoff to be Ana’s');
  const before = productStore.getState().items;
  controller.routeToProduct(handoffId, route);
  const state = await waitForStore(productStore, (s) => Object.values(s.items).some((i) => isItem(i) && i !== before[i.id]), 'Ana to hear of the item');
  return { handoffId, item: Object.values(state.items).find(isItem)! };
}

describe('an item Ana routed changes status', () => {
  it('tells her once per status change, and opens the handoff she routed; filing and a second handoff tell her nothing', async () => {
    const title = 'Export fails on Safari';
    const first = await routeThroughAna({ kind: 'bug_report', title, details: 'CSV export never starts in Safari 17.' }, (i) => i.title === title);
    const second = await routeThroughAna({ kind: 'bug_report', productItemId: first.item.id }, (i) => i.id === first.item.id && i.handoffCount === 2);
    expect(productNotices()).toEqual([]);

    const leeHears = lee.waitFor('product:changed', (p) => p.item.id === first.item.id && p.change !== undefined);
    const ack = await lee.setProductStatus(first.item.id, 'in_progress', 'Fix scheduled for 4.2');
    expect(ack.ok).toBe(true);
    // Leads hear how it changed, but no handoff list: their app opens the item itself.
    const heard = await leeHears;
    expect(heard.change).toEqual({ from: 'new', to: 'in_progress', note: 'Fix scheduled for 4.2', by: { kind: 'lead', id: 'demo-lee', name: 'Lee' } });
    expect(heard.handoffIds).toBeUndefined();

    const banners = await waitForStore(productNoticesStore, (s) => s[first.item.id] !== undefined, 'the banner for Ana');
    expect(banners[first.item.id]!.handoffId).toBe(second.handoffId); // her newest handoff routed to it
    expect(productNotices()).toEqual([
      { kind: 'product_status', id: `product:${first.item.id}`, title: "Bug report 'Export fails on Safari' is now In progress", body: 'Changed by Lee.\n“Fix scheduled for 4.2”', silent: false },
    ]);

    // The console no longer holds it (a restart, or long gone from the recent list): it asks the hub, which lets her read her own finished handoff.
    clearHandoffs();
    await controller.openHandoff(second.handoffId);
    expect(uiStore.getState()).toMatchObject({ selectedId: second.handoffId, detailOpen: true });
    expect(handoffsStore.getState().recent[second.handoffId]).toMatchObject({ outcome: { kind: 'finished', status: 'routed_to_product' }, handoff: { assignee: { id: anaId() } } });
  });
});
