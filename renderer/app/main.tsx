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
import './console.css';

const platform = createPlatform(window, __BATON_VERSION__);

// Served by a hub: that hub. Opened from a file (the desktop app): the usual local hub.
const defaultHubUrl = window.location.protocol === 'http:' || window.location.protocol === 'https:' ? window.location.origin : 'http://127.0.0.1:7400';

const controller = createController({ platform, connect: ({ url, token }) => connectHub({ url, token, socketOptions: platform.hubSocketOptions }), defaultHubUrl });
wireDesktopPresence(platform, controller);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConsoleProvider controller={controller} platform={platform}>
      <App />
    </ConsoleProvider>
  </StrictMode>,
);
void controller.start();
