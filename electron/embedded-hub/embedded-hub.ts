import { createInterface } from 'node:readline';
import type { ForkOptions, UtilityProcess } from 'electron';
import type { Log } from '../logging/log.ts';
import { HubProcessMessage, type HubProcessCommand } from './messages.ts';

export type UtilityProcessPort = Pick<UtilityProcess, 'on' | 'once' | 'kill'> & {
  postMessage(message: HubProcessCommand): void;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
};
export type ForkUtility = (modulePath: string, args: string[], options: ForkOptions) => UtilityProcessPort;

export interface HubTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ReadyHub {
  url: string;
  /** The demo agent's token. */
  token: string;
  /** Every demo person's token. */
  demoTokens: string[];
}

export interface EmbeddedHub {
  /**
   * Resolves once the hub takes connections (after a restart: once the new one does, at its
   * address); rejects with a message the agent can act on.
   */
  ready(): Promise<ReadyHub>;
  /** Asks the hub to finish its writes and exit; kills it if it has not within the timeout. */
  stop(): Promise<void>;
}

export interface EmbeddedHubOptions {
  fork: ForkUtility;
  /** The built hub-process.js. */
  modulePath: string;
  /** Inside the user-data folder. */
  dataDir: string;
  /** The port it had last time; 0 for any. */
  port: number;
  log: Log;
  /** Heard on every start (and restart): the port to remember, and the address the console must follow. */
  onReady?(hub: ReadyHub): void;
  /** The hub stopped and every restart failed: it stays down until Baton restarts. */
  onGaveUp?(message: string): void;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** How often a hub that dies after starting is started again, per app session. */
  maxRestarts?: number;
  restartDelayMs?: number;
  timers?: HubTimers;
}

export class EmbeddedHubError extends Error {
  override name = 'EmbeddedHubError';
}

/**
 * Runs the local demo hub in an Electron utility process: a separate Node process the OS can
 * schedule apart from the window, which the main process starts, watches and stops. If it dies
 * after starting it is started again, on the same port if that is still free (else on another,
 * which `onReady` reports), up to `maxRestarts` times per session, failed starts included.
 */
export function startEmbeddedHub({
  fork,
  modulePath,
  dataDir,
  port,
  log,
  onReady,
  onGaveUp,
  startTimeoutMs = 60_000,
  stopTimeoutMs = 10_000,
  maxRestarts = 3,
  restartDelayMs = 2_000,
  timers = { setTimeout, clearTimeout },
}: EmbeddedHubOptions): EmbeddedHub {
  let child: UtilityProcessPort | null = null;
  let stopping = false;
  let restarts = 0;
  let lastPort = port;

  const launch = (): Promise<ReadyHub> =>
    new Promise<ReadyHub>((resolve, reject) => {
      const proc = fork(modulePath, ['--data-dir', dataDir, '--port', String(lastPort)], { serviceName: 'Baton hub', stdio: 'pipe' });
      child = proc;
      forwardLogs(proc.stdout, log);
      forwardLogs(proc.stderr, log);
      let settled = false;
      const fail = (message: string): void => {
        if (settled) return;
        settled = true;
        timers.clearTimeout(timer);
        reject(new EmbeddedHubError(message));
      };
      const timer = timers.setTimeout(() => {
        fail(`The local demo hub did not start within ${Math.round(startTimeoutMs / 1000)} s; see the log for why.`);
        proc.kill();
      }, startTimeoutMs);

      proc.on('message', (raw: unknown) => {
        const message = HubProcessMessage.safeParse(raw);
        if (!message.success) {
          log.warn('The hub process sent a message that is not in its protocol.');
          return;
        }
        if (message.data.type === 'failed') {
          fail(message.data.message);
          return;
        }
        if (settled) return;
        settled = true;
        timers.clearTimeout(timer);
        const ready = { url: message.data.url.replace(/\/+$/, ''), token: message.data.token, demoTokens: message.data.demoTokens };
        lastPort = Number(new URL(ready.url).port) || lastPort;
        log.info('The local demo hub is up.', { url: ready.url });
        onReady?.(ready);
        resolve(ready);
      });
      proc.on('exit', (code) => {
        if (child === proc) child = null;
        if (!settled) {
          fail(`The local demo hub stopped while starting (exit code ${code}); see the log for why.`);
          return;
        }
        if (stopping) return;
        log.warn('The local demo hub stopped unexpectedly.', { code });
        const next = deferred();
        current = next.promise;
        restart(next, `it stopped with exit code ${code}`);
      });
    });

  /** Starts the hub again after a pause, as often as allowed; `next` settles with the outcome. */
  const restart = (next: Deferred, reason: string): void => {
    if (restarts >= maxRestarts) {
      const message = `The local demo hub stopped and could not be started again (${reason}).`;
      log.error('The local demo hub keeps stopping; it is not started again until Baton restarts.', { reason });
      next.reject(new EmbeddedHubError(message));
      onGaveUp?.(message);
      return;
    }
    restarts++;
    log.warn('Starting the local demo hub again.', { attempt: restarts });
    timers.setTimeout(() => {
      if (stopping) {
        next.reject(new EmbeddedHubError('The local demo hub was stopped.'));
        return;
      }
      launch().then(next.resolve, (error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        log.error('The local demo hub did not start again.', { error: why });
        restart(next, why);
      });
    }, restartDelayMs);
  };

  let current = launch();
  current.catch(() => undefined); // the console hears about it through ready()

  return {
    ready: () => current,
    async stop() {
      stopping = true;
      const proc = child;
      if (!proc) return;
      await new Promise<void>((resolve) => {
        const timer = timers.setTimeout(() => {
          log.warn('The local demo hub did not stop in time; ending it.');
          proc.kill();
          resolve();
        }, stopTimeoutMs);
        proc.once('exit', () => {
          timers.clearTimeout(timer);
          resolve();
        });
        proc.postMessage({ type: 'stop' });
      });
    },
  };
}

interface Deferred {
  promise: Promise<ReadyHub>;
  resolve(hub: ReadyHub): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: (hub: ReadyHub) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<ReadyHub>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // heard through ready()
  return { promise, resolve, reject };
}

const PINO_LEVELS: Array<[number, keyof Log]> = [
  [50, 'error'],
  [40, 'warn'],
];

/** The hub logs JSON lines (pino); they go to the main log at their own level. */
function forwardLogs(stream: NodeJS.ReadableStream | null, log: Log): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => {
    let entry: { level?: number; msg?: string } | undefined;
    try {
      entry = JSON.parse(line) as { level?: number; msg?: string };
    } catch {
      entry = undefined;
    }
    const level = PINO_LEVELS.find(([at]) => (entry?.level ?? 30) >= at)?.[1] ?? 'info';
    log[level](`hub: ${entry?.msg ?? line}`.slice(0, 2_000), entry && typeof entry === 'object' ? { hub: entry } : undefined);
  });
}
