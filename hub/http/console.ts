import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:console` writes the agent console. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

// The console runs no inline code and loads nothing from elsewhere: even if a packet's text were
// ever put in the page as HTML, it could not run a script, load an image or send data away.
export const CONSOLE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton</title></head>
<body><h1>The agent console is not built yet</h1>
<p>Run <code>npm run build:console</code> (or <code>npm start</code>, which builds it first), then reload this page.</p>
</body></html>
`;

/**
 * Serves the built agent console at `/` with a strict Content-Security-Policy; before it is built,
 * `/` says how to build it. Encapsulated: the headers apply to console responses only.
 */
export async function serveConsole(app: FastifyInstance, { dir = CONSOLE_DIR }: { dir?: string } = {}): Promise<void> {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(CONSOLE_HEADERS);
    return payload;
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
