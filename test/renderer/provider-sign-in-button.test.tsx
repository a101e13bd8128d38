// @vitest-environment jsdom
import { render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { providerSignInStore, type ProviderSignIn } from '../../renderer/state/provider-sign-in.ts';
import { ProviderSignInButton, ProviderSignInContext } from '../../renderer/settings/ProviderSignIn.tsx';

function fakeSignIn(provider: { name: string } | null) {
  const lookUp = vi.fn(async () => providerSignInStore.setState({ provider }));
  const begin = vi.fn(async () => undefined);
  const signIn: ProviderSignIn = { lookUp, begin, complete: vi.fn(async () => false), resume: vi.fn(async () => undefined), dispose: vi.fn() };
  return { signIn, lookUp, begin };
}

afterEach(() => providerSignInStore.setState({ provider: null, problem: null }));

describe('the sign-in screen and the identity provider', () => {
  it('offers "Sign in with <provider>" when the hub has one, and starts there on a click', async () => {
    const { signIn, lookUp, begin } = fakeSignIn({ name: 'Okta' });
    render(
      <ProviderSignInContext.Provider value={signIn}>
        <ProviderSignInButton hubUrl="hub.example.com:7400/" />
      </ProviderSignInContext.Provider>,
    );
    const button = await screen.findByRole('button', { name: 'Sign in with Okta' });
    expect(lookUp).toHaveBeenCalledWith('http://hub.example.com:7400');
    await userEvent.click(button);
    expect(begin).toHaveBeenCalledWith('http://hub.example.com:7400');
  });

  it('offers nothing when the hub has no provider, but says why the last sign-in failed', async () => {
    const { signIn, lookUp } = fakeSignIn(null);
    render(
      <ProviderSignInContext.Provider value={signIn}>
        <ProviderSignInButton hubUrl="http://127.0.0.1:7400" />
      </ProviderSignInContext.Provider>,
    );
    await waitFor(() => expect(lookUp).toHaveBeenCalled());
    expect(screen.queryByRole('button')).toBeNull();
    providerSignInStore.setState({ problem: 'x@example.com is not a Baton user on this hub.' });
    expect(await screen.findByRole('alert')).toHaveTextContent('is not a Baton user');
  });
});
