import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** How the end-to-end tests and the console benchmark start Chromium. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface FoundChromium {
  executablePath: string;
  /** Where it came from, for logs: `BATON_CHROMIUM`, `installed`, or `@sparticuz/chromium`. */
  from: string;
}

/** Said when no browser can be found; `npm test` stops with it before running any test. */
export const NO_CHROMIUM =
  'No Chromium for the end-to-end tests: set BATON_CHROMIUM to a Chrome or Chromium executable, install one (e.g. `apt-get install chromium`), or run `npm install` on Linux x64, which brings one in @sparticuz/chromium.';

interface Where {
  platform: NodeJS.Platform;
  arch: string;
  env: NodeJS.ProcessEnv;
  exists: (file: string) => boolean;
  /** Unpacks the Chromium that ships inside the npm package (Linux x64 only). */
  bundled: () => Promise<string | undefined>;
}

/** Chrome and Chromium where each system's installers put them, most specific first. */
export function installedBrowserPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'linux') {
    return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];
  }
  if (platform === 'darwin') {
    const apps = ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'];
    return [...apps, ...(env.HOME ? apps.map((app) => path.join(env.HOME!, app)) : [])];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((root): root is string => Boolean(root));
    return roots.map((root) => path.win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'));
  }
  return [];
}

/**
 * The browser the end-to-end tests and the benchmarks drive: `BATON_CHROMIUM`, else an installed
 * Chrome or Chromium, else (Linux x64) the one that `npm install` brought in @sparticuz/chromium.
 */
export async function findChromium(where: Partial<Where> = {}): Promise<FoundChromium | undefined> {
  const { platform = process.platform, arch = process.arch, env = process.env, exists = existsSync, bundled = unpackBundledChromium } = where;
  const chosen = env.BATON_CHROMIUM;
  if (chosen) {
    if (!exists(chosen)) throw new Error(`BATON_CHROMIUM is ${chosen}, and there is no file there.`);
    return { executablePath: chosen, from: 'BATON_CHROMIUM' };
  }
  const installed = installedBrowserPaths(platform, env).find((file) => exists(file));
  if (installed) return { executablePath: installed, from: 'installed' };
  if (platform !== 'linux' || arch !== 'x64') return undefined;
  const unpacked = await bundled();
  return unpacked ? { executablePath: unpacked, from: '@sparticuz/chromium' } : undefined;
}

/**
 * Unpacks @sparticuz/chromium once per version into the temporary folder. The package unpacks
 * into `os.tmpdir()` in place, so it is pointed at a fresh folder that is then renamed into
 * place: a concurrent or interrupted unpack never leaves a half-written browser where one is used.
 */
async function unpackBundledChromium(): Promise<string | undefined> {
  let chromium: typeof import('@sparticuz/chromium').default;
  let version: string;
  try {
    chromium = (await import('@sparticuz/chromium')).default;
    const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
    version = (JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined; // installed without dev dependencies
  }
  const base = os.tmpdir();
  const home = path.join(base, `baton-chromium-${version}`);
  const executable = path.join(home, 'chromium');
  if (existsSync(executable)) return executable;
  const staging = await mkdtemp(path.join(base, 'baton-chromium-unpacking-'));
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    await chromium.executablePath();
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  try {
    await rename(staging, home);
  } catch (error) {
    // Another process finished first: use its copy.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(executable)) throw error;
  }
  return executable;
}

/** `findChromium()`, or the one sentence that says how to get a browser. */
export async function requireChromium(): Promise<FoundChromium> {
  const found = await findChromium();
  if (!found) throw new Error(NO_CHROMIUM);
  return found;
}
