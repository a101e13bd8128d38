// Configuring a team's connector with the hub's command line, as an admin would: the secrets go
// in (as values or as environment variable names) and never come out again, and a hub started on
// that folder sends the team's items to the tool with the token from its environment.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { connectTestHub, type TestHubClient } from '../support/hub-client.ts';
import { hubCliRunner } from '../support/hub-cli.ts';
import { DEMO_KEY } from '../support/hub.ts';
import { startReceiver, type HttpReceiver } from '../support/http-receiver.ts';

const READY_LINE = /^Baton hub listening on (http:\/\/127\.0\.0\.1:\d+)$/m;
const GITHUB_TOKEN = 'ghp_CLIsecretTOKENfromTHEenvironment01';
const JIRA_TOKEN = 'ATATT3xCLIstoredJIRAtoken0987654321';
const EVENTS_SECRET = 'gh-events-CLI-secret-5e6f7a8b';

const { cli, run, stopAll } = hubCliRunner();

describe('npm run hub -- connector …', () => {
  let root: string;
  let dataDir: string;
  let tools: HttpReceiver;
  const clients: TestHubClient[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'baton-product-cli-'));
    dataDir = join(root, 'data');
    await cp(inject('templateDataDir'), dataDir, { recursive: true });
    tools = await startReceiver();
    tools.respond = () => ({ status: 201, body: { id: 1, number: 7, html_url: 'https://github.com/acme/app/issues/7' } });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await stopAll();
    await tools.close();
    await rm(root, { recursive: true, force: true });
  });

  it('sets connectors without ever printing a secret, lists where each secret is, and names bad flags', { timeout: 60_000 }, async () => {
    const github = await run([
      'connector', 'set', '--data-dir', dataDir, '--team', 'support', '--kind', 'github', '--repo', 'acme/app',
      '--base-url', `${tools.url}/api`, '--token-env', 'GITHUB_TOKEN', '--events-secret', EVENTS_SECRET,
    ]);
    expect(github.code, github.stderr).toBe(0);
    const id = /connector ([0-9a-f-]{36})/.exec(github.stdout)?.[1];
    expect(github.stdout).toContain(`POST <hub URL>/v1/connectors/${id}/events`);

    const list = await run(['connector', 'list', '--data-dir', dataDir]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id, team: 'support', kind: 'github', settings: { baseUrl: `${tools.url}/api`, repo: 'acme/app' }, token: 'from environment variable GITHUB_TOKEN', eventsSecret: 'stored in the hub', eventsPath: `/v1/connectors/${id}/events` }),
    ]);

    // Refused before the store is opened, naming the flags; the value given is not echoed.
    const bad = await run(['connector', 'set', '--data-dir', dataDir, '--team', 'support', '--kind', 'jira', '--project', 'SUP', '--token', JIRA_TOKEN, '--repo', 'acme/app']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--repo does not apply to a jira connector');

    for (const output of [github, list, bad]) {
      for (const secret of [GITHUB_TOKEN, JIRA_TOKEN, EVENTS_SECRET]) {
        expect(output.stdout + output.stderr).not.toContain(secret);
      }
    }
  });

  it('a hub on that folder files a routed item as a GitHub issue with the token from its environment, and logs no secret', { timeout: 60_000 }, async () => {
    const hub = cli(['serve', '--port', '0', '--data-dir', dataDir], { GITHUB_TOKEN, LOG_LEVEL: 'debug' });
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = READY_LINE.exec(hub.stdout());
        if (match) resolve(match[1]!);
      };
      hub.child.stdout!.on('data', check);
      void hub.exited.then(({ code }) => reject(new Error(`serve exited with ${code}: ${hub.stderr()}`)));
    });
    const ana = connectTestHub({ url, token: 'demo-ana' });
    clients.push(ana);
    await ana.ready();
    const offered = ana.waitFor('handoff:offered');
    const created = await fetch(`${url}/v1/handoffs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ summary: 'Customer wants recurring invoices.', trigger: { reason: 'feature_request' }, customer: { id: 'cus_cli' } }),
    });
    expect(created.status).toBe(201);
    const handoff = (await offered).handoff;
    expect((await ana.accept(handoff.id)).ok).toBe(true);
    const recorded = ana.waitFor('product:changed', (p) => p.item.external.length === 1);
    expect((await ana.routeToProduct(handoff.id, { kind: 'feature_request', title: 'Recurring invoices', details: 'Monthly, automatically.' })).ok).toBe(true);

    const [request] = await tools.waitFor(1);
    expect(request).toMatchObject({ method: 'POST', path: '/api/repos/acme/app/issues' });
    expect(request!.headers.authorization).toBe(`Bearer ${GITHUB_TOKEN}`);
    expect(request!.json).toMatchObject({ title: 'Recurring invoices', labels: ['enhancement'] });
    expect((await recorded).item.external[0]).toMatchObject({ kind: 'github', key: 'acme/app#7' });

    // The log line and the socket event travel on different pipes: either may arrive first.
    await vi.waitFor(() => expect(hub.stderr()).toContain('connector request delivered'), { timeout: 10_000 });
    expect(hub.stderr() + hub.stdout()).not.toContain(GITHUB_TOKEN);
    expect(hub.stderr()).not.toContain(EVENTS_SECRET);
  });
});
