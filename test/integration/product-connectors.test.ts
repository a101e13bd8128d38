// Product connectors against local stand-ins for GitHub, Jira, Linear and a webhook receiver: each
// request as the service documents it (method, path, headers, body), comments on later links,
// retries in order, and the status changes the tools send back. Credentials never reach a log
// line or anything an agent receives.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { io as connectRaw, type Socket as RawSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, setCallbackUrl, upsertTeam } from '../../hub/admin/accounts.ts';
import { createLogger } from '../../hub/log.ts';
import { setConnector } from '../../hub/product/connectors/config.ts';
import type { ProductRoute } from '../../renderer/client/hub-client.ts';
import type { TestHubClient } from '../support/hub-client.ts';
import {
  AGENTS_NAMESPACE,
  ConnectorWebhookPayload,
  WebhookPayload,
  type AckOf,
  type CommandName,
  type ContextPacket,
  type ProductItem,
} from '../../shared/protocol/index.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startReceiver, type Answer, type HttpReceiver, type ReceivedRequest } from '../support/http-receiver.ts';

// Every credential the hub holds in this file. None may show up in a log line or an agent's app.
const TOKENS = {
  github: 'ghp_SECRETgithubTOKEN0123456789abcdef',
  jira: 'ATATT3xSECRETjiraAPItoken987654',
  linear: 'lin_api_SECRETlinearKEY456789xyz',
  webhook: 'whsec_SECRETconnectorSIGNING123456',
};
const EVENT_SECRETS = { github: 'gh-events-SECRET-4f2a9c7e', jira: 'jira-events-SECRET-8b1d3e6f', linear: 'linear-events-SECRET-2c5e8a1b' };
const JIRA_EMAIL = 'support-bot@acme.test';
const JIRA_BASIC = Buffer.from(`${JIRA_EMAIL}:${TOKENS.jira}`).toString('base64');
const ALL_SECRETS = [...Object.values(TOKENS), ...Object.values(EVENT_SECRETS), JIRA_BASIC];

function ok<C extends CommandName>(ack: AckOf<C>): Extract<AckOf<C>, { ok: true }> {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack;
}

const hmacHex = (secret: string, data: Buffer | string) => createHmac('sha256', secret).update(data).digest('hex');

/** Baton-Signature checked with independent code, as a receiver would. */
function batonSigned(secret: string, request: ReceivedRequest): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['baton-signature'] ?? ''));
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.`).update(request.raw).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

/** Every text node of an ADF document, and a check that the document is well formed. */
function adfTexts(doc: any): Array<{ text: string; marks: string[]; href?: string }> {
  expect(doc).toMatchObject({ type: 'doc', version: 1 });
  const texts: Array<{ text: string; marks: string[]; href?: string }> = [];
  const walk = (node: any): void => {
    expect(typeof node.type).toBe('string');
    if (node.type === 'text') {
      expect(node.text.length).toBeGreaterThan(0); // ADF refuses empty text nodes
      const link = node.marks?.find((m: any) => m.type === 'link');
      texts.push({ text: node.text, marks: (node.marks ?? []).map((m: any) => m.type), ...(link && { href: link.attrs.href }) });
    }
    for (const child of node.content ?? []) walk(child);
  };
  walk(doc);
  return texts;
}

// ---------------------------------------------------------------------------------------------

describe('connectors', () => {
  let t: TestHub;
  let tools: HttpReceiver;
  let bots: HttpReceiver;
  let pat: TestHubClient;
  let lee: TestHubClient;
  const logs: string[] = [];
  /** Everything Pat's and Lee's apps received, as sent (raw socket.io, so nothing is filtered out). */
  const sentToApps: string[] = [];
  const raw: RawSocket[] = [];
  const connectorIds: Record<string, string> = {};
  /** Per-test overrides of what a tool answers; return undefined to answer as the tool normally does. */
  let override: (r: ReceivedRequest) => Answer | undefined | Promise<Answer | undefined> = () => undefined;
  /** Issue numbers per tool: each tool's first issue is 42. */
  const issues: Record<string, number> = {};

  /** The tools' usual answers, as their APIs document them. */
  function answer(r: ReceivedRequest): Answer {
    const created = /\/issues$/.test(r.path) || /\/rest\/api\/3\/issue$/.test(r.path) || /issueCreate/.test(r.json?.query ?? '') || r.json?.type === 'product_item.created';
    const tool = r.path.split('/')[1]!;
    const n = created ? (issues[tool] = (issues[tool] ?? 41) + 1) : 0;
    if (r.path.startsWith('/github/')) {
      return created ? { status: 201, body: { id: 900_000 + n, number: n, html_url: `https://github.com/acme/app/issues/${n}` } } : { status: 201, body: { id: 1 } };
    }
    if (r.path.startsWith('/jira/')) {
      return created ? { status: 201, body: { id: String(10_000 + n), key: `SUP-${n}`, self: `${tools.url}/jira/rest/api/3/issue/${10_000 + n}` } } : { status: 201, body: { id: '1' } };
    }
    if (r.path.startsWith('/linear/')) {
      return created
        ? { status: 200, body: { data: { issueCreate: { success: true, issue: { id: `lin-${n}`, identifier: `ENG-${n}`, url: `https://linear.app/acme/issue/ENG-${n}` } } } } }
        : { status: 200, body: { data: { commentCreate: { success: true, comment: { id: 'c1', url: 'https://linear.app/acme/comment/c1' } } } } };
    }
    return created ? { status: 200, body: { externalId: `FB-${n}`, url: `https://feedback.acme.test/${n}` } } : { status: 204 };
  }

  let patId: string;
  async function route(route: ProductRoute, packet: Partial<ContextPacket> = {}) {
    const summary = `${packet.summary ?? 'Customer asks'} (${randomUUID()})`;
    const offered = pat.waitFor('handoff:offered', (p) => p.handoff.packet.summary === summary);
    const created = await t.request('POST', '/v1/handoffs', { body: { trigger: { reason: 'bug_report' }, ...packet, summary, skills: ['only-pat'] } });
    expect(created.status).toBe(201);
    const handoff = ok(await pat.accept((await offered).handoff.id)).handoff;
    const heard: ProductItem[] = [];
    const off = pat.on('product:changed', (p) => heard.push(p.item));
    const ack = ok(await pat.routeToProduct(handoff.id, route));
    const mine = (item: ProductItem) => item.updatedAt === ack.handoff.updatedAt;
    const item = heard.find(mine) ?? (await pat.waitFor('product:changed', (p) => mine(p.item))).item;
    off();
    return { handoff: ack.handoff, item };
  }

  /** POSTs an event to a connector's incoming endpoint, as the tool would. */
  const postEvent = (connectorId: string, body: unknown, headers: Record<string, string>) =>
    t.request('POST', `/v1/connectors/${connectorId}/events`, { key: null, rawBody: typeof body === 'string' ? body : JSON.stringify(body), headers });

  beforeAll(async () => {
    tools = await startReceiver();
    tools.respond = async (r) => (await override(r)) ?? answer(r);
    bots = await startReceiver();
    bots.respond = () => ({ status: 204 });
    t = await startTestHub({
      log: createLogger('debug', { write: (line: string) => void logs.push(line) }),
      webhooks: { baseDelayMs: 10, maxDelayMs: 50 },
      connectors: { baseDelayMs: 10, maxDelayMs: 60, maxAttempts: 4 },
      env: { GITHUB_TOKEN: TOKENS.github, LINEAR_EVENTS_SECRET: EVENT_SECRETS.linear },
    });
    const db = t.hub.db;
    await setCallbackUrl(db, 'demo-bot', `${bots.url}/demo-bot`);
    const agent = await createAgent(db, { id: 'pat', name: 'Pat', team: 'support', skills: ['only-pat'], capacity: 50 });
    patId = agent.id;
    connectorIds.github = (await setConnector(db, { team: 'support', kind: 'github', baseUrl: `${tools.url}/github`, repo: 'acme/app', tokenEnv: 'GITHUB_TOKEN', eventsSecret: EVENT_SECRETS.github })).id;
    connectorIds.jira = (
      await setConnector(db, { team: 'support', kind: 'jira', baseUrl: `${tools.url}/jira`, project: 'SUP', email: JIRA_EMAIL, token: TOKENS.jira, eventsSecret: EVENT_SECRETS.jira })
    ).id;
    connectorIds.linear = (
      await setConnector(db, { team: 'support', kind: 'linear', baseUrl: `${tools.url}/linear`, linearTeam: 'team-7f3c', token: TOKENS.linear, eventsSecretEnv: 'LINEAR_EVENTS_SECRET' })
    ).id;
    connectorIds.webhook = (await setConnector(db, { team: 'support', kind: 'webhook', url: `${tools.url}/hooks/product`, token: TOKENS.webhook })).id;

    pat = await t.signIn(agent.token);
    lee = await t.signIn('demo-lee');
    for (const token of [agent.token, 'demo-lee']) {
      const socket = connectRaw(`${t.url}${AGENTS_NAMESPACE}`, { auth: { token }, forceNew: true, transports: ['websocket'] });
      socket.onAny((event: string, ...args: unknown[]) => sentToApps.push(JSON.stringify([event, ...args])));
      await new Promise<void>((resolve) => socket.once('handoffs:snapshot', () => resolve()));
      raw.push(socket);
    }
    // The typed clients' acks are part of what the apps receive too.
    for (const client of [pat, lee]) {
      const send = client.send.bind(client);
      client.send = (async (...args: Parameters<typeof send>) => {
        const ack = await send(...args);
        sentToApps.push(JSON.stringify(ack));
        return ack;
      });
    }
  });

  afterAll(async () => {
    for (const socket of raw) socket.close();
    await t?.stop();
    await tools?.close();
    await bots?.close();
  });

  const byTool = (prefix: string, itemId?: string) => (r: ReceivedRequest) =>
    r.path.startsWith(prefix) && (itemId === undefined || r.text.includes(itemId));

  let first: { item: ProductItem; handoffId: string };

  it('a new item opens an issue in GitHub, Jira and Linear and is POSTed to the webhook, each as its API documents; the item links to them', async () => {
    const route1 = {
      kind: 'bug_report',
      title: 'App crashes when opening a shared board from a notification',
      details: 'Pixel 8, Android 15.\nOnly from the notification, not from inside the app.',
      severity: 'high',
      stepsToReproduce: '1. Share a board\n2. Tap the notification',
      expected: 'The board opens',
      actual: 'The app closes',
    } as const;
    const leeSeesAll = lee.waitFor('product:changed', (p) => p.item.title === route1.title && p.item.external.length === 4);
    const { item, handoff } = await route(route1, {
      customer: { id: 'cus_9120', name: '@jules_builds', tier: 'pro' },
      source: { platform: 'generic', conversationId: 'tw-99120', conversationUrl: 'https://help.acme.test/c/99120' },
    });
    first = { item, handoffId: handoff.id };
    const requests = await tools.waitFor(4, (r) => r.text.includes(item.id));

    const github = requests.find(byTool('/github/'))!;
    expect(github.method).toBe('POST');
    expect(github.path).toBe('/github/repos/acme/app/issues');
    expect(github.headers).toMatchObject({
      authorization: `Bearer ${TOKENS.github}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^Baton/),
    });
    expect(Object.keys(github.json).sort()).toEqual(['body', 'labels', 'title']);
    expect(github.json).toMatchObject({ title: route1.title, labels: ['bug'] });
    const markdown: string = github.json.body;
    for (const part of ['Pixel 8, Android 15.', 'Severity: high', '### Steps to reproduce', '2. Tap the notification', '### Expected', '### Actual', 'https://help.acme.test/c/99120', item.id]) {
      expect(markdown).toContain(part);
    }
    // The customer's handle is named in a code span, so GitHub does not notify a user called jules_builds.
    expect(markdown).toContain('`@jules_builds` (pro)');
    expect(markdown.replace(/`[^`]*`/g, '')).not.toMatch(/@jules_builds/);

    const jira = requests.find(byTool('/jira/'))!;
    expect(jira.method).toBe('POST');
    expect(jira.path).toBe('/jira/rest/api/3/issue');
    expect(jira.headers).toMatchObject({ authorization: `Basic ${JIRA_BASIC}`, accept: 'application/json', 'content-type': 'application/json' });
    expect(jira.json.fields).toMatchObject({ project: { key: 'SUP' }, summary: route1.title, issuetype: { name: 'Bug' } });
    const adf = adfTexts(jira.json.fields.description);
    expect(adf.map((n) => n.text)).toEqual(expect.arrayContaining(['Pixel 8, Android 15.', 'Only from the notification, not from inside the app.', 'Steps to reproduce', '@jules_builds']));
    expect(adf.find((n) => n.text === '@jules_builds')!.marks).toEqual(['code']);
    expect(adf.find((n) => n.href)).toEqual({ text: 'https://help.acme.test/c/99120', marks: ['link'], href: 'https://help.acme.test/c/99120' });

    const linear = requests.find(byTool('/linear/'))!;
    expect(linear.method).toBe('POST');
    expect(linear.path).toBe('/linear/graphql');
    // A personal API key goes as it is, without "Bearer".
    expect(linear.headers.authorization).toBe(TOKENS.linear);
    expect(linear.headers['content-type']).toBe('application/json');
    expect(linear.json.query).toMatch(/^mutation IssueCreate\(\$input: IssueCreateInput!\) \{ issueCreate\(input: \$input\) \{ success issue \{ id identifier url \} \} \}$/);
    expect(linear.json.variables.input).toEqual({ teamId: 'team-7f3c', title: route1.title, description: expect.stringContaining('Severity: high'), priority: 2 });

    const hook = requests.find(byTool('/hooks/'))!;
    expect(hook.method).toBe('POST');
    expect(hook.path).toBe('/hooks/product');
    expect(batonSigned(TOKENS.webhook, hook)).toBe(true);
    const payload = ConnectorWebhookPayload.parse(hook.json);
    expect(hook.headers['baton-webhook-id']).toBe(payload.id);
    expect(payload).toMatchObject({
      type: 'product_item.created',
      productItem: { id: item.id, kind: 'bug_report', severity: 'high', customerCount: 1 },
      link: {
        handoffId: handoff.id,
        customer: { customerId: 'cus_9120', name: '@jules_builds', isNew: true },
        conversation: { conversationId: 'tw-99120', url: 'https://help.acme.test/c/99120' },
        routedBy: { id: patId, name: 'Pat' },
      },
    });

    // What each tool answered is recorded and shown with the item.
    const linked = (await leeSeesAll).item;
    expect(linked.external).toEqual(
      expect.arrayContaining([
        { connectorId: connectorIds.github, kind: 'github', externalId: '42', key: 'acme/app#42', url: 'https://github.com/acme/app/issues/42' },
        { connectorId: connectorIds.jira, kind: 'jira', externalId: expect.any(String), key: expect.stringMatching(/^SUP-\d+$/), url: expect.stringMatching(/\/jira\/browse\/SUP-\d+$/) },
        { connectorId: connectorIds.linear, kind: 'linear', externalId: expect.stringMatching(/^lin-/), key: expect.stringMatching(/^ENG-/), url: expect.stringContaining('linear.app') },
        { connectorId: connectorIds.webhook, kind: 'webhook', externalId: expect.stringMatching(/^FB-/), key: null, url: expect.stringContaining('feedback.acme.test') },
      ]),
    );
    first.item = linked;
  });

  it('a later link comments on each issue, naming the new customer and the conversation; the same customer again says so', async () => {
    const { item } = first;
    const ref = (kind: string) => item.external.find((e) => e.kind === kind)!;
    await route(
      { kind: 'bug_report', productItemId: item.id, details: 'Also on a Galaxy S24.' },
      { customer: { email: 'ops@globex.test', name: 'Globex ops', tier: 'enterprise' }, source: { platform: 'zendesk', conversationUrl: 'https://help.acme.test/c/555' } },
    );
    const comments = await tools.waitFor(4, (r) => r.text.includes('Globex ops'));

    const github = comments.find(byTool('/github/'))!;
    expect(github.path).toBe(`/github/repos/acme/app/issues/${ref('github').externalId}/comments`);
    expect(github.headers).toMatchObject({ authorization: `Bearer ${TOKENS.github}`, 'x-github-api-version': '2022-11-28', accept: 'application/vnd.github+json' });
    expect(Object.keys(github.json)).toEqual(['body']);
    expect(github.json.body).toContain('Another customer asked for this: `Globex ops` (enterprise)');
    expect(github.json.body).toContain('https://help.acme.test/c/555');
    expect(github.json.body).toContain('2 customers so far');
    expect(github.json.body).toContain('Also on a Galaxy S24.');

    const jira = comments.find(byTool('/jira/'))!;
    expect(jira.path).toBe(`/jira/rest/api/3/issue/${ref('jira').externalId}/comment`);
    expect(jira.headers.authorization).toBe(`Basic ${JIRA_BASIC}`);
    const texts = adfTexts(jira.json.body);
    expect(texts.find((n) => n.text === 'Globex ops')!.marks).toEqual(['code']);
    expect(texts.find((n) => n.href)!.href).toBe('https://help.acme.test/c/555');

    const linear = comments.find(byTool('/linear/'))!;
    expect(linear.json.query).toContain('commentCreate(input: $input)');
    expect(linear.json.variables.input).toEqual({ issueId: ref('linear').externalId, body: expect.stringContaining('`Globex ops` (enterprise)') });

    const hook = ConnectorWebhookPayload.parse(comments.find(byTool('/hooks/'))!.json);
    expect(hook).toMatchObject({ type: 'product_item.linked', productItem: { id: item.id, customerCount: 2, handoffCount: 2 }, link: { customer: { isNew: true, email: 'ops@globex.test' } } });

    await route({ kind: 'bug_report', productItemId: item.id }, { customer: { email: 'OPS@globex.test', name: 'Globex ops' }, source: { platform: 'zendesk', conversationId: 'zd-556' } });
    const [again] = await tools.waitFor(1, (r) => r.path.startsWith('/github/') && r.text.includes('asked again'));
    expect(again!.json.body).toContain('`Globex ops` asked again, in conversation zd-556 on zendesk. Still 2 customers so far.');
  });

  it('retries a failing tool with backoff, keeps its comment until the issue exists, and does not hold up the other tools', async () => {
    // GitHub fails twice, then holds its answer until a comment for the item is waiting.
    let commentQueued!: () => void;
    const queued = new Promise<void>((resolve) => (commentQueued = resolve));
    let attempts = 0;
    override = async (r) => {
      if (r.path !== '/github/repos/acme/app/issues' || !r.text.includes('Retry flow')) return undefined;
      attempts += 1;
      if (attempts <= 2) return { status: 503, body: { message: 'Service unavailable' } };
      await queued;
      return undefined;
    };
    const { item } = await route({ kind: 'feature_request', title: 'Retry flow: bulk export of boards', details: 'Export every board at once.' });
    await tools.waitFor(3, (r) => r.path === '/github/repos/acme/app/issues' && r.text.includes(item.id));
    // Jira's issue is not held behind GitHub's failures.
    await tools.waitFor(1, (r) => r.path === '/jira/rest/api/3/issue' && r.text.includes(item.id));
    await route({ kind: 'feature_request', productItemId: item.id }, { customer: { id: 'cus_retry', name: 'Rita' } });
    commentQueued();

    const [comment] = await tools.waitFor(1, (r) => r.path.startsWith('/github/') && r.path.endsWith('/comments') && r.text.includes('Rita'));
    const github = tools.requests.filter((r) => r.path.startsWith('/github/') && (r.text.includes(item.id) || r === comment));
    const creates = github.filter((r) => r.path === '/github/repos/acme/app/issues');
    expect(creates).toHaveLength(3);
    expect(github.indexOf(comment!)).toBe(github.length - 1);
    // Recorded once the hub has read the tool's answer.
    const outbox = async () =>
      (
        await t.hub.db.query<{ action: string; attempts: number; last_error: string | null; delivered: boolean }>(
          `select o.action, o.attempts, o.last_error, o.delivered_at is not null as delivered from connector_outbox o
           join product_connectors c on c.id = o.connector_id where o.item_id = $1 and c.kind = 'github' order by o.seq`,
          [item.id],
        )
      ).rows;
    await expect.poll(outbox).toEqual([
      { action: 'create', attempts: 3, last_error: 'HTTP 503: Service unavailable', delivered: true },
      { action: 'comment', attempts: 1, last_error: null, delivered: true },
    ]);
    const number = /\/issues\/(\d+)\/comments$/.exec(comment!.path)![1];
    expect(ok(await lee.getProduct(item.id)).item.external.find((e) => e.kind === 'github')).toMatchObject({ externalId: number });
    override = () => undefined;
  });

  it('gives up after maxAttempts; a GraphQL error in a 200 answer counts as a failure', async () => {
    override = (r) => (r.path === '/linear/graphql' && r.text.includes('Gives up') ? { status: 200, body: { data: null, errors: [{ message: 'Team not found' }] } } : undefined);
    const { item } = await route({ kind: 'feature_request', title: 'Gives up: offline mode', details: 'Work without a connection.' });
    await tools.waitFor(4, (r) => r.path === '/linear/graphql' && r.text.includes(item.id));
    await expect
      .poll(async () => (await t.hub.db.query<{ failed_at: Date | null; attempts: number; last_error: string }>(
        `select failed_at, attempts, last_error from connector_outbox o join product_connectors c on c.id = o.connector_id where o.item_id = $1 and c.kind = 'linear'`,
        [item.id],
      )).rows[0])
      .toEqual({ failed_at: expect.any(Date), attempts: 4, last_error: 'Linear: Team not found' });
    expect(logs.some((line) => line.includes('connector request failed permanently; giving up') && line.includes(item.id))).toBe(true);
    override = () => undefined;
  });

  it('closes the loop: each tool’s signed status events change the item, and every linked handoff’s bot hears of it', async () => {
    const { item } = first;
    const ref = (kind: string) => item.external.find((e) => e.kind === kind)!;
    const updates = (to: string) => (r: ReceivedRequest) => r.json?.type === 'product_item.updated' && r.json.productItem.id === item.id && r.json.change.to === to;
    const handoffCount = ok(await lee.getProduct(item.id)).item.handoffCount;

    // Linear: the issue moved to a started state.
    const linearBody = JSON.stringify({
      action: 'update',
      type: 'Issue',
      data: { id: ref('linear').externalId, identifier: ref('linear').key, state: { name: 'In Progress', type: 'started' } },
      updatedFrom: { stateId: 'state-todo' },
      webhookTimestamp: Date.now(),
    });
    const linear = await postEvent(connectorIds.linear!, linearBody, { 'content-type': 'application/json', 'linear-signature': hmacHex(EVENT_SECRETS.linear, linearBody) });
    expect(linear).toEqual({ status: 200, body: { result: 'updated', productItemId: item.id, status: 'in_progress' } });
    const toBots = await bots.waitFor(handoffCount, updates('in_progress'));
    for (const r of toBots) {
      const webhook = WebhookPayload.parse(r.json);
      if (webhook.type !== 'product_item.updated') throw new Error('expected product_item.updated');
      expect(webhook.change).toEqual({ from: 'new', to: 'in_progress', note: `Linear ${ref('linear').key} moved to In Progress`, by: { kind: 'connector', id: connectorIds.linear, name: 'Linear' } });
    }
    // A replayed Linear event (old timestamp) is refused even with a good signature.
    const stale = linearBody.replace(/"webhookTimestamp":\d+/, `"webhookTimestamp":${Date.now() - 5 * 60_000}`);
    expect((await postEvent(connectorIds.linear!, stale, { 'content-type': 'application/json', 'linear-signature': hmacHex(EVENT_SECRETS.linear, stale) })).status).toBe(401);

    // Jira: resolved as Won't Do, signed by an admin webhook's secret.
    const jiraBody = JSON.stringify({
      webhookEvent: 'jira:issue_updated',
      issue: { id: ref('jira').externalId, key: ref('jira').key, fields: { status: { name: 'Closed', statusCategory: { key: 'done' } }, resolution: { name: "Won't Do" } } },
      changelog: { items: [{ field: 'resolution' }, { field: 'status' }] },
    });
    const jira = await postEvent(connectorIds.jira!, jiraBody, { 'content-type': 'application/json', 'x-hub-signature': `sha256=${hmacHex(EVENT_SECRETS.jira, jiraBody)}` });
    expect(jira.body).toEqual({ result: 'updated', productItemId: item.id, status: 'wont_do' });
    await bots.waitFor(handoffCount, updates('wont_do'));
    // An automation rule's web request, which cannot sign, sends the secret itself; an edit that is no status change is ignored.
    const edit = JSON.stringify({ ...JSON.parse(jiraBody), changelog: { items: [{ field: 'summary' }] } });
    expect((await postEvent(connectorIds.jira!, edit, { 'content-type': 'application/json', authorization: `Bearer ${EVENT_SECRETS.jira}` })).body).toEqual({
      result: 'ignored',
      reason: 'no status change',
    });
    expect((await postEvent(connectorIds.jira!, edit, { 'content-type': 'application/json', authorization: 'Bearer not-the-secret' })).status).toBe(401);

    // GitHub: reopened, then closed as completed.
    const github = (action: string, extra: Record<string, unknown> = {}) => {
      const body = JSON.stringify({ action, issue: { number: Number(ref('github').externalId), state_reason: action === 'closed' ? 'completed' : 'reopened' }, repository: { full_name: 'acme/app' }, ...extra });
      return { body, headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-hub-signature-256': `sha256=${hmacHex(EVENT_SECRETS.github, body)}` } };
    };
    const reopened = github('reopened');
    expect((await postEvent(connectorIds.github!, reopened.body, reopened.headers)).body).toMatchObject({ result: 'updated', status: 'new' });
    const closed = github('closed');
    expect((await postEvent(connectorIds.github!, closed.body, closed.headers)).body).toMatchObject({ result: 'updated', status: 'done' });
    const done = await bots.waitFor(handoffCount, updates('done'));
    expect(done[0]!.json.change).toMatchObject({ from: 'new', note: `GitHub issue #${ref('github').externalId} closed as completed`, by: { kind: 'connector', name: 'GitHub' } });
    // The same event again changes nothing and tells nobody.
    expect((await postEvent(connectorIds.github!, closed.body, closed.headers)).body).toEqual({ result: 'unchanged', productItemId: item.id, status: 'done' });
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.' });
    expect((await postEvent(connectorIds.github!, ping, { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${hmacHex(EVENT_SECRETS.github, ping)}` })).body).toMatchObject({ result: 'ignored' });
    const otherRepo = github('reopened', { repository: { full_name: 'acme/other' } });
    expect((await postEvent(connectorIds.github!, otherRepo.body, otherRepo.headers)).body).toMatchObject({ result: 'ignored' });
    expect((await postEvent(connectorIds.github!, reopened.body, { ...reopened.headers, 'x-hub-signature-256': `sha256=${hmacHex('wrong-secret', reopened.body)}` })).status).toBe(401);
    expect((await postEvent(connectorIds.github!, reopened.body, { 'content-type': 'application/json', 'x-github-event': 'issues' })).status).toBe(401);

    // The generic webhook's tool: signed like Baton's own webhooks, naming Baton's item.
    const statusEvent = JSON.stringify({ productItemId: item.id, status: 'planned', note: 'Back on the roadmap for Q3.' });
    const ts = Math.floor(Date.now() / 1000);
    const signature = `t=${ts},v1=${hmacHex(TOKENS.webhook, `${ts}.${statusEvent}`)}`;
    expect((await postEvent(connectorIds.webhook!, statusEvent, { 'content-type': 'application/json', 'baton-signature': signature })).body).toMatchObject({ result: 'updated', status: 'planned' });
    const [planned] = await bots.waitFor(handoffCount, updates('planned'));
    expect(planned!.json.change).toMatchObject({ from: 'done', to: 'planned', note: 'Back on the roadmap for Q3.', by: { kind: 'connector', id: connectorIds.webhook, name: 'Webhook' } });
    const invalid = '{"productItemId": 7}';
    const invalidSig = `t=${ts},v1=${hmacHex(TOKENS.webhook, `${ts}.${invalid}`)}`;
    expect(await postEvent(connectorIds.webhook!, invalid, { 'content-type': 'application/json', 'baton-signature': invalidSig })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    // Signed and well formed, but its note could not be stored: refused naming the field, nothing changed.
    const nul = JSON.stringify({ productItemId: item.id, status: 'done', note: 'Shipped\u0000' });
    const nulSig = `t=${ts},v1=${hmacHex(TOKENS.webhook, `${ts}.${nul}`)}`;
    expect(await postEvent(connectorIds.webhook!, nul, { 'content-type': 'application/json', 'baton-signature': nulSig })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', issues: [{ path: 'note', message: 'must not contain U+0000 (NUL)' }] } },
    });

    expect(ok(await lee.getProduct(item.id)).events.filter((e) => e.type === 'status_changed').map((e) => [e.actor.kind, e.actor.name, e.status])).toEqual([
      ['connector', 'Linear', 'in_progress'],
      ['connector', 'Jira', 'wont_do'],
      ['connector', 'GitHub', 'new'],
      ['connector', 'GitHub', 'done'],
      ['connector', 'Webhook', 'planned'],
    ]);
  });

  it('answers 404 for an unknown connector and 403 for one that has no events secret', async () => {
    expect((await postEvent('no-such-connector', '{}', { 'content-type': 'application/json' })).status).toBe(404);
    await upsertTeam(t.hub.db, { name: 'growth' });
    const quiet = await setConnector(t.hub.db, { team: 'growth', kind: 'github', baseUrl: `${tools.url}/github`, repo: 'acme/growth', token: 'ghp_growth_token_000000' });
    expect(await postEvent(quiet.id, '{}', { 'content-type': 'application/json', 'x-github-event': 'issues' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  });

  it('never lets a credential into a log line, a stored error, or anything an agent’s app receives, even when a tool echoes it back', async () => {
    // Tools that answer a failure by echoing the credentials they were sent.
    override = (r) =>
      r.text.includes('Echo flow') && !r.path.includes('comments') && tools.requests.filter((x) => x.text.includes('Echo flow') && x.path === r.path).length === 1
        ? { status: 401, body: { message: `Bad credentials: ${r.headers.authorization}`, errorMessages: [`rejected ${r.headers.authorization}`] } }
        : undefined;
    const { item } = await route({ kind: 'feature_request', title: 'Echo flow: shared templates', details: 'Templates shared across teams.' });
    const leeSees = lee.waitFor('product:changed', (p) => p.item.id === item.id && p.item.external.length === 4);
    await tools.waitFor(2, (r) => r.path === '/github/repos/acme/app/issues' && r.text.includes(item.id));
    await tools.waitFor(2, (r) => r.path === '/jira/rest/api/3/issue' && r.text.includes(item.id));
    await leeSees;
    override = () => undefined;
    ok(await lee.getProduct(item.id));
    ok(await lee.listProducts());
    ok(await pat.suggestProducts({ title: 'shared templates' }));

    // The failures were logged and stored, with the credentials taken out.
    const errors = (await t.hub.db.query<{ last_error: string }>('select last_error from connector_outbox where item_id = $1 and last_error is not null', [item.id])).rows.map((r) => r.last_error);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/^HTTP 401: Bad credentials: Bearer \[redacted\]/), expect.stringMatching(/^HTTP 401: Bad credentials: Basic \[redacted\]/)]));
    expect(logs.filter((line) => line.includes('connector request delivery failed') && line.includes('[redacted]')).length).toBeGreaterThanOrEqual(2);

    const everything = { logs: logs.join('\n'), errors: errors.join('\n'), apps: sentToApps.join('\n') };
    expect(everything.logs.length).toBeGreaterThan(10_000); // the debug log of everything this file did
    expect(sentToApps.some((m) => m.includes('product:changed'))).toBe(true);
    for (const secret of ALL_SECRETS) {
      for (const [where, text] of Object.entries(everything)) expect(text.includes(secret), `${where} contains a secret`).toBe(false);
    }
  });
});
