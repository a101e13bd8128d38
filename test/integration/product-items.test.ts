// Product items against a real hub: routing a handoff files an item or adds to one (each
// customer counted once), suggestions find the similar items, leads list and open them, and a
// status change reaches the bot of every linked handoff and the agents who routed them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createIntegration, setCallbackUrl } from '../../hub/admin/accounts.ts';
import type { ProductRoute } from '../../renderer/client/hub-client.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import {
  WebhookPayload,
  type AckOf,
  type CommandName,
  type ContextPacket,
  type Handoff,
  type ProductItem,
} from '../../shared/protocol/index.ts';
import { DEMO_KEY, DEMO_SECRET, startTestHub, type TestHub } from '../support/hub.ts';
import { signedBy, startReceiver, type HttpReceiver, type ReceivedRequest } from '../support/http-receiver.ts';

function ok<C extends CommandName>(ack: AckOf<C>): Extract<AckOf<C>, { ok: true }> {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack;
}

function refusal<C extends CommandName>(ack: AckOf<C>) {
  if (ack.ok) throw new Error(`expected a refusal, got ${JSON.stringify(ack)}`);
  return ack.error;
}

interface World {
  t: TestHub;
  /** Agents of team support, each the only one with their skill, so routing offers them exactly their handoffs. */
  pat: TestHubClient;
  quinn: TestHubClient;
  ana: TestHubClient;
  lee: TestHubClient;
  bots: HttpReceiver;
  chatKey: string;
  chatSecret: string;
}

async function startWorld(): Promise<World> {
  const t = await startTestHub({ webhooks: { baseDelayMs: 10, maxDelayMs: 50 } });
  const bots = await startReceiver();
  bots.respond = () => ({ status: 204 });
  await setCallbackUrl(t.hub.db, 'demo-bot', `${bots.url}/demo-bot`);
  const chat = await createIntegration(t.hub.db, { name: 'chat-bot', team: 'support', callbackUrl: `${bots.url}/chat-bot` });
  const pat = await createAgent(t.hub.db, { id: 'pat', name: 'Pat', team: 'support', skills: ['only-pat'], capacity: 50 });
  const quinn = await createAgent(t.hub.db, { id: 'quinn', name: 'Quinn', team: 'support', skills: ['only-quinn'], capacity: 50 });
  return {
    t,
    pat: await t.signIn(pat.token),
    quinn: await t.signIn(quinn.token),
    ana: await t.signIn('demo-ana'),
    lee: await t.signIn('demo-lee'),
    bots,
    chatKey: chat.key,
    chatSecret: chat.signingSecret,
  };
}

const SKILL: Record<string, string> = { pat: 'only-pat', quinn: 'only-quinn' };

/** A handoff the agent has accepted: the bot (demo unless `key` says) hands it over with the agent's skill. */
async function acceptedBy(w: World, agent: TestHubClient, agentId: string, packet: Partial<ContextPacket> = {}, key = DEMO_KEY): Promise<Handoff> {
  const summary = packet.summary ?? `Customer asks something (${randomUUID()})`;
  const offered = agent.waitFor('handoff:offered', (p) => p.handoff.packet.summary === summary);
  const created = await w.t.request('POST', '/v1/handoffs', {
    key,
    body: { summary, trigger: { reason: 'feature_request' }, ...packet, skills: [SKILL[agentId]!] },
  });
  expect(created.status).toBe(201);
  const accepted = ok(await agent.accept((await offered).handoff.id));
  return accepted.handoff;
}

/** Accepts a new handoff and routes it; resolves with the handoff and the item as the agent then hears of it. */
async function routed(
  w: World,
  agent: TestHubClient,
  agentId: string,
  route: ProductRoute,
  packet: Partial<ContextPacket> = {},
  key = DEMO_KEY,
): Promise<{ handoff: Handoff; item: ProductItem }> {
  const handoff = await acceptedBy(w, agent, agentId, packet, key);
  // The agent hears of the item before the ack arrives; this routing's is the one changed when the handoff was.
  const heard: ProductItem[] = [];
  const off = agent.on('product:changed', (p) => heard.push(p.item));
  const ack = ok(await agent.routeToProduct(handoff.id, route));
  expect(ack.handoff.status).toBe('routed_to_product');
  const mine = (item: ProductItem) =>
    item.updatedAt === ack.handoff.updatedAt && (route.productItemId === undefined ? item.title === route.title : item.id === route.productItemId);
  const item = heard.find(mine) ?? (await agent.waitFor('product:changed', (p) => mine(p.item))).item;
  off();
  return { handoff: ack.handoff, item };
}

async function history(w: World, handoffId: string, key = DEMO_KEY): Promise<Handoff> {
  const { status, body } = await w.t.request('GET', `/v1/handoffs/${handoffId}`, { key });
  expect(status).toBe(200);
  return body.handoff;
}

// ---------------------------------------------------------------------------------------------

describe('routing a handoff to the product team', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w.t.stop();
    await w.bots.close();
  });

  it('files a new bug report with its bug fields, one customer and one conversation, and the history names the item', async () => {
    const route = {
      kind: 'bug_report',
      title: 'Invoice PDF download returns 404',
      details: 'Clicking Download on any invoice in the billing page shows a 404 page.',
      severity: 'high',
      stepsToReproduce: '1. Open Billing\n2. Click Download on an invoice',
      expected: 'The PDF downloads',
      actual: 'A 404 page',
    } as const;
    const leeHears = w.lee.waitFor('product:changed', (p) => p.item.title === route.title);
    const { handoff, item } = await routed(w, w.pat, 'pat', route, { customer: { id: 'cus_1001', name: 'Dana Whitfield', tier: 'pro' } });

    expect(item).toMatchObject({
      team: 'support',
      kind: 'bug_report',
      title: route.title,
      details: route.details,
      severity: 'high',
      stepsToReproduce: route.stepsToReproduce,
      expected: route.expected,
      actual: route.actual,
      status: 'new',
      statusNote: null,
      customerCount: 1,
      handoffCount: 1,
      external: [],
      createdBy: { id: 'pat', name: 'Pat' },
    });
    expect((await leeHears).item).toStrictEqual(item);
    expect((await history(w, handoff.id)).events!.at(-1)).toMatchObject({
      type: 'routed_to_product',
      actor: { kind: 'agent', id: 'pat' },
      product: { ...route, productItemId: item.id },
    });

    const detail = ok(await w.lee.getProduct(item.id));
    expect(detail.item).toStrictEqual(item);
    expect(detail.customers).toEqual([
      expect.objectContaining({ key: 'id:cus_1001', anonymous: false, customerId: 'cus_1001', name: 'Dana Whitfield', tier: 'pro', handoffIds: [handoff.id] }),
    ]);
    // The packet is one click away: the linked handoff carries it whole.
    expect(detail.links).toHaveLength(1);
    expect(detail.links[0]).toMatchObject({ customerKey: 'id:cus_1001', routedBy: { id: 'pat', name: 'Pat' }, routed: { ...route, productItemId: item.id } });
    expect(detail.links[0]!.handoff).toMatchObject({ id: handoff.id, status: 'routed_to_product', packet: { customer: { id: 'cus_1001' } } });
    expect(detail.events).toEqual([expect.objectContaining({ type: 'created', actor: { kind: 'agent', id: 'pat', name: 'Pat' }, handoffId: handoff.id })]);
  });

  it('adds to an existing item counting each customer once: by id, by email in any case, and each anonymous conversation', async () => {
    const first = await routed(w, w.pat, 'pat', { kind: 'feature_request', title: 'Export the audit log as CSV', details: 'Auditors need it for SOC 2.' }, {
      customer: { id: 'cus_2001', name: 'Priya Raman' },
    });
    const itemId = first.item.id;
    const add = (agent: TestHubClient, agentId: string, packet: Partial<ContextPacket>, extra: Partial<ProductRoute> = {}) =>
      routed(w, agent, agentId, { kind: 'feature_request', productItemId: itemId, ...extra }, packet);

    // Pat routed to it before, so Pat hears of Quinn's addition too.
    const patHears = w.pat.waitFor('product:changed', (p) => p.item.id === itemId && p.item.handoffCount === 2);
    const second = await add(w.quinn, 'quinn', { customer: { email: 'Ops@Globex.test', name: 'Globex ops' } }, { details: 'Globex needs it monthly.' });
    expect(second.item).toMatchObject({ id: itemId, customerCount: 2, handoffCount: 2, title: 'Export the audit log as CSV', details: 'Auditors need it for SOC 2.' });
    expect((await patHears).item.customerCount).toBe(2);

    // The same customers again, one by id (another name), one by email (other case): conversations, not customers.
    expect((await add(w.pat, 'pat', { customer: { id: 'cus_2001', name: 'P. Raman' } })).item).toMatchObject({ customerCount: 2, handoffCount: 3 });
    expect((await add(w.quinn, 'quinn', { customer: { email: 'ops@globex.test' } })).item).toMatchObject({ customerCount: 2, handoffCount: 4 });
    // Customers nobody knows count once per conversation.
    const anonymous1 = await add(w.pat, 'pat', {});
    expect(anonymous1.item).toMatchObject({ customerCount: 3, handoffCount: 5 });
    expect((await add(w.pat, 'pat', {})).item).toMatchObject({ customerCount: 4, handoffCount: 6 });

    // Without a title or details the event says what the item says; the agent's own details are kept.
    expect((await history(w, second.handoff.id)).events!.at(-1)!.product).toEqual({
      kind: 'feature_request',
      title: 'Export the audit log as CSV',
      details: 'Globex needs it monthly.',
      productItemId: itemId,
    });
    expect((await history(w, anonymous1.handoff.id)).events!.at(-1)!.product).toEqual({
      kind: 'feature_request',
      title: 'Export the audit log as CSV',
      details: 'Auditors need it for SOC 2.',
      productItemId: itemId,
    });

    const detail = ok(await w.lee.getProduct(itemId));
    expect(detail.item).toMatchObject({ customerCount: 4, handoffCount: 6 });
    expect(detail.customers.map((c) => [c.key, c.handoffIds.length])).toEqual([
      ['id:cus_2001', 2],
      ['email:ops@globex.test', 2],
      [`handoff:${anonymous1.handoff.id}`, 1],
      [expect.stringMatching(/^handoff:/), 1],
    ]);
    expect(detail.customers[2]).toMatchObject({ anonymous: true, customerId: null, name: null, email: null });
    expect(detail.links.map((l) => l.routedBy.id)).toEqual(['pat', 'quinn', 'pat', 'quinn', 'pat', 'pat']);
    expect(detail.events.map((e) => e.type)).toEqual(['created', 'linked', 'linked', 'linked', 'linked', 'linked']);
  });

  it('refuses to add to an item of another kind, an unknown item or another team’s item, and the handoff stays with the agent', async () => {
    const { item } = await routed(w, w.pat, 'pat', { kind: 'bug_report', title: 'Search ignores accents', details: 'Searching "cafe" does not find "café".' });
    const growth = await createAgent(w.t.hub.db, { id: 'gia', name: 'Gia', team: 'growth', skills: ['only-gia'], capacity: 5 });
    const gia = await w.t.signIn(growth.token);
    SKILL.gia = 'only-gia';
    const other = await routed(w, gia, 'gia', { kind: 'bug_report', title: 'Growth dashboard is blank', details: 'Nothing renders.' }, { team: 'growth' });

    const handoff = await acceptedBy(w, w.pat, 'pat');
    const before = await history(w, handoff.id);
    expect(refusal(await w.pat.routeToProduct(handoff.id, { kind: 'feature_request', productItemId: item.id }))).toMatchObject({
      code: 'invalid_state',
      message: expect.stringContaining('is a bug report'),
    });
    expect(refusal(await w.pat.routeToProduct(handoff.id, { kind: 'bug_report', productItemId: 'no-such-item' }))).toMatchObject({ code: 'not_found' });
    expect(refusal(await w.pat.routeToProduct(handoff.id, { kind: 'bug_report', productItemId: other.item.id }))).toMatchObject({ code: 'forbidden' });
    // A new item needs a title and details; a feature request has no bug fields.
    const invalid = refusal(await w.pat.routeToProduct(handoff.id, { kind: 'feature_request', expected: 'x' }));
    expect(invalid.code).toBe('invalid_command');
    expect(invalid.issues?.map((i) => i.path).sort()).toEqual(['details', 'expected', 'title']);

    expect(await history(w, handoff.id)).toStrictEqual(before);
    expect(ok(await w.lee.getProduct(item.id)).item.handoffCount).toBe(1);
    ok(await w.pat.resolve(handoff.id));
  });
});

describe('suggestions while the agent fills in the form', () => {
  let w: World;
  const ids = new Map<string, string>();
  // A seeded set of the team's items: what the queries below must find (or not).
  const SEEDED = [
    ['feature_request', 'CSV export for the audit log', 'Auditors need the audit log exported as CSV for SOC 2 reviews.'],
    ['feature_request', 'Dark mode for the dashboard', 'Customers working at night want a dark theme.'],
    ['feature_request', 'Single sign-on with Okta', 'Enterprise customers need SAML SSO through Okta.'],
    ['feature_request', 'Export invoices as PDF', 'Finance teams want invoices downloadable as PDF files.'],
    ['feature_request', 'Bulk refunds from the billing page', 'Refund many charges at once instead of one by one.'],
    ['feature_request', 'Slack notifications for new comments', 'Post a message to a Slack channel when someone comments.'],
    ['bug_report', 'App crashes when opening a shared board from a notification', 'Android 15, Pixel 8: tapping the board shared with you notification crashes the app.'],
    ['bug_report', 'Checkout fails with 502 for EU stores', 'Every EU checkout returns a 502 error since the deploy.'],
    ['bug_report', 'Password reset email never arrives', 'Customers on Outlook do not receive the reset link.'],
    ['bug_report', 'Dashboard charts show the wrong timezone', 'Charts use UTC instead of the account timezone.'],
  ] as const;

  beforeAll(async () => {
    w = await startWorld();
    for (const [kind, title, details] of SEEDED) ids.set(title, (await routed(w, w.pat, 'pat', { kind, title, details })).item.id);
  });
  afterAll(async () => {
    await w.t.stop();
    await w.bots.close();
  });

  const suggest = async (title: string, more: { kind?: 'feature_request' | 'bug_report'; details?: string } = {}) =>
    ok(await w.quinn.suggestProducts({ title, ...more })).suggestions;

  it.each([
    ['Export audit log to CSV', 'CSV export for the audit log'],
    ['audit log csv', 'CSV export for the audit log'],
    ['crash when tapping shared board notification', 'App crashes when opening a shared board from a notification'],
    ['Mobile app crashes when opening a shared board from a notification (Android 15)', 'App crashes when opening a shared board from a notification'],
    ['Okta SSO login', 'Single sign-on with Okta'],
    ['dark theme', 'Dark mode for the dashboard'],
    ['reset password mail not received', 'Password reset email never arrives'],
    ['PDF invoices', 'Export invoices as PDF'],
    ['Refund several payments at once', 'Bulk refunds from the billing page'],
  ])('"%s" suggests "%s" first', async (query, expected) => {
    const suggestions = await suggest(query);
    expect(suggestions[0]?.item.id, JSON.stringify(suggestions.map((s) => [s.item.title, s.score]))).toBe(ids.get(expected));
    expect(suggestions.length).toBeLessThanOrEqual(5);
    const scores = suggestions.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(0.3);
  });

  it('uses the details too: a vague title with telling details finds the item', async () => {
    const [first] = await suggest('Export request', { details: 'Customer asks for CSV export of the audit log, needed for their SOC 2 review.' });
    expect(first?.item.id).toBe(ids.get('CSV export for the audit log'));
  });

  it('keeps to the kind asked for, suggests nothing for an unrelated or too short query, and carries the item’s counts', async () => {
    const any = await suggest('dashboard');
    expect(any.map((s) => s.item.title)).toContain('Dark mode for the dashboard');
    const bugsOnly = await suggest('dashboard', { kind: 'bug_report' });
    expect(bugsOnly[0]?.item.title).toBe('Dashboard charts show the wrong timezone');
    expect(bugsOnly.every((s) => s.item.kind === 'bug_report')).toBe(true);
    expect(await suggest('Change the company logo colour')).toEqual([]);
    expect(await suggest('ab')).toEqual([]);
    const [csv] = await suggest('audit log csv');
    expect(csv!.item).toMatchObject({ customerCount: 1, handoffCount: 1, status: 'new', kind: 'feature_request' });
  });

  it('shows only the agent’s own team’s items', async () => {
    const growth = await createAgent(w.t.hub.db, { id: 'gus', name: 'Gus', team: 'growth', skills: [], capacity: 5 });
    const gus = await w.t.signIn(growth.token);
    expect(ok(await gus.suggestProducts({ title: 'audit log csv' })).suggestions).toEqual([]);
    expect(refusal(await gus.send('product:suggest', { query: { title: 'audit log csv' }, team: 'support' }))).toMatchObject({ code: 'forbidden' });
  });

  it('picking a suggestion adds the customer to it instead of filing a new item', async () => {
    const [pick] = await suggest('crash when tapping shared board notification', { kind: 'bug_report' });
    const { item } = await routed(w, w.quinn, 'quinn', { kind: 'bug_report', productItemId: pick!.item.id, severity: 'critical' }, { customer: { id: 'cus_77' } });
    expect(item).toMatchObject({ id: ids.get('App crashes when opening a shared board from a notification'), customerCount: 2, handoffCount: 2 });
    const list = ok(await w.lee.listProducts({ filters: { kind: 'bug_report' } })).items;
    expect(list.filter((i) => i.title.startsWith('App crashes'))).toHaveLength(1);
  });
});

describe('the product inbox and status changes', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w.t.stop();
    await w.bots.close();
  });

  it('lists the team’s items for leads with counts, filtered by kind and status and sorted by customers; agents are refused', async () => {
    const a = await routed(w, w.pat, 'pat', { kind: 'feature_request', title: 'Recurring invoices', details: 'Monthly invoices without a click.' });
    await routed(w, w.quinn, 'quinn', { kind: 'feature_request', productItemId: a.item.id }, { customer: { id: 'c-2' } });
    const b = await routed(w, w.pat, 'pat', { kind: 'bug_report', title: 'Logo upload fails for SVG', details: 'SVG logos are refused.' });

    const all = ok(await w.lee.listProducts()).items;
    expect(all.map((i) => [i.title, i.customerCount, i.handoffCount])).toEqual([
      ['Recurring invoices', 2, 2],
      ['Logo upload fails for SVG', 1, 1],
    ]);
    expect(ok(await w.lee.listProducts({ filters: { kind: 'bug_report' } })).items.map((i) => i.id)).toEqual([b.item.id]);
    ok(await w.lee.setProductStatus(b.item.id, 'in_progress'));
    expect(ok(await w.lee.listProducts({ filters: { status: ['in_progress', 'done'] } })).items.map((i) => i.id)).toEqual([b.item.id]);
    expect(ok(await w.lee.listProducts({ filters: { status: ['new'] }, sort: 'created' })).items.map((i) => i.id)).toEqual([a.item.id]);
    expect(ok(await w.lee.listProducts({ filters: { text: 'recurring invoice' } })).items.map((i) => i.id)).toEqual([a.item.id]);
    // Every filter at once: each must still apply.
    const filters = { kind: 'feature_request' as const, status: ['new' as const], text: 'recurring invoice' };
    expect(ok(await w.lee.listProducts({ filters, limit: 1 })).items.map((i) => i.id)).toEqual([a.item.id]);
    expect(ok(await w.lee.listProducts({ filters: { ...filters, kind: 'bug_report' } })).items).toEqual([]);
    expect(ok(await w.lee.listProducts({ filters: { ...filters, status: ['done'] } })).items).toEqual([]);

    expect(refusal(await w.pat.listProducts())).toMatchObject({ code: 'forbidden' });
    expect(refusal(await w.pat.getProduct(a.item.id))).toMatchObject({ code: 'forbidden' });
    expect(refusal(await w.pat.setProductStatus(a.item.id, 'done'))).toMatchObject({ code: 'forbidden' });
    expect(refusal(await w.lee.getProduct('nope'))).toMatchObject({ code: 'not_found' });
  });

  it('a lead’s status change reaches every linked handoff’s bot as product_item.updated, and the agents who routed it', async () => {
    const customers = [{ id: 'cus_a', name: 'Ada' }, { id: 'cus_b', name: 'Bo' }, { email: 'cy@example.test', name: 'Cy' }];
    const first = await routed(w, w.pat, 'pat', { kind: 'feature_request', title: 'Two-factor login with passkeys', details: 'Passkeys instead of SMS codes.' }, {
      customer: customers[0],
      source: { platform: 'web', conversationId: 'conv-a', conversationUrl: 'https://help.example.test/c/a' },
    });
    const itemId = first.item.id;
    const second = await routed(w, w.quinn, 'quinn', { kind: 'feature_request', productItemId: itemId }, { customer: customers[1] }, w.chatKey);
    const third = await routed(w, w.pat, 'pat', { kind: 'feature_request', productItemId: itemId }, { customer: customers[2] });
    const demoHandoffs = [first.handoff.id, third.handoff.id];

    const anaHeard: string[] = [];
    w.ana.on('product:changed', (p) => anaHeard.push(p.item.id));
    const patHears = w.pat.waitFor('product:changed', (p) => p.item.id === itemId && p.item.status === 'planned');
    const quinnHears = w.quinn.waitFor('product:changed', (p) => p.item.id === itemId && p.item.status === 'planned');
    const isUpdate = (r: ReceivedRequest) => r.json?.type === 'product_item.updated' && r.json.productItem.id === itemId;

    const opId = randomUUID();
    const ack = ok(await w.lee.setProductStatus(itemId, 'planned', 'Scheduled for the May release.', { opId }));
    expect(ack.item).toMatchObject({ id: itemId, status: 'planned', statusNote: 'Scheduled for the May release.', customerCount: 3, handoffCount: 3 });
    // The same opId again is the same change: no second round of webhooks.
    expect(await w.lee.setProductStatus(itemId, 'planned', 'Scheduled for the May release.', { opId })).toStrictEqual(ack);

    const toDemo = await w.bots.waitFor(2, (r) => isUpdate(r) && r.path === '/demo-bot');
    const toChat = await w.bots.waitFor(1, (r) => isUpdate(r) && r.path === '/chat-bot');
    expect((await patHears).item).toStrictEqual(ack.item);
    expect((await quinnHears).item).toStrictEqual(ack.item);

    // Each bot hears of its own conversations only, signed with its own secret, one webhook per handoff.
    expect(toDemo.map((r) => r.json.handoff.id).sort()).toEqual([...demoHandoffs].sort());
    expect(toChat.map((r) => r.json.handoff.id)).toEqual([second.handoff.id]);
    for (const r of toDemo) expect(signedBy(DEMO_SECRET, r)).toBe(true);
    expect(signedBy(w.chatSecret, toChat[0]!)).toBe(true);
    for (const r of [...toDemo, ...toChat]) {
      const payload = WebhookPayload.parse(r.json);
      if (payload.type !== 'product_item.updated') throw new Error('expected product_item.updated');
      expect(r.headers['baton-webhook-id']).toBe(payload.id);
      expect(payload.productItem).toStrictEqual(ack.item);
      expect(payload.change).toEqual({ from: 'new', to: 'planned', note: 'Scheduled for the May release.', by: { kind: 'lead', id: 'demo-lee', name: 'Lee' } });
      // What a bot needs to tell that customer, in that conversation.
      expect(payload.handoff.status).toBe('routed_to_product');
      expect(payload.handoff.events!.at(-1)).toMatchObject({ type: 'routed_to_product', product: { productItemId: itemId } });
    }
    const byHandoff = new Map([...toDemo, ...toChat].map((r) => [r.json.handoff.id, r.json.handoff.packet]));
    expect(byHandoff.get(first.handoff.id)).toMatchObject({ customer: customers[0], source: { conversationUrl: 'https://help.example.test/c/a' } });
    expect(byHandoff.get(second.handoff.id)).toMatchObject({ customer: customers[1] });
    expect(byHandoff.get(third.handoff.id)).toMatchObject({ customer: customers[2] });

    // Each bot's webhooks for a handoff stay in order: routed first, then the update.
    const demoTypes = w.bots.requests.filter((r) => r.path === '/demo-bot' && r.json?.handoff?.id === first.handoff.id).map((r) => r.json.type);
    expect(demoTypes).toEqual(['handoff.offered', 'handoff.accepted', 'handoff.routed_to_product', 'product_item.updated']);

    // Done: everyone hears again; the same status twice is refused.
    const done = w.bots.waitFor(3, (r) => isUpdate(r) && r.json.change.to === 'done');
    ok(await w.lee.setProductStatus(itemId, 'done'));
    expect((await done).map((r) => r.json.change)).toEqual(Array(3).fill({ from: 'planned', to: 'done', note: null, by: { kind: 'lead', id: 'demo-lee', name: 'Lee' } }));
    expect(refusal(await w.lee.setProductStatus(itemId, 'done'))).toMatchObject({ code: 'invalid_state' });
    expect(w.bots.requests.filter(isUpdate)).toHaveLength(6);
    expect(anaHeard).toEqual([]);

    const events = ok(await w.lee.getProduct(itemId)).events.filter((e) => e.type === 'status_changed');
    expect(events).toEqual([
      expect.objectContaining({ status: 'planned', previousStatus: 'new', note: 'Scheduled for the May release.', actor: { kind: 'lead', id: 'demo-lee', name: 'Lee' } }),
      expect.objectContaining({ status: 'done', previousStatus: 'planned', actor: { kind: 'lead', id: 'demo-lee', name: 'Lee' } }),
    ]);
  });

  it('a lead of another team cannot see or change the team’s items', async () => {
    const { item } = await routed(w, w.pat, 'pat', { kind: 'feature_request', title: 'Custom email domain', details: 'Send from our domain.' });
    const lead = await createAgent(w.t.hub.db, { id: 'gwen', name: 'Gwen', role: 'lead', team: 'growth' });
    const gwen = await w.t.signIn(lead.token);
    expect(refusal(await gwen.getProduct(item.id))).toMatchObject({ code: 'forbidden' });
    expect(refusal(await gwen.setProductStatus(item.id, 'wont_do'))).toMatchObject({ code: 'forbidden' });
    expect(ok(await gwen.listProducts()).items).toEqual([]);
  });
});
