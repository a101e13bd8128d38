// Signing in through the hub's identity provider, and keeping that session: the console (or the
// desktop app) makes its own state and PKCE verifier, opens the hub's start page (in this tab, or
// in the system browser for the desktop, never inside the app), and exchanges the one-time code it
// is sent back with for a session. The access credential lasts minutes; it is renewed in the
// background while the session lasts, and signing out ends the session at the hub.
import { create } from 'zustand';
import { SessionTokenAnswer, SessionTokens, SignInOptions } from '../../shared/protocol/sign-in.ts';
import type { PlatformStorage } from '../platform/platform.ts';
import { TOKEN_KEY, settingsStore } from './settings.ts';

/** The session kept between launches: a secret, so the desktop keeps it with safeStorage. */
export const SESSION_KEY = 'baton.session';
/** A sign-in under way: the app's state and PKCE verifier until the browser comes back. */
const PENDING_KEY = 'baton.sign-in.pending';
const PENDING_TTL_MS = 10 * 60_000;

interface KeptSession {
  hubUrl: string;
  refreshToken: string;
  accessExpiresAt: string;
}

interface Pending {
  hubUrl: string;
  state: string;
  verifier: string;
  redirectUri: string;
  at: number;
}

export interface ProviderSignInDeps {
  storage: PlatformStorage;
  fetch: typeof fetch;
  /** Where the hub sends the browser back: the console's own address, or `baton://sign-in/callback`. */
  redirectUri(hubUrl: string): string;
  /** Opens the hub's start page: this tab in a browser, the system browser for the desktop app. */
  openSignInPage(url: string): Promise<void> | void;
  /** Signs the console in with an access credential (the controller's signIn). */
  signIn(hubUrl: string, accessToken: string): void;
  /** Signs the console out (the controller's signOut), when the session can no longer be renewed. */
  signOut(): Promise<void>;
  /**
   * The access credential was renewed. A console whose connection the hub ended because the old
   * one ran out (a computer that slept through the renewal) connects again with the new one.
   */
  renewed?(): void;
  now?: () => number;
  random?: (bytes: number) => Uint8Array;
}

/** What the sign-in screen shows: the provider's name, and why the last attempt failed. */
export const providerSignInStore = create<{ provider: { name: string } | null; problem: string | null }>(() => ({ provider: null, problem: null }));

/** Why the console is back on the sign-in screen, when the hub ended the session. */
export function showSessionEnded(message: string): void {
  providerSignInStore.setState({ problem: message });
}

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

async function s256(verifier: string): Promise<string> {
  if (!globalThis.crypto?.subtle) throw new Error('This browser offers no Web Crypto here: open the console over https (or on localhost) to sign in with your identity provider.');
  return base64url(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export function createProviderSignIn(deps: ProviderSignInDeps) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let kept: KeptSession | null = null;

  const post = async (hubUrl: string, path: string, body: unknown, bearer?: string) => {
    const response = await deps.fetch(`${hubUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }) },
      body: JSON.stringify(body),
    });
    const json: unknown = await response.json().catch(() => null);
    return { status: response.status, json };
  };

  const keep = async (session: KeptSession | null) => {
    kept = session;
    clearTimeout(timer);
    if (session) {
      await deps.storage.set(SESSION_KEY, JSON.stringify(session));
      schedule(session);
    } else {
      await deps.storage.remove(SESSION_KEY);
    }
  };

  /** Renews before the access credential runs out: at three quarters of what is left, 5 s at the soonest. */
  const schedule = (session: KeptSession, retryMs?: number) => {
    const left = Date.parse(session.accessExpiresAt) - now();
    timer = setTimeout(() => void renew(), retryMs ?? Math.max(5_000, left * 0.75));
  };

  const renew = async (): Promise<void> => {
    const session = kept;
    if (!session) return;
    let answer: { status: number; json: unknown };
    try {
      answer = await post(session.hubUrl, '/v1/session/refresh', { refreshToken: session.refreshToken });
    } catch {
      schedule(session, 10_000); // the hub is unreachable: try again, the session outlives a short outage
      return;
    }
    const tokens = SessionTokens.safeParse(answer.json);
    if (answer.status === 200 && tokens.success) {
      await keep({ hubUrl: session.hubUrl, refreshToken: tokens.data.refreshToken, accessExpiresAt: tokens.data.accessExpiresAt });
      // Before the console has loaded its settings (a restart), the saved token is what it will read.
      if (settingsStore.getState().loaded) settingsStore.setState({ token: tokens.data.accessToken });
      else await deps.storage.set(TOKEN_KEY, tokens.data.accessToken);
      deps.renewed?.();
      return;
    }
    if (answer.status === 401) {
      await keep(null);
      if (!settingsStore.getState().loaded) await deps.storage.remove(TOKEN_KEY);
      providerSignInStore.setState({ problem: 'Your session has ended. Sign in again.' });
      await deps.signOut();
      return;
    }
    schedule(session, 10_000);
  };

  // Signing out (or a refused credential) ends the session at the hub too.
  const unsubscribe = settingsStore.subscribe((state, before) => {
    if (state.token !== null || before.token === null || !kept) return;
    const session = kept;
    void keep(null);
    void post(session.hubUrl, '/v1/session/sign-out', {}, before.token).catch(() => undefined);
  });

  return {
    /** Asks the hub how people sign in; the sign-in screen offers the provider when there is one. */
    async lookUp(hubUrl: string): Promise<void> {
      try {
        const response = await deps.fetch(`${hubUrl}/v1/sign-in/options`);
        const options = SignInOptions.safeParse(await response.json());
        providerSignInStore.setState({ provider: response.ok && options.success ? options.data.provider : null });
      } catch {
        providerSignInStore.setState({ provider: null });
      }
    },

    /** Starts a sign-in at the provider, through the hub. */
    async begin(hubUrl: string): Promise<void> {
      try {
        const verifier = base64url(random(32));
        const state = base64url(random(16));
        const redirectUri = deps.redirectUri(hubUrl);
        const challenge = await s256(verifier);
        const pending: Pending = { hubUrl, state, verifier, redirectUri, at: now() };
        await deps.storage.set(PENDING_KEY, JSON.stringify(pending));
        providerSignInStore.setState({ problem: null });
        const query = new URLSearchParams({ redirect_uri: redirectUri, state, code_challenge: challenge, code_challenge_method: 'S256' });
        await deps.openSignInPage(`${hubUrl}/v1/sign-in/start?${query}`);
      } catch (error) {
        providerSignInStore.setState({ problem: (error as Error).message });
      }
    },

    /**
     * Finishes a sign-in from the address the browser was sent back to. False when the address is
     * not a sign-in's return (nothing to do); a refusal is shown on the sign-in screen.
     */
    async complete(address: string): Promise<boolean> {
      let url: URL;
      try {
        url = new URL(address);
      } catch {
        return false;
      }
      const state = url.searchParams.get('state');
      const code = url.searchParams.get('code');
      const error = url.searchParams.get('error');
      if (!state || (!code && !error)) return false;
      const text = await deps.storage.get(PENDING_KEY);
      let pending: Pending | null;
      try {
        pending = text ? (JSON.parse(text) as Pending) : null;
      } catch {
        pending = null;
      }
      // Only the sign-in this app started, recently, and once.
      if (!pending || pending.state !== state || now() - pending.at > PENDING_TTL_MS) return false;
      await deps.storage.remove(PENDING_KEY);
      if (error || !code) {
        providerSignInStore.setState({ problem: url.searchParams.get('error_description') ?? 'The identity provider did not sign you in.' });
        return true;
      }
      try {
        const answer = await post(pending.hubUrl, '/v1/session/token', { code, codeVerifier: pending.verifier });
        const tokens = SessionTokenAnswer.safeParse(answer.json);
        if (answer.status !== 200 || !tokens.success) {
          const message = (answer.json as { error?: { message?: string } } | null)?.error?.message;
          providerSignInStore.setState({ problem: message ?? 'The hub did not start a session. Sign in again.' });
          return true;
        }
        deps.signIn(pending.hubUrl, tokens.data.accessToken);
        await keep({ hubUrl: pending.hubUrl, refreshToken: tokens.data.refreshToken, accessExpiresAt: tokens.data.accessExpiresAt });
      } catch {
        providerSignInStore.setState({ problem: 'The hub could not be reached to finish signing in. Try again.' });
      }
      return true;
    },

    /** After a restart: renews a kept session now (its access credential may have run out meanwhile). */
    async resume(): Promise<void> {
      const text = await deps.storage.get(SESSION_KEY);
      if (!text) return;
      try {
        kept = JSON.parse(text) as KeptSession;
      } catch {
        await deps.storage.remove(SESSION_KEY);
        return;
      }
      await renew();
    },

    dispose(): void {
      clearTimeout(timer);
      unsubscribe();
    },
  };
}

export type ProviderSignIn = ReturnType<typeof createProviderSignIn>;
