// Packaging for Linux (AppImage, deb), macOS (dmg, zip) and Windows (nsis): `npm run dist`.
// Needs Electron's binaries from GitHub, so it runs on a machine with network access (not here).
import type { Configuration } from 'electron-builder';

/** Also Windows' AppUserModelID (electron/main/desktop.ts APP_ID): notifications are attributed to it. */
export const APP_ID = 'app.baton.desktop';

/**
 * Where electron-updater looks for `latest.yml` / `latest-mac.yml` / `latest-linux.yml` and the
 * installers: BATON_UPDATE_URL when running `npm run dist`, your own HTTPS server (any static
 * host), where you upload the files in release/ for each version. Without it the build has no
 * feed (no `app-update.yml`), and the app checks for no updates.
 */
export function publishConfig(env: Record<string, string | undefined>): Configuration['publish'] {
  const url = env.BATON_UPDATE_URL?.trim();
  return url ? [{ provider: 'generic', url }] : null;
}

const config: Configuration = {
  appId: APP_ID,
  productName: 'Baton',
  copyright: 'Copyright © Baton contributors',
  directories: { output: 'release', buildResources: 'build' },
  // The built app only; dependencies come from node_modules (production ones, packed by electron-builder).
  files: ['package.json', 'dist/electron/**/*', '!dist/electron/**/*.map', 'dist/console/**/*'],
  asar: true,
  // PGlite loads its WebAssembly and data files from disk at run time.
  asarUnpack: ['node_modules/@electric-sql/pglite/**'],
  protocols: [{ name: 'Baton link', schemes: ['baton'] }],
  // Electron's fuses, flipped in the binary at package time (electron/fuses, built into electron-builder).
  electronFuses: {
    runAsNode: false, // ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false, // the console is served from app://, never file://
  },
  publish: publishConfig(process.env),
  mac: {
    target: ['dmg', 'zip'], // zip: what electron-updater installs on macOS
    icon: 'build/icons/icon.png',
    category: 'public.app-category.business',
    hardenedRuntime: true,
  },
  dmg: { title: 'Baton ${version}' },
  win: {
    target: ['nsis'],
    icon: 'build/icons/icon.png',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    shortcutName: 'Baton',
  },
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'build/icons/linux',
    category: 'Office',
    executableName: 'baton',
    synopsis: 'Desktop companion for bot-to-human handoffs',
    maintainer: 'Baton contributors <desktop@baton.example>',
    mimeTypes: ['x-scheme-handler/baton'],
  },
  deb: { priority: 'optional' },
};

export default config;
