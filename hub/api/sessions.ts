// The session routes an app signed in through the identity provider uses: exchange its one-time
// code for a session, renew it before its access credential runs out, and sign out.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import { SessionRefreshBody, SessionSignOutBody, SessionTokenBody, type SessionTokenAnswer, type SignOutAnswer, type WhoAmIAnswer } from '../../shared/protocol/index.ts';
import {
  SessionRefused,
  endSession,
  endSessionOfReusedRefresh,
  endSessionsOf,
  exchangeGrant,
  providerIdTokenOf,
  renewSession,
  sessionOfRefresh,
  signedInWith,
  type ProviderSessions,
  type SessionLimits,
} from '../auth/sessions.ts';
import { parseBody } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import { bearerToken, signInLockedError, type SignInLimiter } from '../http/rate-limits.ts';
import type { HandoffService } from '../service/handoff-service.ts';
import { findAgent, toAgentView } from '../store/agents.ts';

export interface SessionRoutesOptions {
  service: HandoffService;
  limits: SessionLimits;
  now: () => Date;
  signIns: SignInLimiter;
  provider: ProviderSessions | undefined;
  /** Disconnects the apps of ended sessions at once (the periodic check would find them too). */
  ended: (sessionIds: string[]) => void;
}

const parse = <T>(schema: ZodType<T>, input: unknown): T => parseBody(schema, input ?? {}, 'request body');

export function sessionRoutes({ service, limits, now, signIns, provider, ended }: SessionRoutesOptions) {
  /** Runs a sign-in step; a refusal counts against the address's sign-in limit, and a locked address is refused first. */
  async function guarded<T>(request: FastifyRequest, step: () => Promise<T>): Promise<T> {
    const locked = signIns.locked(request.ip);
    if (locked) throw signInLockedError(locked);
    try {
      return await step();
    } catch (error) {
      if (error instanceof SessionRefused) {
        signIns.failed(request.ip);
        throw new HttpError(401, 'unauthorized', error.message);
      }
      if (error instanceof HttpError && error.status === 401) signIns.failed(request.ip);
      throw error;
    }
  }

  return async function routes(app: FastifyInstance): Promise<void> {
    app.post('/v1/session/token', async (request): Promise<SessionTokenAnswer> => {
      const body = parse(SessionTokenBody, request.body);
      return guarded(request, async () => {
        const tokens = await exchangeGrant(service.db, body.code, body.codeVerifier, now(), limits);
        const agent = await findAgent(service.db, tokens.agentId);
        if (!agent) throw new SessionRefused('This person no longer exists on the hub.');
        const { agentId: _, ...rest } = tokens;
        request.log.info({ agentId: agent.id }, 'session started');
        return { ...rest, agent: toAgentView(agent) };
      });
    });

    app.post('/v1/session/refresh', async (request) => {
      const body = parse(SessionRefreshBody, request.body);
      return guarded(request, async () => {
        const session = await sessionOfRefresh(service.db, body.refreshToken, now());
        if (!session) {
          const reused = await endSessionOfReusedRefresh(service.db, body.refreshToken, now());
          if (reused) {
            ended([reused]);
            request.log.warn({ sessionId: reused }, 'a used refresh token was presented again: session ended');
            throw new SessionRefused('That refresh token was already used, so the session has ended for safety. Sign in again.');
          }
          throw new SessionRefused('The session has ended, expired or was revoked. Sign in again.');
        }
        let fromProvider = {};
        if (session.providerRefreshToken !== null && provider) {
          const answer = await provider.refresh(session.providerRefreshToken);
          if (!answer) {
            await endSession(service.db, session.id, 'refused_by_provider', now());
            ended([session.id]);
            throw new SessionRefused('The identity provider no longer signs you in. Sign in again.');
          }
          fromProvider = answer;
        }
        const tokens = await renewSession(service.db, session.id, body.refreshToken, fromProvider, now(), limits);
        if (!tokens) throw new SessionRefused('That refresh token was already used, or the session ended. Sign in again.');
        return tokens;
      });
    });

    app.get('/v1/session/whoami', async (request): Promise<WhoAmIAnswer> =>
      guarded(request, async () => {
        const token = bearerToken(request.headers.authorization);
        const signedIn = token === undefined ? undefined : await signedInWith(service.db, token, now());
        if (!signedIn) throw new HttpError(401, 'unauthorized', 'The token is not known to this hub, has expired or was revoked.');
        const { id, name, role, team } = signedIn.agent;
        return { agent: { id, name, role, team } };
      }),
    );

    app.post('/v1/session/sign-out', async (request): Promise<SignOutAnswer> => {
      const body = parse(SessionSignOutBody, request.body);
      return guarded(request, async () => {
        const token = bearerToken(request.headers.authorization);
        const signedIn = token === undefined ? undefined : await signedInWith(service.db, token, now());
        if (!signedIn || signedIn.credential.kind !== 'session') throw new HttpError(401, 'unauthorized', 'Send the session\'s access token as "Authorization: Bearer <access token>".');
        const { sessionId } = signedIn.credential;
        const idToken = await providerIdTokenOf(service.db, sessionId);
        const ids = body.everywhere ? await endSessionsOf(service.db, signedIn.agent.id, 'signed_out', now()) : (await endSession(service.db, sessionId, 'signed_out', now())) ? [sessionId] : [];
        ended(ids);
        request.log.info({ agentId: signedIn.agent.id, sessions: ids.length }, 'signed out');
        return { endedSessions: ids.length, providerSignOutUrl: provider?.signOutUrl(idToken) ?? null };
      });
    });
  };
}
