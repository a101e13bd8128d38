import { describe, expect, it } from 'vitest';
import { compareQueue, planOffers, type QueuedHandoff, type RoutableAgent } from '../../shared/domain/routing.ts';
import type { Priority } from '../../shared/protocol/index.ts';

const T0 = Date.parse('2026-11-20T09:00:00.000Z');
/** An ISO time `minutes` after 09:00. */
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

function handoff(id: string, fields: Partial<Omit<QueuedHandoff, 'id'>> = {}): QueuedHandoff {
  return { id, priority: 'normal', createdAt: at(0), skills: [], skip: [], ...fields };
}

function agent(id: string, fields: Partial<Omit<RoutableAgent, 'id'>> = {}): RoutableAgent {
  return { id, skills: [], capacity: 3, load: 0, pendingOffers: 0, idleSince: at(0), ...fields };
}

/** The plan as `handoffId → agentIds`, in plan order. */
const pairs = (plan: ReturnType<typeof planOffers>): Array<[string, string[]]> => plan.map((p) => [p.handoffId, p.agentIds]);

describe('compareQueue', () => {
  it('puts urgent before high before normal before low, whatever their age', () => {
    const queue = [
      handoff('low', { priority: 'low', createdAt: at(0) }),
      handoff('normal', { priority: 'normal', createdAt: at(1) }),
      handoff('urgent', { priority: 'urgent', createdAt: at(3) }),
      handoff('high', { priority: 'high', createdAt: at(2) }),
    ];
    expect([...queue].sort(compareQueue).map((h) => h.id)).toEqual(['urgent', 'high', 'normal', 'low']);
  });

  it('puts the older of two handoffs of the same priority first', () => {
    const newer = handoff('a-newer', { priority: 'high', createdAt: at(5) });
    const older = handoff('z-older', { priority: 'high', createdAt: at(1) });
    expect([newer, older].sort(compareQueue).map((h) => h.id)).toEqual(['z-older', 'a-newer']);
    expect(compareQueue(older, newer)).toBeLessThan(0);
    expect(compareQueue(newer, older)).toBeGreaterThan(0);
  });

  it('orders handoffs of the same priority and age by id, so every hub agrees', () => {
    const a = handoff('a');
    const b = handoff('b');
    expect(compareQueue(a, b)).toBeLessThan(0);
    expect(compareQueue(b, a)).toBeGreaterThan(0);
    expect(compareQueue(a, a)).toBe(0);
  });
});

describe('planOffers, push', () => {
  it('offers the highest priority first, then the oldest, when there is room for only some', () => {
    const queue = (['low', 'normal', 'urgent', 'high'] as Priority[]).map((priority, i) => handoff(priority, { priority, createdAt: at(i) }));
    expect(pairs(planOffers('push', queue, [agent('ana', { capacity: 1 })]))).toEqual([['urgent', ['ana']]]);
    expect(pairs(planOffers('push', queue, [agent('ana', { capacity: 2 })]))).toEqual([
      ['urgent', ['ana']],
      ['high', ['ana']],
    ]);

    const sameLevel = [handoff('newer', { createdAt: at(9) }), handoff('older', { createdAt: at(1) })];
    expect(pairs(planOffers('push', sameLevel, [agent('ana', { capacity: 1 })]))).toEqual([['older', ['ana']]]);
  });

  it('offers a handoff only to agents who have every skill it needs', () => {
    const agents = [
      agent('billing-only', { skills: ['billing'], idleSince: null }),
      agent('technical-only', { skills: ['technical'], idleSince: null }),
      agent('both', { skills: ['technical', 'billing', 'accounts'], idleSince: at(30) }),
    ];
    // "both" is idle the shortest, so it only gets the handoff because the others lack a skill.
    expect(pairs(planOffers('push', [handoff('h', { skills: ['billing', 'technical'] })], agents))).toEqual([['h', ['both']]]);
    expect(pairs(planOffers('push', [handoff('h', { skills: ['billing'] })], agents))).toEqual([['h', ['billing-only']]]);
    expect(planOffers('push', [handoff('h', { skills: ['legal'] })], agents)).toEqual([]);
  });

  it('lets any agent take a handoff that needs no skills', () => {
    expect(pairs(planOffers('push', [handoff('h', { skills: [] })], [agent('ana', { skills: [] })]))).toEqual([['h', ['ana']]]);
  });

  it('counts the offers an agent holds against their capacity', () => {
    const queue = [handoff('h')];
    expect(planOffers('push', queue, [agent('ana', { capacity: 2, load: 1, pendingOffers: 1 })])).toEqual([]);
    expect(planOffers('push', queue, [agent('ana', { capacity: 2, load: 0, pendingOffers: 2 })])).toEqual([]);
    expect(planOffers('push', queue, [agent('ana', { capacity: 2, load: 2 })])).toEqual([]);
    expect(pairs(planOffers('push', queue, [agent('ana', { capacity: 2, load: 1 })]))).toEqual([['h', ['ana']]]);
  });

  it('never offers anything to an agent with capacity 0', () => {
    expect(planOffers('push', [handoff('h')], [agent('ana', { capacity: 0, idleSince: null })])).toEqual([]);
  });

  it('offers to the least loaded agent first, counting accepted handoffs and held offers together', () => {
    const agents = [
      agent('ana', { load: 1, idleSince: null }),
      agent('ben', { pendingOffers: 1, idleSince: null }),
      agent('cy', { load: 1, pendingOffers: 1, idleSince: null }),
      agent('dee', { load: 0, idleSince: at(50) }),
    ];
    expect(pairs(planOffers('push', [handoff('h')], agents))).toEqual([['h', ['dee']]]);
  });

  it('among equally loaded agents offers to the one idle the longest', () => {
    const agents = [agent('ana', { idleSince: at(20) }), agent('ben', { idleSince: at(5) }), agent('cy', { idleSince: at(10) })];
    expect(pairs(planOffers('push', [handoff('h')], agents))).toEqual([['h', ['ben']]]);
  });

  it('counts an agent who was never active (idleSince null) as idle the longest', () => {
    const agents = [agent('ana', { idleSince: at(-10_000) }), agent('ben', { idleSince: null })];
    expect(pairs(planOffers('push', [handoff('h')], agents))).toEqual([['h', ['ben']]]);
    // Whatever order the agents come in.
    expect(pairs(planOffers('push', [handoff('h')], [...agents].reverse()))).toEqual([['h', ['ben']]]);
  });

  it('breaks a full tie by agent id, whatever order the agents come in', () => {
    const agents = [agent('cy'), agent('ana'), agent('ben')];
    expect(pairs(planOffers('push', [handoff('h')], agents))).toEqual([['h', ['ana']]]);
    expect(pairs(planOffers('push', [handoff('h')], [...agents].reverse()))).toEqual([['h', ['ana']]]);
  });

  it('skips the agents who already had the offer and gives it to the next one', () => {
    const agents = [agent('ana', { idleSince: null }), agent('ben', { idleSince: at(1) }), agent('cy', { idleSince: at(2) })];
    expect(pairs(planOffers('push', [handoff('h', { skip: ['ana'] })], agents))).toEqual([['h', ['ben']]]);
    expect(pairs(planOffers('push', [handoff('h', { skip: ['ana', 'ben'] })], agents))).toEqual([['h', ['cy']]]);
  });

  it('leaves a handoff out of the plan once every eligible agent has had it', () => {
    const agents = [agent('ana'), agent('ben')];
    expect(planOffers('push', [handoff('h', { skip: ['ana', 'ben'] })], agents)).toEqual([]);
  });

  it('spreads one pass over the agents, counting each offer it plans as held', () => {
    const agents = [agent('ana', { idleSince: at(1) }), agent('ben', { idleSince: at(2) })];
    const queue = [handoff('h1', { createdAt: at(1) }), handoff('h2', { createdAt: at(2) }), handoff('h3', { createdAt: at(3) })];
    expect(pairs(planOffers('push', queue, agents))).toEqual([
      ['h1', ['ana']],
      ['h2', ['ben']],
      ['h3', ['ana']],
    ]);
  });

  it('never plans an agent over capacity within one plan', () => {
    const queue = Array.from({ length: 10 }, (_, i) => handoff(`h${i}`, { createdAt: at(i) }));
    const agents = [agent('ana', { capacity: 3, load: 1 }), agent('ben', { capacity: 2, pendingOffers: 1 }), agent('cy', { capacity: 1 })];
    const plan = planOffers('push', queue, agents);
    const planned = new Map<string, number>();
    for (const offer of plan) {
      expect(offer.agentIds).toHaveLength(1);
      planned.set(offer.agentIds[0]!, (planned.get(offer.agentIds[0]!) ?? 0) + 1);
    }
    expect(Object.fromEntries(planned)).toEqual({ ana: 2, ben: 1, cy: 1 });
    // The oldest four got the room there was; the rest wait.
    expect(plan.map((p) => p.handoffId)).toEqual(['h0', 'h1', 'h2', 'h3']);
  });

  it('does not change the queue or agents it is given', () => {
    const queue = [handoff('h2', { createdAt: at(2) }), handoff('h1', { createdAt: at(1) })];
    const agents = [agent('ana')];
    const before = structuredClone({ queue, agents });
    planOffers('push', queue, agents);
    expect({ queue, agents }).toEqual(before);
  });
});

describe('planOffers, broadcast', () => {
  it('offers a handoff to every eligible agent under capacity at once', () => {
    const agents = [
      agent('cy', { skills: ['billing'] }),
      agent('ana', { skills: ['billing'], load: 2 }),
      agent('ben', { skills: ['billing'], capacity: 2, load: 2 }), // full
      agent('dee', { skills: ['technical'] }), // lacks the skill
      agent('eve', { skills: ['billing'], capacity: 0 }),
    ];
    expect(pairs(planOffers('broadcast', [handoff('h', { skills: ['billing'] })], agents))).toEqual([['h', ['ana', 'cy']]]);
  });

  it('leaves out the agents who already had it', () => {
    const agents = [agent('ana'), agent('ben'), agent('cy')];
    expect(pairs(planOffers('broadcast', [handoff('h', { skip: ['ben'] })], agents))).toEqual([['h', ['ana', 'cy']]]);
    expect(planOffers('broadcast', [handoff('h', { skip: ['ana', 'ben', 'cy'] })], agents)).toEqual([]);
  });

  it('offers every queued handoff to everyone with room, highest priority first', () => {
    const agents = [agent('ana', { capacity: 1, pendingOffers: 4 }), agent('ben', { capacity: 1 })];
    const queue = [handoff('low', { priority: 'low' }), handoff('urgent', { priority: 'urgent' })];
    // Held offers do not count in broadcast: accepting one withdraws the others when full.
    expect(pairs(planOffers('broadcast', queue, agents))).toEqual([
      ['urgent', ['ana', 'ben']],
      ['low', ['ana', 'ben']],
    ]);
  });
});

describe('planOffers with nothing to do', () => {
  it('plans nothing for an empty queue', () => {
    expect(planOffers('push', [], [agent('ana')])).toEqual([]);
    expect(planOffers('broadcast', [], [agent('ana')])).toEqual([]);
  });

  it('plans nothing without agents', () => {
    expect(planOffers('push', [handoff('h')], [])).toEqual([]);
    expect(planOffers('broadcast', [handoff('h')], [])).toEqual([]);
  });

  it('plans nothing when every agent is full', () => {
    const agents = [agent('ana', { capacity: 1, load: 1 }), agent('ben', { capacity: 2, load: 1, pendingOffers: 1 })];
    expect(planOffers('push', [handoff('h')], agents)).toEqual([]);
    expect(planOffers('broadcast', [handoff('h')], [agents[0]!])).toEqual([]);
  });
});
