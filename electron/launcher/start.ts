// `npm start` (after the console and the desktop are built): see launcher.ts.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary, start } from './launcher.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ELECTRON_PACKAGE = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/** Runs a child with the terminal attached; Ctrl+C reaches it directly, SIGTERM is passed on. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolveExit) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = (): void => undefined; // the terminal sends SIGINT to the child as well
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolveExit(code ?? (signal ? 1 : 0));
    });
    child.on('error', (error) => {
      console.error(`Baton: could not run ${command}: ${error.message}`);
      resolveExit(1);
    });
  });
}

function download(): Promise<boolean> {
  return new Promise((resolveDone) => {
    const child = spawn(process.execPath, [join(ELECTRON_PACKAGE, 'install.js')], { stdio: 'ignore', timeout: DOWNLOAD_TIMEOUT_MS });
    child.on('exit', (code) => resolveDone(code === 0));
    child.on('error', () => resolveDone(false));
  });
}

const code = await start({
  argv: process.argv.slice(2),
  env: process.env,
  findBinary: () => findElectronBinary({ packageDir: ELECTRON_PACKAGE }),
  download,
  runElectron: (binary) => {
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE; // would make Electron a plain Node and ignore the app
    return run(binary, [ROOT], env);
  },
  runWebConsole: () => run(process.execPath, ['--import', 'tsx', join(ROOT, 'hub/cli.ts'), 'serve', '--demo', '--demo-bot', '--port', '7400']),
  print: (line) => console.log(line),
});
process.exit(code);
