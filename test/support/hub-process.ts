// The hub as its own process (`node --import tsx hub/cli.ts …`), for tests that kill it. Node runs
// the CLI directly, not through the tsx binary (which starts a second node process), so the pid
// is the hub's own and a SIGKILL hits the hub itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from './fixtures.ts';

const READY_LINE = /^Baton hub listening on (http:\/\/127\.0\.0\.1:(\d+))$/m;
/** How much of the hub's output (its JSON logs are on stderr) is kept for failure messages. */
const OUTPUT_TAIL = 8_000;

export interface HubProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** The last few kB of the hub's logs. */
  stderr(): string;
  /** Resolves once the process has exited (and been reaped, so its pid is free). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `hub/cli.ts` with `args` and resolves once it printed its ready line; rejects if it exits first. */
export async function startHubProcess(args: string[], timeoutMs = 45_000): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Both pipes are read to the end: a hub blocked on a full pipe would look like a hung hub.
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout = (stdout + chunk).slice(-OUTPUT_TAIL)));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-OUTPUT_TAIL)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
    const check = () => {
      const match = READY_LINE.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve(match[1]!);
    };
    child.stdout.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited (${signal ?? code}) before it was ready; stdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
  return { child, url, port: Number(new URL(url).port), stderr: () => stderr, exited };
}
