// Every HTTP endpoint of the hub, against a real hub over real HTTP, with a real agent app signed
// in over socket.io so "nothing reached an agent" is observed, not assumed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration, upsertTeam } from '../../hub/admin/accounts.ts';
import { ErrorBody, HandoffResponse, MAX_BODY_BYTES, type HttpErrorCode } from '../../shared/protocol/index.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { invalidPacketCases, packetFixtures, readFixture } from '../support/fixtures.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { MALFORMED_PACKETS, VALID_BASE_PACKET } from '../support/malformed-packets.ts';

interface Reply {
  status: number;
  body: any;
}

let t: TestHub;
/** Ana's app: with broadcast routing every handoff an agent can take is offered to her. */
let ana: TestHubClient;
/** Every `handoff:offered` Ana's app received, in order. */
const offered: string[] = [];
let demoIntegrationId: string;
/** A second integration on the same hub, to show integrations cannot see each other's work. */
let other: { id: string; key: string };

beforeAll(async () => {
  t = await startTestHub();
  await upsertTeam(t.hub.db, { name: 'support', routing: 'broadcast' });
  const { rows } = await t.hub.db.query<{ id: string }>(`select id from integrations where name = 'demo-bot'`);
  demoIntegrationId = rows[0]!.id;
  other = await createIntegration(t.hub.db, { name: 'other-bot', team: 'support' });
  ana = await t.signIn('demo-ana');
  ana.on('handoff:offered', ({ handoff }) => offered.push(handoff.id));
});

afterAll(async () => {
  await t?.stop();
});

// --- helpers -------------------------------------------------------------------------------

/** The error in the protocol's shape (ErrorBody.parse throws on any other shape). */
function expectError(reply: Reply, status: number, code?: HttpErrorCode): ErrorBody['error'] {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  const { error } = ErrorBody.parse(reply.body);
  if (code) expect(error.code).toBe(code);
  return error;
}

function issuePaths(error: ErrorBody['error']): string[] {
  return (error.issues ?? []).map((issue) => issue.path);
}

async function handoffRows(): Promise<number> {
  const { rows } = await t.hub.db.query<{ n: number }>('select count(*)::int as n from handoffs');
  return rows[0]!.n;
}

async function rowsWithKey(key: string): Promise<number> {
  const { rows } = await t.hub.db.query<{ n: number }>('select count(*)::int as n from handoffs where idempotency_key = $1', [key]);
  return rows[0]!.n;
}

/** fetch with exactly these headers (t.request always adds JSON content type and the demo key). */
async function rawPost(path: string, headers: Record<string, string>, body: BodyInit): Promise<Reply> {
  const response = await fetch(t.url + path, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text, the assertions will say so
  }
  return { status: response.status, body: parsed };
}

/** A new handoff (summary `label` plus a unique suffix) once Ana has been offered it. */
async function offeredHandoff(label: string): Promise<string> {
  const summary = `${label} ${randomUUID()}`;
  const offer = ana.waitFor('handoff:offered', (o) => o.handoff.packet.summary === summary);
  const created = await t.request('POST', '/v1/handoffs', { body: packetWith({ summary }) });
  expect(created.status).toBe(201);
  const { handoff } = await offer;
  expect(handoff.id).toBe(created.body.handoff.id);
  return handoff.id;
}

/**
 * Sends a fresh valid handoff and waits until Ana is offered it. The hub serializes every change
 * and socket.io keeps order, so once it arrives every earlier offer has arrived too. Returns how
 * many offers Ana had seen before it.
 */
async function offerBarrier(): Promise<number> {
  const summary = `barrier ${randomUUID()}`;
  const offer = ana.waitFor('handoff:offered', (o) => o.handoff.packet.summary === summary);
  const created = await t.request('POST', '/v1/handoffs', { body: { ...VALID_BASE_PACKET, summary } });
  expect(created.status).toBe(201);
  const { handoff } = await offer;
  const index = offered.indexOf(handoff.id);
  expect(index).toBeGreaterThanOrEqual(0);
  return index;
}

/** Nothing was offered to Ana after the offer at `mark` but the next barrier's. */
async function expectNoOfferSince(mark: number): Promise<void> {
  const next = await offerBarrier();
  expect(offered.slice(mark + 1, next)).toEqual([]);
}

function packetWith(fields: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(VALID_BASE_PACKET), ...fields };
}

// --- the tests -----------------------------------------------------------------------------

describe('GET /healthz and unknown routes', () => {
  it('GET /healthz answers 200 {"status":"ok"} without any key', async () => {
    const reply = await t.request('GET', '/healthz', { key: null });
    expect(reply).toStrictEqual({ status: 200, body: { status: 'ok' } });
  });

  it.each([
    ['GET', '/v1/nothing-here'],
    ['POST', '/v1/handoffs/some-id/archive'],
    ['DELETE', '/v1/handoffs/some-id'],
  ])('%s %s is a 404 in the error shape', async (method, path) => {
    const error = expectError(await t.request(method, path), 404, 'not_found');
    expect(error.message).toContain(path);
  });
});

describe('POST /v1/handoffs with a valid packet', () => {
  it.each(packetFixtures())('$name: 201, and the packet is stored exactly as sent, key order included', async ({ packet }) => {
    const before = await handoffRows();
    const created = await t.request('POST', '/v1/handoffs', { body: packet });
    expect(created.status).toBe(201);
    expect(HandoffResponse.safeParse(created.body).success).toBe(true);
    expect(created.body.handoff.packet).toStrictEqual(packet);
    expect(JSON.stringify(created.body.handoff.packet)).toBe(JSON.stringify(packet));
    expect(await handoffRows()).toBe(before + 1);

    const read = await t.request('GET', `/v1/handoffs/${created.body.handoff.id}`);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body.handoff.packet)).toBe(JSON.stringify(packet));
  });

  it('accepts application/json with a charset parameter', async () => {
    const reply = await rawPost(
      '/v1/handoffs',
      { authorization: 'Bearer demo-integration-key', 'content-type': 'application/json; charset=utf-8' },
      JSON.stringify(VALID_BASE_PACKET),
    );
    expect(reply.status).toBe(201);
    expect(JSON.stringify(reply.body.handoff.packet)).toBe(JSON.stringify(VALID_BASE_PACKET));
  });

  it('offers the new handoff to a signed-in agent', async () => {
    const summary = `offered ${randomUUID()}`;
    const offer = ana.waitFor('handoff:offered', (o) => o.handoff.packet.summary === summary);
    const created = await t.request('POST', '/v1/handoffs', { body: packetWith({ summary }) });
    expect(created.status).toBe(201);
    expect((await offer).handoff.id).toBe(created.body.handoff.id);
  });
});

describe('POST /v1/handoffs refuses a malformed packet with 400 invalid_packet naming the field, and stores nothing', () => {
  let mark: number;
  beforeAll(async () => {
    mark = await offerBarrier();
  });

  it.each(invalidPacketCases())('shared fixture "$name" names "$field"', async ({ body, field }) => {
    const before = await handoffRows();
    const error = expectError(await t.request('POST', '/v1/handoffs', { body }), 400, 'invalid_packet');
    expect(issuePaths(error)).toContain(field);
    expect(await handoffRows()).toBe(before);
  });

  it.each(MALFORMED_PACKETS)('$name: names "$field" and only it', async ({ body, field }) => {
    const before = await handoffRows();
    const error = expectError(await t.request('POST', '/v1/handoffs', { body }), 400, 'invalid_packet');
    expect([...new Set(issuePaths(error))]).toEqual([field]);
    expect(await handoffRows()).toBe(before);
  });

  it('invalid JSON text is a 400 invalid_packet naming the body itself', async () => {
    const before = await handoffRows();
    const error = expectError(await t.request('POST', '/v1/handoffs', { rawBody: '{"summary": "charged twice",' }), 400, 'invalid_packet');
    expect(issuePaths(error)).toEqual(['']);
    expect(await handoffRows()).toBe(before);
  });

  it('a packet naming a team this hub does not have is a 400 naming "team"', async () => {
    const before = await handoffRows();
    const error = expectError(await t.request('POST', '/v1/handoffs', { body: packetWith({ team: 'no-such-team' }) }), 400, 'invalid_packet');
    expect(issuePaths(error)).toEqual(['team']);
    expect(await handoffRows()).toBe(before);
  });

  it('and none of the refused packets was offered to the signed-in agent', async () => {
    await expectNoOfferSince(mark);
  });
});

describe('POST /v1/handoffs without a valid integration key is 401 unauthorized', () => {
  let mark: number;
  beforeAll(async () => {
    mark = await offerBarrier();
  });

  it.each<{ name: string; headers: Record<string, string> }>([
    { name: 'no Authorization header', headers: {} },
    { name: 'an empty Authorization header', headers: { authorization: '' } },
    { name: 'an unknown key', headers: { authorization: 'Bearer not-a-key-this-hub-knows' } },
    { name: 'the key without the Bearer scheme', headers: { authorization: 'demo-integration-key' } },
    { name: 'Basic credentials', headers: { authorization: `Basic ${Buffer.from('demo-bot:demo-integration-key').toString('base64')}` } },
    { name: 'Bearer with no key', headers: { authorization: 'Bearer ' } },
    { name: 'Bearer with two words', headers: { authorization: 'Bearer demo-integration-key extra' } },
  ])('$name', async ({ headers }) => {
    const before = await handoffRows();
    const reply = await t.request('POST', '/v1/handoffs', { body: VALID_BASE_PACKET, key: null, headers });
    expectError(reply, 401, 'unauthorized');
    expect(await handoffRows()).toBe(before);
  });

  it('and nothing was offered to the signed-in agent', async () => {
    await expectNoOfferSince(mark);
  });
});

describe('POST /v1/handoffs refuses bodies that are not JSON or too large', () => {
  const auth = { authorization: 'Bearer demo-integration-key' };
  const json = JSON.stringify(VALID_BASE_PACKET);

  it.each<{ name: string; headers: Record<string, string>; body: BodyInit }>([
    { name: 'text/plain', headers: { 'content-type': 'text/plain' }, body: json },
    { name: 'a url-encoded form', headers: {}, body: new URLSearchParams({ summary: 'charged twice', 'trigger.reason': 'other' }) },
    { name: 'multipart form data', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: `--x\r\n\r\n${json}\r\n--x--` },
    { name: 'no content type at all', headers: {}, body: new TextEncoder().encode(json) },
  ])('$name is 415 unsupported_media_type', async ({ headers, body }) => {
    const before = await handoffRows();
    expectError(await rawPost('/v1/handoffs', { ...auth, ...headers }, body), 415, 'unsupported_media_type');
    expect(await handoffRows()).toBe(before);
  });

  it('a body over 256 KiB is 413 too_large', async () => {
    const rawBody = JSON.stringify(packetWith({ coreIssue: 'x'.repeat(MAX_BODY_BYTES) }));
    expect(Buffer.byteLength(rawBody)).toBeGreaterThan(MAX_BODY_BYTES);
    const before = await handoffRows();
    expectError(await t.request('POST', '/v1/handoffs', { rawBody }), 413, 'too_large');
    expect(await handoffRows()).toBe(before);
  });

  it('a body over 256 KiB is 413 too_large even when streamed without a Content-Length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(json.slice(0, -1) + ',"coreIssue":"'));
        for (let i = 0; i < 5; i += 1) controller.enqueue(chunk);
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
      },
    });
    const before = await handoffRows();
    const response = await fetch(t.url + '/v1/handoffs', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expectError({ status: response.status, body: await response.json() }, 413, 'too_large');
    expect(await handoffRows()).toBe(before);
  });
});

describe('POST /v1/handoffs with an Idempotency-Key', () => {
  it('the same key and body twice: 201 then 200 with the same handoff, and one row', async () => {
    const key = `order-${randomUUID()}`;
    const body = packetWith({ summary: 'Retried after a timeout' });
    const first = await t.request('POST', '/v1/handoffs', { body, headers: { 'idempotency-key': key } });
    // The same packet, laid out differently: the same body.
    const second = await t.request('POST', '/v1/handoffs', { rawBody: JSON.stringify(body, null, 2), headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(HandoffResponse.safeParse(second.body).success).toBe(true);
    expect(second.body.handoff.id).toBe(first.body.handoff.id);
    expect(second.body.handoff.packet).toStrictEqual(body);
    expect(await rowsWithKey(key)).toBe(1);
  });

  it('the same key sent 10 times at once makes one handoff: one 201, nine 200, one id', async () => {
    const key = `burst-${randomUUID()}`;
    const body = packetWith({ summary: 'Sent ten times at once' });
    const replies = await Promise.all(Array.from({ length: 10 }, () => t.request('POST', '/v1/handoffs', { body, headers: { 'idempotency-key': key } })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(replies.map((r) => r.body.handoff.id)).size).toBe(1);
    expect(await rowsWithKey(key)).toBe(1);
  });

  it('the same key with a different body is 409 idempotency_conflict, and the first handoff is untouched', async () => {
    const key = `conflict-${randomUUID()}`;
    const body = packetWith({ summary: 'The first packet' });
    const first = await t.request('POST', '/v1/handoffs', { body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const second = await t.request('POST', '/v1/handoffs', { body: packetWith({ summary: 'A different packet' }), headers: { 'idempotency-key': key } });
    expectError(second, 409, 'idempotency_conflict');
    expect(await rowsWithKey(key)).toBe(1);
    const read = await t.request('GET', `/v1/handoffs/${first.body.handoff.id}`);
    expect(read.body.handoff.packet).toStrictEqual(body);
  });

  it('another integration using the same key gets its own handoff', async () => {
    const key = `shared-${randomUUID()}`;
    const body = packetWith({ summary: 'Two bots, one key' });
    const ours = await t.request('POST', '/v1/handoffs', { body, headers: { 'idempotency-key': key } });
    const theirs = await t.request('POST', '/v1/handoffs', { body, key: other.key, headers: { 'idempotency-key': key } });
    expect(ours.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.handoff.id).not.toBe(ours.body.handoff.id);
    // Each one's retry still finds its own.
    const theirRetry = await t.request('POST', '/v1/handoffs', { body, key: other.key, headers: { 'idempotency-key': key } });
    expect(theirRetry.status).toBe(200);
    expect(theirRetry.body.handoff.id).toBe(theirs.body.handoff.id);
    // A different body under that key is a conflict for one integration only.
    const ourConflict = await t.request('POST', '/v1/handoffs', { body: packetWith({ summary: 'Changed' }), headers: { 'idempotency-key': key } });
    expectError(ourConflict, 409, 'idempotency_conflict');
    expect(await rowsWithKey(key)).toBe(2);
  });

  it('a key of 200 visible ASCII characters is accepted', async () => {
    const key = `k${randomUUID()}`.padEnd(200, '~');
    const reply = await t.request('POST', '/v1/handoffs', { body: VALID_BASE_PACKET, headers: { 'idempotency-key': key } });
    expect(reply.status).toBe(201);
    expect(await rowsWithKey(key)).toBe(1);
  });

  it.each([
    { name: 'longer than 200 characters', key: 'k'.repeat(201) },
    { name: 'with non-ASCII characters', key: 'café-order-1' },
    { name: 'with a space inside', key: 'order 1' },
  ])('a malformed key ($name) is 400, and nothing is stored', async ({ key }) => {
    const before = await handoffRows();
    const error = expectError(await t.request('POST', '/v1/handoffs', { body: VALID_BASE_PACKET, headers: { 'idempotency-key': key } }), 400);
    expect(issuePaths(error)).toEqual(['Idempotency-Key']);
    expect(await handoffRows()).toBe(before);
  });
});

describe('GET /v1/handoffs/:id', () => {
  it('returns the handoff with its events, oldest first', async () => {
    const id = await offeredHandoff('history');
    const reply = await t.request('GET', `/v1/handoffs/${id}`);
    expect(reply.status).toBe(200);
    expect(HandoffResponse.safeParse(reply.body).success).toBe(true);
    const { handoff } = reply.body;
    expect(handoff).toMatchObject({ id, status: 'offered', team: 'support', assignee: null, offer: { agentIds: ['demo-ana'] } });
    expect(handoff.events).toMatchObject([
      { type: 'created', actor: { kind: 'bot', id: demoIntegrationId } },
      { type: 'offered', actor: { kind: 'system' }, agentIds: ['demo-ana'] },
    ]);
    const times = handoff.events.map((e: { at: string }) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("another integration's handoff is a 404 that gives nothing away", async () => {
    const id = await offeredHandoff('confidential-summary');
    const reply = await t.request('GET', `/v1/handoffs/${id}`, { key: other.key });
    expectError(reply, 404, 'not_found');
    expect(JSON.stringify(reply.body)).not.toContain('confidential-summary');
    // and the other way round
    const theirs = await t.request('POST', '/v1/handoffs', { body: VALID_BASE_PACKET, key: other.key });
    expect(theirs.status).toBe(201);
    expectError(await t.request('GET', `/v1/handoffs/${theirs.body.handoff.id}`), 404, 'not_found');
    expect((await t.request('GET', `/v1/handoffs/${theirs.body.handoff.id}`, { key: other.key })).status).toBe(200);
  });

  it.each([randomUUID(), 'not-a-uuid'])('an unknown id (%s) is 404', async (id) => {
    expectError(await t.request('GET', `/v1/handoffs/${id}`), 404, 'not_found');
  });

  it('without a key is 401', async () => {
    const id = await offeredHandoff('no key');
    expectError(await t.request('GET', `/v1/handoffs/${id}`, { key: null }), 401, 'unauthorized');
    expectError(await t.request('GET', `/v1/handoffs/${id}`, { key: 'not-a-key-this-hub-knows' }), 401, 'unauthorized');
  });
});

describe('POST /v1/handoffs/:id/cancel', () => {
  it.each([
    { name: 'with a reason', options: { body: { reason: 'customer left' } }, reason: 'customer left' },
    { name: 'without a body', options: {}, reason: undefined },
    { name: 'with an empty JSON body', options: { rawBody: '' }, reason: undefined },
    { name: 'with an empty JSON object', options: { body: {} }, reason: undefined },
  ])('$name: an offered handoff is cancelled and the agent holding the offer is told', async ({ options, reason }) => {
    const id = await offeredHandoff('cancel');
    const withdrawn = ana.waitFor('handoff:withdrawn', (w) => w.handoffId === id);
    const reply = await t.request('POST', `/v1/handoffs/${id}/cancel`, options);
    expect(reply.status).toBe(200);
    expect(HandoffResponse.safeParse(reply.body).success).toBe(true);
    expect(reply.body.handoff).toMatchObject({ id, status: 'cancelled', offer: null });
    expect(await withdrawn).toStrictEqual({ handoffId: id, reason: 'cancelled' });

    const { body } = await t.request('GET', `/v1/handoffs/${id}`);
    expect(body.handoff.status).toBe('cancelled');
    expect(body.handoff.events.map((e: { type: string }) => e.type)).toEqual(['created', 'offered', 'cancelled']);
    const cancelled = body.handoff.events[2];
    expect(cancelled.actor).toStrictEqual({ kind: 'bot', id: demoIntegrationId });
    expect(cancelled.reason).toBe(reason);
  });

  it('cancelling a cancelled handoff again is 409 conflict, with no second event', async () => {
    const id = await offeredHandoff('twice');
    expect((await t.request('POST', `/v1/handoffs/${id}/cancel`, { body: { reason: 'customer left' } })).status).toBe(200);
    expectError(await t.request('POST', `/v1/handoffs/${id}/cancel`, { body: { reason: 'customer left' } }), 409, 'conflict');
    const { body } = await t.request('GET', `/v1/handoffs/${id}`);
    expect(body.handoff.events.filter((e: { type: string }) => e.type === 'cancelled')).toHaveLength(1);
  });

  it('an accepted handoff can be cancelled, and its assignee is told', async () => {
    const id = await offeredHandoff('accepted');
    expect(await ana.accept(id)).toMatchObject({ ok: true, handoff: { status: 'accepted', assignee: { id: 'demo-ana' } } });
    const withdrawn = ana.waitFor('handoff:withdrawn', (w) => w.handoffId === id);
    const reply = await t.request('POST', `/v1/handoffs/${id}/cancel`, { body: { reason: 'bot resolved it' } });
    expect(reply.status).toBe(200);
    expect(reply.body.handoff.status).toBe('cancelled');
    expect(await withdrawn).toStrictEqual({ handoffId: id, reason: 'cancelled' });
    const { body } = await t.request('GET', `/v1/handoffs/${id}`);
    expect(body.handoff.events.map((e: { type: string }) => e.type)).toEqual(['created', 'offered', 'accepted', 'cancelled']);
    expect(body.handoff.events[3]).toMatchObject({ actor: { kind: 'bot', id: demoIntegrationId }, reason: 'bot resolved it' });
  });

  it.each([
    { name: 'an unknown field', body: { reason: 'customer left', force: true }, field: 'force' },
    { name: 'a reason that is not a string', body: { reason: 42 }, field: 'reason' },
    { name: 'an empty reason', body: { reason: '' }, field: 'reason' },
    { name: 'a list', body: ['customer left'], field: '' },
  ])('a cancel body with $name is 400 naming "$field", and the handoff stays offered', async ({ body, field }) => {
    const id = await offeredHandoff('bad cancel');
    const error = expectError(await t.request('POST', `/v1/handoffs/${id}/cancel`, { body }), 400, 'invalid_request');
    expect(issuePaths(error)).toContain(field);
    const read = await t.request('GET', `/v1/handoffs/${id}`);
    expect(read.body.handoff.status).toBe('offered');
    expect(read.body.handoff.events.map((e: { type: string }) => e.type)).toEqual(['created', 'offered']);
  });

  it("another integration cannot cancel a handoff: 404, and it stays offered", async () => {
    const id = await offeredHandoff('not yours');
    expectError(await t.request('POST', `/v1/handoffs/${id}/cancel`, { key: other.key, body: { reason: 'customer left' } }), 404, 'not_found');
    expect((await t.request('GET', `/v1/handoffs/${id}`)).body.handoff.status).toBe('offered');
  });

  it('an unknown id is 404, and no key is 401', async () => {
    expectError(await t.request('POST', `/v1/handoffs/${randomUUID()}/cancel`), 404, 'not_found');
    const id = await offeredHandoff('no key cancel');
    expectError(await t.request('POST', `/v1/handoffs/${id}/cancel`, { key: null }), 401, 'unauthorized');
    expect((await t.request('GET', `/v1/handoffs/${id}`)).body.handoff.status).toBe('offered');
  });
});

describe('POST /v1/ingress/botframework', () => {
  interface Activity {
    name: string;
    value: { va_AgentMessage: string; va_Topics: string[]; va_LastTopic: string };
    attachments: Array<{ content: { activities: Array<{ text: string; timestamp: string; from: { role: string } }> } }>;
  }
  const activity = (): Activity => readFixture<Activity>('botframework/handoff-initiate.json');

  it('a handoff.initiate activity becomes a handoff that keeps every turn, the customer, the topics and the agent message', async () => {
    const source = activity();
    const offer = ana.waitFor('handoff:offered', (o) => o.handoff.packet.source?.platform === 'botframework');
    const reply = await t.request('POST', '/v1/ingress/botframework', { body: source });
    expect(reply.status).toBe(201);
    expect(HandoffResponse.safeParse(reply.body).success).toBe(true);
    const { packet } = reply.body.handoff;

    const turns = source.attachments[0]!.content.activities;
    expect(packet.transcript).toStrictEqual(
      turns.map((turn) => ({ from: turn.from.role === 'user' ? 'customer' : 'bot', text: turn.text, at: turn.timestamp })),
    );
    expect(packet.customer).toMatchObject({ name: 'Lena Park' });
    expect(packet.summary).toBe(source.value.va_AgentMessage);
    for (const topic of source.value.va_Topics) expect(packet.metadata.topics).toContain(topic);
    expect(packet.intent).toMatchObject({ name: source.value.va_LastTopic });
    expect(packet.source).toMatchObject({ platform: 'botframework', conversationId: '7Kq2Lr9Xw1' });

    // Stored as translated, and routed like any handoff.
    const read = await t.request('GET', `/v1/handoffs/${reply.body.handoff.id}`);
    expect(JSON.stringify(read.body.handoff.packet)).toBe(JSON.stringify(packet));
    expect((await offer).handoff.id).toBe(reply.body.handoff.id);
  });

  it('an event that is not handoff.initiate is 400 naming "name", and nothing is stored', async () => {
    const before = await handoffRows();
    const error = expectError(await t.request('POST', '/v1/ingress/botframework', { body: { ...activity(), name: 'foo' } }), 400, 'invalid_packet');
    expect(issuePaths(error)).toEqual(['name']);
    expect(await handoffRows()).toBe(before);
  });

  it('an Idempotency-Key works there too: 201 then 200 with the same handoff, one row', async () => {
    const key = `bf-${randomUUID()}`;
    const first = await t.request('POST', '/v1/ingress/botframework', { body: activity(), headers: { 'idempotency-key': key } });
    const second = await t.request('POST', '/v1/ingress/botframework', { body: activity(), headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.handoff.id).toBe(first.body.handoff.id);
    expect(await rowsWithKey(key)).toBe(1);
    const changed = { ...activity(), value: { ...activity().value, va_AgentMessage: 'Something else entirely' } };
    expectError(await t.request('POST', '/v1/ingress/botframework', { body: changed, headers: { 'idempotency-key': key } }), 409, 'idempotency_conflict');
    expect(await rowsWithKey(key)).toBe(1);
  });

  it('without a key is 401, and nothing is stored', async () => {
    const before = await handoffRows();
    expectError(await t.request('POST', '/v1/ingress/botframework', { body: activity(), key: null }), 401, 'unauthorized');
    expect(await handoffRows()).toBe(before);
  });
});
