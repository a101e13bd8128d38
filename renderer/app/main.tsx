// First: must run before any zod schema is made (see zod-config.ts).
import './zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BRIDGE_GLOBAL } from '../../shared/protocol/bridge.ts';
import { connectHub } from '../client/hub-client.ts';
import { DESKTOP_SOCKET_OPTIONS, createElectronPlatform, isBatonBridge } from '../platform/electron-platform.ts';
import { createWebPlatform } from '../platform/web-platform.ts';
import { App } from './App.tsx';
import { ConsoleProvider } from './console-context.tsx';
import { createController } from './controller.ts';
import { wireDesktopPresence } from './desktop-presence.ts';
import { createProviderSignIn } from './provider-sign-in.ts';
import { ProviderSignInContext } from '../settings/ProviderSignIn.tsx';
import { settingsStore } from '../state/settings.ts';
import './console.css';

// Inside Electron the preload exposes the bridge; in a browser there is none.
const bridge: unknown = Reflect.get(window, BRIDGE_GLOBAL);
const platform = isBatonBridge(bridge) ? createElectronPlatform(bridge) : createWebPlatform({ window, version: __BATON_VERSION__ });

// Served by a hub: that hub. Opened from a file (the desktop app): the usual local hub.
const defaultHubUrl = window.location.protocol === 'http:' || window.location.protocol === 'https:' ? window.location.origin : 'http://127.0.0.1:7400';

// The desktop's app:// origin gets no CORS answer from hubs, so it connects over WebSocket only.
const socketOptions = isBatonBridge(bridge) ? { socketOptions: DESKTOP_SOCKET_OPTIONS } : {};
// A session's access credential is renewed while connected: every reconnection takes the latest.
const controller = createController({ platform, connect: ({ url, token }) => connectHub({ url, token: () => settingsStore.getState().token ?? token, ...socketOptions }), defaultHubUrl });
if (isBatonBridge(bridge)) wireDesktopPresence(bridge, controller);

// Sign-in through the hub's identity provider: in a browser this tab goes to the provider and
// comes back to the console; the desktop app uses the system browser and its baton:// link.
const desktop = isBatonBridge(bridge);
const providerSignIn = createProviderSignIn({
  storage: platform.storage,
  fetch: (...args) => window.fetch(...args),
  redirectUri: () => (desktop ? 'baton://sign-in/callback' : `${window.location.origin}/`),
  openSignInPage: async (url) => {
    if (desktop) await platform.openExternal(url);
    else window.location.assign(url);
  },
  signIn: (hubUrl, accessToken) => controller.signIn(hubUrl, accessToken),
  signOut: () => controller.signOut(),
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
