import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_HEADERS, serveConsole } from '../../hub/http/console.ts';
import { securityHeaders } from '../../hub/http/security.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'baton-console-'));
  await mkdir(join(root, 'built', 'assets'), { recursive: true });
  await writeFile(join(root, 'built', 'index.html'), '<!doctype html><title>Baton</title><script type="module" src="./assets/app-1a2b.js"></script>');
  await writeFile(join(root, 'built', 'assets', 'app-1a2b.js'), 'console.log("console")');
  await writeFile(join(root, 'built', '.secret'), 'nope');
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function appServing(dir: string) {
  const app = Fastify();
  // The hub's security headers: they give the console's routes the console's CSP.
  await app.register(securityHeaders);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.register(serveConsole, { dir });
  await app.ready();
  return app;
}

describe('the hub serves the agent console at /', () => {
  it('with a strict Content-Security-Policy, nosniff and no referrer', async () => {
    const app = await appServing(join(root, 'built'));
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<title>Baton</title>');
    expect(page.headers).toMatchObject(CONSOLE_HEADERS);
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';object-src 'none';base-uri 'none';frame-ancestors 'none';form-action 'none'",
    );
    expect(page.headers['cache-control']).toBe('no-cache');

    const script = await app.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers).toMatchObject(CONSOLE_HEADERS);
    expect(script.headers['cache-control']).toContain('immutable');
    await app.close();
  });

  it('serves no dotfiles and leaves the hub’s other routes alone', async () => {
    const app = await appServing(join(root, 'built'));
    expect((await app.inject({ method: 'GET', url: '/.secret' })).statusCode).toBe(404);
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toEqual({ status: 'ok' });
    // The API's own policy, not the console's.
    expect(health.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    await app.close();
  });

  it('before the console is built, / says how to build it', async () => {
    const app = await appServing(join(root, 'missing'));
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('npm run build:console');
    expect(page.headers).toMatchObject(CONSOLE_HEADERS);
    await app.close();
  });
});

describe('a running hub', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.stop());

  it('answers / with the console (or how to build it) under the CSP, and unknown paths with its JSON 404', async () => {
    const page = await fetch(`${hub.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_HEADERS['content-security-policy']);
    expect(await page.text()).toMatch(/<title>Baton<\/title>/);
    const missing = await hub.request('GET', '/no-such-page', { key: null });
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});
