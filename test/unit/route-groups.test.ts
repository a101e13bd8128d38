import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { routeGroup } from '../../hub/http/plugins.ts';
import { ingressRateLimit } from '../../hub/http/rate-limits.ts';
import { requestChecks } from '../../hub/http/request-checks.ts';
import { securityHeaders } from '../../hub/http/security.ts';

const group = routeGroup('test-group', async (app) => {
  app.get('/inside', async () => ({ ok: true }));
});

describe('route groups stand on the cross-cutting hooks', () => {
  it('a server with a route group and no security headers, limit or checks refuses to start', async () => {
    const app = Fastify();
    app.register(group);
    await expect(app.ready()).rejects.toThrow(/baton-security-headers/);
  });

  it('registered after them, a group gets their hooks: headers on its answers, and a bad path parameter refused', async () => {
    const app = Fastify();
    await app.register(securityHeaders);
    await app.register(ingressRateLimit, { max: 0, windowMs: 1_000 });
    await app.register(requestChecks);
    app.register(
      routeGroup('test-params', async (scope) => {
        scope.get<{ Params: { id: string } }>('/things/:id', async (request) => ({ id: request.params.id }));
      }),
    );
    app.register(group);
    const inside = await app.inject({ method: 'GET', url: '/inside' });
    expect(inside.statusCode).toBe(200);
    expect(inside.headers['x-content-type-options']).toBe('nosniff');
    const bad = await app.inject({ method: 'GET', url: '/things/a%00b' });
    expect(bad.statusCode).toBe(400);
    await app.close();
  });
});
