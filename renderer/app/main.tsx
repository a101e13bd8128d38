// First: must run before any zod schema is made (see zod-config.ts).
import './zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectHub } from '../client/hub-client.ts';
import { createPlatform } from '../platform/create-platform.ts';
import { ConsoleProvider } from '../ui/console-context.tsx';
import { App } from './App.tsx';
import { createController } from './controller.ts';
import { wireDesktopPresence } from './desktop-presence.ts';
import { createProviderSignIn } from '../state/provider-sign-in.ts';
import { ProviderSignInContext } from '../settings/ProviderSignIn.tsx';
import { connectionStore } from '../state/connection.ts';
import { settingsStore } from '../state/settings.ts';
import './console.css';

const platform = createPlatform(window, __BATON_VERSION__);

// Served by a hub: that hub. Opened from a file (the desktop app): the usual local hub.
const defaultHubUrl = window.location.protocol === 'http:' || window.location.protocol === 'https:' ? window.location.origin : 'http://127.0.0.1:7400';

// A session's access credential is renewed while connected: every reconnection takes the latest.
const controller = createController({ platform, connect: ({ url, token }) => connectHub({ url, token: () => settingsStore.getState().token ?? token, socketOptions: platform.hubSocketOptions }), defaultHubUrl });
wireDesktopPresence(platform, controller);

// Sign-in through the hub's identity provider: in a browser this tab goes to the provider and
// comes back to the console; the desktop app uses the system browser and its baton:// link.
const { redirectUri, systemBrowser: desktop } = platform.providerSignInReturn();
const providerSignIn = createProviderSignIn({
  storage: platform.storage,
  fetch: (...args) => window.fetch(...args),
  redirectUri: () => redirectUri,
  openSignInPage: async (url) => {
    if (desktop) await platform.openExternal(url);
    else window.location.assign(url);
  },
  signIn: (hubUrl, accessToken) => controller.signIn(hubUrl, accessToken),
  signOut: () => controller.signOut(),
  renewed: () => {
    const { status } = connectionStore.getState();
    if (status === 'unauthorized' || status === 'offline') controller.reconnect();
  },
});
const returned = new URL(window.location.href);
if (!desktop && returned.searchParams.has('state')) window.history.replaceState(null, '', `${returned.origin}${returned.pathname}${returned.hash}`);
if (desktop) platform.onDeepLink((url) => void providerSignIn.complete(url));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConsoleProvider controller={controller} platform={platform}>
      <ProviderSignInContext.Provider value={providerSignIn}>
        <App />
      </ProviderSignInContext.Provider>
    </ConsoleProvider>
  </StrictMode>,
);
void (async () => {
  await providerSignIn.resume();
  await controller.start();
  if (!desktop) await providerSignIn.complete(returned.href);
})();
