// `npm run hub -- …` as people run it: `tsx hub/cli.ts …` in a child process of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures.ts';

const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');

export interface HubCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts CLI processes, each in its own process group so `stopAll` stops tsx and the node process
 * it runs; a file calls `stopAll` in its cleanup, also after a failed test.
 */
export function hubCliRunner() {
  const children: HubCli[] = [];

  function cli(args: string[], env: Record<string, string> = {}): HubCli {
    const child = spawn(TSX, ['hub/cli.ts', ...args], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    const handle: HubCli = { child, stdout: () => stdout, stderr: () => stderr, exited };
    children.push(handle);
    return handle;
  }

  /** Runs a command to its end. */
  async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const handle = cli(args, env);
    const { code } = await handle.exited;
    return { code, stdout: handle.stdout(), stderr: handle.stderr() };
  }

  async function stopAll(): Promise<void> {
    for (const { child, exited } of children.splice(0)) {
      try {
        process.kill(-child.pid!, 'SIGKILL'); // the whole group: tsx and the node process it started
      } catch {
        // already gone
      }
      await exited;
    }
  }

  return { cli, run, stopAll };
}
