import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { conflictsStore, describeRefusal } from '../../renderer/state/conflicts.ts';
import { handoffsStore, selectMine } from '../../renderer/state/handoffs.ts';
import { PENDING_KEY, pendingStore, parsePending } from '../../renderer/state/pending.ts';
import { ana, makeHandoff } from '../support/console-fixtures.ts';
import { flushMicrotasks, resetStores, signedInConsole, startConsole, type TestConsole } from '../support/console.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
let consoles: TestConsole[] = [];

beforeEach(resetStores);
afterEach(() => {
  for (const c of consoles) c.controller.dispose();
  consoles = [];
  vi.useRealTimers();
});

async function online(...args: Parameters<typeof signedInConsole>): Promise<TestConsole> {
  const c = await signedInConsole(...args);
  consoles.push(c);
  return c;
}

const stored = (c: TestConsole) => parsePending(c.platform.data.get(PENDING_KEY) ?? null);

describe('actions taken while the hub is out of reach', () => {
  it('are kept in Platform storage, sent once when the connection returns, with the opId made when the agent acted', async () => {
    const offer = makeHandoff({ id: 'h1', offerFor: ana.id });
    const c = await online(ana, [offer]);
    c.hub.drop();

    c.controller.accept('h1');
    await flushMicrotasks();

    const [queued] = pendingStore.getState().queue;
    expect(queued).toMatchObject({ command: 'handoff:accept', payload: { handoffId: 'h1' } });
    expect(queued!.opId).toMatch(UUID);
    expect(stored(c)).toEqual([queued]);
    expect(c.hub.sent).toEqual([]);

    c.hub.drop(3); // more reconnect attempts change nothing
    await flushMicrotasks();
    expect(c.hub.sent).toEqual([]);

    c.hub.connectAs(ana, [offer]);
    await flushMicrotasks();

    expect(c.hub.sent).toEqual([{ command: 'handoff:accept', payload: { handoffId: 'h1' }, opId: queued!.opId }]);
    expect(pendingStore.getState().queue).toEqual([]);
    expect(c.platform.data.has(PENDING_KEY)).toBe(false);
    expect(selectMine(ana.id)(handoffsStore.getState()).map((h) => h.id)).toEqual(['h1']);

    // Another reconnect later sends nothing again.
    c.hub.drop();
    c.hub.connectAs(ana);
    await flushMicrotasks();
    expect(c.hub.commands('handoff:accept')).toHaveLength(1);
  });

  it('survive a reload: a new console reads the queue and sends it with the same opId', async () => {
    const offer = makeHandoff({ id: 'h1', offerFor: ana.id });
    const first = await online(ana, [offer]);
    first.hub.drop();
    first.controller.accept('h1');
    await flushMicrotasks();
    const { opId } = pendingStore.getState().queue[0]!;
    first.controller.dispose();

    resetStores(); // the page reloads: memory is gone, storage stays
    const second = await startConsole({ platform: first.platform });
    consoles.push(second);
    expect(pendingStore.getState().queue.map((a) => a.opId)).toEqual([opId]);

    second.hub.connectAs(ana, [offer]);
    await flushMicrotasks();
    expect(second.hub.sent.map((s) => [s.command, s.opId])).toEqual([['handoff:accept', opId]]);
  });

  it('wait for the snapshot of the new connection before being sent', async () => {
    const offer = makeHandoff({ id: 'h1', offerFor: ana.id });
    const c = await online(ana, [offer]);
    c.hub.drop();
    c.controller.accept('h1');
    c.hub.setState({ status: 'connected' });
    await flushMicrotasks();
    expect(c.hub.sent).toEqual([]);
    c.hub.emit('session', { agent: ana, serverTime: new Date().toISOString() });
    c.hub.emit('handoffs:snapshot', { handoffs: [offer] });
    await flushMicrotasks();
    expect(c.hub.commands('handoff:accept')).toHaveLength(1);
  });

  it('are sent in the order they were taken', async () => {
    const offer = makeHandoff({ id: 'h1', offerFor: ana.id });
    const c = await online(ana, [offer]);
    c.hub.drop();
    c.controller.accept('h1');
    c.controller.returnToBot('h1', 'Answered; the bot can take it from here.');
    c.hub.connectAs(ana, [offer]);
    await flushMicrotasks();
    expect(c.hub.sent.map((s) => s.command)).toEqual(['handoff:accept', 'handoff:returnToBot']);
    expect(new Set(c.hub.sent.map((s) => s.opId)).size).toBe(2);
    expect(handoffsStore.getState().recent.h1?.outcome).toEqual({ kind: 'finished', status: 'returned_to_bot' });
  });

  it('are retried with the same opId when an ack is lost on a live connection', async () => {
    const offer = makeHandoff({ id: 'h1', offerFor: ana.id });
    const c = await online(ana, [offer], { retryDelayMs: 50 });
    let answered = 0;
    const actLikeHub = c.hub.respond;
    c.hub.respond = (command, payload) => (answered++ === 0 ? { ok: false, error: { code: 'timeout', message: 'no answer within 10000 ms' } } : actLikeHub(command, payload));

    c.controller.accept('h1');
    await flushMicrotasks();
    expect(pendingStore.getState().queue).toHaveLength(1);
    expect(pendingStore.getState().stalled).toMatch(/no answer/);

    await vi.waitFor(() => expect(pendingStore.getState().queue).toEqual([]));
    const opIds = c.hub.sent.map((s) => s.opId);
    expect(opIds).toHaveLength(2);
    expect(opIds[0]).toBe(opIds[1]);
  });
});

describe('when the hub refuses an action', () => {
  it('the agent reads why in plain words, and the action leaves the queue', async () => {
    const offer = makeHandoff({ id: 'h1', offerFor: ana.id });
    const c = await online(ana, [offer]);
    c.hub.drop();
    c.controller.accept('h1');
    c.hub.respond = () => ({ ok: false, error: { code: 'offer_expired', message: 'Your offer for this handoff ended; it went to Ben Okafor.' } });
    c.hub.connectAs(ana, []);
    await flushMicrotasks();

    expect(conflictsStore.getState().messages.map((m) => m.text)).toEqual([
      'Could not accept Dana Whitfield’s handoff: Your offer for this handoff ended; it went to Ben Okafor.',
    ]);
    expect(pendingStore.getState().queue).toEqual([]);
    expect(stored(c)).toEqual([]);
  });

  it.each([
    ['offer_expired', '', 'Could not accept Dana Whitfield’s handoff: The offer expired.'],
    ['taken', 'Ben Okafor already has this handoff.', 'Could not accept Dana Whitfield’s handoff: Ben Okafor already has this handoff.'],
    ['forbidden', 'This handoff belongs to Ben Okafor', 'Could not accept Dana Whitfield’s handoff: This handoff belongs to Ben Okafor.'],
    ['internal', 'handoff:accept: the hub answered with a malformed ack', 'Could not accept Dana Whitfield’s handoff: The hub failed to handle it; try again.'],
  ] as const)('%s reads as a sentence a person can act on', (code, message, expected) => {
    const handoff = makeHandoff({ id: 'h1', offerFor: ana.id });
    expect(describeRefusal('handoff:accept', { code, message }, handoff)).toBe(expected);
  });

  it('names the fields of a form the hub found invalid', () => {
    const text = describeRefusal('handoff:returnToBot', {
      code: 'invalid_command',
      message: 'handoff:returnToBot: invalid command',
      issues: [{ path: 'note', message: 'must not be empty' }],
    });
    expect(text).toBe('Could not return to the bot this handoff: check the form (note must not be empty).');
  });
});
