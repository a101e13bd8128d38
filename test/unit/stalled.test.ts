import { describe, expect, it } from 'vitest';
import { stalledInfo, type StalledHandoff } from '../../shared/domain/stalled.ts';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();
const TEAM = { stalledQueueSeconds: 120, stalledAcceptedSeconds: 900 };

function handoff(status: StalledHandoff['status'], fields: Partial<StalledHandoff> = {}): StalledHandoff {
  return { status, createdAt: at(0), updatedAt: at(0), ...fields };
}

describe('stalledInfo', () => {
  it('a queued or offered handoff waits from when it entered the queue and is stalled once it has waited the team’s target', () => {
    for (const status of ['queued', 'offered'] as const) {
      // queuedAt 10 s, target 120 s: stalled from 130 s on.
      const h = handoff(status, { queuedAt: at(10), updatedAt: at(100) });
      expect(stalledInfo(h, TEAM, T0 + 129_999)).toEqual({ stalled: false, kind: 'waiting', since: at(10), stalledAt: at(130) });
      expect(stalledInfo(h, TEAM, T0 + 130_000)).toEqual({ stalled: true, kind: 'waiting', since: at(10), stalledAt: at(130) });
      expect(stalledInfo(h, TEAM, new Date(T0 + 500_000))?.stalled).toBe(true);
    }
  });

  it('a waiting handoff without queuedAt (an older hub) waits since it was created', () => {
    expect(stalledInfo(handoff('queued', { updatedAt: at(60) }), TEAM, T0 + 120_000)).toEqual({ stalled: true, kind: 'waiting', since: at(0), stalledAt: at(120) });
  });

  it('an accepted handoff is idle since its last event (updatedAt) and stalled after the accepted target', () => {
    const h = handoff('accepted', { queuedAt: at(0), updatedAt: at(30) });
    expect(stalledInfo(h, TEAM, T0 + 929_999)).toEqual({ stalled: false, kind: 'idle', since: at(30), stalledAt: at(930) });
    expect(stalledInfo(h, TEAM, T0 + 930_000)).toMatchObject({ stalled: true, kind: 'idle' });
  });

  it('follows the team’s targets', () => {
    const h = handoff('queued');
    expect(stalledInfo(h, { ...TEAM, stalledQueueSeconds: 30 }, T0 + 30_000)?.stalled).toBe(true);
    expect(stalledInfo(h, { ...TEAM, stalledQueueSeconds: 300 }, T0 + 30_000)?.stalled).toBe(false);
  });

  it('a finished handoff cannot stall', () => {
    for (const status of ['returned_to_bot', 'routed_to_product', 'resolved', 'cancelled'] as const) {
      expect(stalledInfo(handoff(status), TEAM, T0 + 86_400_000)).toBeNull();
    }
  });
});
