import { WhoAmIAnswer } from '../../shared/protocol/sign-in.ts';
import type { ConnectHub, HubPort } from '../client/hub-port.ts';
import { refusalOf, requestVia } from '../client/request.ts';
import { applyProduct } from '../state/product.ts';
import { applyAgents, applyReassigned, applyTeam } from '../state/team.ts';
import { createNotifier, type Notifier } from '../notifications/notifier.ts';
import { heldBefore } from '../../shared/domain/handoff-history.ts';
import { applyProductChange } from '../state/product-notices.ts';
import type { Platform } from '../platform/platform.ts';
import { clearSignedInState } from '../state/signed-in.ts';
import { connectionStore, showConnecting, showSignedOut } from '../state/connection.ts';
import { applyHandoff, handoffsStore, isOfferFor, selectHandoff, selectOffers } from '../state/handoffs.ts';
import { createOutbox, type Outbox } from '../state/outbox.ts';
import { loadPending, persistPending, replacePending, PENDING_KEY } from '../state/pending.ts';
import { applyAgent, sessionStore } from '../state/session.ts';
import { forgetToken, loadSettings, normaliseHubUrl, persistSettings, setCredentials, settingsStore } from '../state/settings.ts';
import { syncStores, type Sync } from '../state/sync.ts';
import { openForm, selectHandoffRow, uiStore } from '../state/ui.ts';
import type { Controller } from '../ui/controls.ts';
import { createAgentControls } from './agent-controls.ts';
import { askToSignIn, nameLinkPerson, takeSignInRequest, type SignInRequest } from '../state/sign-in-request.ts';
import type { LocalHub } from '../platform/platform.ts';
import { parseDeepLink } from './deep-links.ts';
import { showSessionEnded } from '../state/provider-sign-in.ts';
import { createLeadControls } from './lead-controls.ts';

export interface ControllerOptions {
  platform: Platform;
  connect: ConnectHub;
  /** The hub offered when none was saved: the hub serving the console, if there is one. */
  defaultHubUrl: string;
  retryDelayMs?: number;
  /** How the console asks its hub who a sign-in link's token belongs to (default the page's fetch). */
  fetch?: typeof fetch;
}

/** Wires the client core, the stores and the platform together for one console. */
export function createController({ platform, connect, defaultHubUrl, retryDelayMs, fetch = (...args) => globalThis.fetch(...args) }: ControllerOptions): Controller {
  /** Who `token` signs in as at `hubUrl` (the hub in use), changing nothing there; null when it cannot say. */
  async function whoIs(hubUrl: string, token: string): Promise<SignInRequest['linkPerson']> {
    try {
      const response = await fetch(`${hubUrl}/v1/session/whoami`, { headers: { authorization: `Bearer ${token}` } });
      if (response.status === 401) return 'unknown';
      const answer = WhoAmIAnswer.safeParse(await response.json());
      return answer.success ? { name: answer.data.agent.name } : null;
    } catch {
      return null;
    }
  }

  let client: HubPort | null = null;
  let sync: Sync | null = null;
  let stopClientState: (() => void) | null = null;
  let stopLeadEvents: Array<() => void> = [];
  const cleanups: Array<() => void> = [];
  // The desktop's local demo hub, where the console signs in without asking; it may move.
  let localHubUrl: string | null = null;

  const outbox: Outbox = createOutbox({
    client: () => client,
    synced: () => sync?.synced() ?? false,
    me: () => sessionStore.getState().agent,
    ...(retryDelayMs !== undefined && { retryDelayMs }),
  });

  const notifier: Notifier = createNotifier({
    platform,
    prefs: () => settingsStore.getState().notifications,
    onChoice: (handoffId, choice) => {
      selectHandoffRow(handoffId, true);
      if (choice === 'accept' || choice === 'return') controller.accept(handoffId);
      // Returning needs a note, so the form opens with the handoff accepted underneath it.
      if (choice === 'return') openForm('returnToBot');
    },
    onOpen: (handoffId) => void controller.openHandoff(handoffId),
  });

  const connected = (): HubPort | null => (client && connectionStore.getState().status === 'connected' ? client : null);
  const myId = (): string | undefined => sessionStore.getState().agent?.id;

  function disconnect(): void {
    stopClientState?.();
    for (const stop of stopLeadEvents.splice(0)) stop();
    sync?.stop();
    client?.close();
    stopClientState = null;
    sync = null;
    client = null;
  }

  function connectNow(): void {
    disconnect();
    const { hubUrl, token } = settingsStore.getState();
    if (!token) return showSignedOut();
    showConnecting();
    const current = connect({ url: hubUrl, token });
    client = current;
    sync = syncStores(current, {
      onSynced: (handoffs) => {
        const id = myId();
        if (id) for (const h of handoffs) if (isOfferFor(h, id)) notifier.offered(h);
        void outbox.flush();
      },
      onOffered: (handoff) => notifier.offered(handoff),
      onChanged: (handoff) => {
        const id = myId();
        if (!id || !isOfferFor(handoff, id)) notifier.settled(handoff.id);
      },
      onWithdrawn: (handoffId, { reason, by, note }) => {
        notifier.settled(handoffId);
        // Told only when it was theirs: a lead moving an offer just ends the offer.
        const lost = selectHandoff(handoffId)(handoffsStore.getState());
        const id = myId();
        if (reason === 'reassigned' && lost?.status === 'accepted' && id && lost.assignee?.id === id) notifier.takenAway(lost, by, note);
      },
    });
    stopLeadEvents = [
      current.on('team:changed', ({ team }) => applyTeam(team)),
      current.on('agents:changed', ({ agents }) => applyAgents(agents)),
      current.on('product:changed', (event) => {
        applyProduct(event.item);
        const news = applyProductChange(event, sessionStore.getState().agent);
        if (news) notifier.productStatus(news.item, news.change, news.handoffId);
      }),
      // Signed out elsewhere, or access taken back: this sign-in is over, not merely disconnected.
      current.on('session:ended', ({ reason }) => {
        if (reason === 'expired_or_revoked') return; // maybe only not renewed in time: a reconnection tells
        showSessionEnded(reason === 'revoked' ? 'An administrator has taken your access back.' : 'You signed out of this session elsewhere.');
        forgetToken();
        disconnect();
        showSignedOut();
      }),
      current.on('handoff:reassigned', (event) => {
        const id = myId();
        const returned = id !== undefined && heldBefore(event.handoff, id);
        applyReassigned(event, returned);
        notifier.reassigned(event, returned);
      }),
    ];
    stopClientState = current.onState((state) => {
      // A refused token will not work next time either: forget it, and the sign-in screen shows why.
      if (state.status !== 'unauthorized') return;
      forgetToken();
      disconnect();
    });
  }

  const request = requestVia(connected);

  const controller: Controller = {
    ...createAgentControls({ outbox, notifier, request }),
    ...createLeadControls(request),

    async start() {
      await loadSettings(platform.storage, defaultHubUrl);
      cleanups.push(persistSettings(platform.storage));
      if (settingsStore.getState().token) await loadPending(platform.storage);
      cleanups.push(persistPending(platform.storage));
      cleanups.push(
        // Offers count on the badge and in the tray whatever the notification settings: do-not-disturb
        // keeps an offer quiet, never hidden.
        handoffsStore.subscribe((state) => {
          platform.setBadgeCount(selectOffers(myId())(state).length);
        }),
        uiStore.subscribe((ui, before) => {
          if (ui.selectedId !== null && ui.selectedId !== before.selectedId) notifier.opened(ui.selectedId);
        }),
      );
      const local = (await platform.localHub?.().catch(() => null)) ?? null;
      const onLocalHub = local ? signInToLocalHub(local) : false;
      const initial = await platform.initialDeepLink();
      const handled = initial ? handleDeepLink(initial) : false;
      if (!handled && !onLocalHub && settingsStore.getState().token) connectNow();
      else if (!handled && !onLocalHub) showSignedOut();
      cleanups.push(platform.onDeepLink((url) => void handleDeepLink(url)));
      if (platform.onLocalHubMoved) cleanups.push(platform.onLocalHubMoved(followLocalHub));
    },

    signIn(hubUrl, token) {
      const url = normaliseHubUrl(hubUrl) ?? hubUrl;
      disconnect();
      clearSignedInState();
      replacePending([]); // a new sign-in starts with nothing queued: the queue belonged to the last one
      setCredentials(url, token.trim());
      connectNow();
    },

    confirmSignIn() {
      const request = takeSignInRequest();
      if (request) controller.signIn(request.hubUrl, request.token);
    },

    cancelSignIn() {
      takeSignInRequest();
    },

    async signOut() {
      disconnect();
      forgetToken();
      clearSignedInState();
      replacePending([]);
      await platform.storage.remove(PENDING_KEY);
      showSignedOut();
    },

    reconnect: () => connectNow(),

    async setPresence(status) {
      const ack = await request('presence:set', { status });
      if (ack.ok) applyAgent(ack.agent);
      return refusalOf(ack);
    },

    openLink: (url) => void platform.openExternal(url),

    async openHandoff(handoffId) {
      const me = sessionStore.getState().agent;
      if (!selectHandoff(handoffId)(handoffsStore.getState()) && me) {
        const ack = await request('handoff:get', { handoffId });
        if (ack.ok) {
          const { events: _history, ...handoff } = ack.handoff; // the inbox keeps handoffs as socket events carry them
          applyHandoff(handoff, me);
        }
      }
      selectHandoffRow(handoffId, true);
    },

    dispose() {
      disconnect();
      outbox.dispose();
      notifier.dispose();
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };

  /**
   * Acts on a link; true when it signed in (so there is nothing else to connect). A sign-in link
   * for the hub in use signs in at once when no one is signed in; one that would change the hub
   * or the person waits for the agent to confirm it (a web page or an e-mail can carry a link).
   */
  function handleDeepLink(url: string): boolean {
    const link = parseDeepLink(url);
    if (link?.kind === 'signIn') {
      const { hubUrl, token } = settingsStore.getState();
      const current = normaliseHubUrl(hubUrl) ?? hubUrl;
      const target = link.hubUrl === null ? current : normaliseHubUrl(link.hubUrl);
      if (!target) return false; // a hub address that is not http(s): nothing to sign in to
      const sameHub = target === current;
      if (sameHub && token === link.token) return false; // already signed in as this person here
      if (sameHub && token === null) {
        controller.signIn(target, link.token);
        return true;
      }
      const request = { hubUrl: target, token: link.token, hubInUse: current, current: token === null ? null : { name: sessionStore.getState().agent?.name ?? null }, linkPerson: null };
      askToSignIn(request);
      if (sameHub) void whoIs(target, link.token).then((person) => nameLinkPerson(request, person));
      return false;
    }
    if (link?.kind === 'handoff') selectHandoffRow(link.handoffId, true);
    return false;
  }

  /**
   * Signs in to the desktop's local demo hub without asking (the desktop runs it): as its demo
   * agent, or as the demo person already signed in there, at its current address. True when it
   * connected.
   */
  function signInToLocalHub(local: LocalHub): boolean {
    const url = normaliseHubUrl(local.hubUrl) ?? local.hubUrl;
    localHubUrl = url;
    const { hubUrl, token } = settingsStore.getState();
    if (local.token !== null && local.token !== token) {
      controller.signIn(url, local.token);
      return true;
    }
    if (token === null) return false;
    // The same person: only the address may have changed, and whatever is queued stays.
    if (hubUrl !== url) setCredentials(url, token);
    connectNow();
    return true;
  }

  /** The local hub started again on another address: a console signed in there follows it. */
  function followLocalHub(hubUrl: string): void {
    const url = normaliseHubUrl(hubUrl) ?? hubUrl;
    const previous = localHubUrl;
    localHubUrl = url;
    const { hubUrl: current, token } = settingsStore.getState();
    if (previous === null || current !== previous || token === null || url === previous) return;
    setCredentials(url, token);
    connectNow();
  }

  return controller;
}
