// Leads act on their own team only. Every lead action, by the team's lead (allowed), by an agent
// of the team, by the lead of another team, and with a token the hub does not know; a refusal
// changes nothing. Then the same for the metrics endpoints and the deflection ingress.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, upsertTeam } from '../../hub/admin/accounts.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import type { AckOf, CommandName, ErrorCode } from '../../shared/protocol/index.ts';
import { DEMO_KEY, startTestHub, type TestHub } from '../support/hub.ts';
import { history, ok, post } from '../support/lead.ts';

type Actor = 'lead' | 'agent' | 'otherTeamLead' | 'badToken';
type Outcome = 'ok' | 'refused' | ErrorCode;
type Action = 'handoff:reassign' | 'handoffs:reassign to an agent' | 'handoffs:reassign to the queue' | 'agent:setPresence' | 'team:configure' | 'handoff:get';

// lead: Lee (support); agent: Ben (support, not involved); otherTeamLead: Sue (sales);
// badToken: an app the hub refused. The handoff is always one Ana accepted.
//                                               lead   agent        otherTeamLead  badToken
const MATRIX: Record<Action, Outcome[]> = {
  'handoff:reassign':                           ['ok', 'forbidden', 'forbidden',   'refused'],
  // Sue's team has no Ben: the whole command is refused before any handoff is looked at.
  'handoffs:reassign to an agent':              ['ok', 'forbidden', 'not_found',   'refused'],
  // To the queue: the command runs and lists the handoff as another team's.
  'handoffs:reassign to the queue':             ['ok', 'forbidden', 'forbidden',   'refused'],
  'agent:setPresence':                          ['ok', 'forbidden', 'forbidden',   'refused'],
  'team:configure':                             ['ok', 'forbidden', 'forbidden',   'refused'],
  'handoff:get':                                ['ok', 'forbidden', 'forbidden',   'refused'],
};
const ACTORS: Actor[] = ['lead', 'agent', 'otherTeamLead', 'badToken'];

/** The outcome of an ack: ok, its error code, or for a bulk command the code of its one failure. */
function outcomeOf(ack: AckOf<CommandName>): Outcome {
  if (!ack.ok) return ack.error.code === 'timeout' && /not connected/.test(ack.error.message) ? 'refused' : ack.error.code;
  const failures = (ack as { failures?: Array<{ error: { code: ErrorCode } }> }).failures;
  return failures?.[0]?.error.code ?? 'ok';
}

describe('who may do what a lead does', () => {
  let t: TestHub;
  let ana: TestHubClient;
  let clients: Record<Actor, TestHubClient>;
  beforeAll(async () => {
    t = await startTestHub();
    const sue = await createAgent(t.hub.db, { id: 'sales-sue', name: 'Sue', role: 'lead', team: 'sales' });
    let ben: TestHubClient, lee: TestHubClient, sueApp: TestHubClient;
    [ana, ben, lee, sueApp] = await Promise.all([t.signIn('demo-ana'), t.signIn('demo-ben'), t.signIn('demo-lee'), t.signIn(sue.token)]);
    ok(await ben.setPresence('away'));
    const intruder = t.client('agt_not-a-real-token');
    await expect(intruder.ready()).rejects.toThrow(/unauthorized/);
    clients = { lead: lee, agent: ben, otherTeamLead: sueApp, badToken: intruder };
  });
  afterEach(async () => {
    // Undo what an allowed action changed.
    await upsertTeam(t.hub.db, { name: 'support', routing: 'push' });
    await t.hub.db.query(`update agents set capacity = 3 where id = 'demo-ana'`);
    ok(await ana.setPresence('available'));
  });
  afterAll(async () => {
    await t?.stop();
  });

  const run: Record<Action, (client: TestHubClient, handoffId: string) => Promise<AckOf<CommandName>>> = {
    'handoff:reassign': (c, id) => c.reassign(id, { agentId: 'demo-ben' }, 'Over to Ben'),
    'handoffs:reassign to an agent': (c, id) => c.reassignMany([id], { agentId: 'demo-ben' }),
    'handoffs:reassign to the queue': (c, id) => c.reassignMany([id], { queue: true }),
    'agent:setPresence': (c) => c.setAgentPresence('demo-ana', 'away'),
    'team:configure': (c) => c.configureTeam({ team: 'support', routing: 'broadcast', capacity: [{ agentId: 'demo-ana', capacity: 5 }] }),
    'handoff:get': (c, id) => c.getHandoff(id),
  };

  /** Everything a lead action could change: the handoff's history, Ana, the team's settings. */
  async function state(handoffId: string) {
    const { rows: agents } = await t.hub.db.query('select presence, capacity, skills from agents where id = $1', ['demo-ana']);
    const { rows: teams } = await t.hub.db.query('select * from teams where name = $1', ['support']);
    return { handoff: await history(t, handoffId), ana: agents[0], team: teams[0] };
  }

  const CASES = (Object.keys(MATRIX) as Action[]).flatMap((action) => ACTORS.map((actor, i) => ({ action, actor, expected: MATRIX[action][i]! })));

  it.each(CASES)('$action by $actor: $expected', async ({ action, actor, expected }) => {
    const summary = `${action} by ${actor} ${randomUUID()}`;
    const offered = ana.waitFor('handoff:offered', (p) => p.handoff.packet.summary.startsWith(summary));
    await post(t, 'support', { summary });
    const handoff = ok(await ana.accept((await offered).handoff.id)).handoff;
    const before = await state(handoff.id);

    const ack = await run[action](clients[actor], handoff.id);

    expect(outcomeOf(ack), JSON.stringify(ack)).toBe(expected);
    if (expected !== 'ok') {
      if (expected !== 'refused' && !ack.ok) expect(ack.error.message).toMatch(/\w/);
      expect(await state(handoff.id)).toStrictEqual(before);
    }
    expect((await t.request('POST', `/v1/handoffs/${handoff.id}/cancel`, { body: {} })).status).toBe(200);
  });
});

describe('who may read metrics and report conversations over HTTP', () => {
  let t: TestHub;
  let sueToken: string;
  const query = '?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z';
  beforeAll(async () => {
    t = await startTestHub();
    sueToken = (await createAgent(t.hub.db, { id: 'sales-sue', name: 'Sue', role: 'lead', team: 'sales' })).token;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it.each(['metrics', 'metrics.csv'])('GET /v1/teams/:team/%s: the team’s lead only (401 unknown or missing token, 403 anyone else)', async (path) => {
    const get = (team: string, key: string | null) => t.request('GET', `/v1/teams/${team}/${path}${query}`, { key });
    expect((await get('support', 'demo-lee')).status).toBe(200);
    for (const [key, who] of [
      ['demo-ana', 'an agent of the team'],
      [sueToken, 'the lead of another team'],
    ] as const) {
      const response = await get('support', key);
      expect(response, who).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.any(String) } } });
    }
    // Lee may not read sales, nor a team that does not exist (which looks the same to him).
    expect((await get('sales', 'demo-lee')).status).toBe(403);
    expect((await get('no-such-team', 'demo-lee')).status).toBe(403);
    for (const [key, who] of [
      ['agt_not-a-real-token', 'an unknown token'],
      [null, 'no Authorization header'],
      [DEMO_KEY, 'an integration key (not an agent token)'],
    ] as const) {
      expect(await get('support', key), who).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    }
  });

  it('POST /v1/stats/conversations takes an integration key only', async () => {
    const body = { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', count: 10 };
    for (const key of ['demo-lee', 'demo-ana', null, 'key_not-a-real-key']) {
      expect(await t.request('POST', '/v1/stats/conversations', { body, key }), String(key)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    }
    const { rows } = await t.hub.db.query('select count(*)::int as n from conversation_counts');
    expect(rows[0]).toEqual({ n: 0 });
    expect((await t.request('POST', '/v1/stats/conversations', { body })).status).toBe(201);
  });
});
