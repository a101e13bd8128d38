// @vitest-environment node
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState, HubClientError, HubClientOptions } from '../../renderer/client/hub-client.ts';
import { connectTestHub, type TestHubClient } from '../support/hub-client.ts';
import type { AgentView, Handoff } from '../../shared/protocol/index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const now = '2025-01-01T12:00:00.000Z';
const ana: AgentView = { id: 'ana', name: 'Ana', role: 'agent', team: 'support', skills: [], capacity: 3, presence: 'available', load: 0 };
const handoff: Handoff = {
  id: 'h1',
  status: 'offered',
  packet: { summary: 'Customer wants a refund', trigger: { reason: 'customer_request' } },
  team: 'support',
  assignee: null,
  offer: { id: 'o1', agentIds: ['ana'], expiresAt: now },
  createdAt: now,
  updatedAt: now,
};

interface TestHub {
  url: string;
  io: Server;
  /** Every command the server received, in order. */
  received: Array<{ event: string; payload: Record<string, unknown> }>;
  sockets: ServerSocket[];
}

let hub: TestHub | undefined;
const clients: TestHubClient[] = [];

/** A bare socket.io server standing in for the hub: token `good`, a few canned handlers. */
async function startHub(): Promise<TestHub> {
  const http = createServer();
  const io = new Server(http);
  const received: TestHub['received'] = [];
  const sockets: ServerSocket[] = [];
  const agents = io.of('/agents');
  agents.use((socket, next) => (socket.handshake.auth.token === 'good' ? next() : next(new Error('unauthorized'))));
  agents.on('connection', (socket) => {
    sockets.push(socket);
    socket.onAny((event: string, payload: Record<string, unknown>) => received.push({ event, payload }));
    socket.on('handoff:accept', (_payload, ack) => ack({ ok: true, handoff: { ...handoff, status: 'accepted' } }));
    socket.on('handoff:decline', (_payload, ack) => ack({ ok: 'yes' }));
    socket.on('presence:set', (_payload, ack) => ack({ ok: true, agent: { ...ana, presence: 'away' } }));
    // handoff:resolve is never acknowledged.
    socket.emit('session', { agent: ana, serverTime: now });
    socket.emit('handoffs:snapshot', { handoffs: [handoff] });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  hub = { url: `http://127.0.0.1:${port}`, io, received, sockets };
  return hub;
}

function client(url: string, options: Partial<HubClientOptions> = {}): TestHubClient {
  const c = connectTestHub({ url, token: 'good', timeoutMs: 5_000, ...options });
  clients.push(c);
  return c;
}

function stateIs(c: TestHubClient, status: ConnectionState['status']): Promise<ConnectionState> {
  if (c.state.status === status) return Promise.resolve(c.state);
  return new Promise((resolve) => {
    const off = c.onState((state) => {
      if (state.status === status) {
        off();
        resolve(state);
      }
    });
  });
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  if (hub) await hub.io.close();
  hub = undefined;
});

describe('HubClient', () => {
  it('ready() resolves with the session and snapshot of the connection', async () => {
    const { url } = await startHub();
    const c = client(url);
    expect(c.state.status).toBe('connecting');
    const { session, snapshot } = await c.ready();
    expect(session.agent.id).toBe('ana');
    expect(snapshot.handoffs.map((h) => h.id)).toEqual(['h1']);
    expect(c.state).toEqual({ status: 'connected' });
  });

  it('does not pass on a malformed server event and reports it', async () => {
    const { url, io } = await startHub();
    const c = client(url);
    await c.ready();
    const errors: HubClientError[] = [];
    c.onError((error) => errors.push(error));
    const changed: string[] = [];
    c.on('handoff:changed', ({ handoff }) => changed.push(handoff.status));
    const valid = c.waitFor('handoff:changed');
    io.of('/agents').emit('handoff:changed', { handoff: { id: 'h1', status: 'teleported' } });
    io.of('/agents').emit('handoff:changed', { handoff: { ...handoff, status: 'accepted' } });
    await valid;
    expect(changed).toEqual(['accepted']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ type: 'protocol_error', event: 'handoff:changed' });
    expect(errors[0]?.type === 'protocol_error' && errors[0].issues.map((i) => i.path)).toContain('handoff.status');
  });

  it('send fills in a uuid opId, keeps a given one, and validates the ack', async () => {
    const { url, received } = await startHub();
    const c = client(url);
    await c.ready();

    const accepted = await c.accept('h1');
    expect(accepted).toMatchObject({ ok: true, handoff: { id: 'h1', status: 'accepted' } });
    expect(received[0]).toEqual({ event: 'handoff:accept', payload: { handoffId: 'h1', opId: expect.stringMatching(UUID) } });

    const opId = globalThis.crypto.randomUUID();
    expect(await c.setPresence('away', { opId })).toMatchObject({ ok: true, agent: { presence: 'away' } });
    expect(received[1]).toEqual({ event: 'presence:set', payload: { status: 'away', opId } });

    const errors: HubClientError[] = [];
    c.onError((error) => errors.push(error));
    const declined = await c.decline('h1', 'busy');
    expect(declined).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(errors).toMatchObject([{ type: 'protocol_error', event: 'handoff:decline ack' }]);
  });

  it('rejects an invalid command locally, without sending it', async () => {
    const { url, received } = await startHub();
    const c = client(url);
    await c.ready();
    const result = await c.routeToProduct('h1', { kind: 'feature_request', title: ' ', details: '', severity: 'high' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('invalid_command');
    expect(!result.ok && result.error.issues?.map((i) => i.path).sort()).toEqual(['severity', 'title']);
    expect(received).toEqual([]);
  });

  it('resolves with code timeout when the ack never comes', async () => {
    const { url, received } = await startHub();
    const c = client(url);
    await c.ready();
    const result = await c.resolve('h1', 'done', { timeoutMs: 100 });
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(received).toMatchObject([{ event: 'handoff:resolve', payload: { handoffId: 'h1', note: 'done' } }]);
  });

  it('does not buffer a command sent while not connected', async () => {
    const { url, received } = await startHub();
    const c = client(url);
    const early = await c.accept('h1');
    expect(early).toMatchObject({ ok: false, error: { code: 'timeout', message: expect.stringMatching(/not connected/) } });
    await c.ready();
    // Commands arrive in order, so had the early one been buffered it would come first.
    await c.setPresence('away');
    expect(received.map((r) => r.event)).toEqual(['presence:set']);
  });

  it('shows state unauthorized when the hub refuses the token, and fails ready()', async () => {
    const { url } = await startHub();
    const c = client(url, { token: 'bad' });
    const ready = c.ready();
    await expect(stateIs(c, 'unauthorized')).resolves.toEqual({ status: 'unauthorized' });
    await expect(ready).rejects.toThrow(/unauthorized/);
  });

  it('reconnects after a dropped connection and is ready again with a fresh snapshot', async () => {
    const { url, sockets } = await startHub();
    const c = client(url, { socketOptions: { reconnectionDelay: 10, reconnectionDelayMax: 20 } });
    await c.ready();
    const states: string[] = [];
    c.onState((state) => states.push(state.status));
    const snapshot = c.waitFor('handoffs:snapshot');
    sockets[0]?.conn.close(); // as if the network dropped: the client retries on its own
    await snapshot;
    await expect(c.ready()).resolves.toMatchObject({ session: { agent: { id: 'ana' } } });
    expect(states[0]).toBe('reconnecting');
    expect(states.at(-1)).toBe('connected');
    expect(sockets).toHaveLength(2);
  });

  it('waitFor times out with an error naming the event', async () => {
    const { url } = await startHub();
    const c = client(url);
    await c.ready();
    await expect(c.waitFor('handoff:offered', undefined, 50)).rejects.toThrow(
      "waitFor('handoff:offered') timed out after 50 ms",
    );
  });

  it('waitFor honours the predicate and close() fails pending waits', async () => {
    const { url, io } = await startHub();
    const c = client(url);
    await c.ready();
    const second = c.waitFor('handoff:withdrawn', (p) => p.handoffId === 'h2');
    io.of('/agents').emit('handoff:withdrawn', { handoffId: 'h1', reason: 'taken' });
    io.of('/agents').emit('handoff:withdrawn', { handoffId: 'h2', reason: 'cancelled' });
    await expect(second).resolves.toEqual({ handoffId: 'h2', reason: 'cancelled' });

    const never = c.waitFor('handoff:offered');
    c.close();
    await expect(never).rejects.toThrow(/handoff:offered.*closed/);
    expect(c.state).toEqual({ status: 'disconnected', reason: 'closed' });
  });
});
