// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { Controller } from '../../renderer/ui/controls.ts';
import type { FakePlatform } from '../../renderer/platform/fake-platform.ts';
import { connectionStore } from '../../renderer/state/connection.ts';
import { handoffsStore, selectMine, selectOffers } from '../../renderer/state/handoffs.ts';
import { pendingStore } from '../../renderer/state/pending.ts';
import { sessionStore } from '../../renderer/state/session.ts';
import { FULL_PACKET } from '../support/console-fixtures.ts';
import { consoleOnHub, type ConsoleOnHub } from '../support/console.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { waitForStore } from '../support/wait-for-store.ts';

// The console's stores and controller over the real client core and a real hub: the wiring, end to end.

let hub: TestHub;
let controller: Controller;
let platform: FakePlatform;
let ana: ConsoleOnHub;

beforeEach(async () => {
  hub = await startTestHub();
  ana = await consoleOnHub(hub.url);
  ({ controller, platform } = ana);
});

afterEach(async () => {
  ana.close();
  await hub.stop();
});

const anaId = (): string => sessionStore.getState().agent!.id;

async function handOff(): Promise<Handoff> {
  const { status, body } = await hub.request('POST', '/v1/handoffs', { body: FULL_PACKET });
  expect(status).toBe(201);
  const id = (body as { handoff: Handoff }).handoff.id;
  const state = await waitForStore(handoffsStore, (s) => selectOffers(anaId())(s).some((h) => h.id === id), 'the offer in Ana’s inbox');
  return state.byId[id]!;
}

async function history(id: string): Promise<Array<{ type: string; note?: string }>> {
  const { body } = await hub.request('GET', `/v1/handoffs/${id}`);
  return (body as { handoff: { events: Array<{ type: string; note?: string }> } }).handoff.events;
}

describe('the console against a real hub', () => {
  it('a handed-off packet arrives as an offer with its packet; Accept and Return to bot reach the hub’s history', async () => {
    const offer = await handOff();
    expect(offer.packet).toEqual(FULL_PACKET);
    expect(platform.noticeLog.map((n) => n.id)).toEqual([offer.id]);
    expect(platform.badge.count).toBe(1);

    controller.accept(offer.id);
    await waitForStore(handoffsStore, (s) => selectMine(anaId())(s).some((h) => h.id === offer.id), 'the handoff to be Ana’s');
    expect(platform.badge.count).toBe(0);

    controller.returnToBot(offer.id, 'Refund issued; the bot can close the conversation.');
    await waitForStore(handoffsStore, (s) => s.recent[offer.id]?.outcome.kind === 'finished', 'the handoff to finish');
    expect(handoffsStore.getState().recent[offer.id]!.outcome).toEqual({ kind: 'finished', status: 'returned_to_bot' });
    const events = await history(offer.id);
    expect(events.map((e) => e.type)).toEqual(['created', 'offered', 'accepted', 'returned_to_bot']);
    expect(events.at(-1)!.note).toBe('Refund issued; the bot can close the conversation.');
  });

  it('an accept taken while the hub is down is applied exactly once when it comes back', async () => {
    const offer = await handOff();
    await hub.stopHub();
    await waitForStore(connectionStore, (c) => c.status === 'reconnecting', 'the console to notice');

    controller.accept(offer.id);
    expect(pendingStore.getState().queue.map((a) => a.command)).toEqual(['handoff:accept']);

    await hub.restart();
    await waitForStore(pendingStore, (s) => s.queue.length === 0, 'the queue to be sent');
    await waitForStore(handoffsStore, (s) => selectMine(anaId())(s).some((h) => h.id === offer.id), 'the handoff to be Ana’s');
    expect((await history(offer.id)).filter((e) => e.type === 'accepted')).toHaveLength(1);
  });
});
