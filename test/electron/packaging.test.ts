import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config, { APP_ID, publishConfig } from '../../build/electron-builder.config.ts';
import { buildElectron } from '../../build/electron-build.ts';
import { ICON_FILES, encodePng, render } from '../../build/icons/draw.ts';
import { APP_ID as DESKTOP_APP_ID } from '../../electron/main/desktop.ts';
import { REPO_ROOT } from '../support/fixtures.ts';

describe('the packaging configuration', () => {
  it('builds AppImage and deb for Linux, dmg and zip for macOS, nsis for Windows', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg', 'zip']);
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('registers the baton:// protocol, with the app id Windows notifications are attributed to', () => {
    expect(config.protocols).toEqual([{ name: 'Baton link', schemes: ['baton'] }]);
    expect(config.linux?.mimeTypes).toContain('x-scheme-handler/baton');
    expect(APP_ID).toBe(DESKTOP_APP_ID);
    expect(config.appId).toBe(APP_ID);
  });

  it('flips the fuses: no run-as-node, no NODE_OPTIONS, no inspector flags, encrypted cookies, only the integrity-checked asar', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('publishes updates to the generic server BATON_UPDATE_URL names, and without it builds no update feed at all (no placeholder host to poll)', () => {
    expect(publishConfig({ BATON_UPDATE_URL: 'https://downloads.acme.example/baton/' })).toEqual([{ provider: 'generic', url: 'https://downloads.acme.example/baton/' }]);
    expect(publishConfig({})).toBeNull();
    expect(publishConfig({ BATON_UPDATE_URL: '  ' })).toBeNull();
    expect(config.publish).toEqual(publishConfig(process.env));
  });

  it('names the Linux desktop file (package.json desktopName) after the executable, as GNOME’s portals need', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { desktopName?: string };
    expect(pkg.desktopName).toBe(`${config.linux?.executableName}.desktop`);
  });

  it('packs the built main, preload, hub process and console, and the package.json points Electron at main.js', () => {
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'dist/electron/**/*', 'dist/console/**/*']));
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string; productName: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.main).toBe('dist/electron/main.js');
    expect(pkg.productName).toBe('Baton');
    // electron-builder refuses electron as a runtime dependency.
    expect(pkg.dependencies.electron).toBeUndefined();
    expect(pkg.devDependencies.electron).toBe('45.5.0');
  });

  it('passes electron-builder’s own schema', async () => {
    // app-builder-lib is electron-builder's engine; its validator is what `npm run dist` runs first.
    const require = createRequire(import.meta.url);
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });
});

describe('the icons', () => {
  it('every icon the packaging and the app use is a PNG of its size', async () => {
    for (const { file, size } of ICON_FILES) {
      const png = await readFile(join(REPO_ROOT, 'build/icons', file));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
    expect(await readFile(join(REPO_ROOT, 'build/icons/icon.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('the committed tray icons are what draw.ts draws (run `npm run icons` after changing it)', async () => {
    for (const { file, shape, size } of ICON_FILES.filter((f) => f.size <= 32)) {
      expect((await readFile(join(REPO_ROOT, 'build/icons', file))).equals(encodePng(render(shape, size), size)), file).toBe(true);
    }
  });
});

describe('the production build of the desktop', () => {
  it('main.js is an ES module for Electron, preload.cjs a self-contained CommonJS preload, hub-process.js has its migrations beside it', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'baton-build-'));
    try {
      await buildElectron({ outDir });
      const main = await readFile(join(outDir, 'main.js'), 'utf8');
      expect(main).toMatch(/^import .* from "electron";$/m);
      expect(main).not.toMatch(/\brequire\(/);

      const preload = await readFile(join(outDir, 'preload.cjs'), 'utf8');
      const required = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      expect([...new Set(required)]).toEqual(['electron']); // a sandboxed preload can require nothing else
      expect(preload).not.toMatch(/^\s*(import|export)\s/m);

      const hub = await readFile(join(outDir, 'hub-process.js'), 'utf8');
      expect(hub).toContain('new URL("./migrations/", import.meta.url)');
      const migrations = (await readdir(join(outDir, 'migrations'))).sort();
      expect(migrations).toEqual((await readdir(join(REPO_ROOT, 'hub/store/migrations'))).filter((f) => f.endsWith('.sql')).sort());
      expect((await readdir(join(outDir, 'assets'))).sort()).toEqual(['icon.png', 'tray.png', 'trayTemplate.png', 'trayTemplate@2x.png']);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
