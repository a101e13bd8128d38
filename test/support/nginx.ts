// nginx in front of test hubs, as the tests start PostgreSQL: Debian's nginx, run unprivileged in
// a temporary folder (its pid file, logs and temporary files all there), with the configuration
// the repository ships (deploy/nginx/) rendered for a free loopback port and the given hubs.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './fixtures.ts';
import { freePort } from './free-port.ts';

/** Said when no nginx can be found (`npm test` says it first; under CI it stops there). */
export const NO_NGINX =
  'No nginx for the reverse-proxy tests: install Debian\'s (`apt-get install nginx`; the tests run it themselves, on a free loopback port, and need no service running), or set BATON_NGINX to an nginx executable.';

const SHIPPED = path.join(REPO_ROOT, 'deploy', 'nginx');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * nginx from BATON_NGINX, else on PATH, else where Debian puts it (/usr/sbin is not on every
 * user's PATH); undefined when there is none.
 */
export function findNginx({ env = process.env, executable = isExecutable }: { env?: NodeJS.ProcessEnv; executable?: (file: string) => boolean } = {}): string | undefined {
  const chosen = env.BATON_NGINX;
  if (chosen) {
    if (!executable(chosen)) throw new Error(`BATON_NGINX is ${chosen}, and there is no executable there.`);
    return chosen;
  }
  const onPath = (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'nginx'));
  return [...onPath, '/usr/sbin/nginx'].find((file) => executable(file));
}

/** `text` with `pattern` replaced; throws when it is not there, so a changed shipped file fails loudly. */
function replaced(text: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(text)) throw new Error(`deploy/nginx: ${what} not found; the test renders the shipped file by it`);
  return text.replace(pattern, replacement);
}

/**
 * The shipped configuration for this machine: `listen` on 127.0.0.1:`port`, and the hub list with
 * one `server` line per hub, each with the parameters of the shipped file's first line.
 */
export async function renderNginxConfig(dir: string, port: number, hubs: readonly string[]): Promise<string> {
  const hubList = await readFile(path.join(SHIPPED, 'baton-hubs.conf'), 'utf8');
  const line = /^server\s+\S+(.*);$/m.exec(hubList);
  if (!line) throw new Error('deploy/nginx/baton-hubs.conf: no `server` line');
  const servers = hubs.map((hub) => `server ${new URL(hub).host}${line[1]};`).join('\n');
  await writeFile(path.join(dir, 'baton-hubs.conf'), `${servers}\n`);

  let site = await readFile(path.join(SHIPPED, 'baton.conf'), 'utf8');
  site = replaced(site, /include \/etc\/nginx\/baton-hubs\.conf;/g, `include ${path.join(dir, 'baton-hubs.conf')};`, 'the include of /etc/nginx/baton-hubs.conf');
  site = replaced(site, /^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};`, '`listen 80;`');
  await writeFile(path.join(dir, 'baton.conf'), site);

  // What Debian's /etc/nginx/nginx.conf provides, with every path in `dir`.
  const inDir = (name: string) => path.join(dir, name);
  const main = `pid ${inDir('nginx.pid')};
error_log ${inDir('error.log')} notice;
worker_processes 1;
worker_rlimit_nofile 16384;
events { worker_connections 8192; }
http {
    log_format baton_test '$remote_addr "$request" $status "$upstream_addr"';
    access_log ${inDir('access.log')} baton_test;
    client_body_temp_path ${inDir('client_body')};
    proxy_temp_path ${inDir('proxy')};
    fastcgi_temp_path ${inDir('fastcgi')};
    uwsgi_temp_path ${inDir('uwsgi')};
    scgi_temp_path ${inDir('scgi')};
    include ${inDir('baton.conf')};
}
`;
  const file = inDir('nginx.conf');
  await writeFile(file, main);
  return file;
}

/** A request as nginx logged it, once it finished (a WebSocket once it closed). */
export interface LoggedRequest {
  client: string;
  /** The request line, e.g. `GET /healthz HTTP/1.1`. */
  request: string;
  status: number;
  /** Each hub it was sent to (`host:port`), in order: more than one when nginx tried the next. */
  hubs: string[];
}

const LOG_LINE = /^(\S+) "([^"]*)" (\d{3}) "([^"]*)"$/;

export interface TestNginx {
  /** http://127.0.0.1:<port>, the address clients use instead of a hub's. */
  url: string;
  /** The configuration folder: nginx.conf, baton.conf, baton-hubs.conf, error.log, access.log. */
  dir: string;
  /** The requests nginx has logged so far. */
  requests(): Promise<LoggedRequest[]>;
  /** The end of nginx's error log, for failure messages. */
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

async function tail(file: string): Promise<string> {
  return (await readFile(file, 'utf8').catch(() => '')).slice(-4_000);
}

/** Waits for nginx to answer any HTTP request on `url`; rejects if it exits first or takes too long. */
async function answering(url: string, child: ChildProcess, stderr: () => string, dir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nginx exited (${child.signalCode ?? child.exitCode}) before it answered:\n${stderr()}\n${await tail(path.join(dir, 'error.log'))}`);
    }
    try {
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`nginx did not answer on ${url} within ${timeoutMs} ms:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** nginx with the shipped configuration in front of `hubs` (their URLs), on a free loopback port. */
export async function startNginx(hubs: readonly string[], { timeoutMs = 15_000 }: { timeoutMs?: number } = {}): Promise<TestNginx> {
  const nginx = findNginx();
  if (!nginx) throw new Error(NO_NGINX);
  const dir = await mkdtemp(path.join(tmpdir(), 'baton-nginx-'));
  // Started as root, nginx's workers run as `nobody`: they must reach the temporary folders in here.
  await chmod(dir, 0o755);
  const port = await freePort();
  const config = await renderNginxConfig(dir, port, hubs);
  const child = spawn(nginx, ['-p', dir, '-c', config, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await answering(url, child, () => stderr, dir, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  const requests = async () => {
    const log = await readFile(path.join(dir, 'access.log'), 'utf8').catch(() => '');
    return log
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const match = LOG_LINE.exec(line);
        if (!match) throw new Error(`an access log line not in the test's format: ${line}`);
        const [, client = '', request = '', status = '', upstream = ''] = match;
        return { client, request, status: Number(status), hubs: upstream === '-' ? [] : upstream.split(/,\s*|\s+:\s+/) };
      });
  };
  return { url, dir, requests, errorLog: () => tail(path.join(dir, 'error.log')), stop };
}
