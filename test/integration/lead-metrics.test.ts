// Metrics over HTTP, and over the socket (`team:metrics`), on a data set made through the real hub
// with a clock the test moves, so every event has a known time. The expected figures are worked
// out by hand below, next to the steps.
import { io as connectRaw } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createIntegration, setIntegrationTeams, upsertTeam } from '../../hub/admin/accounts.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { AGENTS_NAMESPACE, MetricsReport, type Handoff, type TriggerReason } from '../../shared/protocol/index.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { Clock, ok, post, refusal } from '../support/lead.ts';

const T0 = '2026-03-02T09:00:00.000Z';
const HOUR = '2026-03-02T10:00:00.000Z';
const TWO_HOURS = '2026-03-02T11:00:00.000Z';
const BOT_KEY = 'metrics-bot-key-0001';
const DECLINE = 'Needs "billing" access, not mine';
const clock = new Clock(T0);

/** A minimal RFC 4180 reader: quoted cells, doubled quotes, CRLF rows. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  return rows;
}

describe('team metrics', () => {
  let t: TestHub;
  let mia: TestHubClient;
  let max: TestHubClient;
  let meg: TestHubClient;
  const at = (seconds: number) => clock.set(T0, seconds);
  const metrics = (query: string, token = 'metrics-meg-token') => t.request('GET', `/v1/teams/metrics/metrics${query}`, { key: token });
  const conversations = (body: unknown, key: string | null = BOT_KEY) => t.request('POST', '/v1/stats/conversations', { body, key });

  /** A handoff from the metrics bot (or `key`) that routing offers to `to`. */
  async function create(to: TestHubClient, summary: string, reason: TriggerReason, channel: string | null, key = BOT_KEY): Promise<Handoff> {
    const offered = to.waitFor('handoff:offered', (p) => p.handoff.packet.summary.startsWith(summary));
    await post(t, 'metrics', { summary, trigger: { reason }, ...(channel && { channel }) }, key);
    return (await offered).handoff;
  }

  beforeAll(async () => {
    t = await startTestHub({ now: clock.now });
    const db = t.hub.db;
    await upsertTeam(db, { name: 'metrics', routing: 'push', offerTimeoutSeconds: 60 });
    await createIntegration(db, { name: 'metrics-bot', team: 'metrics', key: BOT_KEY });
    await createAgent(db, { id: 'metrics-mia', name: 'Mia', team: 'metrics', token: 'metrics-mia-token' });
    await createAgent(db, { id: 'metrics-max', name: 'Max', team: 'metrics', token: 'metrics-max-token' });
    await createAgent(db, { id: 'metrics-meg', name: 'Meg', role: 'lead', team: 'metrics', token: 'metrics-meg-token' });
    [mia, max, meg] = await Promise.all([t.signIn('metrics-mia-token'), t.signIn('metrics-max-token'), t.signIn('metrics-meg-token')]);
    ok(await max.setPresence('away')); // Mia gets every offer unless a step says otherwise

    // Times in seconds after T0 (09:00). The period of the main query is [0, 3600).
    at(-600); // H0: before the period
    const h0 = await create(mia, 'H0', 'other', 'chat');
    at(-590);
    ok(await mia.accept(h0.id)); // 10 s, but before the period: not counted
    at(0);
    const h1 = await create(mia, 'H1', 'complexity', 'chat');
    at(5);
    ok(await mia.resolve(h0.id)); // resolved inside the period: counted for Mia and the team
    at(10);
    ok(await mia.accept(h1.id)); // time to accept 10 s (Mia)
    at(20);
    ok(await mia.resolve(h1.id));
    at(100);
    const h2 = await create(mia, 'H2', 'complexity', 'email');
    at(120);
    ok(await mia.accept(h2.id)); // 20 s (Mia)
    at(130);
    ok(await mia.returnToBot(h2.id, 'The bot can send the invoice copy.'));
    at(200);
    const h3 = await create(mia, 'H3', 'emotional_state', 'chat');
    at(210);
    ok(await mia.decline(h3.id, DECLINE)); // decline (Mia); H3 waits: Max is away
    at(215);
    const h3ToMax = max.waitFor('handoff:offered', (p) => p.handoff.id === h3.id);
    ok(await max.setPresence('available'));
    await h3ToMax;
    at(230);
    ok(await max.accept(h3.id)); // 30 s from creation (Max)
    at(240);
    ok(await max.routeToProduct(h3.id, { kind: 'bug_report', title: 'Refund button missing', details: 'On the mobile app.' }));
    at(250);
    ok(await max.setPresence('away'));
    at(300);
    const h4 = await create(mia, 'H4', 'bug_report', 'voice');
    at(340);
    ok(await mia.accept(h4.id)); // 40 s (Mia)
    at(350);
    ok(await mia.routeToProduct(h4.id, { kind: 'feature_request', title: 'Export to CSV', details: 'Asked twice.' }));
    at(400);
    const h5 = await create(mia, 'H5', 'feature_request', null); // no channel: unspecified
    at(460); // the 60 s offer timeout: Mia's offer expires (offers expired: 1, Mia's)
    const mias = mia.waitFor('handoff:withdrawn', (p) => p.handoffId === h5.id);
    await t.hub.service.expireDueOffers();
    await mias;
    at(470);
    const h5ToMax = max.waitFor('handoff:offered', (p) => p.handoff.id === h5.id);
    ok(await max.setPresence('available'));
    await h5ToMax;
    at(500);
    ok(await max.accept(h5.id)); // 100 s from creation (Max)
    at(510);
    ok(await meg.reassign(h5.id, { agentId: 'metrics-mia' }, 'Mia knows this customer.')); // Mia takes H5, no accept
    at(520);
    ok(await mia.resolve(h5.id));
    at(590);
    ok(await mia.setPresence('away')); // now Max gets every offer
    at(600);
    const h6 = await create(max, 'H6', 'customer_request', 'sms');
    at(605);
    ok(await max.decline(h6.id, 'Busy')); // decline (Max)
    at(610);
    expect((await t.request('POST', `/v1/handoffs/${h6.id}/cancel`, { body: {}, key: BOT_KEY })).status).toBe(200);
    at(700); // H8: from the demo bot, which reports no conversations
    const h8 = await create(max, 'H8', 'scope_limitation', 'chat', 'demo-integration-key');
    at(701);
    expect((await t.request('POST', `/v1/handoffs/${h8.id}/cancel`, { body: {} })).status).toBe(200);
    at(800);
    ok(await mia.setPresence('available'));
    at(3500);
    ok(await max.setPresence('away'));
    at(3600); // H7: created exactly at the end of the period, so outside it
    const h7 = await create(mia, 'H7', 'other', 'chat');
    at(3610);
    ok(await mia.accept(h7.id)); // 10 s, in the second hour

    // The metrics bot's conversation counts: the first hour (10, then replaced by 20) and the second (50).
    at(3700);
    expect(await conversations({ from: T0, to: HOUR, count: 10 })).toMatchObject({ status: 201, body: { replaced: false } });
    expect(await conversations({ from: T0, to: HOUR, count: 20 })).toMatchObject({ status: 200, body: { replaced: true, conversations: { count: 20 } } });
    expect((await conversations({ from: HOUR, to: TWO_HOURS, count: 50 })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('computes the team’s and each agent’s figures for the first hour as worked out by hand', async () => {
    const { status, body } = await metrics(`?from=${T0}&to=${HOUR}`);
    expect(status).toBe(200);
    expect(MetricsReport.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ team: 'metrics', from: T0, to: HOUR });

    // Created in [0, 3600): H1 H2 H3 H4 H5 H6 (metrics bot) and H8 (demo bot) = 7; not H0 (−600) nor H7 (3600).
    // Accepts in the period: H1 10 s, H2 20 s, H3 30 s, H4 40 s, H5 100 s (H0's and H7's are outside).
    //   Sorted 10, 20, 30, 40, 100; n = 5: median at rank ceil(2.5) = 3 → 30; p90 at rank ceil(4.5) = 5 → 100.
    // Offers expired: H5's (Mia) = 1. Declines: Mia's on H3, Max's on H6 = 2, one of each reason.
    // Finished by agents: resolved H0 (at 5), H1, H5 = 3; returned H2 = 1; routed H3 (bug), H4 (feature) = 2;
    //   6 in all, so the return-to-bot rate is 1/6. H6 and H8 were cancelled by the bots: not finished by agents.
    // Deflection: the metrics bot reported 20 conversations for [0, 3600) and made H1–H6 in it: 1 − 6/20 = 0.7.
    expect(body.totals).toEqual({
      handoffs: 7,
      byReason: { complexity: 2, emotional_state: 1, scope_limitation: 1, feature_request: 1, bug_report: 1, customer_request: 1, other: 0 },
      byChannel: { chat: 3, voice: 1, email: 1, sms: 1, social: 0, other: 0, unspecified: 1 },
      timeToAccept: { count: 5, medianSeconds: 30, p90Seconds: 100 },
      offersExpired: 1,
      declines: { total: 2, byReason: [{ reason: 'Busy', count: 1 }, { reason: DECLINE, count: 1 }] },
      returnToBot: { count: 1, finished: 6, rate: 1 / 6 },
      productRoutes: { feature_request: 1, bug_report: 1 },
      resolved: 3,
      deflection: { conversations: 20, handoffs: 6, rate: 0.7, byIntegration: [{ integration: { id: expect.any(String), name: 'metrics-bot' }, conversations: 20, handoffs: 6 }] },
    });

    const [maxFigures, miaFigures] = body.agents; // by name: Max, Mia (Meg, the lead, takes no handoffs)
    expect(body.agents.map((a: { agent: unknown }) => a.agent)).toEqual([
      { id: 'metrics-max', name: 'Max' },
      { id: 'metrics-mia', name: 'Mia' },
    ]);
    // Mia took H1, H2, H4 (accepted) and H5 (Meg gave it to her) = 4: complexity 2, bug_report 1,
    //   feature_request 1; chat, email, voice, unspecified.
    // Her accepts: 10, 20, 40; n = 3: median rank ceil(1.5) = 2 → 20; p90 rank ceil(2.7) = 3 → 40.
    // She finished H0, H1, H5 (resolved), H2 (returned), H4 (feature request) = 5: rate 1/5 = 0.2.
    expect(miaFigures).toEqual({
      agent: { id: 'metrics-mia', name: 'Mia' },
      handoffs: 4,
      byReason: { complexity: 2, emotional_state: 0, scope_limitation: 0, feature_request: 1, bug_report: 1, customer_request: 0, other: 0 },
      byChannel: { chat: 1, voice: 1, email: 1, sms: 0, social: 0, other: 0, unspecified: 1 },
      timeToAccept: { count: 3, medianSeconds: 20, p90Seconds: 40 },
      offersExpired: 1,
      declines: { total: 1, byReason: [{ reason: DECLINE, count: 1 }] },
      returnToBot: { count: 1, finished: 5, rate: 0.2 },
      productRoutes: { feature_request: 1, bug_report: 0 },
      resolved: 3,
    });
    // Max took H3 and H5 = 2 (emotional_state, feature_request; chat, unspecified).
    // His accepts: 30, 100; n = 2: median rank 1 → 30; p90 rank ceil(1.8) = 2 → 100.
    // He finished H3 (bug report) = 1, none returned: rate 0. H5 went to Mia before he finished it.
    expect(maxFigures).toEqual({
      agent: { id: 'metrics-max', name: 'Max' },
      handoffs: 2,
      byReason: { complexity: 0, emotional_state: 1, scope_limitation: 0, feature_request: 1, bug_report: 0, customer_request: 0, other: 0 },
      byChannel: { chat: 1, voice: 0, email: 0, sms: 0, social: 0, other: 0, unspecified: 1 },
      timeToAccept: { count: 2, medianSeconds: 30, p90Seconds: 100 },
      offersExpired: 0,
      declines: { total: 1, byReason: [{ reason: 'Busy', count: 1 }] },
      returnToBot: { count: 0, finished: 1, rate: 0 },
      productRoutes: { feature_request: 0, bug_report: 1 },
      resolved: 0,
    });
  });

  it('over two hours also counts H7 and the second hour’s conversations', async () => {
    const { status, body } = await metrics(`?from=${T0}&to=${TWO_HOURS}`);
    expect(status).toBe(200);
    // Created: the 7 above and H7 = 8. Accepts: 10, 20, 30, 40, 100 and H7's 10 → sorted 10, 10, 20, 30, 40, 100;
    //   n = 6: median rank 3 → 20; p90 rank ceil(5.4) = 6 → 100.
    // Deflection: 20 + 50 = 70 conversations; the metrics bot made H1–H6 in the first hour and H7 in the
    //   second = 7: 1 − 7/70 = 0.9.
    expect(body.totals).toMatchObject({
      handoffs: 8,
      timeToAccept: { count: 6, medianSeconds: 20, p90Seconds: 100 },
      deflection: { conversations: 70, handoffs: 7, rate: 0.9, byIntegration: [{ integration: { name: 'metrics-bot' }, conversations: 70, handoffs: 7 }] },
    });
    // A period that only partly covers a report leaves that report out: [0:30, 11:00) has only the second hour's.
    const partial = await metrics(`?from=2026-03-02T09:30:00Z&to=${TWO_HOURS}`);
    expect(partial.body.totals.deflection).toMatchObject({ conversations: 50, handoffs: 1, rate: 1 - 1 / 50 });
  });

  it('exports the same figures as CSV, one row per scope and metric, escaped', async () => {
    const response = await fetch(`${t.url}/v1/teams/metrics/metrics.csv?from=${T0}&to=${HOUR}`, { headers: { authorization: 'Bearer metrics-meg-token' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="baton-metrics-metrics-20260302T090000Z-20260302T100000Z.csv"');
    const text = await response.text();
    expect(text).toContain(`"declines.reason.Needs ""billing"" access, not mine"`);
    const [header, ...rows] = readCsv(text);
    expect(header).toEqual(['from', 'to', 'team', 'agent_id', 'agent_name', 'metric', 'value']);
    // Team: 1 handoffs + 7 reasons + 7 channels + 3 time to accept + 1 expired + 1 declines + 2 decline reasons
    //   + 3 return to bot + 2 product routes + 1 resolved + 3 deflection + 2 for the one reporting integration
    //   = 33. Each agent: the same with one decline reason and no deflection = 27.
    expect(rows).toHaveLength(33 + 27 + 27);
    const value = (agentId: string, metric: string) => rows.find((r) => r[3] === agentId && r[5] === metric)?.[6];
    expect(rows[0]).toEqual([T0, HOUR, 'metrics', '', '', 'handoffs', '7']);
    expect(value('', 'time_to_accept.median_seconds')).toBe('30');
    expect(value('', 'time_to_accept.p90_seconds')).toBe('100');
    expect(value('', `declines.reason.${DECLINE}`)).toBe('1');
    expect(value('', 'return_to_bot.rate')).toBe(String(1 / 6));
    expect(value('', 'deflection.rate')).toBe('0.7');
    expect(value('', 'deflection.integration.metrics-bot.conversations')).toBe('20');
    expect(value('', 'deflection.integration.metrics-bot.handoffs')).toBe('6');
    expect(value('metrics-mia', 'time_to_accept.median_seconds')).toBe('20');
    expect(value('metrics-max', 'product_routes.bug_report')).toBe('1');
    expect(rows.filter((r) => r[3] === 'metrics-mia').every((r) => r[4] === 'Mia')).toBe(true);
  });

  it('refuses a malformed period, naming the field', async () => {
    const cases: Array<[string, string | string[]]> = [
      [`?from=${T0}`, 'to'],
      [`?from=${HOUR}&to=${T0}`, 'to'],
      [`?from=${T0}&to=${T0}`, 'to'],
      [`?from=2026-03-02T09:00:00&to=${HOUR}`, 'from'], // no offset
      [`?from=2025-01-01T00:00:00Z&to=2026-03-02T00:00:00Z`, 'to'], // more than 366 days
      [`?from=${T0}&to=${HOUR}&team=sales`, 'team'], // unknown parameter
      // Valid ISO 8601, but years PostgreSQL cannot read (it has no year 0) or write back.
      [`?from=0000-01-01T00:00:00Z&to=0000-06-01T00:00:00Z`, ['from', 'to']],
      [`?from=0001-01-01T00:30:00%2B01:00&to=0001-01-02T00:00:00Z`, 'from'], // 0000-12-31T23:30Z
      [`?from=9999-12-31T00:00:00Z&to=9999-12-31T23:59:59-05:00`, 'to'], // the year 10000 in UTC
    ];
    for (const [query, path] of cases) {
      for (const route of ['metrics', 'metrics.csv']) {
        const { status, body } = await t.request('GET', `/v1/teams/metrics/${route}${query}`, { key: 'metrics-meg-token' });
        expect({ status, code: body.error?.code, paths: body.error?.issues?.map((i: { path: string }) => i.path) }, `${route}${query}`).toEqual({
          status: 400,
          code: 'invalid_request',
          paths: [path].flat(),
        });
      }
    }
    // The earliest and latest instants the store can hold are fine.
    expect((await metrics('?from=0001-01-01T00:00:00Z&to=0001-12-31T00:00:00Z')).status).toBe(200);
    expect((await metrics('?from=9999-01-01T00:00:00Z&to=9999-12-31T23:59:59Z')).status).toBe(200);
    const year0 = await meg.teamMetrics({ from: '0000-01-01T00:00:00Z', to: '0000-06-01T00:00:00Z' });
    expect(year0).toMatchObject({ ok: false, error: { code: 'invalid_command' } });
  });

  describe('team:metrics over the socket', () => {
    it('gives the lead the same report as the HTTP endpoint, for any period and offset', async () => {
      for (const [from, to] of [
        [T0, HOUR],
        [T0, TWO_HOURS],
        ['2026-03-02T10:30:00+01:00', TWO_HOURS], // 09:30Z: only the second hour's conversation count
      ] as const) {
        const overHttp = await metrics(`?from=${encodeURIComponent(from)}&to=${to}`);
        expect(overHttp.status).toBe(200);
        const overSocket = ok(await meg.teamMetrics({ from, to }));
        expect(overSocket.report, `${from} – ${to}`).toEqual(overHttp.body);
      }
      // Not a zero report that happens to match: the first hour is the one worked out above.
      expect(ok(await meg.teamMetrics({ from: T0, to: HOUR })).report.totals).toMatchObject({ handoffs: 7, deflection: { rate: 0.7 } });
    });

    it('with agentId lists only that person, and the team totals stay the team’s', async () => {
      const team = ok(await meg.teamMetrics({ from: T0, to: HOUR })).report;
      const mias = ok(await meg.teamMetrics({ from: T0, to: HOUR, agentId: 'metrics-mia' })).report;
      expect(mias).toEqual({ ...team, agents: team.agents.filter((a) => a.agent.id === 'metrics-mia') });
      expect(mias.agents[0]).toMatchObject({ handoffs: 4, timeToAccept: { medianSeconds: 20 } });
      // Meg, the lead, took nothing: she is listed with zeros rather than left out.
      const megs = ok(await meg.teamMetrics({ from: T0, to: HOUR, agentId: 'metrics-meg' })).report;
      expect(megs.agents).toHaveLength(1);
      expect(megs.agents[0]).toMatchObject({
        agent: { id: 'metrics-meg', name: 'Meg' },
        handoffs: 0,
        timeToAccept: { count: 0, medianSeconds: null, p90Seconds: null },
        returnToBot: { count: 0, finished: 0, rate: null },
        resolved: 0,
      });
    });

    it('is refused to agents and to another team’s lead, who only ever reads their own team', async () => {
      expect(refusal(await mia.teamMetrics({ from: T0, to: HOUR }))).toMatchObject({ code: 'forbidden', message: 'Only a team lead can read team metrics.' });

      await upsertTeam(t.hub.db, { name: 'metrics-other' });
      await createAgent(t.hub.db, { id: 'metrics-olu', name: 'Olu', role: 'lead', team: 'metrics-other', token: 'metrics-olu-token' });
      const olu = await t.signIn('metrics-olu-token');
      expect((await metrics(`?from=${T0}&to=${HOUR}`, 'metrics-olu-token')).status).toBe(403);
      // Over the socket there is no team to ask for: Olu gets his own, empty team.
      const own = ok(await olu.teamMetrics({ from: T0, to: HOUR })).report;
      expect(own).toMatchObject({ team: 'metrics-other', totals: { handoffs: 0, resolved: 0, deflection: { conversations: 0, rate: null } }, agents: [] });
      expect(refusal(await olu.teamMetrics({ from: T0, to: HOUR, agentId: 'metrics-mia' }))).toMatchObject({ code: 'forbidden', message: 'Mia is not in your team (metrics-other).' });
      expect(refusal(await meg.teamMetrics({ from: T0, to: HOUR, agentId: 'nobody' }))).toMatchObject({ code: 'not_found' });
    });

    it('the hub refuses a malformed period, naming the field, even from a client that does not check', async () => {
      const socket = connectRaw(`${t.url}${AGENTS_NAMESPACE}`, { auth: { token: 'metrics-meg-token' }, forceNew: true, reconnection: false, transports: ['websocket'] });
      try {
        const cases: Array<[unknown, string[]]> = [
          [{ from: HOUR, to: T0 }, ['to']],
          [{ from: '2026-03-02T09:00:00', to: HOUR }, ['from']],
          [{ from: '2025-01-01T00:00:00Z', to: '2026-03-02T00:00:00Z' }, ['to']],
          [{ from: T0, to: HOUR, team: 'metrics' }, ['team']], // no team to choose: always the lead's own
        ];
        for (const [payload, paths] of cases) {
          const ack = await socket.timeout(5_000).emitWithAck('team:metrics', payload);
          expect({ ok: ack.ok, code: ack.error?.code, paths: ack.error?.issues?.map((i: { path: string }) => i.path) }, JSON.stringify(payload)).toEqual({
            ok: false,
            code: 'invalid_command',
            paths,
          });
        }
      } finally {
        socket.close();
      }
    });
  });

  describe('POST /v1/stats/conversations', () => {
    it('records a count per integration, team and period; the same period again replaces it; an overlapping one is a 409', async () => {
      const first = await conversations({ from: '2026-03-03T00:00:00Z', to: '2026-03-04T00:00:00Z', count: 1200 });
      expect(first).toEqual({
        status: 201,
        body: {
          conversations: { team: 'metrics', from: '2026-03-03T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z', count: 1200, receivedAt: clock.iso() },
          replaced: false,
        },
      });
      const again = await conversations({ from: '2026-03-03T01:00:00+01:00', to: '2026-03-04T00:00:00Z', count: 1250 }); // the same instant, another offset
      expect(again).toMatchObject({ status: 200, body: { replaced: true, conversations: { count: 1250 } } });
      const overlap = await conversations({ from: '2026-03-03T12:00:00Z', to: '2026-03-04T12:00:00Z', count: 5 });
      expect(overlap).toMatchObject({ status: 409, body: { error: { code: 'conflict', message: expect.stringContaining('2026-03-03T00:00:00.000Z') } } });
      // Next to it is fine, and so is the same period for another team the integration serves.
      expect((await conversations({ from: '2026-03-04T00:00:00Z', to: '2026-03-05T00:00:00Z', count: 900 })).status).toBe(201);
      await setIntegrationTeams(t.hub.db, { name: 'metrics-bot', teams: ['support'] });
      expect((await conversations({ from: '2026-03-03T12:00:00Z', to: '2026-03-04T12:00:00Z', count: 5, team: 'support' })).status).toBe(201);
      await setIntegrationTeams(t.hub.db, { name: 'metrics-bot', teams: [] });
      const { rows } = await t.hub.db.query(
        `select team, count from conversation_counts where period_start >= '2026-03-03T00:00:00Z' order by period_start, team`,
      );
      expect(rows).toEqual([
        { team: 'metrics', count: 1250 },
        { team: 'support', count: 5 },
        { team: 'metrics', count: 900 },
      ]);
    });

    it('takes counts only for the teams an integration serves, and the rate counts only theirs', async () => {
      const day = { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' };
      const before = (await metrics(`?from=${day.from}&to=${day.to}`)).body.totals.deflection;
      // Another team's bot cannot move this team's rate.
      const foreign = await conversations({ ...day, count: 999_999, team: 'metrics' }, 'demo-integration-key');
      expect(foreign).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.stringContaining('does not serve team metrics') } } });
      expect((await metrics(`?from=${day.from}&to=${day.to}`)).body.totals.deflection).toEqual(before);
      // Once an administrator lists the team for it, it may; the report names each integration's share.
      await setIntegrationTeams(t.hub.db, { name: 'demo-bot', teams: ['metrics'] });
      expect((await conversations({ ...day, count: 30, team: 'metrics' }, 'demo-integration-key')).status).toBe(201);
      const shared = (await metrics(`?from=${day.from}&to=${day.to}`)).body.totals.deflection;
      expect(shared.conversations).toBe(before.conversations + 30);
      expect(shared.byIntegration.map((e: { integration: { name: string }; conversations: number }) => [e.integration.name, e.conversations])).toEqual([
        ['demo-bot', 30],
        ['metrics-bot', before.conversations],
      ]);
      // Taken off the list, its counts stay stored but leave the rate.
      await setIntegrationTeams(t.hub.db, { name: 'demo-bot', teams: [] });
      expect((await metrics(`?from=${day.from}&to=${day.to}`)).body.totals.deflection).toEqual(before);
      expect((await t.hub.db.query(`select count from conversation_counts where team = 'metrics' and count = 30`)).rows).toHaveLength(1);
    });

    it('refuses a malformed count, naming every offending field', async () => {
      const valid = { from: '2026-04-01T00:00:00Z', to: '2026-04-02T00:00:00Z', count: 3 };
      const cases: Array<[unknown, string[]]> = [
        [{ ...valid, count: -1 }, ['count']],
        [{ ...valid, count: 1.5 }, ['count']],
        [{ from: valid.from, to: valid.to }, ['count']],
        [{ ...valid, to: valid.from }, ['to']],
        [{ ...valid, from: '2026-04-01' }, ['from']],
        [{ ...valid, to: '2026-05-03T00:00:00Z' }, ['to']], // longer than 31 days
        [{ ...valid, bot: 'x' }, ['bot']],
        [{ ...valid, team: 'no-such-team' }, ['team']],
        [{ from: '0000-01-01T00:00:00Z', to: '0000-01-02T00:00:00Z', count: 1 }, ['from', 'to']], // no year 0 in PostgreSQL
        [[valid], ['']],
      ];
      for (const [body, paths] of cases) {
        const response = await conversations(body);
        expect({ status: response.status, code: response.body.error?.code, paths: response.body.error?.issues?.map((i: { path: string }) => i.path) }, JSON.stringify(body)).toEqual({
          status: 400,
          code: 'invalid_request',
          paths,
        });
      }
      const text = await t.request('POST', '/v1/stats/conversations', { rawBody: 'count=3', key: BOT_KEY, headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(415);
    });
  });
});
