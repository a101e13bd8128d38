import type { Handoff, TeamView } from '../protocol/index.ts';

/**
 * `waiting`: queued or offered, and nobody has taken it since it entered the queue.
 * `idle`: accepted, and nothing has happened to it since (no event: the last one is its accept
 * or a lead's reassignment).
 */
export type StalledKind = 'waiting' | 'idle';

export interface StalledInfo {
  stalled: boolean;
  kind: StalledKind;
  /** When the wait (or the silence) began. */
  since: string;
  /** The first instant it counts as stalled: `since` plus the team's target. */
  stalledAt: string;
}

export type StalledSettings = Pick<TeamView, 'stalledQueueSeconds' | 'stalledAcceptedSeconds'>;
export type StalledHandoff = Pick<Handoff, 'status' | 'createdAt' | 'updatedAt' | 'queuedAt'>;

/**
 * Whether an open handoff is stalled at `now`, by the team's targets. Pure, so the hub's tests
 * and the lead board compute it the same way, the board live from its clock.
 * - queued or offered: waiting since `queuedAt` (its creation, or a lead sending it back to the
 *   queue), stalled once it has waited `stalledQueueSeconds`;
 * - accepted: idle since `updatedAt` (its last event), stalled after `stalledAcceptedSeconds`.
 * Finished handoffs cannot stall: null.
 */
export function stalledInfo(handoff: StalledHandoff, team: StalledSettings, now: Date | number): StalledInfo | null {
  let kind: StalledKind;
  let since: string;
  let targetSeconds: number;
  if (handoff.status === 'queued' || handoff.status === 'offered') {
    kind = 'waiting';
    since = handoff.queuedAt ?? handoff.createdAt;
    targetSeconds = team.stalledQueueSeconds;
  } else if (handoff.status === 'accepted') {
    kind = 'idle';
    since = handoff.updatedAt;
    targetSeconds = team.stalledAcceptedSeconds;
  } else {
    return null;
  }
  const stalledAt = Date.parse(since) + targetSeconds * 1000;
  const nowMs = typeof now === 'number' ? now : now.getTime();
  return { stalled: nowMs >= stalledAt, kind, since, stalledAt: new Date(stalledAt).toISOString() };
}
