import { describe, expect, it } from 'vitest';
import { computeMetrics, csvCell, metricsCsvFileName, metricsToCsv, nearestRank, type MetricsEvent, type MetricsHandoff, type MetricsInput } from '../../shared/domain/metrics.ts';
import { MetricsReport, type Channel, type TriggerReason } from '../../shared/protocol/index.ts';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
/** An ISO time `s` seconds after 09:00. */
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();
const FROM = at(0);
const TO = at(3600);

const router = { kind: 'system', id: 'router' } as const;
const agent = (id: string) => ({ kind: 'agent', id }) as const;
const lead = { kind: 'lead', id: 'lee' } as const;
const bot = { kind: 'bot', id: 'bot-1' } as const;

function handoff(
  id: string,
  created: number,
  events: Array<Omit<MetricsEvent, 'at'> & { s: number }>,
  fields: { reason?: TriggerReason; channel?: Channel | null; integrationId?: string } = {},
): MetricsHandoff {
  return {
    id,
    integrationId: fields.integrationId ?? 'bot-1',
    reason: fields.reason ?? 'complexity',
    channel: fields.channel === undefined ? 'chat' : fields.channel,
    createdAt: at(created),
    events: [{ type: 'created', at: at(created), actor: bot }, ...events.map(({ s, ...e }) => ({ ...e, at: at(s) }))],
  };
}

/** Offered to `who` at `s0`, accepted at `s1`. */
const offeredAndAccepted = (who: string, s0: number, s1: number) => [
  { type: 'offered' as const, s: s0, actor: router, agentIds: [who] },
  { type: 'accepted' as const, s: s1, actor: agent(who) },
];

function input(handoffs: MetricsHandoff[], more: Partial<MetricsInput> = {}): MetricsInput {
  return {
    team: 'support',
    from: FROM,
    to: TO,
    agents: [
      { id: 'ana', name: 'Ana' },
      { id: 'ben', name: 'Ben' },
    ],
    handoffs,
    conversations: [],
    ...more,
  };
}

describe('nearestRank', () => {
  it('takes the value at rank ceil(p/100 × n) of the sorted values', () => {
    // n = 5: p50 → ceil(2.5) = 3rd = 30; p90 → ceil(4.5) = 5th = 100.
    expect(nearestRank([10, 20, 30, 40, 100], 50)).toBe(30);
    expect(nearestRank([10, 20, 30, 40, 100], 90)).toBe(100);
    // n = 4: p50 → ceil(2) = 2nd, the lower middle value (no averaging); p90 → ceil(3.6) = 4th.
    expect(nearestRank([1, 2, 3, 4], 50)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 90)).toBe(4);
    // n = 1: every percentile is the value; n = 0: none.
    expect(nearestRank([7], 50)).toBe(7);
    expect(nearestRank([7], 90)).toBe(7);
    expect(nearestRank([], 50)).toBeNull();
  });

  it('rounds the rank up: p90 of 10 values is the 9th, of 11 values the 10th; p50 of 11 the 6th', () => {
    const values = Array.from({ length: 11 }, (_, i) => (i + 1) * 10);
    expect(nearestRank(values.slice(0, 10), 90)).toBe(90); // ceil(9) = 9
    expect(nearestRank(values, 90)).toBe(100); // ceil(9.9) = 10
    expect(nearestRank(values, 50)).toBe(60); // ceil(5.5) = 6
  });
});

describe('computeMetrics', () => {
  it('counts handoffs created in [from, to) by reason and channel, a packet without channel as unspecified', () => {
    const report = computeMetrics(
      input([
        handoff('at-from', 0, [], { reason: 'complexity', channel: 'chat' }),
        handoff('inside', 1800, [], { reason: 'bug_report', channel: null }),
        handoff('just-before-to', 3599.999, [], { reason: 'bug_report', channel: 'voice' }),
        handoff('at-to', 3600, [], { reason: 'other', channel: 'chat' }),
        handoff('before', -1, [], { reason: 'other', channel: 'chat' }),
      ]),
    );
    // In: at-from, inside, just-before-to (3). Out: at-to (the period is half-open) and before.
    expect(report.totals.handoffs).toBe(3);
    expect(report.totals.byReason).toEqual({
      complexity: 1,
      emotional_state: 0,
      scope_limitation: 0,
      feature_request: 0,
      bug_report: 2,
      customer_request: 0,
      other: 0,
    });
    expect(report.totals.byChannel).toEqual({ chat: 1, voice: 1, email: 0, sms: 0, social: 0, other: 0, unspecified: 1 });
  });

  it('measures time to accept from creation, or from the last time a lead sent it back to the queue, for accepts inside the period', () => {
    const report = computeMetrics(
      input([
        handoff('a', 0, offeredAndAccepted('ana', 0, 10)), // 10 s
        handoff('b', 100, [
          ...offeredAndAccepted('ana', 100, 160), // 60 s
          { type: 'reassigned', s: 200, actor: lead, agentIds: [] }, // back to the queue at 200
          ...offeredAndAccepted('ben', 200, 245), // 245 − 200 = 45 s, not 145
        ]),
        handoff('c', -600, offeredAndAccepted('ben', -600, 30)), // created before the period, accepted inside: 630 s
        handoff('d', 3500, offeredAndAccepted('ana', 3500, 3700)), // accepted after the period: not counted
      ]),
    );
    // Team samples: 10, 60, 45, 630 → sorted 10, 45, 60, 630. n = 4: median rank 2 = 45, p90 rank ceil(3.6) = 4 = 630.
    expect(report.totals.timeToAccept).toEqual({ count: 4, medianSeconds: 45, p90Seconds: 630 });
    // Ana: 10, 60 → median rank 1 = 10, p90 rank 2 = 60. Ben: 45, 630 → 45, 630.
    const [ana, ben] = report.agents;
    expect(ana).toMatchObject({ agent: { id: 'ana', name: 'Ana' }, timeToAccept: { count: 2, medianSeconds: 10, p90Seconds: 60 } });
    expect(ben).toMatchObject({ agent: { id: 'ben', name: 'Ben' }, timeToAccept: { count: 2, medianSeconds: 45, p90Seconds: 630 } });
    // Who took what: Ana a and b (b once, though she had it before the lead requeued it), Ben b and c.
    expect(ana!.handoffs).toBe(2);
    expect(ben!.handoffs).toBe(2);
  });

  it('has no time to accept without accepts', () => {
    expect(computeMetrics(input([handoff('a', 0, [])])).totals.timeToAccept).toEqual({ count: 0, medianSeconds: null, p90Seconds: null });
  });

  it('counts an expired broadcast offer once for the team and once for each agent who held it', () => {
    const report = computeMetrics(
      input([
        handoff('a', 0, [
          { type: 'offered', s: 0, actor: router, agentIds: ['ana', 'ben'] },
          { type: 'offer_expired', s: 45, actor: router, reason: 'timed_out', agentIds: ['ana', 'ben'] },
          { type: 'offered', s: 45, actor: router, agentIds: ['ana'] },
          { type: 'offer_expired', s: 90, actor: router, reason: 'timed_out', agentIds: ['ana'] },
        ]),
        handoff('b', -100, [{ type: 'offer_expired', s: -55, actor: router, agentIds: ['ben'] }]), // before the period
      ]),
    );
    expect(report.totals.offersExpired).toBe(2);
    expect(report.agents.map((a) => [a.agent.id, a.offersExpired])).toEqual([
      ['ana', 2],
      ['ben', 1],
    ]);
  });

  it('groups declines by their exact reason, most frequent first, then alphabetically', () => {
    const decline = (who: string, s: number, reason: string) => ({ type: 'declined' as const, s, actor: agent(who), reason, agentIds: [who] });
    const report = computeMetrics(
      input([
        handoff('a', 0, [decline('ana', 5, 'Busy'), decline('ben', 9, 'Not my area')]),
        handoff('b', 10, [decline('ana', 15, 'Not my area'), decline('ben', 20, 'Busy'), decline('ben', 21, 'busy')]),
        handoff('c', 20, [decline('ana', 25, 'Busy')]),
      ]),
    );
    // Busy: a(ana), b(ben), c(ana) = 3; Not my area: a(ben), b(ana) = 2; busy (another text): 1.
    expect(report.totals.declines).toEqual({
      total: 6,
      byReason: [
        { reason: 'Busy', count: 3 },
        { reason: 'Not my area', count: 2 },
        { reason: 'busy', count: 1 },
      ],
    });
    expect(report.agents[0]!.declines).toEqual({ total: 3, byReason: [{ reason: 'Busy', count: 2 }, { reason: 'Not my area', count: 1 }] });
    expect(report.agents[1]!.declines.total).toBe(3);
  });

  it('computes the return-to-bot rate over what agents finished (not what the bot cancelled), and counts product routes by kind', () => {
    const finish = (who: string, s: number, type: 'returned_to_bot' | 'resolved') => ({ type, s, actor: agent(who) });
    const route = (who: string, s: number, kind: 'feature_request' | 'bug_report') => ({ type: 'routed_to_product' as const, s, actor: agent(who), product: { kind } });
    const report = computeMetrics(
      input([
        handoff('a', 0, [...offeredAndAccepted('ana', 0, 1), finish('ana', 50, 'returned_to_bot')]),
        handoff('b', 0, [...offeredAndAccepted('ana', 0, 2), finish('ana', 60, 'resolved')]),
        handoff('c', 0, [...offeredAndAccepted('ben', 0, 3), route('ben', 70, 'bug_report')]),
        handoff('d', 0, [...offeredAndAccepted('ben', 0, 4), route('ben', 80, 'feature_request')]),
        handoff('e', 0, [...offeredAndAccepted('ben', 0, 5), route('ben', 90, 'bug_report')]),
        handoff('f', 0, [{ type: 'cancelled', s: 95, actor: bot }]),
        handoff('g', -900, [...offeredAndAccepted('ana', -900, -890), finish('ana', -10, 'returned_to_bot')]), // before the period
      ]),
    );
    // Team: 1 returned of 5 finished (a returned, b resolved, c d e routed) = 0.2; f was cancelled, g is outside.
    expect(report.totals.returnToBot).toEqual({ count: 1, finished: 5, rate: 0.2 });
    expect(report.totals.productRoutes).toEqual({ feature_request: 1, bug_report: 2 });
    expect(report.totals.resolved).toBe(1);
    // Ana: 1 of 2 = 0.5. Ben: 0 of 3 = 0.
    expect(report.agents[0]!.returnToBot).toEqual({ count: 1, finished: 2, rate: 0.5 });
    expect(report.agents[1]!.returnToBot).toEqual({ count: 0, finished: 3, rate: 0 });
    expect(report.agents[1]!.productRoutes).toEqual({ feature_request: 1, bug_report: 2 });
    // Nothing finished: no rate rather than 0.
    expect(computeMetrics(input([])).totals.returnToBot).toEqual({ count: 0, finished: 0, rate: null });
  });

  it('counts a handoff a lead gave an agent among that agent’s handoffs, without a time to accept', () => {
    const report = computeMetrics(input([handoff('a', 0, [...offeredAndAccepted('ana', 0, 5), { type: 'reassigned', s: 30, actor: lead, agentIds: ['ben'] }])]));
    expect(report.agents.map((a) => [a.agent.id, a.handoffs, a.timeToAccept.count])).toEqual([
      ['ana', 1, 1],
      ['ben', 1, 0],
    ]);
  });

  it('lists every agent it was given, even with nothing to count, and anyone else who acted, by name', () => {
    const report = computeMetrics(input([handoff('a', 0, offeredAndAccepted('zed', 0, 5))], { agents: [{ id: 'ben', name: 'Ben' }, { id: 'ana', name: 'Ana' }] }));
    expect(report.agents.map((a) => a.agent)).toEqual([
      { id: 'ana', name: 'Ana' },
      { id: 'ben', name: 'Ben' },
      { id: 'zed', name: 'zed' }, // not in the list given: named by id
    ]);
    expect(report.agents[0]).toMatchObject({ handoffs: 0, timeToAccept: { count: 0, medianSeconds: null }, returnToBot: { rate: null } });
  });

  it('with agentId reports that one person (zeros if they did nothing) and leaves the team totals as they are', () => {
    const handoffs = [handoff('a', 0, offeredAndAccepted('ana', 0, 12)), handoff('b', 10, [...offeredAndAccepted('ben', 10, 40), { type: 'resolved', s: 50, actor: agent('ben') }])];
    const whole = computeMetrics(input(handoffs));
    const bens = computeMetrics(input(handoffs, { agentId: 'ben' }));
    expect(bens.totals).toEqual(whole.totals);
    expect(bens.agents).toEqual([whole.agents[1]]);
    expect(bens.agents[0]).toMatchObject({ agent: { id: 'ben', name: 'Ben' }, handoffs: 1, timeToAccept: { medianSeconds: 30 }, resolved: 1 });
    const idle = computeMetrics(input(handoffs, { agents: [...input([]).agents, { id: 'cy', name: 'Cy' }], agentId: 'cy' }));
    expect(idle.agents).toEqual([expect.objectContaining({ agent: { id: 'cy', name: 'Cy' }, handoffs: 0, resolved: 0, timeToAccept: { count: 0, medianSeconds: null, p90Seconds: null } })]);
  });

  it('computes deflection from reports inside the period and the reporting bots’ handoffs in the periods they reported', () => {
    const h = (id: string, s: number, integrationId: string) => handoff(id, s, [], { integrationId });
    const report = computeMetrics(
      input(
        [
          h('1', 10, 'bot-1'),
          h('2', 1700, 'bot-1'),
          h('3', 1800, 'bot-1'), // bot-1 reported [0, 1800) only: not in a reported period
          h('4', 100, 'bot-2'), // bot-2 did not report anything inside the period
          h('5', 3000, 'bot-3'),
        ],
        {
          conversations: [
            { integrationId: 'bot-1', integrationName: 'one', from: at(0), to: at(1800), count: 40 },
            { integrationId: 'bot-2', integrationName: 'two', from: at(-60), to: at(600), count: 500 }, // starts before the period: ignored
            { integrationId: 'bot-3', integrationName: 'three', from: at(1800), to: at(3600), count: 10 },
          ],
        },
      ),
    );
    // Conversations 40 + 10 = 50; handoffs in reported periods: 1 and 2 (bot-1), 5 (bot-3) = 3.
    // Deflection = 1 − 3/50 = 0.94. All five handoffs still count as the team's handoffs.
    // Each reporting integration's share is named, by name.
    expect(report.totals.deflection).toEqual({
      conversations: 50,
      handoffs: 3,
      rate: 1 - 3 / 50,
      byIntegration: [
        { integration: { id: 'bot-1', name: 'one' }, conversations: 40, handoffs: 2 },
        { integration: { id: 'bot-3', name: 'three' }, conversations: 10, handoffs: 1 },
      ],
    });
    expect(report.totals.handoffs).toBe(5);
    // Without reports there is no rate.
    expect(computeMetrics(input([h('1', 10, 'bot-1')])).totals.deflection).toEqual({ conversations: 0, handoffs: 0, rate: null, byIntegration: [] });
  });

  it('produces a report that the protocol’s schema accepts', () => {
    const report = computeMetrics(input([handoff('a', 0, offeredAndAccepted('ana', 0, 12))]));
    expect(MetricsReport.safeParse(report).success).toBe(true);
    expect(report).toMatchObject({ team: 'support', from: FROM, to: TO });
  });
});

describe('metrics CSV', () => {
  it('is saved as baton-metrics-<team>[-<agent>]-<from>-<to>.csv with compact UTC times', () => {
    const report = { team: 'support', from: '2026-03-02T09:00:00.000Z', to: '2026-03-09T09:00:00.000Z' };
    expect(metricsCsvFileName(report)).toBe('baton-metrics-support-20260302T090000Z-20260309T090000Z.csv');
    expect(metricsCsvFileName(report, 'demo-ana')).toBe('baton-metrics-support-demo-ana-20260302T090000Z-20260309T090000Z.csv');
  });

  it('escapes cells as RFC 4180 says and defuses spreadsheet formulas in text', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@sum')).toBe("'@sum");
    expect(csvCell(-0.25)).toBe('-0.25'); // numbers stay numbers
    expect(csvCell(null)).toBe('');
  });

  it('has a header and one row per scope and metric, CRLF line ends, and decline reasons escaped', () => {
    const decline = { type: 'declined' as const, s: 5, actor: agent('ana'), reason: 'Needs "billing", not me', agentIds: ['ana'] };
    const report = computeMetrics(input([handoff('a', 0, [decline])], { agents: [{ id: 'ana', name: '=Ana' }] }));
    const csv = metricsToCsv(report);
    expect(csv.endsWith('\r\n')).toBe(true);
    const lines = csv.slice(0, -2).split('\r\n');
    expect(lines[0]).toBe('from,to,team,agent_id,agent_name,metric,value');
    // Team: handoffs 1 + 7 reasons + 7 channels + 3 time to accept + offers expired + declines + 1 decline reason
    // + 3 return to bot + 2 product routes + resolved + 3 deflection = 30. Agent: the same without deflection = 27.
    expect(lines).toHaveLength(1 + 30 + 27);
    expect(lines[1]).toBe(`${FROM},${TO},support,,,handoffs,1`);
    expect(lines).toContain(`${FROM},${TO},support,,,"declines.reason.Needs ""billing"", not me",1`);
    expect(lines).toContain(`${FROM},${TO},support,,,time_to_accept.median_seconds,`);
    expect(lines).toContain(`${FROM},${TO},support,,,deflection.rate,`);
    expect(lines).toContain(`${FROM},${TO},support,ana,'=Ana,declines,1`);
    expect(lines.filter((l) => l.includes(',ana,')).every((l) => !l.includes('deflection'))).toBe(true);
  });

  it('names which integration reported what, after the deflection totals', () => {
    const report = computeMetrics(
      input([handoff('a', 10, [], { integrationId: 'bot-1' })], {
        conversations: [
          { integrationId: 'bot-2', integrationName: 'zeta-bot', from: at(0), to: at(600), count: 5 },
          { integrationId: 'bot-1', integrationName: 'acme-bot', from: at(0), to: at(600), count: 20 },
        ],
      }),
    );
    const lines = metricsToCsv(report).slice(0, -2).split('\r\n');
    const rate = lines.indexOf(`${FROM},${TO},support,,,deflection.rate,0.96`);
    expect(rate).toBeGreaterThan(0);
    expect(lines.slice(rate + 1, rate + 5)).toEqual([
      `${FROM},${TO},support,,,deflection.integration.acme-bot.conversations,20`,
      `${FROM},${TO},support,,,deflection.integration.acme-bot.handoffs,1`,
      `${FROM},${TO},support,,,deflection.integration.zeta-bot.conversations,5`,
      `${FROM},${TO},support,,,deflection.integration.zeta-bot.handoffs,0`,
    ]);
  });
});
