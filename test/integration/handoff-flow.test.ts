import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFixture } from '../support/fixtures.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

describe('a handoff from a bot to an agent and back', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await startTestHub();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('is offered to an available agent, accepted, returned to the bot with a note, and its history says so', async () => {
    const ana = await t.signIn('demo-ana');
    const offered = ana.waitFor('handoff:offered');
    const packet = readFixture('packets/billing-dispute-chat.json');
    const created = await t.request('POST', '/v1/handoffs', { body: packet });
    expect(created.status).toBe(201);
    expect(created.body.handoff.packet).toStrictEqual(packet);

    const offer = await offered;
    expect(offer.handoff.id).toBe(created.body.handoff.id);
    expect(offer.handoff.packet).toStrictEqual(packet);

    const accepted = await ana.accept(offer.handoff.id);
    expect(accepted).toMatchObject({ ok: true, handoff: { status: 'accepted', assignee: { id: 'demo-ana', name: 'Ana' } } });
    const returned = await ana.returnToBot(offer.handoff.id, 'Refund issued; the bot can confirm by email.');
    expect(returned).toMatchObject({ ok: true, handoff: { status: 'returned_to_bot' } });

    const { status, body } = await t.request('GET', `/v1/handoffs/${offer.handoff.id}`);
    expect(status).toBe(200);
    expect(body.handoff.events.map((e: { type: string }) => e.type)).toEqual(['created', 'offered', 'accepted', 'returned_to_bot']);
    expect(body.handoff.events[3]).toMatchObject({ actor: { kind: 'agent', id: 'demo-ana' }, note: 'Refund issued; the bot can confirm by email.' });
  });
});
