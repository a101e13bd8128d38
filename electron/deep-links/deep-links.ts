import type { App } from 'electron';

export const LINK_PROTOCOL = 'baton';
const MAX_LINK = 4_000;
const HANDOFF_ID = /^[^/?#\s]{1,100}$/;

/**
 * The link if it is one Baton acts on: `baton://handoff/<id>`, `baton://sign-in?token=…[&hub=…]`, or
 * `baton://sign-in/callback?state=…&code=…` (or `&error=…`): the hub sending the system browser
 * back after signing in at the identity provider (RFC 8252, private-use URI scheme).
 * Anything else from the outside world (another scheme, another host, a path we do not know) is null.
 */
export function parseBatonLink(text: string): string | null {
  if (text.length > MAX_LINK) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== `${LINK_PROTOCOL}:`) return null;
  const where = `${url.hostname}${url.pathname}`.replace(/^\/+|\/+$/g, '');
  if (where === 'sign-in') return url.searchParams.get('token') ? text : null;
  if (where === 'sign-in/callback') return url.searchParams.get('state') && (url.searchParams.get('code') || url.searchParams.get('error')) ? text : null;
  const handoff = /^handoff\/(.+)$/.exec(where);
  if (!handoff) return null;
  let id: string;
  try {
    id = decodeURIComponent(handoff[1]!);
  } catch {
    return null;
  }
  return HANDOFF_ID.test(id) ? text : null;
}

export function handoffLink(handoffId: string): string {
  return `${LINK_PROTOCOL}://handoff/${encodeURIComponent(handoffId)}`;
}

/** The first Baton link among a process's arguments (how Windows and Linux pass it). */
export function findBatonLink(argv: readonly string[]): string | null {
  for (const arg of argv) {
    const link = parseBatonLink(arg);
    if (link) return link;
  }
  return null;
}

export interface DeepLinks {
  /** A link from the OS (launch arguments, a second launch, macOS open-url). */
  receive(url: string): void;
  /** What `deepLink:initial` answers: the link waiting for the console, once. */
  takeInitial(): string | null;
  /** The console is (re)loading: hold links until it asks again. */
  consoleLoading(): void;
}

/**
 * Holds links until the console asks for its launch link, then delivers them as they come.
 * Before the console listens, a newer link replaces an older one: the agent's last click wins.
 */
export function createDeepLinks({ deliver, initial = null }: { deliver(url: string): void; initial?: string | null }): DeepLinks {
  let waiting: string | null = initial;
  let listening = false;
  return {
    receive(url) {
      const link = parseBatonLink(url);
      if (!link) return;
      if (listening) deliver(link);
      else waiting = link;
    },
    takeInitial() {
      const link = waiting;
      waiting = null;
      listening = true;
      return link;
    },
    consoleLoading() {
      listening = false;
    },
  };
}

export type LinkAppPort = Pick<App, 'on' | 'setAsDefaultProtocolClient'>;

/**
 * Registers `baton://` with the OS and listens for links: macOS sends them as `open-url` (even
 * before ready), Windows and Linux in the second launch's arguments (see single-instance).
 */
export function listenForLinks({
  app,
  links,
  devLaunch,
}: {
  app: LinkAppPort;
  links: DeepLinks;
  /** Unpackaged (`electron .`): the OS must be told how to start this app with a link. */
  devLaunch?: { execPath: string; args: string[] };
}): void {
  if (devLaunch) app.setAsDefaultProtocolClient(LINK_PROTOCOL, devLaunch.execPath, devLaunch.args);
  else app.setAsDefaultProtocolClient(LINK_PROTOCOL);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    links.receive(url);
  });
}
