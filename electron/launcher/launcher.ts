import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// `npm start`: the desktop app when Electron's binary is here (or can be fetched), else the web
// console with the local demo hub. This runs in plain Node, before any Electron exists.

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/**
 * Where the `electron` package keeps its binary, without running its index.js (which would try to
 * download it): `path.txt` names the executable under `dist/`, or ELECTRON_OVERRIDE_DIST_PATH.
 */
export function findElectronBinary({
  packageDir,
  env = process.env,
  exists = existsSync,
  readText = (path: string) => readFileSync(path, 'utf8'),
}: {
  packageDir: string;
  env?: Record<string, string | undefined>;
  exists?: (path: string) => boolean;
  readText?: (path: string) => string;
}): ElectronBinary {
  let executable: string | undefined;
  try {
    executable = readText(join(packageDir, 'path.txt')).trim() || undefined;
  } catch {
    executable = undefined;
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const path = join(override, executable ?? 'electron');
    return exists(path) ? { found: true, path } : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${executable ?? 'electron'}` };
  }
  if (!executable) return { found: false, reason: 'the electron package has not downloaded its binary' };
  const path = join(packageDir, 'dist', executable);
  return exists(path) ? { found: true, path } : { found: false, reason: `${path} is missing` };
}

/** The one line `npm start` prints when it falls back to the web console. */
export const FALLBACK_NOTICE =
  'Baton: no Electron binary on this machine and it could not be downloaded (it comes from GitHub), so this serves the web console with the local demo hub instead; with network access, `npm start` opens the Baton desktop app (tray, native notifications, its own demo hub).';

export const DOWNLOAD_NOTICE = 'Baton: downloading the Electron binary (first launch only)…';

export interface StartOptions {
  argv: string[];
  env: Record<string, string | undefined>;
  findBinary(): ElectronBinary;
  /** Fetches the binary (electron's own install.js); true when it worked. */
  download(): Promise<boolean>;
  runElectron(binary: string): Promise<number>;
  runWebConsole(): Promise<number>;
  print(line: string): void;
  /** How long a download may run quietly before the launcher says it is downloading. */
  quietMs?: number;
  timers?: { setTimeout(callback: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
}

/**
 * Chooses what `npm start` runs and runs it; resolves with the exit code.
 * `--web` (or BATON_WEB=1) asks for the web console; BATON_NO_DOWNLOAD=1 skips the download attempt.
 */
export async function start({ argv, env, findBinary, download, runElectron, runWebConsole, print, quietMs = 3_000, timers = { setTimeout, clearTimeout } }: StartOptions): Promise<number> {
  if (argv.includes('--web') || env.BATON_WEB === '1') return runWebConsole();
  let binary = findBinary();
  if (!binary.found && env.BATON_NO_DOWNLOAD !== '1') {
    const slow = timers.setTimeout(() => print(DOWNLOAD_NOTICE), quietMs);
    const downloaded = await download().catch(() => false);
    timers.clearTimeout(slow);
    if (downloaded) binary = findBinary();
  }
  if (binary.found) return runElectron(binary.path);
  print(FALLBACK_NOTICE);
  return runWebConsole();
}
