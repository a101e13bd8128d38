import Fastify, { LogController, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { CancelBody, ContextPacket, MAX_BODY_BYTES, issueList } from '../../shared/protocol/index.ts';
import { BotFrameworkHandoffActivity } from '../../shared/protocol/botframework.ts';
import type { Integration } from '../auth/integration-keys.ts';
import { IdempotencyConflict, PacketRejected } from '../handoffs/bot-actions.ts';
import { CommandFailure } from '../core/effects.ts';
import type { HandoffService } from '../service/handoff-service.ts';
import { botFrameworkToPacket } from '../ingress/botframework.ts';
import { connectorEvents, type IncomingOptions } from './connector-events.ts';
import { leadRoutes } from './lead.ts';
import { serveConsole } from '../http/console.ts';
import { HttpError, invalidBody, invalidPacket, sendError } from '../http/errors.ts';
import { trustedHop, type TrustProxy } from '../http/client-address.ts';
import { integrationAuth } from '../http/integration-auth.ts';
import { TOO_DEEP, textNestsDeeperThan } from '../http/nesting.ts';
import { describeUnstorable, findUnstorable, isStorable } from '../http/storable-text.ts';
import { ingressRateLimit, type IngressLimit, type SignInLimiter } from '../http/rate-limits.ts';
import { securityHeaders } from '../http/security.ts';
import { platformIngress, type PlatformIngressOptions } from './platform-ingress.ts';

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
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** A request's path without its query string. */
const pathOf = (url: string): string => url.split('?')[0]!;

/** The REST side of the hub: bots hand conversations over, read them back and cancel them. */
export async function createHttpServer({ service, log, connectors, platforms, corsOrigins, trustProxy, ingressLimit, signIns }: HttpOptions) {
  // Fastify's own two lines per request are replaced by one, at info only when something went
  // wrong: a created handoff already logs "handoff received", and at hundreds a second the log
  // should not cost more than the work.
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: MAX_BODY_BYTES,
    return503OnClosing: true,
    // The same trust as socket.io handshakes get (client-address.ts), so both see the same client.
    ...(trustProxy !== undefined && { trustProxy: trustedHop(trustProxy) }),
    logController: new LogController({ disableRequestLogging: true }),
    // Refused before routing (a percent-escape that is not UTF-8, such as a lone surrogate's): in the protocol's shape too.
    frameworkErrors: (error, _request, reply) => {
      const badUrl = (error as { code?: string }).code === 'FST_ERR_BAD_URL';
      return sendError(reply, new HttpError(400, 'invalid_request', badUrl ? 'The path holds a percent-escape that is not UTF-8 text.' : 'The request could not be routed.'));
    },
  });
  app.addHook('onResponse', async (request, reply) => {
    const line = { method: request.method, url: pathOf(request.url), statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 400) request.log.info(line, 'request refused or failed');
    else request.log.debug(line, 'request');
  });
  // Loaded before any route is declared, so their hooks reach every route.
  await securityHeaders(app, corsOrigins);
  await ingressRateLimit(app, ingressLimit);
  // A path parameter is looked up in the store, which cannot hold U+0000 (nor a lone surrogate):
  // such an id names nothing, and is refused before any route or credential check.
  app.addHook('onRequest', async (request) => {
    for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
      if (typeof value === 'string' && !isStorable(value)) {
        throw new HttpError(400, 'invalid_request', `The path parameter ${name} holds text no id can have (U+0000 or a lone surrogate).`, [{ path: name, message: 'must not contain U+0000 or a lone surrogate' }]);
      }
    }
  });

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

  // A wrong key is a failed sign-in of the client's address, like a wrong agent token. Routes
  // with a body check it before the body is read (`preParsing: beforeBody`).
  const { authenticate, beforeBody } = integrationAuth((key) => service.integrations.find(key), signIns);

  const idempotencyKey = (request: FastifyRequest): string | undefined => {
    const value = request.headers['idempotency-key'];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
      throw new HttpError(400, 'invalid_request', 'Idempotency-Key must be 1 to 200 visible ASCII characters.', [{ path: 'Idempotency-Key', message: 'invalid' }]);
    }
    return value;
  };

  const parse = <T>(schema: ZodType<T>, body: unknown, what: 'packet' | 'request' = 'packet'): T => {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const issues = issueList(result.error);
    if (what === 'packet') throw invalidPacket(issues);
    throw invalidBody('invalid_request', 'request body', issues);
  };

  const create = async (integration: Integration, packet: ContextPacket, key: string | undefined) => {
    try {
      return await service.createHandoff(integration, packet, key);
    } catch (error) {
      if (error instanceof PacketRejected) throw invalidPacket(error.issues);
      if (error instanceof IdempotencyConflict) throw new HttpError(409, 'idempotency_conflict', error.message);
      throw error;
    }
  };

  app.post('/v1/handoffs', { preParsing: beforeBody }, async (request, reply) => {
    const integration = await authenticate(request);
    const key = idempotencyKey(request);
    parse(ContextPacket, request.body);
    // Stored as the bot sent it: the schema only checks it.
    const { handoff, created } = await create(integration, request.body as ContextPacket, key);
    request.log.info({ handoffId: handoff.id, integration: integration.name, created }, 'handoff received');
    return reply.code(created ? 201 : 200).send({ handoff });
  });

  app.post('/v1/ingress/botframework', { preParsing: beforeBody }, async (request, reply) => {
    const integration = await authenticate(request);
    const key = idempotencyKey(request);
    const activity = parse(BotFrameworkHandoffActivity, request.body);
    const packet = parse(ContextPacket, botFrameworkToPacket(activity));
    const { handoff, created } = await create(integration, packet, key);
    request.log.info({ handoffId: handoff.id, integration: integration.name, created, platform: 'botframework' }, 'handoff received');
    return reply.code(created ? 201 : 200).send({ handoff });
  });

  app.get<{ Params: { id: string } }>('/v1/handoffs/:id', async (request) => {
    const integration = await authenticate(request);
    const handoff = await service.handoffWithEvents(integration.id, request.params.id);
    if (!handoff) throw new HttpError(404, 'not_found', `There is no handoff ${request.params.id} for this integration.`);
    return { handoff };
  });

  app.post<{ Params: { id: string } }>('/v1/handoffs/:id/cancel', { preParsing: beforeBody }, async (request) => {
    const integration = await authenticate(request);
    const { reason } = parse(CancelBody, request.body ?? {}, 'request');
    try {
      const handoff = await service.cancelHandoff(integration.id, request.params.id, reason);
      if (!handoff) throw new HttpError(404, 'not_found', `There is no handoff ${request.params.id} for this integration.`);
      request.log.info({ handoffId: handoff.id, integration: integration.name }, 'handoff cancelled');
      return { handoff };
    } catch (error) {
      if (error instanceof CommandFailure) throw new HttpError(409, 'conflict', error.message);
      throw error;
    }
  });

  // Team metrics for leads, and the conversation counts bots report for deflection.
  app.register(leadRoutes(service, signIns));
  // Product tools (GitHub, Jira, Linear, webhook) report status changes of their issues.
  app.register(connectorEvents({ service, signIns, ...connectors }));
  // Messaging platforms (Sunshine Conversations, Chatwoot) hand conversations over.
  app.register(platformIngress({ service, signIns, ...platforms }));

  return app;
}
