import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_ROUTE_HELMET } from './security.ts';

/** Where `npm run build:console` writes the agent console. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

// The console's CSP and headers are set with every other security header, in one place.
export { CONSOLE_HEADERS } from './security.ts';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton</title></head>
<body><h1>The agent console is not built yet</h1>
<p>Run <code>npm run build:console</code> (or <code>npm start</code>, which builds it first), then reload this page.</p>
</body></html>
`;

/**
 * Serves the built agent console at `/` under the console's strict Content-Security-Policy
 * (security.ts, applied by the hub's helmet); before it is built, `/` says how to build it.
 * Encapsulated: only the console's own routes are marked for that policy.
 */
export async function serveConsole(app: FastifyInstance, { dir = CONSOLE_DIR }: { dir?: string } = {}): Promise<void> {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, helmet: CONSOLE_ROUTE_HELMET };
  });

  if (!existsSync(`${dir}/index.html`)) {
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
    return;
  }

  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    // Routes for the files that exist now, so unknown paths keep the hub's JSON 404.
    wildcard: false,
    dotfiles: 'ignore',
    cacheControl: false,
    setHeaders: (res, path) => {
      // File names under assets/ carry a content hash; index.html must always be fresh.
      res.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
