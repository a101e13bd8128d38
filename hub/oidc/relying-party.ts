// The hub as an OpenID Connect relying party, through openid-client: discovery from the issuer,
// the authorization code flow with PKCE, `state` and `nonce` checked, refresh at the provider.
import * as oidc from 'openid-client';
import type { ProviderSessions, ProviderTokens } from '../auth/sessions.ts';

export interface OidcSettings {
  /** The issuer URL; its /.well-known/openid-configuration is read at start. */
  issuer: string;
  clientId: string;
  /** The client secret (confidential client); omitted for a public client with PKCE alone. */
  clientSecret: string | undefined;
  /** What the sign-in button says: "Sign in with <name>". */
  name: string;
  /** Scopes asked for (default `openid email profile offline_access`). */
  scopes: string;
  /** The hub's address as browsers reach it: the redirect URI is `<publicUrl>/v1/sign-in/callback`. */
  publicUrl: string;
}

export interface SignInRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The checked claims of a signed-in identity. */
export interface Identity {
  issuer: string;
  subject: string;
  claims: Record<string, unknown>;
  provider: ProviderTokens;
}

/** A refusal of the provider or of its answer, with what it said; safe to show the person. */
export class ProviderRefused extends Error {}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export class RelyingParty implements ProviderSessions {
  private constructor(
    private readonly config: oidc.Configuration,
    readonly settings: OidcSettings,
  ) {}

  /** Discovers the provider; plain http is accepted only for a loopback issuer (tests, local providers). */
  static async discover(settings: OidcSettings): Promise<RelyingParty> {
    const issuer = new URL(settings.issuer);
    const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
    if (issuer.protocol !== 'https:' && !insecure) throw new Error(`--oidc-issuer must be an https URL (got ${settings.issuer}).`);
    const config = await oidc.discovery(
      issuer,
      settings.clientId,
      settings.clientSecret === undefined ? {} : settings.clientSecret,
      settings.clientSecret === undefined ? oidc.None() : undefined,
      insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
    );
    return new RelyingParty(config, settings);
  }

  get issuer(): string {
    return this.config.serverMetadata().issuer;
  }

  get redirectUri(): string {
    return `${this.settings.publicUrl}/v1/sign-in/callback`;
  }

  /** Where to send the browser, with a fresh state, nonce and PKCE verifier to keep until the callback. */
  async start(): Promise<SignInRequest> {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(this.config, {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Checks the provider's answer (state, nonce, PKCE, the ID token) and returns who signed in. */
  async finish(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<Identity> {
    try {
      const tokens = await oidc.authorizationCodeGrant(this.config, callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new ProviderRefused('The identity provider sent no ID token.');
      return {
        issuer: this.issuer,
        subject: claims.sub,
        claims: { ...claims },
        provider: { refreshToken: tokens.refresh_token ?? null, idToken: tokens.id_token ?? null },
      };
    } catch (error) {
      if (error instanceof ProviderRefused) throw error;
      if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
        throw new ProviderRefused(`The identity provider refused the sign-in: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}.`);
      }
      if (error instanceof oidc.ClientError) {
        // openid-client's message is general; the check that failed (e.g. the nonce) is in its cause.
        const detail = error.cause instanceof Error ? error.cause.message : error.message;
        throw new ProviderRefused(`The identity provider's answer failed a check: ${detail}.`);
      }
      throw error;
    }
  }

  async refresh(refreshToken: string): Promise<Partial<ProviderTokens> | undefined> {
    try {
      const tokens = await oidc.refreshTokenGrant(this.config, refreshToken);
      return { ...(tokens.refresh_token && { refreshToken: tokens.refresh_token }), ...(tokens.id_token && { idToken: tokens.id_token }) };
    } catch (error) {
      // invalid_grant and the like: the provider no longer signs this person in.
      if (error instanceof oidc.ResponseBodyError) return undefined;
      throw error;
    }
  }

  signOutUrl(idToken: string | null): string | null {
    if (!this.config.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(this.config, { client_id: this.settings.clientId, ...(idToken && { id_token_hint: idToken }) }).href;
  }
}
