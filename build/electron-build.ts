// The production build of the desktop's main process, preload and hub process into dist/electron/
// (`npm run build:electron`). The console itself is built by `npm run build:console`.
//
// - main.js: ES module, loaded by Electron's Node (ESM main processes are supported since Electron 28).
// - hub-process.js: ES module, run by utilityProcess.fork; its SQL migrations are copied beside it,
//   where hub/store/migrate.ts looks for them (relative to the module).
// - preload.cjs: CommonJS with everything but `electron` bundled in: a sandboxed preload can
//   neither load ES modules nor require anything from node_modules.
// Dependencies of main and hub stay external: electron-builder packs them from node_modules.
import { builtinModules } from 'node:module';
import { cp, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

function nodeEntry(entry: string, fileName: string, outDir: string): InlineConfig {
  return {
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    build: {
      ssr: entry,
      outDir,
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      sourcemap: true,
      copyPublicDir: false,
      rolldownOptions: {
        external: ['electron', /^electron\//, ...NODE_BUILTINS],
        output: { format: 'es', entryFileNames: fileName, codeSplitting: false },
      },
    },
    ssr: { target: 'node' },
  };
}

function preloadEntry(outDir: string): InlineConfig {
  return {
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    build: {
      ssr: 'electron/preload/index.ts',
      outDir,
      emptyOutDir: false,
      target: 'chrome140',
      minify: false,
      sourcemap: true,
      copyPublicDir: false,
      rolldownOptions: {
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: 'preload.cjs', codeSplitting: false },
      },
    },
    ssr: { target: 'node', noExternal: true },
  };
}

const RUNTIME_ICONS = ['icon.png', 'tray.png', 'trayTemplate.png', 'trayTemplate@2x.png'];

export async function buildElectron({ outDir = join(ROOT, 'dist/electron') }: { outDir?: string } = {}): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await build(nodeEntry('electron/main/index.ts', 'main.js', outDir));
  await build(nodeEntry('electron/embedded-hub/hub-process.ts', 'hub-process.js', outDir));
  await build(preloadEntry(outDir));
  await cp(join(ROOT, 'hub/store/migrations'), join(outDir, 'migrations'), { recursive: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  for (const icon of RUNTIME_ICONS) await cp(join(ROOT, 'build/icons', icon), join(outDir, 'assets', icon));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildElectron();
  console.log(`Built the desktop main process, preload and hub process into dist/electron/ in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
