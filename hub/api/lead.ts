// HTTP for leads and for deflection: metrics as JSON and CSV (a lead's agent token), and the
// conversation counts bots report (an integration key).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { metricsCsvFileName, metricsToCsv } from '../../shared/domain/metrics.ts';
import { ConversationCountBody, MetricsQuery, type MetricsReport } from '../../shared/protocol/index.ts';
import { signedInWith } from '../auth/sessions.ts';
import { credentialShaped } from '../auth/sign-in.ts';
import type { HandoffService } from '../service/handoff-service.ts';
import { parseBody } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import { integrationAuth } from '../http/integration-auth.ts';
import { bearerToken, signInLockedError, type SignInLimiter } from '../http/rate-limits.ts';
import { ConversationCountRefused } from '../lead/conversations.ts';
import { teamMetricsReport } from '../lead/metrics-store.ts';

function bearer(request: FastifyRequest, what: string): string {
  const token = bearerToken(request.headers.authorization);
  if (!credentialShaped(token)) throw new HttpError(401, 'unauthorized', `Send ${what} as "Authorization: Bearer <${what}>".`);
  return token;
}

/** `signIns`: every 401 here counts as a failed sign-in of the client's address, and a locked address is refused (429). */
export function leadRoutes(service: HandoffService, signIns?: SignInLimiter, now: () => Date = () => new Date()) {
  /** The credential's owner, or 401; a locked address is refused before the credential is looked at. */
  async function signIn<T>(request: FastifyRequest, what: string, unknown: string, find: (token: string) => Promise<T | undefined>): Promise<T> {
    const locked = signIns?.locked(request.ip);
    if (locked) throw signInLockedError(locked);
    try {
      const found = await find(bearer(request, what));
      if (found === undefined) throw new HttpError(401, 'unauthorized', unknown);
      return found;
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) signIns?.failed(request.ip);
      throw error;
    }
  }

  /**
   * The lead of `team` the credential (a CLI token or a session's access token) belongs to: 401
   * for one the hub does not know, or that expired or was revoked; 403 for anyone else.
   */
  async function leadOf(request: FastifyRequest<{ Params: { team: string } }>) {
    const { agent } = await signIn(request, "a team lead's agent token", 'The token is not known to this hub, has expired or was revoked.', (token) => signedInWith(service.db, token, now()));
    if (agent.role !== 'lead') throw new HttpError(403, 'forbidden', 'Only team leads can read team metrics.');
    if (agent.team !== request.params.team) throw new HttpError(403, 'forbidden', `You lead team ${agent.team}; you cannot read the metrics of team ${request.params.team}.`);
    return agent;
  }

  async function report(request: FastifyRequest<{ Params: { team: string } }>): Promise<MetricsReport> {
    await leadOf(request);
    return teamMetricsReport(service.db, request.params.team, parseBody(MetricsQuery, request.query, 'query'));
  }

  // Bots sign in as on the other ingress routes, before their body is read.
  const integrations = integrationAuth((key) => service.integrations.find(key), signIns);

  return async function routes(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { team: string } }>('/v1/teams/:team/metrics', async (request) => report(request));

    app.get<{ Params: { team: string } }>('/v1/teams/:team/metrics.csv', async (request, reply) => {
      const metrics = await report(request);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${metricsCsvFileName(metrics)}"`)
        .send(metricsToCsv(metrics));
    });

    app.post('/v1/stats/conversations', { preParsing: integrations.beforeBody }, async (request, reply) => {
      const integration = await integrations.authenticate(request);
      const body = parseBody(ConversationCountBody, request.body, 'request body');
      try {
        const result = await service.recordConversationCount(integration, body);
        request.log.info({ integration: integration.name, ...result.conversations, replaced: result.replaced }, 'conversation count recorded');
        return reply.code(result.replaced ? 200 : 201).send(result);
      } catch (error) {
        if (error instanceof ConversationCountRefused) {
          if (error.kind === 'conflict') throw new HttpError(409, 'conflict', error.message);
          if (error.kind === 'forbidden') throw new HttpError(403, 'forbidden', error.message);
          throw new HttpError(400, 'invalid_request', error.message, error.issues);
        }
        throw error;
      }
    });
  };
}
