import Fastify, { LogController } from 'fastify';
import type { Logger } from 'pino';
import { MAX_BODY_BYTES } from '../../shared/protocol/index.ts';
import type { HandoffService } from '../service/handoff-service.ts';
import { connectorEvents, type IncomingOptions } from './connector-events.ts';
import { handoffRoutes } from './handoffs.ts';
import { leadRoutes } from './lead.ts';
import { platformIngress, type PlatformIngressOptions } from './platform-ingress.ts';
import { sessionRoutes, type SessionRoutesOptions } from './sessions.ts';
import { signInRoutes, type SignInRoutesOptions } from './sign-in.ts';
import { serveConsole } from '../http/console.ts';
import { HttpError, sendError } from '../http/errors.ts';
import { trustedHop, type TrustProxy } from '../http/client-address.ts';
import { TOO_DEEP, textNestsDeeperThan } from '../http/nesting.ts';
import { ingressRateLimit, type IngressLimit, type SignInLimiter } from '../http/rate-limits.ts';
import { routeGroup } from '../http/plugins.ts';
import { pathOf, requestChecks } from '../http/request-checks.ts';
import { securityHeaders } from '../http/security.ts';
import { describeUnstorable, findUnstorable } from '../http/storable-text.ts';

export interface HttpOptions {
  service: HandoffService;
  log: Logger;
  /** Incoming product tool events: where `*Env` secrets are read, and the clock their signatures are checked with. */
  connectors?: Omit<IncomingOptions, 'service'>;
  /** Messaging platforms' webhooks: where secrets are read, how their APIs are called. */
  platforms?: Omit<PlatformIngressOptions, 'service' | 'signIns'>;
  /** Browser origins allowed to call the hub (CORS); none by default. */
  corsOrigins?: readonly string[];
  /** Behind reverse proxies: which of them to trust for the client's address (see client-address.ts). */
  trustProxy?: TrustProxy;
  ingressLimit: IngressLimit;
  signIns: SignInLimiter;
  sessions: Omit<SessionRoutesOptions, 'service' | 'signIns'>;
  signIn: Pick<SignInRoutesOptions, 'provider' | 'people'>;
}

/**
 * The hub's HTTP server: the cross-cutting hooks first (security headers, the ingress limit,
 * request checks), then one plugin per route group (bots' handoffs, messaging platforms' webhooks,
 * the lead API, product tools' events, sign-in and sessions) and the console.
 */
export async function createHttpServer({ service, log, connectors, platforms, corsOrigins, trustProxy, ingressLimit, signIns, sessions, signIn }: HttpOptions) {
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: MAX_BODY_BYTES,
    return503OnClosing: true,
    // The same trust as socket.io handshakes get (client-address.ts), so both see the same client.
    ...(trustProxy !== undefined && { trustProxy: trustedHop(trustProxy) }),
    // Fastify's own two lines per request are replaced by requestChecks' one.
    logController: new LogController({ disableRequestLogging: true }),
    // Refused before routing (a percent-escape that is not UTF-8, such as a lone surrogate's): in the protocol's shape too.
    frameworkErrors: (error, _request, reply) => {
      const badUrl = (error as { code?: string }).code === 'FST_ERR_BAD_URL';
      void sendError(reply, new HttpError(400, 'invalid_request', badUrl ? 'The path holds a percent-escape that is not UTF-8 text.' : 'The request could not be routed.'));
    },
  });
  await app.register(securityHeaders, { ...(corsOrigins && { corsOrigins }) });
  await app.register(ingressRateLimit, ingressLimit);
  await app.register(requestChecks);

  // Our own JSON parser so an empty body (cancel without a reason) is allowed and a syntax error
  // is reported in the protocol's error shape like any other invalid body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    // Before JSON.parse, so a body nested thousands deep costs one pass over its bytes and nothing more.
    if (textNestsDeeperThan(text)) return done(new HttpError(400, 'invalid_packet', `The body ${TOO_DEEP.message}.`, [TOO_DEEP]), undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return done(new HttpError(400, 'invalid_packet', `The body is not valid JSON: ${(error as Error).message}.`, [{ path: '', message: 'not valid JSON' }]), undefined);
    }
    const unstorable = findUnstorable(parsed);
    if (unstorable.issues.length > 0) {
      return done(new HttpError(400, 'invalid_packet', `The body has ${describeUnstorable(unstorable)}.`, unstorable.issues, undefined, unstorable.more), undefined);
    }
    done(null, parsed);
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof HttpError) return sendError(reply, error);
    const code = (error as { code?: string }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, new HttpError(413, 'too_large', `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`));
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return sendError(reply, new HttpError(415, 'unsupported_media_type', `Send JSON with Content-Type: application/json (got ${request.headers['content-type'] ?? 'none'}).`));
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return sendError(reply, new HttpError(400, 'invalid_request', (error as Error).message));
    // The path only: a query string may carry what a client should not have put there (a token).
    request.log.error({ err: error, method: request.method, url: pathOf(request.url) }, 'request failed');
    return sendError(reply, new HttpError(500, 'internal', 'The hub failed to handle this request; it has been logged.'));
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, new HttpError(404, 'not_found', `No route ${request.method} ${pathOf(request.url)}.`)));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.register(serveConsole);

  // Bots hand conversations over, read them back and cancel them.
  app.register(routeGroup('baton-handoffs', handoffRoutes(service, signIns)));
  // Team metrics for leads, and the conversation counts bots report for deflection.
  app.register(routeGroup('baton-lead', leadRoutes(service, signIns, sessions.now)));
  // Sessions of apps signed in through the identity provider: exchange, renew, sign out.
  app.register(routeGroup('baton-sessions', sessionRoutes({ service, signIns, ...sessions })));
  app.register(routeGroup('baton-sign-in', signInRoutes({ service, signIns, limits: sessions.limits, now: sessions.now, ...signIn })));
  // Product tools (GitHub, Jira, Linear, webhook) report status changes of their issues.
  app.register(routeGroup('baton-connector-events', connectorEvents({ service, signIns, ...connectors })));
  // Messaging platforms (Sunshine Conversations, Chatwoot) hand conversations over.
  app.register(routeGroup('baton-platform-ingress', platformIngress({ service, signIns, ...platforms })));

  return app;
}
