// The bots' routes: hand a conversation over (as a context packet, or as a Bot Framework
// handoff.initiate activity), read it back with its history, and cancel it. Every one signs the
// bot in by its integration key; those with a body do so before the body is read.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CancelBody, ContextPacket } from '../../shared/protocol/index.ts';
import { BotFrameworkHandoffActivity } from '../../shared/protocol/botframework.ts';
import type { Integration } from '../auth/integration-keys.ts';
import { CommandFailure } from '../core/effects.ts';
import { IdempotencyConflict, PacketRejected } from '../handoffs/bot-actions.ts';
import { parseBody } from '../http/body.ts';
import { HttpError, invalidPacket } from '../http/errors.ts';
import { integrationAuth } from '../http/integration-auth.ts';
import type { SignInLimiter } from '../http/rate-limits.ts';
import { botFrameworkToPacket } from '../ingress/botframework.ts';
import type { HandoffService } from '../service/handoff-service.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function handoffRoutes(service: HandoffService, signIns: SignInLimiter) {
  return async function routes(app: FastifyInstance): Promise<void> {
    // A wrong key is a failed sign-in of the client's address (`signIns`), like a wrong agent
    // token. Routes with a body check it before the body is read (`preParsing: beforeBody`).
    const { authenticate, beforeBody } = integrationAuth((key) => service.integrations.find(key), signIns);

    const idempotencyKey = (request: FastifyRequest): string | undefined => {
      const value = request.headers['idempotency-key'];
      if (value === undefined) return undefined;
      if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
        throw new HttpError(400, 'invalid_request', 'Idempotency-Key must be 1 to 200 visible ASCII characters.', [{ path: 'Idempotency-Key', message: 'invalid' }]);
      }
      return value;
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
      parseBody(ContextPacket, request.body, 'packet');
      // Stored as the bot sent it: the schema only checks it.
      const { handoff, created } = await create(integration, request.body as ContextPacket, key);
      request.log.info({ handoffId: handoff.id, integration: integration.name, created }, 'handoff received');
      return reply.code(created ? 201 : 200).send({ handoff });
    });

    app.post('/v1/ingress/botframework', { preParsing: beforeBody }, async (request, reply) => {
      const integration = await authenticate(request);
      const key = idempotencyKey(request);
      const activity = parseBody(BotFrameworkHandoffActivity, request.body, 'packet');
      const packet = parseBody(ContextPacket, botFrameworkToPacket(activity), 'packet');
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
      const { reason } = parseBody(CancelBody, request.body ?? {}, 'request body');
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
  };
}
