import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { AgentView } from '../../shared/protocol/agent.ts';
import { OPEN_STATUSES, type Handoff, type HandoffStatus, type WithdrawReason } from '../../shared/protocol/handoff.ts';
import type { Priority } from '../../shared/protocol/packet.ts';
import { signedInStore } from './signed-in.ts';

export type FinishedStatus = Exclude<HandoffStatus, 'queued' | 'offered' | 'accepted'>;

/** How a handoff left the agent's inbox. */
export type Outcome =
  | { kind: 'finished'; status: FinishedStatus }
  | { kind: 'withdrawn'; reason: WithdrawReason }
  /** No longer the agent's: a lead moved it, another agent has it, or it was gone from the snapshot after a reconnect. */
  | { kind: 'moved' };

export interface RecentEntry {
  handoff: Handoff;
  outcome: Outcome;
  /** Local time it left the inbox. */
  at: number;
  /** Breaks ties between entries of the same millisecond: later is newer. */
  seq: number;
}

export interface Handoffs {
  /** Open handoffs the hub told us about, by id: the agent's offers and handoffs (a lead's: the team's). */
  byId: Record<string, Handoff>;
  /** Recently finished or withdrawn, kept locally only; never also in `byId`. */
  recent: Record<string, RecentEntry>;
}

/** Who the inbox belongs to. */
export type Me = Pick<AgentView, 'id' | 'role' | 'team'>;

export const RECENT_LIMIT = 20;

export const handoffsStore = signedInStore<Handoffs>(() => ({ byId: {}, recent: {} }));

/** Reads a derived list; shallow-compared, so a render follows only the handoffs it shows. */
export function useHandoffs<T>(selector: (state: Handoffs) => T): T {
  return useStore(handoffsStore, useShallow(selector));
}

const isOpen = (handoff: Handoff): boolean => OPEN_STATUSES.includes(handoff.status);

/** Whether the hub's news about this handoff belongs in this person's inbox. */
export function concerns(handoff: Handoff, me: Me): boolean {
  if (me.role === 'lead' && handoff.team === me.team) return true;
  if (handoff.assignee?.id === me.id) return true;
  return handoff.status === 'offered' && (handoff.offer?.agentIds.includes(me.id) ?? false);
}

let sequence = 0;
const newestFirst = (a: RecentEntry, b: RecentEntry): number => b.at - a.at || b.seq - a.seq;

function trimRecent(recent: Record<string, RecentEntry>): Record<string, RecentEntry> {
  const entries = Object.values(recent);
  if (entries.length <= RECENT_LIMIT) return recent;
  entries.sort(newestFirst);
  return Object.fromEntries(entries.slice(0, RECENT_LIMIT).map((e) => [e.handoff.id, e]));
}

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

function moveToRecent(state: Handoffs, handoff: Handoff, outcome: Outcome, at: number, seq = ++sequence): Handoffs {
  return {
    byId: withoutKey(state.byId, handoff.id),
    recent: trimRecent({ ...state.recent, [handoff.id]: { handoff, outcome, at, seq } }),
  };
}

function keepOpen(state: Handoffs, handoff: Handoff): Handoffs {
  return { byId: { ...state.byId, [handoff.id]: handoff }, recent: withoutKey(state.recent, handoff.id) };
}

/**
 * The snapshot sent on every (re)connect is the truth about open work: it replaces the open set in
 * one update (no empty frame in between, no duplicates). Recently finished stays, minus anything
 * open again; what vanished while we were away joins it, so the agent can see it is no longer theirs.
 */
export function applySnapshot(handoffs: readonly Handoff[], now = Date.now()): void {
  handoffsStore.setState((state) => {
    const byId = Object.fromEntries(handoffs.filter(isOpen).map((h) => [h.id, h]));
    const recent = Object.fromEntries(Object.entries(state.recent).filter(([id]) => !(id in byId)));
    for (const gone of Object.values(state.byId)) {
      if (!(gone.id in byId)) recent[gone.id] = { handoff: gone, outcome: { kind: 'moved' }, at: now, seq: ++sequence };
    }
    return { byId, recent: trimRecent(recent) };
  });
}

/** A handoff as the hub now has it (from `handoff:offered`, `handoff:changed` or an ack). */
export function applyHandoff(handoff: Handoff, me: Me, now = Date.now()): void {
  handoffsStore.setState((state) => {
    // With several hubs, events about one handoff may arrive out of order: an older state than
    // the one held is news of nothing.
    const held = state.byId[handoff.id] ?? state.recent[handoff.id]?.handoff;
    if (held && Date.parse(handoff.updatedAt) < Date.parse(held.updatedAt)) return state;
    const known = held !== undefined;
    if (!isOpen(handoff)) {
      if (!known && !concerns(handoff, me)) return state;
      return moveToRecent(state, handoff, { kind: 'finished', status: handoff.status as FinishedStatus }, now);
    }
    if (concerns(handoff, me)) return keepOpen(state, handoff);
    if (handoff.id in state.byId) return moveToRecent(state, handoff, { kind: 'moved' }, now);
    return state;
  });
}

/**
 * The handoff an action's ack carries. An ack answers an action on a handoff the inbox holds
 * open; when it says "open" about one the inbox no longer holds, it is an old answer: the hub
 * repeats the ack it stored for an opId sent again after a reconnect, and the snapshot since then
 * (no longer listing it) is newer.
 */
export function applyAckedHandoff(handoff: Handoff, me: Me, now = Date.now()): void {
  if (isOpen(handoff) && !(handoff.id in handoffsStore.getState().byId)) return;
  applyHandoff(handoff, me, now);
}

/** The agent lost an offer or handoff (`handoff:withdrawn`). */
export function applyWithdrawal(handoffId: string, reason: WithdrawReason, now = Date.now()): void {
  handoffsStore.setState((state) => {
    const handoff = state.byId[handoffId] ?? state.recent[handoffId]?.handoff;
    if (!handoff) return state;
    // The hub may send the handoff's change first; the withdrawal then says why.
    const earlier = state.recent[handoffId];
    return moveToRecent(state, handoff, { kind: 'withdrawn', reason }, earlier?.at ?? now, earlier?.seq);
  });
}

export function clearHandoffs(): void {
  handoffsStore.setState(handoffsStore.getInitialState(), true);
}

// Derived lists: computed from `byId`, never stored twice.

const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
const rank = (h: Handoff): number => PRIORITY_RANK[h.packet.priority ?? 'normal'];
/** Hub timestamps are all `toISOString()` (UTC, same length), so text order is time order; parsing thousands per sort is not free. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const isOfferFor = (handoff: Handoff, agentId: string): boolean =>
  handoff.status === 'offered' && (handoff.offer?.agentIds.includes(agentId) ?? false);

export const isMine = (handoff: Handoff, agentId: string): boolean => handoff.status === 'accepted' && handoff.assignee?.id === agentId;

/** Offers made to the agent: the one running out first on top, priority breaking ties. */
export const selectOffers =
  (agentId: string | undefined) =>
  (state: Handoffs): Handoff[] =>
    agentId === undefined
      ? []
      : Object.values(state.byId)
          .filter((h) => isOfferFor(h, agentId))
          .sort((a, b) => byText(a.offer!.expiresAt, b.offer!.expiresAt) || rank(a) - rank(b) || byText(a.id, b.id));

/** Handoffs the agent accepted: most urgent first, then oldest. */
export const selectMine =
  (agentId: string | undefined) =>
  (state: Handoffs): Handoff[] =>
    agentId === undefined
      ? []
      : Object.values(state.byId)
          .filter((h) => isMine(h, agentId))
          .sort((a, b) => rank(a) - rank(b) || byText(a.createdAt, b.createdAt) || byText(a.id, b.id));

/** Recently finished or withdrawn, newest first. */
export const selectRecentlyFinished = (state: Handoffs): RecentEntry[] => Object.values(state.recent).sort(newestFirst);

let lastOrder: { agentId: string | undefined; state: Handoffs; ids: string[] } | undefined;

/**
 * Every row of the inbox in display order: offers, then the agent's handoffs, then recently
 * finished. Kept for the state it was worked out from (states are never changed in place):
 * every j/k asks for it, and sorting a long inbox on each keystroke is too slow (docs/performance.md).
 */
export const selectInboxOrder =
  (agentId: string | undefined) =>
  (state: Handoffs): string[] => {
    const last = lastOrder;
    if (last && last.agentId === agentId && last.state.byId === state.byId && last.state.recent === state.recent) return last.ids;
    const ids = [
      ...selectOffers(agentId)(state).map((h) => h.id),
      ...selectMine(agentId)(state).map((h) => h.id),
      ...selectRecentlyFinished(state).map((e) => e.handoff.id),
    ];
    lastOrder = { agentId, state, ids };
    return ids;
  };

/** An open or recently finished handoff by id. */
export const selectHandoff =
  (id: string | null) =>
  (state: Handoffs): Handoff | undefined =>
    id === null ? undefined : (state.byId[id] ?? state.recent[id]?.handoff);

/** Milliseconds left on an offer at `hubNowMs` (never negative); null when it is not an offer. */
export function timeLeftMs(handoff: Handoff, hubNowMs: number): number | null {
  if (handoff.status !== 'offered' || !handoff.offer) return null;
  return Math.max(0, Date.parse(handoff.offer.expiresAt) - hubNowMs);
}

/** Offers with their time left at `hubNowMs`. */
export function offersWithTimeLeft(offers: readonly Handoff[], hubNowMs: number): Array<{ handoff: Handoff; msLeft: number }> {
  return offers.map((handoff) => ({ handoff, msLeft: timeLeftMs(handoff, hubNowMs) ?? 0 }));
}
