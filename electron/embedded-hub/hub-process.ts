// The embedded hub's utility process (utilityProcess.fork): a demo hub with the demo bot, its
// data in the folder it is given, reporting to the main process over process.parentPort.
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import pino, { type Logger } from 'pino';
import { startDemoHub, type RunningDemoHub } from '../../hub/hub.ts';
import { HubProcessCommand, type HubProcessMessage } from './messages.ts';

export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: HubProcessMessage): void;
}

export function parseHubProcessArgs(argv: string[]): { dataDir: string; port: number } {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, port: { type: 'string' } }, strict: false, allowPositionals: true });
  const dataDir = values['data-dir'];
  const port = Number(values.port ?? 0);
  if (typeof dataDir !== 'string' || dataDir === '') throw new Error('The hub process needs --data-dir.');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`The hub process got a bad --port (${String(values.port)}).`);
  return { dataDir, port };
}

/** Whether a loopback port can be listened on now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * Starts the demo hub (on the port it had last time if that is still free, so the console's saved
 * address keeps working) and answers `stop` by closing it cleanly, then exiting.
 */
export async function runHubProcess({
  parentPort,
  argv,
  start = startDemoHub,
  log = pino({ name: 'baton-hub', level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.authorization', 'token', 'key', 'secret', 'signingSecret', '*.token'] }, pino.destination(2)),
  exit = (code: number) => process.exit(code),
}: {
  parentPort: ParentPortLike;
  argv: string[];
  start?: typeof startDemoHub;
  log?: Logger;
  exit?: (code: number) => void;
}): Promise<void> {
  let hub: RunningDemoHub | undefined;
  let stopRequested = false;
  const stop = async (): Promise<void> => {
    stopRequested = true;
    if (!hub) return; // still starting: stopped as soon as it is up
    await hub.close();
    exit(0);
  };
  parentPort.on('message', ({ data }) => {
    if (HubProcessCommand.safeParse(data).success) void stop();
  });

  try {
    const { dataDir, port: preferred } = parseHubProcessArgs(argv);
    const port = preferred > 0 && (await portIsFree(preferred)) ? preferred : 0;
    hub = await start({ dataDir, port, log });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.error({ err: error }, 'embedded hub failed to start');
    parentPort.postMessage({ type: 'failed', message: `The local demo hub could not start: ${reason}` });
    exit(1);
    return;
  }
  if (stopRequested) return stop();
  parentPort.postMessage({ type: 'ready', url: hub.url, token: hub.agentToken, demoTokens: hub.demoTokens });
}

const parentPort = (process as { parentPort?: ParentPortLike }).parentPort;
if (parentPort) void runHubProcess({ parentPort, argv: process.argv.slice(1) });
