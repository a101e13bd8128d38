import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The hooks every route group stands on. Each is a fastify-plugin, so its hooks reach the whole
 * server rather than a context of its own; a route group names them as dependencies, so fastify
 * refuses to start if one is missing or registered after the group.
 */
export const CROSS_CUTTING = {
  securityHeaders: 'baton-security-headers',
  ingressRateLimit: 'baton-ingress-rate-limit',
  requestChecks: 'baton-request-checks',
} as const;

/** A group of routes: its own context (its parsers and hooks stay inside), on the cross-cutting hooks. */
export function routeGroup<Options extends Record<string, unknown> = Record<never, never>>(name: string, routes: FastifyPluginAsync<Options>) {
  return fp(routes, { name, encapsulate: true, dependencies: Object.values(CROSS_CUTTING), fastify: '5.x' });
}
