import { createContext, useContext, useEffect } from 'react';
import { useStore } from 'zustand';
import { providerSignInStore, type ProviderSignIn } from '../state/provider-sign-in.ts';
import { normaliseHubUrl } from '../state/settings.ts';

/** Present when the console can sign in through a hub's identity provider. */
export const ProviderSignInContext = createContext<ProviderSignIn | null>(null);

/** "Sign in with <provider>", when the hub at `hubUrl` has one; and why the last attempt failed. */
export function ProviderSignInButton({ hubUrl }: { hubUrl: string }) {
  const signIn = useContext(ProviderSignInContext);
  const provider = useStore(providerSignInStore, (s) => s.provider);
  const problem = useStore(providerSignInStore, (s) => s.problem);
  const url = normaliseHubUrl(hubUrl);

  useEffect(() => {
    if (!signIn || !url) return;
    const timer = setTimeout(() => void signIn.lookUp(url), 300);
    return () => clearTimeout(timer);
  }, [signIn, url]);

  if (!signIn || (!provider && !problem)) return null;
  return (
    <div className="provider-sign-in">
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      {provider && url && (
        <>
          <button type="button" className="primary" onClick={() => void signIn.begin(url)}>
            Sign in with {provider.name}
          </button>
          <p className="muted">or with a token:</p>
        </>
      )}
    </div>
  );
}
