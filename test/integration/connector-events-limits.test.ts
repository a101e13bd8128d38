// A connector's events URL under a stranger's traffic: the signature is checked before anything is
// counted against the connector's ingress limit, so unsigned requests cannot use up the tool's
// budget; each one is a failed sign-in of the sender's address instead, which is refused once it
// has failed too often, while the tool goes on.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setConnector } from '../../hub/product/connectors/config.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { send } from '../support/property.ts';

const SECRET = 'conn-signing-secret-123';
const TOOL = '127.0.0.1';
const STRANGER = '127.0.0.2';

describe('a connector’s events URL', () => {
  let t: TestHub;
  let url: string;

  const event = (from: string, signed: boolean, target = url) => {
    const body = JSON.stringify({ productItemId: randomUUID(), status: 'done' });
    const at = Math.floor(Date.now() / 1000);
    const signature = `t=${at},v1=${createHmac('sha256', SECRET).update(`${at}.`).update(body).digest('hex')}`;
    return send(target, { method: 'POST', localAddress: from, body, headers: { 'content-type': 'application/json', ...(signed && { 'baton-signature': signature }) } });
  };

  beforeAll(async () => {
    t = await startTestHub({ rateLimits: { ingress: { max: 3, windowMs: 60_000 }, signIn: { maxFailures: 4, windowMs: 60_000 } } });
    const connector = await setConnector(t.hub.db, { team: 'support', kind: 'webhook', url: 'http://127.0.0.1:9/never', token: SECRET });
    url = `${t.url}/v1/connectors/${connector.id}/events`;
  });
  afterAll(() => t?.stop());

  it('checks the signature first: unsigned requests fail as sign-ins of their sender and leave the tool’s budget alone', async () => {
    const stranger: number[] = [];
    for (let i = 0; i < 10; i += 1) stranger.push((await event(STRANGER, false)).status);
    expect(stranger).toEqual([401, 401, 401, 401, 429, 429, 429, 429, 429, 429]);
    // The tool, signing correctly, has its whole budget, and is limited by it.
    const tool: number[] = [];
    for (let i = 0; i < 4; i += 1) tool.push((await event(TOOL, true)).status);
    expect(tool).toEqual([200, 200, 200, 429]);
    // Even signed, the locked address stays refused until its window ends.
    expect((await event(STRANGER, true)).status).toBe(429);
  });

  it('counts a guessed connector id as a failed sign-in too', async () => {
    const guesses: number[] = [];
    for (let i = 0; i < 5; i += 1) guesses.push((await event('127.0.0.3', false, `${t.url}/v1/connectors/${randomUUID()}/events`)).status);
    expect(guesses).toEqual([404, 404, 404, 404, 429]);
  });
});
