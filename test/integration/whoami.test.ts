// GET /v1/session/whoami: who a credential signs in as, asked by the console before a sign-in
// link switches person. It changes nothing at the hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t?.stop());

const whoami = (token?: string) => fetch(`${t.url}/v1/session/whoami`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe('whoami', () => {
  it('names the person an agent token signs in as, and leaves them as they were (not connected, presence unchanged)', async () => {
    const before = await t.hub.db.query<{ connected: boolean; presence: string }>("select connected, presence from agents where id = 'demo-ben'");
    const answer = await whoami('demo-ben');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ agent: { id: 'demo-ben', name: 'Ben', role: 'agent', team: 'support' } });
    const after = await t.hub.db.query<{ connected: boolean; presence: string }>("select connected, presence from agents where id = 'demo-ben'");
    expect(after.rows).toEqual(before.rows);
  });

  it('refuses a token it does not know, or none, with 401 in the error shape', async () => {
    for (const token of ['not-a-token', undefined]) {
      const answer = await whoami(token);
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });
});
