import { beforeEach, describe, expect, it } from 'vitest';
import {
  RECENT_LIMIT,
  applyAckedHandoff,
  applyHandoff,
  applySnapshot,
  applyWithdrawal,
  handoffsStore,
  offersWithTimeLeft,
  selectInboxOrder,
  selectMine,
  selectOffers,
  selectRecentlyFinished,
} from '../../renderer/state/handoffs.ts';
import { ana, ben, makeHandoff } from '../support/console-fixtures.ts';
import { resetStores } from '../support/console.ts';

const now = Date.parse('2026-11-20T10:00:00Z');
const ids = (list: Array<{ id: string }>): string[] => list.map((h) => h.id);
const state = () => handoffsStore.getState();

beforeEach(resetStores);

describe('re-syncing from the snapshot', () => {
  it('replaces the open handoffs in one update, so nothing flickers and nothing appears twice; what vanished is no longer the agent’s', () => {
    const kept = makeHandoff({ id: 'kept', acceptedBy: ana, now });
    const gone = makeHandoff({ id: 'gone', offerFor: ana.id, now });
    applySnapshot([kept, gone]);

    const updates: string[][] = [];
    const stop = handoffsStore.subscribe((s) => updates.push(Object.keys(s.byId).sort()));
    const keptLater = { ...kept, updatedAt: new Date(now + 1_000).toISOString() };
    const fresh = makeHandoff({ id: 'fresh', offerFor: ana.id, now });
    applySnapshot([keptLater, fresh, keptLater]);
    stop();

    expect(updates).toEqual([['fresh', 'kept']]);
    expect(state().byId.kept).toBe(keptLater);
    expect(selectInboxOrder(ana.id)(state())).toEqual(['fresh', 'kept', 'gone']);
    expect(state().recent.gone?.outcome).toEqual({ kind: 'moved' });
  });

  it('keeps recently finished handoffs across a reconnect, unless the snapshot has them open again', () => {
    const done = makeHandoff({ id: 'done', acceptedBy: ana, now });
    const timedOut = makeHandoff({ id: 'again', offerFor: ana.id, now });
    applySnapshot([done, timedOut]);
    applyHandoff({ ...done, status: 'resolved' }, ana, now);
    applyWithdrawal('again', 'timed_out', now);
    expect(ids(selectRecentlyFinished(state()).map((e) => e.handoff))).toEqual(['again', 'done']);

    applySnapshot([{ ...timedOut, offer: { ...timedOut.offer!, id: 'offer-2' } }]);

    expect(ids(selectRecentlyFinished(state()).map((e) => e.handoff))).toEqual(['done']);
    expect(ids(selectOffers(ana.id)(state()))).toEqual(['again']);
    expect(selectInboxOrder(ana.id)(state())).toEqual(['again', 'done']);
  });
});

describe('derived lists', () => {
  it('lists offers first by time left, then the agent’s handoffs by priority and age, then recently finished, newest first', () => {
    const later = makeHandoff({ id: 'offer-later', offerFor: ana.id, expiresInMs: 40_000, now });
    const sooner = makeHandoff({ id: 'offer-sooner', offerFor: ana.id, expiresInMs: 10_000, now, packet: { priority: 'low' } });
    const someoneElses = makeHandoff({ id: 'bens-offer', offerFor: ben.id, now });
    const oldNormal = makeHandoff({ id: 'mine-old', acceptedBy: ana, now, createdAt: '2026-11-20T09:00:00Z', packet: { priority: 'normal' } });
    const newUrgent = makeHandoff({ id: 'mine-urgent', acceptedBy: ana, now, createdAt: '2026-11-20T09:50:00Z', packet: { priority: 'urgent' } });
    const bensHandoff = makeHandoff({ id: 'bens', acceptedBy: ben, now });
    applySnapshot([later, sooner, someoneElses, oldNormal, newUrgent, bensHandoff]);
    applyHandoff({ ...oldNormal, id: 'finished-1', status: 'resolved' }, ana, now - 2_000);
    applyHandoff({ ...oldNormal, id: 'finished-2', status: 'returned_to_bot' }, ana, now - 1_000);

    expect(ids(selectOffers(ana.id)(state()))).toEqual(['offer-sooner', 'offer-later']);
    expect(ids(selectMine(ana.id)(state()))).toEqual(['mine-urgent', 'mine-old']);
    expect(selectRecentlyFinished(state()).map((e) => e.handoff.id)).toEqual(['finished-2', 'finished-1']);
    const order = selectInboxOrder(ana.id)(state());
    expect(order).toEqual(['offer-sooner', 'offer-later', 'mine-urgent', 'mine-old', 'finished-2', 'finished-1']);
    // Remembered for the same state (j/k asks on every keystroke), worked out again for another person or a change.
    expect(selectInboxOrder(ana.id)(state())).toBe(order);
    expect(selectInboxOrder(ben.id)(state())).toEqual(['bens-offer', 'bens', 'finished-2', 'finished-1']);
    applyHandoff({ ...newUrgent, status: 'resolved' }, ana, now);
    expect(selectInboxOrder(ana.id)(state())).toEqual(['offer-sooner', 'offer-later', 'mine-old', 'mine-urgent', 'finished-2', 'finished-1']);
  });

  it('gives each offer its time left on the hub’s clock, never below zero', () => {
    const a = makeHandoff({ id: 'a', offerFor: ana.id, expiresInMs: 30_000, now });
    const b = makeHandoff({ id: 'b', offerFor: ana.id, expiresInMs: 5_000, now });
    expect(offersWithTimeLeft([a, b], now + 10_000).map((o) => [o.handoff.id, o.msLeft])).toEqual([
      ['a', 20_000],
      ['b', 0],
    ]);
  });

  it('keeps no more than the last few finished handoffs', () => {
    for (let i = 0; i < RECENT_LIMIT + 5; i++) applyHandoff(makeHandoff({ id: `f${i}`, acceptedBy: ana, now }), ana, now);
    for (let i = 0; i < RECENT_LIMIT + 5; i++) applyHandoff({ ...state().byId[`f${i}`]!, status: 'resolved' }, ana, now + i);
    expect(selectRecentlyFinished(state())).toHaveLength(RECENT_LIMIT);
    expect(selectRecentlyFinished(state())[0]!.handoff.id).toBe(`f${RECENT_LIMIT + 4}`);
  });
});

describe('changes from the hub', () => {
  it('moves a handoff the agent finished to recently finished, with how it ended', () => {
    const h = makeHandoff({ id: 'h', acceptedBy: ana, now });
    applySnapshot([h]);
    applyHandoff({ ...h, status: 'routed_to_product' }, ana, now);
    expect(state().byId).toEqual({});
    expect(state().recent.h?.outcome).toEqual({ kind: 'finished', status: 'routed_to_product' });
  });

  it('says why an offer went away when the hub withdraws it, even after its change arrived first', () => {
    const h = makeHandoff({ id: 'h', offerFor: ana.id, now });
    applySnapshot([h]);
    applyHandoff({ ...h, status: 'accepted', offer: null, assignee: { id: ben.id, name: ben.name } }, ana, now);
    expect(state().recent.h?.outcome).toEqual({ kind: 'moved' });
    applyWithdrawal('h', 'taken', now + 5);
    expect(state().recent.h?.outcome).toEqual({ kind: 'withdrawn', reason: 'taken' });
    expect(state().recent.h?.at).toBe(now);
  });

  it('ignores news about handoffs that were never the agent’s', () => {
    applyHandoff(makeHandoff({ id: 'x', offerFor: ben.id, now }), ana, now);
    applyHandoff({ ...makeHandoff({ id: 'y', acceptedBy: ben, now }), status: 'resolved' }, ana, now);
    applyWithdrawal('z', 'timed_out', now);
    expect(state()).toEqual({ byId: {}, recent: {} });
  });

  it('keeps every open handoff of the team for a lead', () => {
    const lee = { ...ana, id: 'lee', name: 'Lee', role: 'lead' as const };
    applyHandoff(makeHandoff({ id: 'x', offerFor: ben.id, now }), lee, now);
    expect(Object.keys(state().byId)).toEqual(['x']);
  });
});

describe('what an action’s ack says', () => {
  it('updates a handoff the inbox holds, and finishes one it no longer holds', () => {
    const offer = makeHandoff({ id: 'o1', offerFor: ana.id, now });
    applySnapshot([offer]);
    applyAckedHandoff(makeHandoff({ id: 'o1', acceptedBy: ana, now: now + 1_000 }), ana);
    expect(ids(selectMine(ana.id)(state()))).toEqual(['o1']);

    applySnapshot([]);
    applyAckedHandoff({ ...makeHandoff({ id: 'o1', acceptedBy: ana, now: now + 2_000 }), status: 'resolved' }, ana);
    expect(state().recent.o1?.outcome).toEqual({ kind: 'finished', status: 'resolved' });
  });

  it('does not bring back as open a handoff the last snapshot no longer lists: that ack is the hub repeating an old answer', () => {
    const offer = makeHandoff({ id: 'o1', offerFor: ana.id, now });
    applySnapshot([offer]);
    // Reconnected: meanwhile the bot took it back, so the snapshot no longer has it.
    applySnapshot([]);
    // The outbox sends the accept again with its opId and gets the ack stored when it was first applied.
    applyAckedHandoff(makeHandoff({ id: 'o1', acceptedBy: ana, now: now + 1_000 }), ana);
    expect(state().byId).toEqual({});
    expect(state().recent.o1?.outcome).toEqual({ kind: 'moved' });
  });
});

describe('events out of order', () => {
  it('ignores a state of a handoff older than the one it holds (hubs relaying events may reorder them)', () => {
    const offered = makeHandoff({ id: 'h', offerFor: ana.id, now });
    const accepted = { ...makeHandoff({ id: 'h', acceptedBy: ana, now }), updatedAt: new Date(now + 1_000).toISOString() };
    applyHandoff(accepted, ana, now);
    applyHandoff(offered, ana, now);
    expect(state().byId.h).toBe(accepted);

    const resolved = { ...accepted, status: 'resolved' as const, updatedAt: new Date(now + 2_000).toISOString() };
    applyHandoff(resolved, ana, now);
    applyHandoff(accepted, ana, now);
    expect(state().byId.h).toBeUndefined();
    expect(state().recent.h?.handoff).toBe(resolved);
  });
});
