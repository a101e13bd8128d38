// Signing in through the hub's identity provider (OpenID Connect) and the sessions that follow.
import { z } from 'zod';
import { AgentView } from './agent.ts';

/** An RFC 7636 PKCE code verifier: 43 to 128 unreserved characters. */
export const PkceVerifier = z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, 'must be 43 to 128 letters, digits, ".", "_", "~" or "-" (RFC 7636)');
/** Its S256 challenge: base64url of SHA-256, 43 characters. */
export const PkceChallenge = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the base64url SHA-256 of the code verifier (43 characters)');

/** `GET /v1/sign-in/options`: how people sign in to this hub. */
export const SignInOptions = z.object({
  /** Set when the hub signs people in through an identity provider. */
  provider: z.object({ name: z.string() }).nullable(),
});
export type SignInOptions = z.infer<typeof SignInOptions>;

/** Query of `GET /v1/sign-in/start`: where the hub sends the app back, and the app's own state and PKCE challenge. */
export const SignInStartQuery = z.strictObject({
  redirect_uri: z.string().max(2000),
  state: z.string().min(16).max(200),
  code_challenge: PkceChallenge,
  code_challenge_method: z.literal('S256'),
});

/** `POST /v1/session/token`: the one-time code the app was sent back with, and its PKCE verifier. */
export const SessionTokenBody = z.strictObject({ code: z.string().min(1).max(500), codeVerifier: PkceVerifier });
/** `POST /v1/session/refresh`. */
export const SessionRefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(500) });
/** `POST /v1/session/sign-out` (with `Authorization: Bearer <access token>`): `everywhere` ends every session of the person. */
export const SessionSignOutBody = z.strictObject({ everywhere: z.boolean().default(false) });

export const SessionTokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  accessExpiresAt: z.iso.datetime({ offset: true }),
  sessionExpiresAt: z.iso.datetime({ offset: true }),
});
export type SessionTokens = z.infer<typeof SessionTokens>;

export const SessionTokenAnswer = SessionTokens.extend({ agent: AgentView });
export type SessionTokenAnswer = z.infer<typeof SessionTokenAnswer>;

/**
 * `GET /v1/session/whoami`: who a credential (an agent token or a session's access token) signs in
 * as, changing nothing (no presence, no routing); the console asks before a sign-in link switches person.
 */
export const WhoAmIAnswer = z.object({ agent: z.object({ id: z.string(), name: z.string(), role: z.enum(['agent', 'lead']), team: z.string() }) });
export type WhoAmIAnswer = z.infer<typeof WhoAmIAnswer>;

/** The answer to a sign-out: where to end the session at the provider too, when it offers that. */
export const SignOutAnswer = z.object({ endedSessions: z.number().int(), providerSignOutUrl: z.string().nullable() });
export type SignOutAnswer = z.infer<typeof SignOutAnswer>;
