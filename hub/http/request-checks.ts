import fp from 'fastify-plugin';
import { HttpError } from './errors.ts';
import { CROSS_CUTTING } from './plugins.ts';
import { isStorable } from './storable-text.ts';

/** A request's path without its query string (a query may carry what a client should not have put there). */
export const pathOf = (url: string): string => url.split('?')[0]!;

/**
 * On every request of the server it is registered on (a fastify-plugin): a path parameter the
 * store could not hold is refused before any route or credential check, and each answer is one
 * log line (at info only when something went wrong: a created handoff already logs "handoff
 * received", and at hundreds a second the log should not cost more than the work).
 */
export const requestChecks = fp(
  async (app) => {
    // The store cannot hold U+0000 (nor a lone surrogate): such an id names nothing.
    app.addHook('onRequest', async (request) => {
      for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
        if (typeof value === 'string' && !isStorable(value)) {
          throw new HttpError(400, 'invalid_request', `The path parameter ${name} holds text no id can have (U+0000 or a lone surrogate).`, [{ path: name, message: 'must not contain U+0000 or a lone surrogate' }]);
        }
      }
    });
    app.addHook('onResponse', async (request, reply) => {
      const line = { method: request.method, url: pathOf(request.url), statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) };
      if (reply.statusCode >= 400) request.log.info(line, 'request refused or failed');
      else request.log.debug(line, 'request');
    });
  },
  { name: CROSS_CUTTING.requestChecks, fastify: '5.x' },
);
