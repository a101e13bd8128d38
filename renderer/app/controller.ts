import type { Presence } from '../../shared/protocol/agent.ts';
import type { ConnectHub, HubPort } from '../client/hub-port.ts';
import type { ProductRoute } from '../client/hub-client.ts';
import { createOfferNotifier, type OfferNotifier } from '../notifications/offer-notifications.ts';
import type { Platform } from '../platform/platform.ts';
import { clearConflicts } from '../state/conflicts.ts';
import { connectionStore, showConnecting, showSignedOut } from '../state/connection.ts';
import { clearHandoffs, handoffsStore, isOfferFor, selectOffers } from '../state/handoffs.ts';
import { createOutbox, type Outbox } from '../state/outbox.ts';
import { loadPending, persistPending, replacePending, PENDING_KEY } from '../state/pending.ts';
import { applyAgent, clearSession, sessionStore } from '../state/session.ts';
import { forgetToken, loadSettings, normaliseHubUrl, persistSettings, setCredentials, settingsStore } from '../state/settings.ts';
import { syncStores, type Sync } from '../state/sync.ts';
import { openForm, resetUi, selectHandoffRow } from '../state/ui.ts';
import { parseDeepLink } from './deep-links.ts';

export interface ControllerOptions {
  platform: Platform;
  connect: ConnectHub;
  /** The hub offered when none was saved: the hub serving the console, if there is one. */
  defaultHubUrl: string;
  retryDelayMs?: number;
}

/** What views may ask for; state itself is read from the stores. */
export interface Controller {
  /** Reads saved settings and the offline queue, then signs in again if a token was saved. */
  start(): Promise<void>;
  signIn(hubUrl: string, token: string): void;
  signOut(): Promise<void>;
  /** Connects again after the hub closed the connection for good. */
  reconnect(): void;
  accept(handoffId: string): void;
  decline(handoffId: string, reason: string): void;
  returnToBot(handoffId: string, note: string): void;
  routeToProduct(handoffId: string, route: ProductRoute): void;
  resolve(handoffId: string): void;
  /** Resolves with a message when the hub could not be told. */
  setPresence(status: Exclude<Presence, 'offline'>): Promise<string | null>;
  openLink(url: string): void;
  dispose(): void;
}

/** Wires the client core, the stores and the platform together for one console. */
export function createController({ platform, connect, defaultHubUrl, retryDelayMs }: ControllerOptions): Controller {
  let client: HubPort | null = null;
  let sync: Sync | null = null;
  let stopClientState: (() => void) | null = null;
  const cleanups: Array<() => void> = [];

  const outbox: Outbox = createOutbox({
    client: () => client,
    synced: () => sync?.synced() ?? false,
    me: () => sessionStore.getState().agent,
    ...(retryDelayMs !== undefined && { retryDelayMs }),
  });

  const notifier: OfferNotifier = createOfferNotifier({
    platform,
    prefs: () => settingsStore.getState().notifications,
    onChoice: (handoffId, choice) => {
      selectHandoffRow(handoffId, true);
      if (choice === 'accept' || choice === 'return') controller.accept(handoffId);
      // Returning needs a note, so the form opens with the handoff accepted underneath it.
      if (choice === 'return') openForm('returnToBot');
    },
  });

  const myId = (): string | undefined => sessionStore.getState().agent?.id;

  function disconnect(): void {
    stopClientState?.();
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
      onWithdrawn: (handoffId) => notifier.settled(handoffId),
    });
    stopClientState = current.onState((state) => {
      // A refused token will not work next time either: forget it, and the sign-in screen shows why.
      if (state.status !== 'unauthorized') return;
      forgetToken();
      disconnect();
    });
  }

  function resetSessionState(): void {
    clearHandoffs();
    clearSession();
    clearConflicts();
    resetUi();
  }

  const controller: Controller = {
    async start() {
      await loadSettings(platform.storage, defaultHubUrl);
      cleanups.push(persistSettings(platform.storage));
      if (settingsStore.getState().token) await loadPending(platform.storage);
      cleanups.push(persistPending(platform.storage));
      cleanups.push(
        handoffsStore.subscribe((state) => {
          platform.setBadgeCount(selectOffers(myId())(state).length);
        }),
      );
      const initial = await platform.initialDeepLink();
      const handled = initial ? handleDeepLink(initial) : false;
      if (!handled && settingsStore.getState().token) connectNow();
      else if (!handled) showSignedOut();
      cleanups.push(platform.onDeepLink((url) => void handleDeepLink(url)));
    },

    signIn(hubUrl, token) {
      const url = normaliseHubUrl(hubUrl) ?? hubUrl;
      disconnect();
      resetSessionState();
      replacePending([]); // a new sign-in starts with nothing queued: the queue belonged to the last one
      setCredentials(url, token.trim());
      connectNow();
    },

    async signOut() {
      disconnect();
      forgetToken();
      resetSessionState();
      replacePending([]);
      await platform.storage.remove(PENDING_KEY);
      showSignedOut();
    },

    reconnect: () => connectNow(),

    accept(handoffId) {
      notifier.settled(handoffId);
      outbox.take('handoff:accept', { handoffId });
    },
    decline(handoffId, reason) {
      notifier.settled(handoffId);
      outbox.take('handoff:decline', { handoffId, reason });
    },
    returnToBot: (handoffId, note) => void outbox.take('handoff:returnToBot', { handoffId, note }),
    routeToProduct: (handoffId, route) => void outbox.take('handoff:routeToProduct', { handoffId, ...route }),
    resolve: (handoffId) => void outbox.take('handoff:resolve', { handoffId }),

    async setPresence(status) {
      if (!client || connectionStore.getState().status !== 'connected') return 'Not connected to the hub; try again once it is back.';
      const ack = await client.send('presence:set', { status });
      if (!ack.ok) return ack.error.message;
      applyAgent(ack.agent);
      return null;
    },

    openLink: (url) => void platform.openExternal(url),

    dispose() {
      disconnect();
      outbox.dispose();
      notifier.dispose();
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };

  /** Acts on a link; true when it signed in (so there is nothing else to connect). */
  function handleDeepLink(url: string): boolean {
    const link = parseDeepLink(url);
    if (link?.kind === 'signIn') {
      controller.signIn(link.hubUrl ?? settingsStore.getState().hubUrl, link.token);
      return true;
    }
    if (link?.kind === 'handoff') selectHandoffRow(link.handoffId, true);
    return false;
  }

  return controller;
}
