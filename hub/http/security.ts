// The security headers and the CORS policy of every HTTP answer the hub gives: helmet and
// @fastify/cors for Fastify's routes, and the same policy for socket.io's own HTTP answers
// (long-polling and the WebSocket handshake), which never pass through Fastify.
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyCors from '@fastify/cors';
import { fastifyHelmet, type FastifyHelmetOptions } from '@fastify/helmet';
import fp from 'fastify-plugin';
import type { Server } from 'socket.io';
import { z } from 'zod';
import { CROSS_CUTTING } from './plugins.ts';

type Directives = Record<string, string[]>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What @fastify/helmet reads per route (its `helmet` route option ends up here). */
    helmet?: Omit<FastifyHelmetOptions, 'global'>;
  }
}

/**
 * The JSON API loads nothing and is never framed: if a browser is ever made to render one of its
 * answers (a packet's text in an error message, say), nothing in it can run or load.
 */
const API_CSP: Directives = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] };

/**
 * The console runs no inline code and loads nothing from elsewhere: even if a packet's text were
 * ever put in the page as HTML, it could not run a script, load an image or send data away.
 */
export const CONSOLE_CSP: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
};

const REFERRER_POLICY = 'no-referrer';
const FRAME_OPTIONS = 'DENY';
const RESOURCE_POLICY = 'same-origin';

/** Every response's headers; the console's routes swap the CSP for CONSOLE_CSP (CONSOLE_ROUTE_HELMET). */
const HELMET: FastifyHelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
  // No HSTS: the hub itself speaks plain HTTP, where browsers ignore it, and only the TLS proxy in
  // front of a hub knows that every name it answers for is HTTPS-only; that proxy sets it.
  strictTransportSecurity: false,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: REFERRER_POLICY },
  crossOriginResourcePolicy: { policy: RESOURCE_POLICY },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
};

/** Route config (`config.helmet`) of the console's routes: the console's CSP instead of the API's. */
export const CONSOLE_ROUTE_HELMET: Omit<FastifyHelmetOptions, 'global'> = {
  contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP },
};

/** A CSP header value, serialised by helmet itself so it is exactly what responses carry. */
function cspHeader(directives: Directives): string {
  let value = '';
  const recorder = { setHeader: (_name: string, header: string) => void (value = header) };
  fastifyHelmet.contentSecurityPolicy({ useDefaults: false, directives })({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return value;
}

/** What the console's pages and files carry, besides what every response carries. */
export const CONSOLE_HEADERS = {
  'content-security-policy': cspHeader(CONSOLE_CSP),
  'x-content-type-options': 'nosniff',
  'referrer-policy': REFERRER_POLICY,
  'x-frame-options': FRAME_OPTIONS,
} as const;

/** socket.io's HTTP answers: the API's policy (they carry JSON-like text, never a page). */
const SOCKET_IO_HEADERS = {
  'content-security-policy': cspHeader(API_CSP),
  'x-content-type-options': 'nosniff',
  'referrer-policy': REFERRER_POLICY,
  'x-frame-options': FRAME_OPTIONS,
  'cross-origin-resource-policy': RESOURCE_POLICY,
} as const;

/**
 * A browser origin allowed to call the hub across origins, as a browser sends it in `Origin`:
 * `scheme://host[:port]`, no path, no wildcard.
 */
export const CorsOrigin = z
  .string()
  .max(300)
  .regex(/^[a-z][a-z0-9+.-]*:\/\/[^/\s?#*]+$/i, 'must be an origin such as https://console.example.com (scheme://host[:port], no path, no wildcard)');

/** The desktop app's console (electron/console): it signs in and renews its session over HTTP. */
export const DESKTOP_CONSOLE_ORIGIN = 'app://baton';

/**
 * Helmet, and CORS, on every answer of the server it is registered on, whatever is registered
 * after it (a fastify-plugin: its hooks are not kept inside a context of their own). The API is
 * for bots (server to server) and the web console is served by the hub itself, so browsers on
 * other origins get no `Access-Control-Allow-Origin` unless their origin is listed; the desktop's
 * console always is (no web page can send that origin). No credentials mode: the hub's
 * credentials are bearer tokens a page must hold itself, never cookies a browser would attach.
 */
export const securityHeaders = fp<{ corsOrigins?: readonly string[] }>(async (app, { corsOrigins = [] }) => {
  // A wildcard in the list would let every site in: refuse anything but exact origins.
  const origins = [DESKTOP_CONSOLE_ORIGIN, ...corsOrigins].map((origin) => {
    const parsed = CorsOrigin.safeParse(origin);
    if (!parsed.success) throw new Error(`corsOrigins: ${JSON.stringify(origin)} ${parsed.error.issues[0]?.message ?? 'is not an origin'}`);
    return parsed.data;
  });
  await app.register(fastifyHelmet, HELMET);
  await app.register(fastifyCors, {
    origin: origins,
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key'],
    exposedHeaders: ['retry-after'],
    maxAge: 600,
    // An OPTIONS without Origin is no preflight: answer it like any other, not with a text/plain 400.
    strictPreflight: false,
  });
}, { name: CROSS_CUTTING.securityHeaders, fastify: '5.x' });

/**
 * The same policy on socket.io's own HTTP answers. Only long-polling is subject to CORS; a
 * WebSocket is not (the desktop's console at app://baton connects that way), and its origin is
 * not checked: the handshake's credential is the token in `auth`, which a page on another
 * origin does not have, so a cross-site page gains nothing by opening one.
 */
export function secureSocketIo(io: Server): void {
  io.engine.use((_req: IncomingMessage, res: ServerResponse, next: () => void) => {
    for (const [name, value] of Object.entries(SOCKET_IO_HEADERS)) res.setHeader(name, value);
    next();
  });
}

/** socket.io's `cors` option for the same allowed origins. */
export function socketIoCors(corsOrigins: readonly string[] = []) {
  return { origin: corsOrigins.length > 0 ? [...corsOrigins] : false, methods: ['GET', 'POST'] };
}
