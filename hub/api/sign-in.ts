// Signing in through the identity provider. The app (console or desktop) opens
// /v1/sign-in/start in a browser with its own state and PKCE challenge; the hub runs the
// authorization code flow with the provider (its own state, nonce and PKCE) and sends the browser
// back to the app with a one-time code, which only the app's PKCE verifier turns into a session.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SignInStartQuery, type SignInOptions } from '../../shared/protocol/index.ts';
import { SIGN_IN_ATTEMPT_TTL_MS, createGrant, type SessionLimits } from '../auth/sessions.ts';
import { parseBody } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import { signInLockedError, type SignInLimiter } from '../http/rate-limits.ts';
import { PersonRefused, personFor, type PeoplePolicy } from '../oidc/people.ts';
import { ProviderRefused, type RelyingParty } from '../oidc/relying-party.ts';
import type { HandoffService } from '../service/handoff-service.ts';

export interface SignInRoutesOptions {
  service: HandoffService;
  provider: RelyingParty | undefined;
  people: PeoplePolicy;
  limits: SessionLimits;
  now: () => Date;
  signIns: SignInLimiter;
}

/**
 * Where the hub may send the browser back: the console the hub serves, a loopback address (the
 * desktop app's listener, RFC 8252 §7.3) or the desktop app's `baton:` scheme (§7.1). Anything
 * else is refused, so the hub is no open redirector and a code goes only to the app that asked.
 */
export function allowedAppRedirect(redirect: string, publicUrl: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(redirect);
  } catch {
    return undefined;
  }
  if (url.hash !== '' || url.username !== '' || url.password !== '') return undefined;
  if (url.origin === new URL(publicUrl).origin) return url;
  if (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]') && url.port !== '') return url;
  if (url.protocol === 'baton:' && url.host === 'sign-in') return url;
  return undefined;
}

function page(reply: FastifyReply, status: number, message: string) {
  const text = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .send(`<!doctype html><meta charset="utf-8"><title>Baton sign-in</title><p>${text}</p><p>Close this page and sign in again from Baton.</p>`);
}

export function signInRoutes({ service, provider, people, limits, now, signIns }: SignInRoutesOptions) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/v1/sign-in/options', async (): Promise<SignInOptions> => ({ provider: provider ? { name: provider.settings.name } : null }));

    app.get('/v1/sign-in/start', async (request, reply) => {
      if (!provider) throw new HttpError(404, 'not_found', 'This hub does not sign people in through an identity provider; sign in with a token.');
      const query = parseBody(SignInStartQuery, request.query, 'query');
      if (!allowedAppRedirect(query.redirect_uri, provider.settings.publicUrl)) {
        throw new HttpError(400, 'invalid_request', 'redirect_uri must be this hub\'s console, a loopback address with a port (http://127.0.0.1:<port>/…) or baton://sign-in/….');
      }
      const { rows: pending } = await service.db.query<{ n: number }>('select count(*)::int as n from sign_in_attempts where created_at > $1', [new Date(now().getTime() - SIGN_IN_ATTEMPT_TTL_MS)]);
      if ((pending[0]?.n ?? 0) >= limits.maxPendingSignIns) {
        throw new HttpError(429, 'rate_limited', 'Too many sign-ins are under way on this hub; try again in a minute.', undefined, 60);
      }
      const started = await provider.start();
      await service.db.query(
        'insert into sign_in_attempts (state, nonce, code_verifier, app_redirect, app_state, app_code_challenge, created_at) values ($1, $2, $3, $4, $5, $6, $7)',
        [started.state, started.nonce, started.codeVerifier, query.redirect_uri, query.state, query.code_challenge, now()],
      );
      return reply.redirect(started.url, 302);
    });

    app.get('/v1/sign-in/callback', async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
      if (!provider) throw new HttpError(404, 'not_found', 'This hub does not sign people in through an identity provider.');
      const locked = signIns.locked(request.ip);
      if (locked) throw signInLockedError(locked);
      const state = request.query.state;
      // The attempt is taken (deleted) first: a state, and the code that came with it, work once.
      const { rows } = typeof state === 'string' && state.length < 200
        ? await service.db.query<{ nonce: string; code_verifier: string; app_redirect: string; app_state: string; app_code_challenge: string; created_at: Date }>(
            'delete from sign_in_attempts where state = $1 returning nonce, code_verifier, app_redirect, app_state, app_code_challenge, created_at',
            [state],
          )
        : { rows: [] };
      const attempt = rows[0];
      if (!attempt || attempt.created_at.getTime() < now().getTime() - SIGN_IN_ATTEMPT_TTL_MS) {
        signIns.failed(request.ip);
        request.log.info('sign-in callback with an unknown, used or stale state');
        return page(reply, 400, 'This sign-in is unknown, was already used, or took too long.');
      }
      const back = new URL(attempt.app_redirect);
      back.searchParams.set('state', attempt.app_state);
      try {
        const identity = await provider.finish(new URL(request.url, provider.settings.publicUrl), { state: state!, nonce: attempt.nonce, codeVerifier: attempt.code_verifier });
        // One change: a person created or re-teamed here is routed and announced like any other.
        const code = await service.change(async ({ q }) => {
          const agentId = await personFor(q, identity, people, now());
          return createGrant(q, agentId, attempt.app_code_challenge, identity.provider, now(), limits);
        });
        request.log.info({ issuer: identity.issuer }, 'signed in at the identity provider');
        back.searchParams.set('code', code);
      } catch (error) {
        if (!(error instanceof ProviderRefused || error instanceof PersonRefused)) throw error;
        signIns.failed(request.ip);
        request.log.info({ reason: error.message }, 'sign-in refused');
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set('error_description', error.message);
      }
      return reply.redirect(back.href, 302);
    });
  };
}
