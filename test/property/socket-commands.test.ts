// Every command of the /agents namespace under hostile payloads, from a signed-in agent (Ana) and
// a signed-in lead (Lee) over real sockets: any JSON, binary, payloads of the right shape with
// hostile or real values, a missing payload, an extra argument, no ack, and event names that are
// not commands. Every command with an ack is answered with an ack of the protocol's shape (an
// invalid payload, or one followed by more arguments, with `invalid_command`, never `internal`), the
// sockets stay connected, the hub keeps working, and what an app sees on reconnect is what the store holds.
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertTeam } from '../../hub/admin/accounts.ts';
import { AGENTS_NAMESPACE, COMMANDS, ERROR_CODES, MAX_JSON_DEPTH, SnapshotEvent, ackSchema, type CommandName, type Handoff } from '../../shared/protocol/index.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { VALID_BASE_PACKET } from '../support/malformed-packets.ts';
import { containsUnstorable, depthOf, hostileJson, hostileString, runParameters, shortText } from '../support/property.ts';

/** Text limits of §9, in UTF-16 units after trimming: what an accepted command may carry, whatever the schemas count. */
const TEXT_LIMITS: Record<string, number> = { handoffId: 100, reason: 200, title: 200, agentId: 200, team: 200, note: 4_000, details: 20_000 };

// --- what is sent ----------------------------------------------------------------------------

/** Stands for the n-th handoff (or product item) the hub has made so far, chosen when the case runs. */
class Ref {
  constructor(
    readonly pool: 'handoff' | 'item',
    readonly n: number,
  ) {}
}

const AGENT_IDS = ['demo-ana', 'demo-ben', 'demo-lee', 'nobody'];
const agentId = fc.constantFrom(...AGENT_IDS);
const text200 = shortText;

/** Values that fit each field of the commands' schemas (the schemas decide whether a combination is valid). */
const FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  opId: fc.uuid(),
  handoffId: fc.nat().map((n) => new Ref('handoff', n)),
  handoffIds: fc.uniqueArray(fc.nat({ max: 30 }), { minLength: 1, maxLength: 3 }).map((ns) => ns.map((n) => new Ref('handoff', n))),
  productItemId: fc.oneof(fc.nat().map((n) => new Ref('item', n)), fc.uuid()),
  reason: text200,
  note: text200,
  kind: fc.constantFrom('feature_request', 'bug_report'),
  title: text200,
  details: text200,
  severity: fc.constantFrom('low', 'medium', 'high', 'critical'),
  stepsToReproduce: text200,
  expected: text200,
  actual: text200,
  status: fc.constantFrom('available', 'away', 'offline', 'new', 'planned', 'in_progress', 'done', 'wont_do'),
  to: fc.oneof(agentId.map((id) => ({ agentId: id })), fc.constant({ queue: true })),
  agentId,
  team: fc.constantFrom('support', 'elsewhere'),
  routing: fc.constantFrom('push', 'broadcast'),
  // Long enough that no offer expires while the file runs: offers then change only by commands.
  offerTimeoutSeconds: fc.integer({ min: 600, max: 3_600 }),
  capacity: fc.array(fc.record({ agentId, capacity: fc.integer({ min: 0, max: 10 }) }), { maxLength: 2 }),
  skills: fc.array(fc.record({ agentId, skills: fc.array(text200, { maxLength: 2 }) }), { maxLength: 2 }),
  stalledQueueSeconds: fc.integer({ min: 1, max: 7 * 24 * 3600 }),
  // Beyond the schema's 24 days too: those must be refused as invalid, never reach the store.
  stalledAcceptedSeconds: fc.integer({ min: 1, max: 30 * 24 * 3600 }),
  query: fc.record({ kind: fc.constantFrom('feature_request', 'bug_report'), title: text200, details: text200 }, { requiredKeys: ['title'] }),
  filters: fc.record(
    { kind: fc.constantFrom('feature_request', 'bug_report'), status: fc.uniqueArray(fc.constantFrom('new', 'planned', 'in_progress', 'done', 'wont_do'), { minLength: 1 }), text: text200 },
    { requiredKeys: [] },
  ),
  sort: fc.constantFrom('customers', 'updated', 'created'),
  limit: fc.integer({ min: 1, max: 500 }),
};

const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];
/** Event names no handler listens to, some of them dangerous as property names. */
const NOT_COMMANDS = ['handoff:nuke', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'session', 'handoffs:snapshot', 'HANDOFF:ACCEPT'];

/** `arb`'s value with probability `p`, else undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: Math.round(100 * (1 - p)), arbitrary: fc.constant(undefined) }, { weight: Math.round(100 * p), arbitrary: arb });

/**
 * A payload of a command's own fields: the required ones and some optional ones, each with a
 * fitting value; sometimes one of them hostile, or an unknown key (a prototype key too) added.
 */
function shapedPayload(name: CommandName): fc.Arbitrary<unknown> {
  const shape = (COMMANDS[name] as unknown as { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> }).shape;
  const fields = Object.keys(shape);
  const required = fields.filter((f) => !shape[f]!.safeParse(undefined).success);
  const optional = fields.filter((f) => !required.includes(f));
  return fc
    .tuple(
      fc.subarray(optional),
      sometimes(fc.tuple(fc.constantFrom(...fields), hostileJson), 1 / 4),
      sometimes(fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'extra'), hostileString), hostileJson), 1 / 10),
    )
    .chain(([chosen, hostile, extra]) =>
      fc.record(Object.fromEntries([...required, ...chosen].map((f) => [f, FIELDS[f] ?? hostileJson]))).map((payload) => {
        const out: Record<string, unknown> = { ...payload };
        if (hostile) out[hostile[0]] = hostile[1];
        if (extra) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
        return out;
      }),
    );
}

type AckMode = 'ack' | 'ackOnly' | 'extraArgument' | 'none';
type Case =
  | { kind: 'command'; who: 'ana' | 'lee'; name: CommandName; payload: unknown; mode: AckMode }
  | { kind: 'notACommand'; who: 'ana' | 'lee'; name: string; payload: unknown }
  | { kind: 'newHandoff' };

const who = fc.constantFrom('ana' as const, 'lee' as const);
const modes = fc.constantFrom<AckMode>('ack', 'ack', 'ack', 'ack', 'ack', 'ack', 'ackOnly', 'extraArgument', 'none');
const cases: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 90,
    arbitrary: fc.constantFrom(...COMMAND_NAMES).chain((name) =>
      fc.record({
        kind: fc.constant('command' as const),
        who,
        name: fc.constant(name),
        payload: fc.oneof(
          { weight: 6, arbitrary: shapedPayload(name) },
          { weight: 3, arbitrary: hostileJson },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) },
        ),
        mode: modes,
      }),
    ),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('notACommand' as const), who, name: fc.constantFrom(...NOT_COMMANDS), payload: hostileJson }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'newHandoff' as const }) },
);

// --- the property ----------------------------------------------------------------------------

describe('socket commands under hostile payloads', () => {
  let t: TestHub;
  const sockets: Socket[] = [];
  const disconnects: string[] = [];
  let apps: Record<'ana' | 'lee', Socket>;
  const handoffIds: string[] = [];
  let itemIds: string[] = [];

  /** A raw socket.io client signed in, once its snapshot has arrived. */
  async function signIn(token: string): Promise<{ socket: Socket; snapshot: Handoff[] }> {
    const socket = io(`${t.url}${AGENTS_NAMESPACE}`, { auth: { token }, forceNew: true, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const snapshot = await new Promise<Handoff[]>((resolve, reject) => {
      socket.once('handoffs:snapshot', (payload: unknown) => resolve(SnapshotEvent.parse(payload).handoffs));
      socket.once('connect_error', reject);
    });
    return { socket, snapshot };
  }

  async function newHandoff(): Promise<void> {
    const created = await t.request('POST', '/v1/handoffs', { body: { ...VALID_BASE_PACKET, summary: `property ${handoffIds.length}` } });
    expect(created.status).toBe(201);
    handoffIds.push(created.body.handoff.id);
  }

  /** The payload with its references replaced by real ids (an unknown one when the pool is empty). */
  function resolve(value: unknown): unknown {
    if (value instanceof Ref) {
      const pool = value.pool === 'handoff' ? handoffIds : itemIds;
      return pool.length > 0 ? pool[value.n % pool.length] : `no-${value.pool}-yet`;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: resolve(v), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return value;
  }

  /** Answers once every message the app sent before it has been handled (socket.io keeps order; the hub serializes). */
  async function barrier(socket: Socket): Promise<void> {
    const ack: unknown = await socket.timeout(10_000).emitWithAck('handoff:get', { handoffId: 'barrier' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
  }

  beforeAll(async () => {
    t = await startTestHub();
    // Broadcast, with offers that outlive the file: everything that changes, changes by a command.
    await upsertTeam(t.hub.db, { name: 'support', routing: 'broadcast', offerTimeoutSeconds: 3_600 });
    apps = { ana: (await signIn('demo-ana')).socket, lee: (await signIn('demo-lee')).socket };
    for (const [name, socket] of Object.entries(apps)) socket.on('disconnect', (reason) => disconnects.push(`${name}: ${reason}`));
    for (let i = 0; i < 6; i += 1) await newHandoff();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.stop();
  });

  it('answers every command with an ack of the protocol’s shape, invalid payloads with invalid_command and nothing with internal; the apps stay connected and their snapshot on reconnect is the store', async () => {
    const tally = { ok: 0, refused: 0, invalid: 0, unanswered: 0 };
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        if (c.kind === 'newHandoff') return newHandoff();
        const socket = apps[c.who];
        const payload = resolve(c.payload);
        const context = `${c.who} ${c.kind === 'command' ? c.mode : 'none'} ${c.name} ${JSON.stringify(payload)?.slice(0, 400)}`;
        if (c.kind === 'notACommand' || c.mode === 'none') {
          socket.emit(c.name, payload);
          tally.unanswered += 1;
          return barrier(socket);
        }
        const sent: unknown =
          c.mode === 'ackOnly'
            ? await socket.timeout(10_000).emitWithAck(c.name)
            : c.mode === 'extraArgument'
              ? await socket.timeout(10_000).emitWithAck(c.name, payload, 'extra argument')
              : await socket.timeout(10_000).emitWithAck(c.name, payload);
        const ack = ackSchema(c.name).safeParse(sent);
        expect(ack.success, `${context}\n→ not an ack of ${c.name}: ${JSON.stringify(sent)}`).toBe(true);
        const effective = c.mode === 'ackOnly' ? undefined : payload;
        // A command is one payload and the ack: anything after the payload makes it invalid.
        const valid = c.mode !== 'extraArgument' && COMMANDS[c.name].safeParse(effective).success && !containsUnstorable(effective) && depthOf(effective) <= MAX_JSON_DEPTH;
        if (!ack.data!.ok) {
          const { code } = ack.data!.error;
          expect(ERROR_CODES, context).toContain(code);
          expect(code, `${context}\n→ ${JSON.stringify(sent)}`).not.toBe('internal');
          if (!valid) expect(code, `${context}\n→ ${JSON.stringify(sent)}`).toBe('invalid_command');
          if (valid) tally.refused += 1;
          else tally.invalid += 1;
        } else {
          expect(valid, `${context}\n→ ok for a payload the schema refuses`).toBe(true);
          for (const [field, max] of Object.entries(TEXT_LIMITS)) {
            const value = (effective as Record<string, unknown>)[field];
            if (typeof value === 'string') expect(value.trim().length, `${context}\n→ ok for ${field} over ${max} UTF-16 units`).toBeLessThanOrEqual(max);
          }
          tally.ok += 1;
          if (c.name === 'handoff:routeToProduct') itemIds = (await t.hub.db.query<{ id: string }>('select id from product_items order by created_at')).rows.map((r) => r.id);
        }
        expect(socket.connected, context).toBe(true);
      }),
      runParameters('socket'),
    );
    console.info(`[fast-check] socket: ${tally.ok} ok, ${tally.refused} refused by the hub, ${tally.invalid} invalid, ${tally.unanswered} without an ack`);
    expect(tally.ok).toBeGreaterThan(50);
    expect(disconnects).toEqual([]);

    // The hub still works: a new handoff is created and readable over the socket.
    await newHandoff();
    const read: unknown = await apps.lee.timeout(10_000).emitWithAck('handoff:get', { handoffId: handoffIds.at(-1) });
    expect(read).toMatchObject({ ok: true, handoff: { id: handoffIds.at(-1) } });

    // What each app sees on reconnect is what the store holds.
    const db = t.hub.db;
    const view = (handoffs: Array<{ id: string; status: string; assignee: { id: string } | null; offer: { agentIds: string[] } | null }>) =>
      handoffs.map((h) => ({ id: h.id, status: h.status, assignee: h.assignee?.id ?? null, offeredTo: [...(h.offer?.agentIds ?? [])].sort() })).sort((a, b) => a.id.localeCompare(b.id));
    const stored = async (agent: string, lead: boolean) => {
      const { rows } = await db.query<{ id: string; status: string; assignee_id: string | null; offer_agent_ids: string[] }>(
        `select id, status, assignee_id, offer_agent_ids from handoffs
         where (status = 'offered' and $1 = any(offer_agent_ids)) or (status = 'accepted' and assignee_id = $1)
            or ($2 and team = 'support' and status in ('queued', 'offered', 'accepted'))`,
        [agent, lead],
      );
      return rows
        .map((r) => ({ id: r.id, status: r.status, assignee: r.assignee_id, offeredTo: r.status === 'offered' ? [...r.offer_agent_ids].sort() : [] }))
        .sort((a, b) => a.id.localeCompare(b.id));
    };
    for (const [token, lead] of [['demo-ana', false], ['demo-lee', true]] as const) {
      // A first app connecting may change things (an agent set offline is available again, and
      // is offered the queue): let that settle, then reconnect and compare.
      await barrier((await signIn(token)).socket);
      const { socket, snapshot } = await signIn(token);
      await barrier(socket);
      expect(view(snapshot), token).toEqual(await stored(token, lead));
    }
  }, 240_000);
});
