// Who holds a credential, and sessions that end. Two kinds of credential sign an app in:
// - a CLI token (`agt_…`), long-lived for service use and demos, with an optional expiry;
// - a session's access credential (`acc_…`), short-lived, renewed with its refresh credential
//   (`ref_…`) through the hub, which asks the identity provider again when it holds a refresh
//   token of the provider's.
// A revoked person is refused whatever they hold. Every credential is stored as a SHA-256 hash.
import { createHash, randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import { AGENT_COLUMNS, type AgentRow } from '../store/agents.ts';
import { hashSecret, newSecret, sameSecret } from './secrets.ts';
import { credentialShaped } from './sign-in.ts';

export interface SessionLimits {
  /** How long an access credential works (default 5 minutes). */
  accessTtlMs: number;
  /** How long a session lasts at most, refreshed or not (default 12 hours); then sign in again. */
  maxLifetimeMs: number;
  /** How long the one-time code an app exchanges for a session works (default 2 minutes). */
  grantTtlMs: number;
  /**
   * Sign-ins under way at the provider at most (default 10,000): starting one needs no credential,
   * so this keeps anyone from filling the store; past it, new ones are refused until older ones
   * finish or go stale (10 minutes).
   */
  maxPendingSignIns: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { accessTtlMs: 5 * 60_000, maxLifetimeMs: 12 * 3600_000, grantTtlMs: 2 * 60_000, maxPendingSignIns: 10_000 };

/** What an app signed in with: a CLI token, or a session (by id). */
export type Credential = { kind: 'token' } | { kind: 'session'; sessionId: string };

export interface SignedIn {
  agent: AgentRow;
  credential: Credential;
}

/** The person a credential belongs to, if it is known, unexpired, and they are not revoked. */
export async function signedInWith(q: Queryable, credential: string, now: Date): Promise<SignedIn | undefined> {
  if (!credentialShaped(credential)) return undefined;
  const hash = hashSecret(credential);
  if (credential.startsWith('acc_')) {
    const { rows } = await q.query<AgentRow & { session_id: string }>(
      `select ${AGENT_COLUMNS}, s.id as session_id from sessions s join agents a on a.id = s.agent_id
       where s.access_hash = $1 and s.ended_at is null and s.access_expires_at > $2 and s.expires_at > $2 and a.revoked_at is null`,
      [hash, now],
    );
    const row = rows[0];
    if (!row) return undefined;
    const { session_id: sessionId, ...agent } = row;
    return { agent, credential: { kind: 'session', sessionId } };
  }
  const { rows } = await q.query<AgentRow>(
    `select ${AGENT_COLUMNS} from agents a where a.token_hash = $1 and a.revoked_at is null and (a.token_expires_at is null or a.token_expires_at > $2)`,
    [hash, now],
  );
  return rows[0] && { agent: rows[0], credential: { kind: 'token' } };
}

/**
 * Whether an app that signed in earlier may stay connected: the person is not revoked, a CLI token
 * has not expired or been replaced, and a session has not ended and is kept fresh (its access
 * credential renewed before it runs out).
 */
export async function stillSignedIn(q: Queryable, agentId: string, credential: Credential, tokenHash: string | undefined, now: Date): Promise<boolean> {
  if (credential.kind === 'session') {
    const { rows } = await q.query(
      `select 1 from sessions s join agents a on a.id = s.agent_id
       where s.id = $1 and s.ended_at is null and s.access_expires_at > $2 and s.expires_at > $2 and a.revoked_at is null`,
      [credential.sessionId, now],
    );
    return rows.length > 0;
  }
  const { rows } = await q.query(
    'select 1 from agents where id = $1 and token_hash = $2 and revoked_at is null and (token_expires_at is null or token_expires_at > $3)',
    [agentId, tokenHash ?? '', now],
  );
  return rows.length > 0;
}

/** What an app keeps: the access credential for the socket and API, and the refresh credential to renew it. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access credential stops working (ISO 8601). */
  accessExpiresAt: string;
  /** When the session ends whatever happens (ISO 8601). */
  sessionExpiresAt: string;
}

export interface ProviderTokens {
  refreshToken: string | null;
  idToken: string | null;
}

/** The S256 PKCE challenge of a verifier (RFC 7636). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** Records the one-time code an app exchanges for a session once the provider has said who it is. */
export async function createGrant(q: Queryable, agentId: string, appCodeChallenge: string, provider: ProviderTokens, now: Date, limits: SessionLimits): Promise<string> {
  const code = newSecret('grant');
  await q.query(
    'insert into sign_in_grants (code_hash, agent_id, app_code_challenge, provider_refresh_token, provider_id_token, expires_at) values ($1, $2, $3, $4, $5, $6)',
    [hashSecret(code), agentId, appCodeChallenge, provider.refreshToken, provider.idToken, new Date(now.getTime() + limits.grantTtlMs)],
  );
  return code;
}

export class SessionRefused extends Error {}

/** Exchanges a one-time code (with the app's PKCE verifier) for a new session; a code works once. */
export async function exchangeGrant(q: Queryable, code: string, codeVerifier: string, now: Date, limits: SessionLimits): Promise<SessionTokens & { agentId: string }> {
  const { rows } = await q.query<{ agent_id: string; app_code_challenge: string; provider_refresh_token: string | null; provider_id_token: string | null; expires_at: Date }>(
    'delete from sign_in_grants where code_hash = $1 returning agent_id, app_code_challenge, provider_refresh_token, provider_id_token, expires_at',
    [hashSecret(code)],
  );
  const grant = rows[0];
  if (!grant) throw new SessionRefused('The sign-in code is unknown or was already used. Sign in again.');
  if (grant.expires_at <= now) throw new SessionRefused('The sign-in code has expired. Sign in again.');
  if (!PKCE_VERIFIER.test(codeVerifier) || !sameSecret(pkceChallenge(codeVerifier), grant.app_code_challenge)) {
    throw new SessionRefused('The code verifier does not match the sign-in (PKCE). Sign in again.');
  }
  const { rows: people } = await q.query('select 1 from agents where id = $1 and revoked_at is null', [grant.agent_id]);
  if (people.length === 0) throw new SessionRefused('Your access to this hub has been revoked.');
  const id = randomUUID();
  const accessToken = newSecret('acc');
  const refreshToken = newSecret('ref');
  const accessExpiresAt = new Date(now.getTime() + limits.accessTtlMs);
  const expiresAt = new Date(now.getTime() + limits.maxLifetimeMs);
  await q.query(
    `insert into sessions (id, agent_id, access_hash, access_expires_at, refresh_hash, expires_at, provider_refresh_token, provider_id_token, created_at, refreshed_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
    [id, grant.agent_id, hashSecret(accessToken), accessExpiresAt, hashSecret(refreshToken), expiresAt, grant.provider_refresh_token, grant.provider_id_token, now],
  );
  return { agentId: grant.agent_id, accessToken, refreshToken, accessExpiresAt: accessExpiresAt.toISOString(), sessionExpiresAt: expiresAt.toISOString() };
}

export interface OpenSession {
  id: string;
  agentId: string;
  providerRefreshToken: string | null;
  providerIdToken: string | null;
}

/** The open, unexpired session a refresh credential belongs to (its person not revoked). */
export async function sessionOfRefresh(q: Queryable, refreshToken: string, now: Date): Promise<OpenSession | undefined> {
  if (!refreshToken.startsWith('ref_') || refreshToken.length >= 500) return undefined;
  const { rows } = await q.query<{ id: string; agent_id: string; provider_refresh_token: string | null; provider_id_token: string | null }>(
    `select s.id, s.agent_id, s.provider_refresh_token, s.provider_id_token from sessions s join agents a on a.id = s.agent_id
     where s.refresh_hash = $1 and s.ended_at is null and s.expires_at > $2 and a.revoked_at is null`,
    [hashSecret(refreshToken), now],
  );
  const row = rows[0];
  return row && { id: row.id, agentId: row.agent_id, providerRefreshToken: row.provider_refresh_token, providerIdToken: row.provider_id_token };
}

/**
 * New access and refresh credentials for an open session; the old ones stop working. `provider`
 * holds the provider's newer tokens when it rotated them. Undefined when the refresh credential
 * was already used or the session ended meanwhile.
 */
export async function renewSession(q: Queryable, sessionId: string, refreshToken: string, provider: Partial<ProviderTokens>, now: Date, limits: SessionLimits): Promise<SessionTokens | undefined> {
  const accessToken = newSecret('acc');
  const nextRefresh = newSecret('ref');
  const { rows } = await q.query<{ expires_at: Date }>(
    `update sessions set access_hash = $3, refresh_hash = $4, previous_refresh_hash = refresh_hash, access_expires_at = least($5::timestamptz, expires_at), refreshed_at = $6,
       provider_refresh_token = coalesce($7, provider_refresh_token), provider_id_token = coalesce($8, provider_id_token)
     where id = $1 and refresh_hash = $2 and ended_at is null and expires_at > $6 returning expires_at`,
    [sessionId, hashSecret(refreshToken), hashSecret(accessToken), hashSecret(nextRefresh), new Date(now.getTime() + limits.accessTtlMs), now, provider.refreshToken ?? null, provider.idToken ?? null],
  );
  const row = rows[0];
  if (!row) return undefined;
  const accessExpiresAt = new Date(Math.min(now.getTime() + limits.accessTtlMs, row.expires_at.getTime()));
  return { accessToken, refreshToken: nextRefresh, accessExpiresAt: accessExpiresAt.toISOString(), sessionExpiresAt: row.expires_at.toISOString() };
}

/**
 * A refresh credential that was already used to renew its session: whoever presents it holds a
 * copy (the app itself moved on to the new one), so the session ends for both. Returns its id.
 */
export async function endSessionOfReusedRefresh(q: Queryable, refreshToken: string, now: Date): Promise<string | undefined> {
  if (!refreshToken.startsWith('ref_') || refreshToken.length >= 500) return undefined;
  const { rows } = await q.query<{ id: string }>(
    "update sessions set ended_at = $2, end_reason = 'refresh_reused' where previous_refresh_hash = $1 and ended_at is null returning id",
    [hashSecret(refreshToken), now],
  );
  return rows[0]?.id;
}

/** Ends one session; its credentials stop working at once. Returns whether it was open. */
export async function endSession(q: Queryable, sessionId: string, reason: string, now: Date): Promise<boolean> {
  const { rows } = await q.query('update sessions set ended_at = $2, end_reason = $3 where id = $1 and ended_at is null returning id', [sessionId, now, reason]);
  return rows.length > 0;
}

/** The provider's ID token a session was signed in with, for signing out there too. */
export async function providerIdTokenOf(q: Queryable, sessionId: string): Promise<string | null> {
  const { rows } = await q.query<{ provider_id_token: string | null }>('select provider_id_token from sessions where id = $1', [sessionId]);
  return rows[0]?.provider_id_token ?? null;
}

/** Ends every open session of a person; returns their ids. */
export async function endSessionsOf(q: Queryable, agentId: string, reason: string, now: Date): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>('update sessions set ended_at = $2, end_reason = $3 where agent_id = $1 and ended_at is null returning id', [agentId, now, reason]);
  return rows.map((r) => r.id);
}

/** How long a sign-in at the provider may take, from the start page to the callback. */
export const SIGN_IN_ATTEMPT_TTL_MS = 10 * 60_000;

/** Drops sign-in attempts and codes nobody used, and sessions long over; keeps the tables small. */
export async function pruneSignIns(q: Queryable, now: Date): Promise<void> {
  const stale = new Date(now.getTime() - SIGN_IN_ATTEMPT_TTL_MS);
  await q.query('delete from sign_in_attempts where created_at < $1', [stale]);
  await q.query('delete from sign_in_grants where expires_at < $1', [now]);
  await q.query('delete from sessions where expires_at < $1', [new Date(now.getTime() - 30 * 24 * 3600_000)]);
}

/** The identity provider behind sessions, as the session routes need it. */
export interface ProviderSessions {
  /** Asks the provider again with its refresh token; undefined when it refuses (the person was disabled or signed out there). */
  refresh(refreshToken: string): Promise<Partial<ProviderTokens> | undefined>;
  /** Where the app may send the person to sign out at the provider too, if it offers that. */
  signOutUrl(idToken: string | null): string | null;
}
