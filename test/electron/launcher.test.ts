import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DOWNLOAD_NOTICE, FALLBACK_NOTICE, findElectronBinary, start, type StartOptions } from '../../electron/launcher/launcher.ts';
import { manualTimers } from './fakes.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function electronPackage({ pathTxt, binary }: { pathTxt?: string; binary?: string }) {
  dir = await mkdtemp(join(tmpdir(), 'baton-electron-'));
  if (pathTxt !== undefined) await writeFile(join(dir, 'path.txt'), pathTxt);
  if (binary) {
    await mkdir(join(dir, 'dist'), { recursive: true });
    await writeFile(join(dir, 'dist', binary), '');
  }
  return dir;
}

describe('finding the Electron binary (without triggering its download)', () => {
  it('is found where path.txt says, under dist/', async () => {
    const packageDir = await electronPackage({ pathTxt: 'electron', binary: 'electron' });
    expect(findElectronBinary({ packageDir, env: {} })).toEqual({ found: true, path: join(packageDir, 'dist', 'electron') });
  });

  it('is missing when the package never downloaded it (this machine)', async () => {
    const packageDir = await electronPackage({});
    expect(findElectronBinary({ packageDir, env: {} })).toMatchObject({ found: false });
  });

  it('is missing when path.txt names a binary that is not there', async () => {
    const packageDir = await electronPackage({ pathTxt: 'Electron.app/Contents/MacOS/Electron' });
    expect(findElectronBinary({ packageDir, env: {} })).toMatchObject({ found: false, reason: expect.stringContaining('is missing') });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH, as the electron package does', async () => {
    const packageDir = await electronPackage({ pathTxt: 'electron' });
    const override = await mkdtemp(join(tmpdir(), 'baton-override-'));
    try {
      await writeFile(join(override, 'electron'), '');
      expect(findElectronBinary({ packageDir, env: { ELECTRON_OVERRIDE_DIST_PATH: override } })).toEqual({ found: true, path: join(override, 'electron') });
    } finally {
      await rm(override, { recursive: true, force: true });
    }
  });

  it('the real electron package here has no binary, which is what npm start falls back on', () => {
    const packageDir = join(import.meta.dirname, '../../node_modules/electron');
    const binary = findElectronBinary({ packageDir, env: {} });
    if (binary.found) return; // a machine with the binary: nothing to fall back on
    expect(binary.reason).toMatch(/not downloaded|missing/);
  });
});

function launcher(overrides: Partial<StartOptions> = {}) {
  const printed: string[] = [];
  const options: StartOptions = {
    argv: [],
    env: {},
    findBinary: () => ({ found: false, reason: 'not downloaded' }),
    download: vi.fn(async () => false),
    runElectron: vi.fn(async () => 0),
    runWebConsole: vi.fn(async () => 0),
    print: (line) => printed.push(line),
    timers: manualTimers(),
    ...overrides,
  };
  return { options, printed };
}

describe('npm start', () => {
  it('without the binary (and no way to download it) prints one line saying so and serves the web console', async () => {
    const { options, printed } = launcher();
    expect(await start(options)).toBe(0);
    expect(options.download).toHaveBeenCalledTimes(1);
    expect(options.runElectron).not.toHaveBeenCalled();
    expect(options.runWebConsole).toHaveBeenCalledTimes(1);
    expect(printed).toEqual([FALLBACK_NOTICE]);
    expect(FALLBACK_NOTICE).not.toContain('\n');
    expect(FALLBACK_NOTICE).toMatch(/no Electron binary/);
    expect(FALLBACK_NOTICE).toMatch(/web console with the local demo hub/);
    expect(FALLBACK_NOTICE).toMatch(/with network access, `npm start` opens the Baton desktop app/);
  });

  it('with the binary launches the desktop app', async () => {
    const { options, printed } = launcher({ findBinary: () => ({ found: true, path: '/e/electron' }) });
    await start(options);
    expect(options.runElectron).toHaveBeenCalledWith('/e/electron');
    expect(options.download).not.toHaveBeenCalled();
    expect(printed).toEqual([]);
  });

  it('downloads the binary on first launch where there is network, then launches the app', async () => {
    let downloaded = false;
    const { options } = launcher({
      findBinary: () => (downloaded ? { found: true, path: '/e/electron' } : { found: false, reason: 'not downloaded' }),
      download: vi.fn(async () => (downloaded = true)),
    });
    await start(options);
    expect(options.runElectron).toHaveBeenCalledWith('/e/electron');
    expect(options.runWebConsole).not.toHaveBeenCalled();
  });

  it('says it is downloading only when the download takes a while', async () => {
    const timers = manualTimers();
    let finish: (ok: boolean) => void = () => undefined;
    const { options, printed } = launcher({ timers, download: () => new Promise<boolean>((resolve) => (finish = resolve)) });
    const running = start(options);
    timers.advance(3_000);
    finish(false);
    await running;
    expect(printed).toEqual([DOWNLOAD_NOTICE, FALLBACK_NOTICE]);
  });

  it('--web and BATON_WEB=1 go straight to the web console; BATON_NO_DOWNLOAD=1 skips the download', async () => {
    const web = launcher({ argv: ['--web'] });
    await start(web.options);
    expect(web.options.runWebConsole).toHaveBeenCalled();
    expect(web.printed).toEqual([]);
    const env = launcher({ env: { BATON_WEB: '1' } });
    await start(env.options);
    expect(env.options.runWebConsole).toHaveBeenCalled();
    expect(env.options.download).not.toHaveBeenCalled();
    const offline = launcher({ env: { BATON_NO_DOWNLOAD: '1' } });
    await start(offline.options);
    expect(offline.options.download).not.toHaveBeenCalled();
    expect(offline.printed).toEqual([FALLBACK_NOTICE]);
  });
});
