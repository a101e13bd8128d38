import { useStore } from 'zustand';
import { signedInStore } from './signed-in.ts';

/**
 * A sign-in link that would move the agent to another hub, or sign them in as someone else,
 * waiting for the agent to confirm it (a web page or an e-mail can carry such a link); null when
 * there is none. The token is used only once the agent confirms: the link's hub is not contacted
 * before, so a hostile hub learns nothing from a link the agent refuses.
 */
export interface SignInRequest {
  /** The hub the link signs in to, normalised. */
  hubUrl: string;
  token: string;
  /** The hub the console uses now (signed in or not). */
  hubInUse: string;
  /** Who the agent is now (null: signed out; `name` null until the hub has said). */
  current: { name: string | null } | null;
  /**
   * Who the link signs in as, as the hub in use says (`'unknown'`: it does not know the token);
   * null while not known, and always for another hub, which is not contacted before the agent agrees.
   */
  linkPerson: { name: string } | 'unknown' | null;
}

// A sign-in or sign-out by any other way makes a waiting link moot: it goes with the signed-in state.
export const signInRequestStore = signedInStore<{ request: SignInRequest | null }>(() => ({ request: null }));

export function useSignInRequest(): SignInRequest | null {
  return useStore(signInRequestStore, (s) => s.request);
}

/** A newer link replaces one still waiting: the agent answers the last one they clicked. */
export function askToSignIn(request: SignInRequest): void {
  signInRequestStore.setState({ request });
}

export function takeSignInRequest(): SignInRequest | null {
  const { request } = signInRequestStore.getState();
  signInRequestStore.setState({ request: null });
  return request;
}

/** The hub in use said who the waiting link signs in as (ignored once another link replaced it). */
export function nameLinkPerson(request: SignInRequest, linkPerson: SignInRequest['linkPerson']): void {
  const waiting = signInRequestStore.getState().request;
  if (waiting === request) signInRequestStore.setState({ request: { ...request, linkPerson } });
}
