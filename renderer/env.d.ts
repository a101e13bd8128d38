/** The app's version, from package.json (vite.config.ts `define`). */
declare const __BATON_VERSION__: string;
