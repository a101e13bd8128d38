/** What a link into the console asks for. */
export type DeepLink =
  /** Sign in with this token, on `hubUrl` (null: the hub already configured). */
  | { kind: 'signIn'; token: string; hubUrl: string | null }
  | { kind: 'handoff'; handoffId: string };

const TOKEN = /^[\x21-\x7e]{1,500}$/;

/**
 * Understands `https://hub/#token=<token>` (the hub's sign-in link), `baton://sign-in?token=…&hub=…`
 * and `baton://handoff/<id>` (the desktop's links). Anything else is null.
 */
export function parseDeepLink(text: string): DeepLink | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const token = new URLSearchParams(url.hash.slice(1)).get('token');
    return token && TOKEN.test(token) ? { kind: 'signIn', token, hubUrl: url.origin } : null;
  }
  if (url.protocol !== 'baton:') return null;
  const where = `${url.hostname}${url.pathname}`.replace(/^\/+|\/+$/g, '');
  if (where === 'sign-in') {
    const token = url.searchParams.get('token');
    const hub = url.searchParams.get('hub');
    return token && TOKEN.test(token) ? { kind: 'signIn', token, hubUrl: hub } : null;
  }
  const handoff = /^handoff\/([^/]{1,100})$/.exec(where);
  return handoff ? { kind: 'handoff', handoffId: decodeURIComponent(handoff[1]!) } : null;
}
