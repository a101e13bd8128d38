import { readFile as fsReadFile } from 'node:fs/promises';
import { extname, relative, resolve, sep } from 'node:path';
import type { CustomScheme } from 'electron';

/**
 * The console is served from `app://baton/`, a privileged scheme of our own, not file://:
 * it gets a real origin (so CSP `'self'`, IPC sender checks and navigation guards mean
 * something), and every response carries the Content-Security-Policy below as a header.
 */
export const CONSOLE_SCHEME = 'app';
export const CONSOLE_HOST = 'baton';
export const CONSOLE_URL = `${CONSOLE_SCHEME}://${CONSOLE_HOST}/index.html`;

/** Registered before the app is ready (protocol.registerSchemesAsPrivileged). */
export const CONSOLE_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: CONSOLE_SCHEME,
  // standard: URLs with a host and relative paths; secure: a secure context (crypto.randomUUID).
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/**
 * Only our own scripts and styles; the hub is reached over WebSocket (ws: for a hub on this
 * computer, wss: elsewhere) because the agent may sign in to any hub; nothing can be framed,
 * posted or loaded from elsewhere. Sent as a header: the renderer's index.html has no meta tag.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  // Any hub: the socket, and the sign-in and session requests of a provider sign-in.
  "connect-src 'self' ws: wss: http: https:",
  "worker-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export const CONSOLE_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
} as const;

/** Whether a URL is one of the console's own pages. */
export function isConsoleUrl(text: string | undefined): boolean {
  if (!text) return false;
  try {
    const url = new URL(text);
    return url.protocol === `${CONSOLE_SCHEME}:` && url.host === CONSOLE_HOST;
  } catch {
    return false;
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Answers `app://baton/<path>` with the built console's file under `root`, and nothing outside it. */
export function createConsoleHandler({ root, readFile = fsReadFile }: { root: string; readFile?: (path: string) => Promise<Uint8Array> }) {
  const base = resolve(root);
  const notFound = (): Response => new Response('Not found', { status: 404, headers: { ...CONSOLE_HEADERS, 'content-type': 'text/plain; charset=utf-8' } });
  return async (request: Request): Promise<Response> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return notFound();
    }
    if (url.host !== CONSOLE_HOST || (request.method !== 'GET' && request.method !== 'HEAD')) return notFound();
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return notFound();
    }
    if (path === '/' || path === '') path = '/index.html';
    const file = resolve(base, `.${path}`);
    const inside = relative(base, file);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || path.includes('\0')) return notFound();
    try {
      const body = await readFile(file);
      const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: { ...CONSOLE_HEADERS, 'content-type': type } });
    } catch {
      return notFound();
    }
  };
}
