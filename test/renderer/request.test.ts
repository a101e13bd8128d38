import { describe, expect, it } from 'vitest';
import { NOT_CONNECTED, refusalOf, requestVia } from '../../renderer/client/request.ts';
import { ana } from '../support/console-fixtures.ts';
import { FakeHubClient } from '../support/fake-hub-client.ts';

describe("the console's one way to ask the hub", () => {
  it('without a connection, refuses with words the agent can act on and sends nothing', async () => {
    const ack = await requestVia(() => null)('presence:set', { status: 'away' });
    expect(ack).toEqual({ ok: false, error: { code: 'timeout', message: NOT_CONNECTED } });
    expect(refusalOf(ack)).toBe(NOT_CONNECTED);
  });

  it("passes the command to the live client and resolves with the hub's ack", async () => {
    const hub = new FakeHubClient();
    hub.connectAs(ana);
    const ack = await requestVia(() => hub)('presence:set', { status: 'away' });
    expect(ack).toMatchObject({ ok: true, agent: { id: ana.id, presence: 'away' } });
    expect(refusalOf(ack)).toBeNull();
    expect(hub.commands('presence:set').map((c) => c.payload)).toEqual([{ status: 'away' }]);
  });

  it("gives the hub's refusal in its own words", async () => {
    const hub = new FakeHubClient();
    hub.connectAs(ana);
    hub.respond = () => ({ ok: false, error: { code: 'forbidden', message: 'leads only' } });
    expect(refusalOf(await requestVia(() => hub)('team:metrics', { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' }))).toBe('leads only');
  });
});
