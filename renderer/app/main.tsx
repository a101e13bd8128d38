// First: must run before any zod schema is made (see zod-config.ts).
import './zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BRIDGE_GLOBAL } from '../../shared/protocol/bridge.ts';
import { connectHub } from '../client/hub-client.ts';
import { DESKTOP_SOCKET_OPTIONS, createElectronPlatform, isBatonBridge } from '../platform/electron-platform.ts';
import { createWebPlatform } from '../platform/web-platform.ts';
import { App } from './App.tsx';
import { ConsoleProvider } from '../ui/console-context.tsx';
import { createController } from './controller.ts';
import { wireDesktopPresence } from './desktop-presence.ts';
import './console.css';

// Inside Electron the preload exposes the bridge; in a browser there is none.
const bridge: unknown = Reflect.get(window, BRIDGE_GLOBAL);
const platform = isBatonBridge(bridge) ? createElectronPlatform(bridge) : createWebPlatform({ window, version: __BATON_VERSION__ });

// Served by a hub: that hub. Opened from a file (the desktop app): the usual local hub.
const defaultHubUrl = window.location.protocol === 'http:' || window.location.protocol === 'https:' ? window.location.origin : 'http://127.0.0.1:7400';

// The desktop's app:// origin gets no CORS answer from hubs, so it connects over WebSocket only.
const socketOptions = isBatonBridge(bridge) ? { socketOptions: DESKTOP_SOCKET_OPTIONS } : {};
const controller = createController({ platform, connect: ({ url, token }) => connectHub({ url, token, ...socketOptions }), defaultHubUrl });
if (isBatonBridge(bridge)) wireDesktopPresence(bridge, controller);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConsoleProvider controller={controller} platform={platform}>
      <App />
    </ConsoleProvider>
  </StrictMode>,
);
void controller.start();
