// What a bot's callback URL receives, and what survives a restart of the hub. The receiver is a
// plain node:http server that checks `Baton-Signature` with its own HMAC code (as an integration
// would), so a bug in hub/webhooks/signature.ts cannot hide itself.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCallbackUrl } from '../../hub/admin/accounts.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import { WebhookPayload, type Handoff, type HandoffEvent, type HandoffWebhookType, type WebhookType } from '../../shared/protocol/index.ts';
import { readFixture } from '../support/fixtures.ts';
import { DEMO_SECRET, startTestHub, type TestHub } from '../support/hub.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';

// ---------------------------------------------------------------------------------------------
// The receiver

interface Delivery {
  /** The `id` in the body (null when the body is not JSON). */
  id: string | null;
  type: string;
  handoffId: string;
  raw: string;
  payload: unknown;
  signatureOk: boolean;
  /** What the receiver answered. */
  status: number;
}

/** Checks `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` within 5 minutes. */
function signatureIsValid(header: string | string[] | undefined, raw: Buffer, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const fields = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
  const t = Number(fields.t);
  const v1 = fields.v1 ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`${fields.t}.`), raw])).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

class Receiver {
  url = '';
  deliveries: Delivery[] = [];
  /** The status the next requests get. */
  answer = 200;
  readonly #server: Server;
  #checks: Array<() => boolean> = [];

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        let payload: any = null;
        try {
          payload = JSON.parse(raw.toString('utf8'));
        } catch {
          // recorded as not JSON; the assertions on `payload` fail
        }
        const status = this.answer;
        this.deliveries.push({
          id: typeof payload?.id === 'string' ? payload.id : null,
          type: String(payload?.type),
          handoffId: String(payload?.handoff?.id),
          raw: raw.toString('utf8'),
          payload,
          signatureOk: signatureIsValid(req.headers['baton-signature'], raw, DEMO_SECRET),
          status,
        });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
        this.#checks = this.#checks.filter((check) => !check());
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/baton/webhooks`;
  }

  /** Resolves with `probe`'s value as soon as it is not undefined (checked on every request). */
  until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#checks = this.#checks.filter((c) => c !== check);
        reject(new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.deliveries.map((d) => [d.handoffId, d.type, d.status]))}`));
      }, timeoutMs);
      const check = (): boolean => {
        const value = probe();
        if (value === undefined) return false;
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      if (!check()) this.#checks.push(check);
    });
  }

  /** The first `count` webhooks the receiver accepted (2xx) for one handoff, in arrival order. */
  accepted(handoffId: string, count: number): Promise<Delivery[]> {
    return this.until(`${count} webhook(s) for handoff ${handoffId}`, () => {
      const mine = this.deliveries.filter((d) => d.handoffId === handoffId && d.status < 300);
      return mine.length >= count ? mine : undefined;
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the tests

const WEBHOOK_EVENTS: Record<HandoffWebhookType, HandoffEvent['type']> = {
  'handoff.offered': 'offered',
  'handoff.accepted': 'accepted',
  'handoff.returned_to_bot': 'returned_to_bot',
  'handoff.routed_to_product': 'routed_to_product',
  'handoff.resolved': 'resolved',
  'handoff.reassigned': 'reassigned',
  'handoff.cancelled': 'cancelled',
};

/** The webhook types a handoff's history calls for, in order. */
function webhookTypesFor(events: readonly HandoffEvent[]): WebhookType[] {
  const byEvent = new Map(Object.entries(WEBHOOK_EVENTS).map(([type, event]) => [event, type as WebhookType]));
  return events.flatMap((e) => (byEvent.has(e.type) ? [byEvent.get(e.type)!] : []));
}

const withoutEvents = ({ events: _events, ...handoff }: Handoff): Handoff => handoff;

/**
 * Each webhook: signed, exactly `{id, type, at, handoff}` valid per WebhookPayload, of the
 * expected type, carrying the handoff as it stood right after that transition (`states[i]`, as
 * the agent's ack or the socket said) with its history up to that transition, and stamped with
 * that transition's time. `final` is the handoff as GET /v1/handoffs/:id returns it now.
 */
function expectWebhooks(deliveries: Delivery[], expected: Array<{ type: HandoffWebhookType; state: Handoff }>, final: Handoff): void {
  expect(deliveries.map((d) => d.type)).toEqual(expected.map((e) => e.type));
  const events = final.events!;
  for (const [i, delivery] of deliveries.entries()) {
    const { type, state } = expected[i]!;
    expect(delivery.signatureOk, `signature of ${type}`).toBe(true);
    const payload = WebhookPayload.parse(delivery.payload);
    expect(Object.keys(delivery.payload as object).sort()).toEqual(['at', 'handoff', 'id', 'type']);
    expect(payload.type).toBe(type);
    expect(withoutEvents(payload.handoff)).toStrictEqual(state);
    const history = payload.handoff.events ?? [];
    expect(history).toStrictEqual(events.slice(0, history.length));
    expect(history.at(-1)?.type).toBe(WEBHOOK_EVENTS[type]);
    expect(Date.parse(payload.at)).toBe(Date.parse(history.at(-1)!.at));
  }
  expect(new Set(deliveries.map((d) => d.id)).size).toBe(deliveries.length);
  // The last webhook carries the handoff exactly as the bot can read it back.
  expect(deliveries.at(-1)!.payload).toMatchObject({ handoff: final });
}

function packet(summary: string, more: Record<string, unknown> = {}) {
  return { ...VALID_BASE_PACKET, summary, ...more };
}

// ---------------------------------------------------------------------------------------------

describe('webhooks to the bot’s callback URL', () => {
  let t: TestHub;
  let receiver: Receiver;
  let ana: TestHubClient;
  let lee: TestHubClient;

  beforeAll(async () => {
    receiver = new Receiver();
    await receiver.listen();
    t = await startTestHub({ webhooks: { baseDelayMs: 20, maxDelayMs: 200 } });
    await setCallbackUrl(t.hub.db, 'demo-bot', receiver.url);
    // Ana is the only agent online, so every handoff is offered to her.
    ana = await t.signIn('demo-ana');
    lee = await t.signIn('demo-lee');
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.close();
  });

  async function get(id: string): Promise<Handoff> {
    const { status, body } = await t.request('GET', `/v1/handoffs/${id}`);
    expect(status).toBe(200);
    return body.handoff;
  }

  /** Posts a packet and waits for Ana's offer of it. */
  async function offerToAna(body: unknown, path = '/v1/handoffs'): Promise<Handoff> {
    const offered = ana.waitFor('handoff:offered');
    const created = await t.request('POST', path, { body });
    expect(created.status).toBe(201);
    const offer = await offered;
    expect(offer.handoff.id).toBe(created.body.handoff.id);
    return offer.handoff;
  }

  async function ok(ack: Promise<{ ok: true; handoff: Handoff } | { ok: false; error: unknown }>): Promise<Handoff> {
    const result = await ack;
    if (!result.ok) throw new Error(`command refused: ${JSON.stringify(result.error)}`);
    return result.handoff;
  }

  it('offered, accepted and returned to the bot: three signed webhooks in that order, each with the handoff as it stood then', async () => {
    const offered = await offerToAna(packet('Return flow: customer asks about a double charge.'));
    const accepted = await ok(ana.accept(offered.id));
    const returned = await ok(ana.returnToBot(offered.id, 'Refund issued; the bot can confirm by email.'));

    const deliveries = await receiver.accepted(offered.id, 3);
    const final = await get(offered.id);
    expect(offered).toMatchObject({ status: 'offered', assignee: null, offer: { agentIds: ['demo-ana'] } });
    expect(accepted).toMatchObject({ status: 'accepted', assignee: { id: 'demo-ana', name: 'Ana' }, offer: null });
    expect(returned).toMatchObject({ status: 'returned_to_bot', assignee: { id: 'demo-ana' } });
    expectWebhooks(
      deliveries,
      [
        { type: 'handoff.offered', state: offered },
        { type: 'handoff.accepted', state: accepted },
        { type: 'handoff.returned_to_bot', state: returned },
      ],
      final,
    );
    expect(final.events!.at(-1)).toMatchObject({ actor: { kind: 'agent', id: 'demo-ana' }, note: 'Refund issued; the bot can confirm by email.' });
  });

  it('routed to the product team: handoff.routed_to_product carries what the agent sent', async () => {
    const offered = await offerToAna(packet('Product flow: customer wants CSV export of invoices.'));
    const accepted = await ok(ana.accept(offered.id));
    const route = { kind: 'feature_request', title: 'CSV export for invoices', details: 'Asked by three customers this week.' } as const;
    const routed = await ok(ana.routeToProduct(offered.id, route));

    const deliveries = await receiver.accepted(offered.id, 3);
    const final = await get(offered.id);
    expectWebhooks(
      deliveries,
      [
        { type: 'handoff.offered', state: offered },
        { type: 'handoff.accepted', state: accepted },
        { type: 'handoff.routed_to_product', state: routed },
      ],
      final,
    );
    expect(routed.status).toBe('routed_to_product');
    expect((deliveries[2]!.payload as WebhookPayload).handoff.events!.at(-1)!.product).toEqual({ ...route, productItemId: expect.any(String) });
  });

  it('resolved by the agent: handoff.resolved', async () => {
    const offered = await offerToAna(packet('Resolve flow: customer cannot find the invoice download button.'));
    const accepted = await ok(ana.accept(offered.id));
    const resolved = await ok(ana.resolve(offered.id, 'Showed where the button is.'));

    const deliveries = await receiver.accepted(offered.id, 3);
    expect(resolved.status).toBe('resolved');
    expectWebhooks(
      deliveries,
      [
        { type: 'handoff.offered', state: offered },
        { type: 'handoff.accepted', state: accepted },
        { type: 'handoff.resolved', state: resolved },
      ],
      await get(offered.id),
    );
  });

  it('cancelled by the bot while offered: handoff.cancelled, and the agent’s offer is withdrawn', async () => {
    const offered = await offerToAna(packet('Cancel flow: customer left the chat while waiting.'));
    const withdrawn = ana.waitFor('handoff:withdrawn', (w) => w.handoffId === offered.id);
    const cancelled = await t.request('POST', `/v1/handoffs/${offered.id}/cancel`, { body: { reason: 'customer left the chat' } });
    expect(cancelled.status).toBe(200);
    expect(await withdrawn).toEqual({ handoffId: offered.id, reason: 'cancelled' });

    const deliveries = await receiver.accepted(offered.id, 2);
    expect(cancelled.body.handoff).toMatchObject({ status: 'cancelled', offer: null, assignee: null });
    expectWebhooks(
      deliveries,
      [
        { type: 'handoff.offered', state: offered },
        { type: 'handoff.cancelled', state: cancelled.body.handoff },
      ],
      await get(offered.id),
    );
    expect(deliveries[1]!.payload).toMatchObject({ handoff: { events: [{}, {}, { type: 'cancelled', actor: { kind: 'bot' }, reason: 'customer left the chat' }] } });
  });

  it('reassigned by the lead, to an agent and back to the queue: handoff.reassigned each time, then offered again', async () => {
    const offered = await offerToAna(packet('Reassign flow: enterprise customer asks for their account manager.'));
    const accepted = await ok(ana.accept(offered.id));
    const toBen = await ok(lee.reassign(offered.id, { agentId: 'demo-ben' }, 'Ben manages this account.'));
    const offeredAgain = ana.waitFor('handoff:offered', (o) => o.handoff.id === offered.id);
    const toQueue = await ok(lee.reassign(offered.id, { queue: true }, 'Ben is out today.'));
    const secondOffer = (await offeredAgain).handoff;
    const cancelled = await t.request('POST', `/v1/handoffs/${offered.id}/cancel`, { body: {} });
    expect(cancelled.status).toBe(200);

    const deliveries = await receiver.accepted(offered.id, 6);
    expect(toBen).toMatchObject({ status: 'accepted', assignee: { id: 'demo-ben', name: 'Ben' } });
    expect(toQueue).toMatchObject({ status: 'queued', assignee: null, offer: null });
    expect(secondOffer).toMatchObject({ status: 'offered', offer: { agentIds: ['demo-ana'] } });
    expectWebhooks(
      deliveries,
      [
        { type: 'handoff.offered', state: offered },
        { type: 'handoff.accepted', state: accepted },
        { type: 'handoff.reassigned', state: toBen },
        { type: 'handoff.reassigned', state: toQueue },
        { type: 'handoff.offered', state: secondOffer },
        { type: 'handoff.cancelled', state: cancelled.body.handoff },
      ],
      await get(offered.id),
    );
    expect((deliveries[2]!.payload as WebhookPayload).handoff.events!.at(-1)).toMatchObject({
      type: 'reassigned',
      actor: { kind: 'lead', id: 'demo-lee' },
      note: 'Ben manages this account.',
      agentIds: ['demo-ben'],
    });
  });

  it('a Bot Framework handoff becomes a full packet, and returning it sends handoff.returned_to_bot naming the Bot Framework conversation', async () => {
    const activity = readFixture<any>('botframework/handoff-initiate.json');
    const offered = await offerToAna(activity, '/v1/ingress/botframework');

    const turns = activity.attachments[0].content.activities as Array<{ from: { role: string }; text: string; timestamp: string }>;
    expect(offered.packet.transcript).toEqual(
      turns.map((turn) => ({ from: turn.from.role === 'user' ? 'customer' : 'bot', text: turn.text, at: turn.timestamp })),
    );
    expect(offered.packet.customer).toEqual({ id: activity.relatesTo.user.id, name: activity.relatesTo.user.name });
    expect(offered.packet.summary).toBe(activity.value.va_AgentMessage);
    expect(offered.packet.intent).toEqual({ name: activity.value.va_LastTopic });
    for (const topic of activity.value.va_Topics as string[]) expect(String(offered.packet.metadata?.topics)).toContain(topic);
    expect(offered.packet.language).toBe(activity.value.va_Language);
    expect(offered.packet.source).toEqual({ platform: 'botframework', conversationId: activity.conversation.id });

    const accepted = await ok(ana.accept(offered.id));
    const returned = await ok(ana.returnToBot(offered.id, 'Prorated refund approved; please confirm the cancellation.'));
    const deliveries = await receiver.accepted(offered.id, 3);
    expectWebhooks(
      deliveries,
      [
        { type: 'handoff.offered', state: offered },
        { type: 'handoff.accepted', state: accepted },
        { type: 'handoff.returned_to_bot', state: returned },
      ],
      await get(offered.id),
    );
    const back = WebhookPayload.parse(deliveries[2]!.payload);
    expect(back.handoff.packet.source).toEqual({ platform: 'botframework', conversationId: '7Kq2Lr9Xw1' });
    expect(back.handoff.packet).toStrictEqual(offered.packet);
  });
});

describe('a restart on the same data folder', () => {
  let t: TestHub;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = new Receiver();
    await receiver.listen();
    // Many attempts allowed: while the receiver is down, retries every ≤200 ms must not give up.
    t = await startTestHub({ webhooks: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 10_000 } });
    await setCallbackUrl(t.hub.db, 'demo-bot', receiver.url);
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.close();
  });

  it('keeps every handoff, every event and every undelivered webhook, and delivers those webhooks once the receiver is back', async () => {
    receiver.answer = 500;
    const ana = await t.signIn('demo-ana');
    const lee = await t.signIn('demo-lee');
    const post = async (summary: string, more: Record<string, unknown> = {}): Promise<string> => {
      const { status, body } = await t.request('POST', '/v1/handoffs', { body: packet(summary, more) });
      expect(status).toBe(201);
      return body.handoff.id;
    };
    const offerToAna = async (summary: string): Promise<string> => {
      const offered = ana.waitFor('handoff:offered');
      const id = await post(summary);
      expect((await offered).handoff.id).toBe(id);
      return id;
    };
    const ok = async (ack: Promise<{ ok: boolean }>) => expect(await ack).toMatchObject({ ok: true });

    const ids: Record<string, string> = {};
    ids.returned = await offerToAna('Restart: returned to the bot.');
    await ok(ana.accept(ids.returned));
    await ok(ana.returnToBot(ids.returned, 'Back to you, bot.'));
    ids.product = await offerToAna('Restart: routed to product as a bug.');
    await ok(ana.accept(ids.product));
    await ok(ana.routeToProduct(ids.product, { kind: 'bug_report', title: 'Export crashes', details: 'Every time on Safari.', severity: 'high' }));
    ids.resolved = await offerToAna('Restart: resolved.');
    await ok(ana.accept(ids.resolved));
    await ok(ana.resolve(ids.resolved));
    ids.cancelled = await offerToAna('Restart: cancelled by the bot while offered.');
    expect((await t.request('POST', `/v1/handoffs/${ids.cancelled}/cancel`, { body: { reason: 'customer left' } })).status).toBe(200);
    ids.accepted = await offerToAna('Restart: accepted and still open.');
    await ok(ana.accept(ids.accepted));
    ids.reassigned = await offerToAna('Restart: reassigned by the lead to Ben.');
    await ok(ana.accept(ids.reassigned));
    await ok(lee.reassign(ids.reassigned, { agentId: 'demo-ben' }, 'Ben knows this customer.'));
    ids.withdrawn = await offerToAna('Restart: offered to Ana, who then signs out.');
    // Nobody has this skill, so it waits in the queue and never makes a webhook.
    ids.queued = await post('Restart: waiting for someone who speaks Icelandic.', { skills: ['icelandic'] });

    // Agents sign out first: an offer held by an agent who leaves goes back to the queue, and the
    // hub's shutdown would do that anyway. The lead sees it happen.
    const requeued = lee.waitFor('handoff:changed', (c) => c.handoff.id === ids.withdrawn && c.handoff.status === 'queued');
    ana.close();
    await requeued;
    lee.close();

    const before = new Map<string, Handoff>();
    for (const id of Object.values(ids)) {
      const { status, body } = await t.request('GET', `/v1/handoffs/${id}`);
      expect(status).toBe(200);
      before.set(id, body.handoff);
    }
    expect(Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, before.get(id)!.status]))).toEqual({
      returned: 'returned_to_bot',
      product: 'routed_to_product',
      resolved: 'resolved',
      cancelled: 'cancelled',
      accepted: 'accepted',
      reassigned: 'accepted',
      withdrawn: 'queued',
      queued: 'queued',
    });

    // Every webhook is still waiting: one per transition the bot hears about, in order.
    const { rows: pending } = await t.hub.db.query<{ id: string; handoff_id: string; type: string }>(
      'select id, handoff_id, type from webhook_outbox where delivered_at is null and failed_at is null order by seq',
    );
    for (const id of Object.values(ids)) {
      expect(pending.filter((p) => p.handoff_id === id).map((p) => p.type)).toEqual(webhookTypesFor(before.get(id)!.events!));
    }
    expect(pending).toHaveLength(17);
    expect(receiver.deliveries.length).toBeGreaterThan(0); // the hub was trying…
    expect(receiver.deliveries.every((d) => d.status === 500)).toBe(true); // …and nothing got through

    await t.restart();
    const deliveredBeforeRestart = receiver.deliveries.length;
    receiver.answer = 200;

    for (const [id, handoff] of before) {
      const { status, body } = await t.request('GET', `/v1/handoffs/${id}`);
      expect(status).toBe(200);
      expect(body.handoff).toStrictEqual(handoff);
    }

    const pendingIds = new Set(pending.map((p) => p.id));
    const accepted = await receiver.until('every pending webhook accepted after the restart', () => {
      const ok = receiver.deliveries.filter((d) => d.status === 200);
      return pending.every((p) => ok.some((d) => d.id === p.id)) ? ok : undefined;
    });
    // Exactly the pending ones (each at least once; a repeat could only be an at-least-once retry).
    expect(new Set(accepted.map((d) => d.id))).toEqual(pendingIds);
    expect(receiver.deliveries.every((d) => pendingIds.has(d.id!))).toBe(true);
    expect(receiver.deliveries.slice(deliveredBeforeRestart).every((d) => d.signatureOk)).toBe(true);
    // Each handoff's webhooks still arrive in the order of its history.
    for (const id of Object.values(ids)) {
      const firstArrivals = [...new Map(accepted.filter((d) => d.handoffId === id).map((d) => [d.id, d.type])).values()];
      expect(firstArrivals).toEqual(pending.filter((p) => p.handoff_id === id).map((p) => p.type));
    }
    for (const delivery of accepted) {
      const payload = WebhookPayload.parse(delivery.payload);
      const events = before.get(payload.handoff.id)!.events!;
      expect(payload.handoff.events).toStrictEqual(events.slice(0, payload.handoff.events!.length));
    }

    // The agent side survived too: Ana's accepted handoff is still hers.
    const back = await t.signIn('demo-ana');
    const { snapshot } = await back.ready();
    expect(snapshot.handoffs.map((h) => h.id)).toContain(ids.accepted);
  });
});

describe('a callback URL set while the hub runs', () => {
  it('is used from the next handoff on, though the bot signed in with its key before', async () => {
    const receiver = new Receiver();
    await receiver.listen();
    const t = await startTestHub({ webhooks: { baseDelayMs: 20, maxDelayMs: 200 } });
    try {
      await t.signIn('demo-ana'); // someone online, so each handoff is offered and has a webhook to send
      const before = await t.request('POST', '/v1/handoffs', { body: packet('Before the callback URL') });
      expect(before.status).toBe(201);
      await setCallbackUrl(t.hub.db, 'demo-bot', receiver.url);
      const after = await t.request('POST', '/v1/handoffs', { body: packet('After the callback URL') });
      expect(after.status).toBe(201);
      const [offered] = await receiver.accepted(after.body.handoff.id, 1);
      expect(offered!.type).toBe('handoff.offered');
      expect(offered!.signatureOk).toBe(true);
      expect(receiver.deliveries.filter((d) => d.handoffId === before.body.handoff.id)).toEqual([]);
    } finally {
      await t.stop();
      await receiver.close();
    }
  });
});
