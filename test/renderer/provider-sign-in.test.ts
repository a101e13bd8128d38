// The console's side of signing in through the hub's identity provider: its own state and PKCE,
// the one-time code exchanged only for the sign-in it started, the session renewed before its
// access credential runs out, ended at the hub on sign-out, and dropped when the hub refuses it.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SESSION_KEY, createProviderSignIn, providerSignInStore } from '../../renderer/state/provider-sign-in.ts';
import type { PlatformStorage } from '../../renderer/platform/platform.ts';
import { settingsStore } from '../../renderer/state/settings.ts';

const HUB = 'https://hub.example.com';
const T0 = Date.parse('2026-03-02T09:00:00Z');

function memoryStorage(): PlatformStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, get: async (k) => data.get(k) ?? null, set: async (k, v) => void data.set(k, v), remove: async (k) => void data.delete(k) };
}

interface Call {
  url: string;
  body: unknown;
  authorization: string | undefined;
}

function fakeHub(answers: Record<string, Array<{ status: number; body: unknown }>>) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: string, init?: { body?: string; headers?: Record<string, string> }) => {
    const url = input;
    const headers = init?.headers ?? {};
    calls.push({ url, body: init?.body ? JSON.parse(init.body) : undefined, authorization: headers.authorization });
    const path = new URL(url).pathname;
    const next = answers[path]?.shift();
    if (!next) throw new Error(`unexpected request ${url}`);
    return new Response(JSON.stringify(next.body), { status: next.status, headers: { 'content-type': 'application/json' } });
  });
  return { calls, fetch: fetch as unknown as typeof globalThis.fetch };
}

const tokens = (n: number, at = T0) => ({
  accessToken: `acc_${n}`,
  refreshToken: `ref_${n}`,
  accessExpiresAt: new Date(at + 5 * 60_000).toISOString(),
  sessionExpiresAt: new Date(T0 + 12 * 3600_000).toISOString(),
});
const agent = { id: 'ana', name: 'Ana', role: 'agent', team: 'support', skills: [], capacity: 3, presence: 'offline', load: 0 };

describe('signing in through the identity provider', () => {
  let clock = T0;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    clock = T0;
    settingsStore.setState({ hubUrl: HUB, token: null, loaded: true });
    providerSignInStore.setState({ provider: null, problem: null });
  });
  afterEach(() => vi.useRealTimers());

  function setUp(answers: Record<string, Array<{ status: number; body: unknown }>>) {
    const storage = memoryStorage();
    const hub = fakeHub(answers);
    const opened: string[] = [];
    const signIn = vi.fn((hubUrl: string, token: string) => settingsStore.setState({ hubUrl, token }));
    const signOut = vi.fn(async () => settingsStore.setState({ token: null }));
    const renewed = vi.fn();
    const flow = createProviderSignIn({
      storage,
      fetch: hub.fetch,
      redirectUri: () => 'baton://sign-in/callback',
      openSignInPage: (url) => void opened.push(url),
      signIn,
      signOut,
      renewed,
      now: () => clock,
    });
    return { storage, hub, opened, signIn, signOut, renewed, flow };
  }

  /** Begins a sign-in and returns the state and challenge the hub was sent. */
  async function begin(flow: ReturnType<typeof setUp>['flow'], opened: string[]) {
    await flow.begin(HUB);
    const start = new URL(opened.at(-1)!);
    expect(start.origin + start.pathname).toBe(`${HUB}/v1/sign-in/start`);
    return { state: start.searchParams.get('state')!, challenge: start.searchParams.get('code_challenge')!, start };
  }

  it('offers the provider the hub names', async () => {
    const { flow } = setUp({ '/v1/sign-in/options': [{ status: 200, body: { provider: { name: 'Okta' } } }, { status: 200, body: { provider: null } }] });
    await flow.lookUp(HUB);
    expect(providerSignInStore.getState().provider).toEqual({ name: 'Okta' });
    await flow.lookUp(HUB);
    expect(providerSignInStore.getState().provider).toBeNull();
  });

  it('opens the hub with its own state and an S256 challenge, and exchanges the code with the verifier', async () => {
    const { flow, opened, hub, signIn, storage } = setUp({ '/v1/session/token': [{ status: 200, body: { ...tokens(1), agent } }] });
    const { state, challenge, start } = await begin(flow, opened);
    expect(start.searchParams.get('redirect_uri')).toBe('baton://sign-in/callback');
    expect(start.searchParams.get('code_challenge_method')).toBe('S256');

    // Not this sign-in's state: ignored, nothing is sent anywhere.
    expect(await flow.complete(`baton://sign-in/callback?state=someone-else&code=grant_x`)).toBe(false);
    expect(hub.calls).toEqual([]);

    expect(await flow.complete(`baton://sign-in/callback?state=${state}&code=grant_1`)).toBe(true);
    const exchange = hub.calls[0]!.body as { code: string; codeVerifier: string };
    expect(exchange.code).toBe('grant_1');
    expect(createHash('sha256').update(exchange.codeVerifier).digest('base64url')).toBe(challenge);
    expect(signIn).toHaveBeenCalledWith(HUB, 'acc_1');
    expect(JSON.parse(storage.data.get(SESSION_KEY)!)).toEqual({ hubUrl: HUB, refreshToken: 'ref_1', accessExpiresAt: tokens(1).accessExpiresAt });
    // The same return again (a replayed link) finds no sign-in under way.
    expect(await flow.complete(`baton://sign-in/callback?state=${state}&code=grant_1`)).toBe(false);
    flow.dispose();
  });

  it('shows why the provider or the hub refused', async () => {
    const { flow, opened, signIn } = setUp({});
    const { state } = await begin(flow, opened);
    await flow.complete(`baton://sign-in/callback?state=${state}&error=access_denied&error_description=${encodeURIComponent('x@example.com is not a Baton user on this hub.')}`);
    expect(providerSignInStore.getState().problem).toBe('x@example.com is not a Baton user on this hub.');
    expect(signIn).not.toHaveBeenCalled();
    flow.dispose();
  });

  it('renews before the access credential runs out, and signs out when the hub refuses', async () => {
    const { flow, opened, hub, signOut, renewed } = setUp({
      '/v1/session/token': [{ status: 200, body: { ...tokens(1), agent } }],
      '/v1/session/refresh': [{ status: 200, body: tokens(2, T0 + 225_000) }, { status: 401, body: { error: { code: 'unauthorized', message: 'The session has ended.' } } }],
    });
    const { state } = await begin(flow, opened);
    await flow.complete(`baton://sign-in/callback?state=${state}&code=grant_1`);

    clock = T0 + 225_000;
    await vi.advanceTimersByTimeAsync(225_000); // three quarters of the 5 minutes
    expect(hub.calls.at(-1)).toMatchObject({ url: `${HUB}/v1/session/refresh`, body: { refreshToken: 'ref_1' } });
    expect(settingsStore.getState().token).toBe('acc_2');
    // A console the hub disconnected while the old credential ran out connects again with this one.
    expect(renewed).toHaveBeenCalledTimes(1);

    clock += 225_000;
    await vi.advanceTimersByTimeAsync(225_000);
    expect(hub.calls.at(-1)).toMatchObject({ body: { refreshToken: 'ref_2' } });
    expect(signOut).toHaveBeenCalled();
    expect(providerSignInStore.getState().problem).toMatch(/session has ended/);
    flow.dispose();
  });

  it('signing out ends the session at the hub', async () => {
    const { flow, opened, hub, storage } = setUp({
      '/v1/session/token': [{ status: 200, body: { ...tokens(1), agent } }],
      '/v1/session/sign-out': [{ status: 200, body: { endedSessions: 1, providerSignOutUrl: null } }],
    });
    const { state } = await begin(flow, opened);
    await flow.complete(`baton://sign-in/callback?state=${state}&code=grant_1`);
    settingsStore.setState({ token: null }); // what the controller's signOut does
    await vi.advanceTimersByTimeAsync(0);
    expect(hub.calls.at(-1)).toMatchObject({ url: `${HUB}/v1/session/sign-out`, authorization: 'Bearer acc_1' });
    expect(storage.data.has(SESSION_KEY)).toBe(false);
    flow.dispose();
  });
});
