import { useId, useState, type FormEvent } from 'react';
import { useController } from '../ui/console-context.tsx';
import { DesktopNotices } from '../ui/DesktopNotices.tsx';
import { useConnection } from '../state/connection.ts';
import { normaliseHubUrl, useSettings } from '../state/settings.ts';
import { ProviderSignInButton } from './ProviderSignIn.tsx';

/** Hub address and token. A sign-in link (`/#token=…`) skips this screen. */
export function SignIn() {
  const controller = useController();
  const savedUrl = useSettings((s) => s.hubUrl);
  const refused = useConnection((c) => c.status === 'unauthorized');
  const id = useId();
  const [hubUrl, setHubUrl] = useState(savedUrl);
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const url = normaliseHubUrl(hubUrl);
    if (!url) return setProblem('Enter the hub’s address, for example http://127.0.0.1:7400.');
    if (token.trim() === '') return setProblem('Enter your token.');
    setProblem(null);
    controller.signIn(url, token);
  };

  const message = problem ?? (refused ? 'The hub refused that token. Check it, or ask your team lead for a new one.' : null);
  return (
    <main className="sign-in">
      <DesktopNotices dismissible={false} />
      <form className="sign-in-card" aria-labelledby={`${id}-title`} noValidate onSubmit={submit}>
        <h1 id={`${id}-title`}>Sign in to Baton</h1>
        <p className="muted">Handoffs from your bots, with the whole conversation attached.</p>
        <label className="field">
          <span>Hub URL</span>
          <input type="url" value={hubUrl} autoComplete="url" spellCheck={false} onChange={(e) => setHubUrl(e.target.value)} />
        </label>
        <ProviderSignInButton hubUrl={hubUrl} />
        <label className="field">
          <span>Token</span>
          <input type="password" value={token} autoComplete="off" spellCheck={false} onChange={(e) => setToken(e.target.value)} />
        </label>
        <p className="field-error" role={message ? 'alert' : undefined} id={`${id}-error`}>
          {message}
        </p>
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
    </main>
  );
}
