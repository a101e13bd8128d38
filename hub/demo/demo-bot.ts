import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import {
  HandoffEvent,
  HandoffStatus,
  OPEN_STATUSES,
  WebhookPayload,
  type ContextPacket,
  type ConversationCountBody,
} from '../../shared/protocol/index.ts';
import { verifyWebhookSignature } from '../webhooks/signature.ts';
import { demoPacket } from './conversations.ts';

export interface DemoBotLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DemoBotOptions {
  hubUrl: string;
  integrationKey: string;
  signingSecret: string;
  log: DemoBotLog;
  /** Delay before the first handoff. Default 1500 ms. */
  firstDelayMs?: number;
  /** Random delay between later ticks, [min, max]. Default [8000, 20000] ms. */
  intervalMs?: [number, number];
  /** At most this many of the bot's handoffs open at once. Default 8. */
  maxOpen?: number;
  /** How long a handoff may wait queued/offered before the "customer leaves". Default 3 min. */
  cancelAfterMs?: number;
  /**
   * Conversations the bot settles itself each tick, [min, max], besides those it hands off: what
   * it reports to `POST /v1/stats/conversations`, so the demo has a deflection rate. Default [1, 4].
   */
  selfServedPerTick?: [number, number];
  /** The periods it reports conversation counts for, aligned to multiples of this. Default one hour. */
  conversationPeriodMs?: number;
  random?: () => number;
}

export interface DemoBot {
  /** Where the hub should POST webhooks: the integration's callback URL. */
  callbackUrl: string;
  stop(): Promise<void>;
  /** Handoffs the hub has accepted from this bot so far. */
  sent(): number;
}

const WEBHOOK_PATH = '/webhooks/baton';
const MAX_WEBHOOK_BYTES = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;
const CANCEL_REASON = 'customer left the chat';
// Webhooks come at least once; remembering recent ids keeps a redelivery from being acted on twice.
const SEEN_LIMIT = 1_000;

// Only what the bot reads from the hub's answers; the rest of a handoff is not its concern.
const HandoffView = z.object({
  id: z.string(),
  status: HandoffStatus,
  updatedAt: z.string(),
  events: z.array(HandoffEvent).optional(),
});
type HandoffView = z.infer<typeof HandoffView>;
const HandoffAnswer = z.object({ handoff: HandoffView });

interface Tracked {
  status: HandoffStatus;
  updatedAt: number;
  /** When the customer started waiting for an agent; undefined while an agent has it. */
  waitingSince: number | undefined;
}

export async function startDemoBot(options: DemoBotOptions): Promise<DemoBot> {
  const { log, integrationKey, signingSecret } = options;
  const hubUrl = options.hubUrl.replace(/\/+$/, '');
  const [minInterval, maxInterval] = options.intervalMs ?? [8_000, 20_000];
  const maxOpen = options.maxOpen ?? 8;
  const cancelAfterMs = options.cancelAfterMs ?? 3 * 60_000;
  const [minSelfServed, maxSelfServed] = options.selfServedPerTick ?? [1, 4];
  const periodMs = options.conversationPeriodMs ?? 3_600_000;
  const random = options.random ?? Math.random;
  const startedAt = Date.now();

  const open = new Map<string, Tracked>();
  // Finished ids, so a late, older webhook cannot make a finished handoff look open again.
  const finished = new Set<string>();
  const seenWebhooks = new Set<string>();
  const reactions = new Set<Promise<void>>();
  const stopping = new AbortController();
  let stopped = false;
  let sentCount = 0;
  let sequence = 0;
  // Kept until the hub confirms it, and retried with the same Idempotency-Key so a lost answer
  // never makes a second handoff.
  let pending: { packet: ContextPacket; key: string } | undefined;
  let full = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  // Conversations handled per period (by its aligned start), and what the hub has of each.
  // The current period's count grows; reporting the same period again replaces it at the hub.
  const conversations = new Map<number, { from: number; count: number; reported: number; refused: boolean }>();

  function remember<T>(set: Set<T>, value: T): void {
    set.add(value);
    if (set.size > SEEN_LIMIT) set.delete(set.values().next().value as T);
  }

  /** Records what the bot now knows of one of its handoffs, ignoring views older than one it has. */
  function track(handoff: Pick<HandoffView, 'id' | 'status' | 'updatedAt'>): void {
    if (finished.has(handoff.id)) return;
    const updatedAt = Date.parse(handoff.updatedAt);
    const previous = open.get(handoff.id);
    if (previous && previous.updatedAt > updatedAt) return;
    if (!OPEN_STATUSES.includes(handoff.status)) {
      open.delete(handoff.id);
      remember(finished, handoff.id);
      return;
    }
    const waiting = handoff.status !== 'accepted';
    open.set(handoff.id, {
      status: handoff.status,
      updatedAt,
      waitingSince: waiting ? (previous?.waitingSince ?? Date.now()) : undefined,
    });
  }

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string) {
    const headers: Record<string, string> = { authorization: `Bearer ${integrationKey}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const res = await fetch(`${hubUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json };
  }

  async function fetchHandoff(id: string): Promise<HandoffView | undefined> {
    const res = await call('GET', `/v1/handoffs/${encodeURIComponent(id)}`);
    const parsed = HandoffAnswer.safeParse(res.body);
    if (res.status === 200 && parsed.success) return parsed.data.handoff;
    if (res.status === 404) {
      open.delete(id);
      remember(finished, id);
    } else log.warn({ handoffId: id, status: res.status }, 'demo bot could not read a handoff');
    return undefined;
  }

  /** Counts conversations the bot handled now, handed off or not. */
  function handled(count: number): void {
    const now = Date.now();
    const start = now - (now % periodMs);
    const period = conversations.get(start) ?? { from: Math.max(start, startedAt), count: 0, reported: 0, refused: false };
    period.count += count;
    conversations.set(start, period);
  }

  /**
   * Reports each period whose count the hub does not have yet. The first period starts when the
   * bot did, so a restarted bot never replaces a count it no longer knows with a smaller one: the
   * hub refuses that overlap (409), and the bot leaves that period be.
   */
  async function reportConversations(): Promise<void> {
    for (const [start, period] of [...conversations]) {
      if (period.refused || period.count === period.reported) {
        if (start + periodMs <= Date.now()) conversations.delete(start);
        continue;
      }
      const body: ConversationCountBody = { from: new Date(period.from).toISOString(), to: new Date(start + periodMs).toISOString(), count: period.count };
      const res = await call('POST', '/v1/stats/conversations', body);
      if (res.status === 200 || res.status === 201) period.reported = body.count;
      else {
        // Refused for good (an overlap, or a hub without the endpoint): the next period tries again.
        period.refused = res.status === 409 || res.status === 400 || res.status === 404;
        log.warn({ status: res.status, error: res.body, ...body }, 'hub did not take the conversation count');
      }
    }
  }

  async function sendNext(): Promise<void> {
    pending ??= { packet: demoPacket(sequence), key: randomUUID() };
    const { packet, key } = pending;
    const res = await call('POST', '/v1/handoffs', packet, key);
    const parsed = HandoffAnswer.safeParse(res.body);
    if ((res.status === 201 || res.status === 200) && parsed.success) {
      const { handoff } = parsed.data;
      pending = undefined;
      sequence++;
      sentCount++;
      handled(1);
      track(handoff);
      log.info(
        { handoffId: handoff.id, reason: packet.trigger.reason, channel: packet.channel, priority: packet.priority },
        `bot hands over ${packet.customer?.name ?? 'a customer'}: ${packet.summary}`,
      );
    } else if (res.status === 400 || res.status === 413 || res.status === 415) {
      // The hub will never take this body; move on to the next conversation.
      log.error({ status: res.status, error: res.body }, 'hub refused a demo packet');
      pending = undefined;
      sequence++;
    } else {
      log.warn({ status: res.status, error: res.body }, 'hub did not take the handoff; retrying on the next tick');
    }
  }

  /** The customer gave up waiting: cancel, after checking no agent took it meanwhile. */
  async function cancelIfStillWaiting(id: string): Promise<void> {
    const current = await fetchHandoff(id);
    if (!current) return;
    track(current);
    if (current.status !== 'queued' && current.status !== 'offered') return;
    const res = await call('POST', `/v1/handoffs/${encodeURIComponent(id)}/cancel`, { reason: CANCEL_REASON });
    const parsed = HandoffAnswer.safeParse(res.body);
    if (res.status === 200 && parsed.success) {
      track(parsed.data.handoff);
      log.info({ handoffId: id }, 'customer left before an agent joined; bot cancelled the handoff');
    } else {
      log.warn({ handoffId: id, status: res.status, error: res.body }, 'bot could not cancel a handoff');
    }
  }

  async function tick(): Promise<void> {
    try {
      const now = Date.now();
      for (const [id, tracked] of [...open]) {
        if (tracked.waitingSince !== undefined && now - tracked.waitingSince > cancelAfterMs) await cancelIfStillWaiting(id);
      }
      if (open.size < maxOpen) {
        full = false;
        await sendNext();
      } else if (!full) {
        full = true;
        log.info({ open: open.size }, `${open.size} demo handoffs open; bot waits for agents before sending more`);
      }
      handled(Math.round(minSelfServed + random() * (maxSelfServed - minSelfServed)));
      await reportConversations();
    } catch (err) {
      if (!stopped) log.warn({ err: String(err), hubUrl }, 'demo bot could not reach the hub; retrying on the next tick');
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      ticking = tick().finally(() => {
        ticking = undefined;
        schedule(minInterval + random() * (maxInterval - minInterval));
      });
    }, delayMs);
  }

  async function react(payload: WebhookPayload): Promise<void> {
    const { handoff, type } = payload;
    const who = handoff.packet.customer?.name ?? 'the customer';
    const context = { handoffId: handoff.id, webhook: type };
    switch (type) {
      case 'handoff.offered':
        return;
      case 'handoff.accepted':
        log.info({ ...context, agent: handoff.assignee?.id }, `agent ${handoff.assignee?.name ?? 'unknown'} joined the conversation with ${who}`);
        return;
      case 'handoff.reassigned':
        log.info({ ...context, agent: handoff.assignee?.id }, `conversation with ${who} reassigned to ${handoff.assignee?.name ?? 'the queue'}`);
        return;
      case 'handoff.returned_to_bot': {
        // The webhook carries the handoff only; the agent's note is in its event history.
        let note: string | undefined;
        try {
          const events = (await fetchHandoff(handoff.id))?.events ?? [];
          note = events.filter((e) => e.type === 'returned_to_bot').at(-1)?.note;
        } catch (err) {
          if (stopped) return;
          log.warn({ ...context, err: String(err) }, 'bot could not fetch the agent note');
        }
        log.info({ ...context, note }, `bot resumes the conversation with ${who} with the agent's note: ${note ?? '(none)'}`);
        return;
      }
      case 'handoff.routed_to_product':
        log.info(context, `bot tells ${who} their request was passed on to the product team`);
        return;
      case 'handoff.resolved':
        log.info(context, `conversation with ${who} resolved by ${handoff.assignee?.name ?? 'an agent'}; bot closes it`);
        return;
      case 'handoff.cancelled':
        log.info(context, `handoff for ${who} cancelled`);
        return;
      case 'product_item.updated': {
        // One webhook per linked conversation: this is the customer to tell.
        const { productItem, change } = payload;
        const note = change.note ? ` (${change.note})` : '';
        log.info({ ...context, productItemId: productItem.id, status: change.to }, `bot tells ${who} that "${productItem.title}" is now ${change.to.replace('_', ' ')}${note}`);
        return;
      }
    }
  }

  function answer(res: ServerResponse, status: number, body: object): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  function onWebhook(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    if (req.method !== 'POST' || req.url !== WEBHOOK_PATH) return answer(res, 404, { error: 'not found' });
    const header = req.headers['baton-signature'];
    if (!verifyWebhookSignature(typeof header === 'string' ? header : undefined, raw, signingSecret)) {
      log.warn({ path: req.url }, 'demo bot refused a webhook with a missing or bad signature');
      return answer(res, 401, { error: 'bad signature' });
    }
    let payload: WebhookPayload;
    try {
      payload = WebhookPayload.parse(JSON.parse(raw.toString('utf8')));
    } catch (err) {
      log.warn({ err: String(err) }, 'demo bot got a signed webhook it cannot read');
      return answer(res, 400, { error: 'invalid webhook body' });
    }
    answer(res, 200, { ok: true });
    if (seenWebhooks.has(payload.id)) return;
    remember(seenWebhooks, payload.id);
    track(payload.handoff);
    const reaction = react(payload).catch((err: unknown) => log.error({ err: String(err) }, 'demo bot failed to react to a webhook'));
    reactions.add(reaction);
    void reaction.finally(() => reactions.delete(reaction));
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_WEBHOOK_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_WEBHOOK_BYTES) return answer(res, 413, { error: 'too large' });
      onWebhook(req, res, Buffer.concat(chunks));
    });
    req.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  schedule(options.firstDelayMs ?? 1_500);

  return {
    callbackUrl: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    sent: () => sentCount,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      stopping.abort();
      await Promise.allSettled([ticking, ...reactions]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
