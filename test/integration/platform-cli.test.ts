// Putting an integration in front of a messaging platform with the hub's command line, as an admin
// would: only the names of the environment variables holding secrets go in, nothing secret comes
// out, bad flags are named, and a hub started on that folder takes the platform's signed webhook
// with the secrets from its environment and logs none of them.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { hubCliRunner } from '../support/hub-cli.ts';
import { chatwootHeaders, chatwootStatusChanged, startFakeChatwoot, type FakeChatwoot } from '../support/fake-platforms.ts';

const READY_LINE = /^Baton hub listening on (http:\/\/127\.0\.0\.1:\d+)$/m;
const TOKEN = 'cw-CLI-api-token-from-the-environment-01';
const SECRET = 'cw-CLI-webhook-secret-from-the-environment-02';

const { cli, run, stopAll } = hubCliRunner();

describe('npm run hub -- integration platform …', () => {
  let root: string;
  let dataDir: string;
  let fake: FakeChatwoot;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'baton-platform-cli-'));
    dataDir = join(root, 'data');
    await cp(inject('templateDataDir'), dataDir, { recursive: true });
    fake = await startFakeChatwoot(TOKEN);
  });
  afterAll(async () => {
    await stopAll();
    await fake.close();
    await rm(root, { recursive: true, force: true });
  });

  it('configures a Chatwoot integration and links an agent, names bad flags, and lists where the secrets are', { timeout: 60_000 }, async () => {
    expect((await run(['integration', 'create', '--data-dir', dataDir, '--name', 'helpdesk', '--team', 'support'])).code).toBe(0);
    const set = await run(['integration', 'platform', '--data-dir', dataDir, '--name', 'helpdesk', '--kind', 'chatwoot', '--api-url', `${fake.url}/`, '--token-env', 'CW_TOKEN', '--webhook-secret-env', 'CW_SECRET']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('POST <hub URL>/v1/ingress/chatwoot/helpdesk');

    const stray = await run(['integration', 'platform', '--data-dir', dataDir, '--name', 'helpdesk', '--kind', 'chatwoot', '--api-url', fake.url, '--token-env', 'CW_TOKEN', '--key-id', 'app_1']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--key-id does not apply to a chatwoot platform');
    const missing = await run(['integration', 'platform', '--data-dir', dataDir, '--name', 'helpdesk', '--kind', 'sunshine', '--api-url', fake.url, '--key-secret-env', 'SC_KEY']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--key-id');
    expect(missing.stderr).toContain('--human-switchboard-name');
    const noSuch = await run(['integration', 'platform', '--data-dir', dataDir, '--name', 'nobody', '--kind', 'chatwoot', '--api-url', fake.url, '--token-env', 'CW_TOKEN']);
    expect(noSuch.code).toBe(2);
    expect(noSuch.stderr).toContain('--name nobody is not an integration');

    const link = await run(['agent', 'link', '--data-dir', dataDir, '--name', 'Ana', '--chatwoot-user-id', '31']);
    expect(link.code, link.stderr).toBe(0);
    expect(link.stdout).toContain('Ana is Chatwoot user 31');

    const list = await run(['integration', 'platforms', '--data-dir', dataDir]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      { name: 'helpdesk', kind: 'chatwoot', settings: { apiUrl: fake.url }, secretsFrom: { tokenEnv: 'CW_TOKEN', webhookSecretEnv: 'CW_SECRET' }, ingressPath: '/v1/ingress/chatwoot/helpdesk' },
    ]);
  });

  it('configures a Dialogflow CX integration with its fulfillment text, and names flags that do not apply', { timeout: 60_000 }, async () => {
    expect((await run(['integration', 'create', '--data-dir', dataDir, '--name', 'cx-agent', '--team', 'support'])).code).toBe(0);
    const stray = await run(['integration', 'platform', '--data-dir', dataDir, '--name', 'cx-agent', '--kind', 'dialogflow-cx', '--api-url', fake.url]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--api-url does not apply to a dialogflow-cx platform');
    const set = await run(['integration', 'platform', '--data-dir', dataDir, '--name', 'cx-agent', '--kind', 'dialogflow-cx', '--fulfillment-text', 'A colleague takes over now.']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('POST <hub URL>/v1/ingress/dialogflow-cx/cx-agent');
    const list = await run(['integration', 'platforms', '--data-dir', dataDir]);
    expect(JSON.parse(list.stdout)).toContainEqual({ name: 'cx-agent', kind: 'dialogflow-cx', settings: { fulfillmentText: 'A colleague takes over now.' }, secretsFrom: {}, ingressPath: '/v1/ingress/dialogflow-cx/cx-agent' });
  });

  it('configures a Rasa integration with its API and reason table, and names a bad table', { timeout: 60_000 }, async () => {
    expect((await run(['integration', 'create', '--data-dir', dataDir, '--name', 'rasa-bot', '--team', 'support'])).code).toBe(0);
    const bad = await run(['integration', 'platform', '--data-dir', dataDir, '--name', 'rasa-bot', '--kind', 'rasa', '--reasons', 'out_of_scope=nonsense']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--reasons');
    const set = await run([
      'integration', 'platform', '--data-dir', dataDir, '--name', 'rasa-bot', '--kind', 'rasa',
      '--api-url', 'http://127.0.0.1:5005/', '--token-env', 'RASA_TOKEN', '--reasons', 'out_of_scope=other, billing_dispute=emotional_state', '--resume-intent', 'agent_done',
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('POST <hub URL>/v1/ingress/rasa/rasa-bot');
    const list = await run(['integration', 'platforms', '--data-dir', dataDir]);
    expect(JSON.parse(list.stdout)).toContainEqual({
      name: 'rasa-bot',
      kind: 'rasa',
      settings: { apiUrl: 'http://127.0.0.1:5005', reasons: { out_of_scope: 'other', billing_dispute: 'emotional_state' }, resumeIntent: 'agent_done' },
      secretsFrom: { tokenEnv: 'RASA_TOKEN' },
      ingressPath: '/v1/ingress/rasa/rasa-bot',
    });
  });

  it('a hub on that folder takes the signed webhook with the secrets from its environment, and logs neither', { timeout: 60_000 }, async () => {
    fake.conversations.set('61', [{ id: 1, content: 'Hello, a person please', message_type: 0, created_at: 1765000000, private: false }]);
    const hub = cli(['serve', '--port', '0', '--data-dir', dataDir], { CW_TOKEN: TOKEN, CW_SECRET: SECRET, LOG_LEVEL: 'debug' });
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = READY_LINE.exec(hub.stdout());
        if (match) resolve(match[1]!);
      };
      hub.child.stdout!.on('data', check);
      void hub.exited.then(({ code }) => reject(new Error(`serve exited with ${code}: ${hub.stderr()}`)));
    });
    const raw = JSON.stringify(chatwootStatusChanged(61, 'pending', 'open'));
    const created = await fetch(`${url}/v1/ingress/chatwoot/helpdesk`, { method: 'POST', headers: { 'content-type': 'application/json', ...chatwootHeaders(SECRET, raw) }, body: raw });
    expect(created.status).toBe(201);
    const { handoff } = (await created.json()) as { handoff: { packet: { transcript: Array<{ text: string }> } } };
    expect(handoff.packet.transcript.map((t) => t.text)).toEqual(['Hello, a person please']);
    expect(fake.receiver.requests[0]!.headers.api_access_token).toBe(TOKEN);
    await vi.waitFor(() => expect(hub.stderr()).toContain('handoff received'), { timeout: 10_000 });
    expect(hub.stderr() + hub.stdout()).not.toContain(TOKEN);
    expect(hub.stderr() + hub.stdout()).not.toContain(SECRET);
  });
});
