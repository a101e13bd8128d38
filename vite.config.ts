import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const { version } = JSON.parse(readFileSync(here('./package.json'), 'utf8')) as { version: string };

// The agent console: built once, served by the hub at `/` and loaded by Electron from file://,
// hence the relative base.
export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react()],
  define: { __BATON_VERSION__: JSON.stringify(version) },
  build: {
    outDir: here('./dist/console'),
    emptyOutDir: true,
    // No inline scripts or data: modules, so the hub's strict CSP holds.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
