import { useEffect, useRef } from 'react';
import { useController } from '../ui/console-context.tsx';
import { Text } from '../ui/Text.tsx';
import { useSignInRequest } from '../state/sign-in-request.ts';

/**
 * Asks the agent before a sign-in link moves them to another hub or signs them in as someone else:
 * a web page or an e-mail can carry such a link, and a hub they do not know could show them false
 * handoffs. Names the link's hub and the one in use; Cancel has the focus.
 */
export function SignInConfirm() {
  const request = useSignInRequest();
  const controller = useController();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (request) cancel.current?.focus();
  }, [request]);
  if (!request) return null;
  const otherHub = request.hubUrl !== request.hubInUse;
  const host = new URL(request.hubUrl).host;
  return (
    <div className="overlay">
      <div role="alertdialog" aria-modal="true" aria-labelledby="sign-in-confirm-title" aria-describedby="sign-in-confirm-what" className="dialog">
        <h2 id="sign-in-confirm-title">{otherHub ? 'Sign in to another hub?' : 'Sign in as someone else?'}</h2>
        <p id="sign-in-confirm-what">
          A link asks Baton to sign you in to <Text className="code">{request.hubUrl}</Text>, as whoever its token belongs to there.
        </p>
        {otherHub && (
          <p>
            That is not the hub you use now (<Text className="code">{request.hubInUse}</Text>). Continue only if you expected this link, for example from your team lead: a hub
            you do not know could show you false handoffs and see what you do in Baton.
          </p>
        )}
        {request.linkPerson === null && otherHub && <p>Who it signs you in as is known once you continue: Baton does not contact that hub before you agree.</p>}
        {request.linkPerson === 'unknown' && <p>This hub does not know the link's token: signing in with it would fail.</p>}
        {request.linkPerson !== null && request.linkPerson !== 'unknown' && (
          <p>
            The link signs you in as <Text>{request.linkPerson.name}</Text>.
          </p>
        )}
        {request.current && (
          <p>
            You are signed in as <Text>{request.current.name ?? 'your account'}</Text>; continuing signs you out of it.
          </p>
        )}
        <div className="reassigned-actions">
          <button ref={cancel} type="button" onClick={() => controller.cancelSignIn()}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={() => controller.confirmSignIn()}>
            Sign in to <Text>{host}</Text>
          </button>
        </div>
      </div>
    </div>
  );
}
