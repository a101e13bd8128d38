// A hub stops on SIGTERM whatever its output is doing: after the reader of its stdout and stderr
// has gone (a supervisor that started it with pipes and then exited), or while that reader no
// longer reads, it still closes and exits with 0. A stop that cannot finish (a client holding a
// request open) is cut off: after --stop-timeout, or at a second signal, the process exits with 1.
// The hub runs as its own process (`node --import tsx hub/cli.ts`), as in production.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startHubProcess, type HubProcess } from '../support/hub-process.ts';

/** A generous bound on a stop, not a speed target: only a hub that hangs takes this long. */
const EXIT_BOUND_MS = 30_000;

const hubs: HubProcess[] = [];
const sockets: Socket[] = [];
const roots: string[] = [];

async function startHub(args: string[] = []): Promise<HubProcess> {
  const root = await mkdtemp(join(tmpdir(), 'baton-sigterm-'));
  roots.push(root);
  const dataDir = join(root, 'data');
  await cp(inject('templateDataDir'), dataDir, { recursive: true });
  const hub = await startHubProcess(['--port', '0', '--data-dir', dataDir, ...args]);
  hubs.push(hub);
  return hub;
}

/** How the process ended, or 'still running' once EXIT_BOUND_MS have passed. */
async function exitWithinBound(hub: HubProcess) {
  return Promise.race([hub.exited, sleep(EXIT_BOUND_MS).then(() => 'still running' as const)]);
}

/** Resolves once the hub's log (its stderr) has a line with this message. */
async function logged(hub: HubProcess, msg: string): Promise<void> {
  while (!hub.stderr().includes(`"msg":"${msg}"`)) {
    if (hub.child.exitCode !== null) throw new Error(`the hub exited before it logged "${msg}"; stderr:\n${hub.stderr()}`);
    await sleep(20);
  }
}

/** Closes this process's end of a pipe, the way it closes when the process reading it exits. */
async function closeReadEnd(stream: Readable): Promise<void> {
  const closed = new Promise((resolve) => stream.once('close', resolve));
  stream.destroy();
  await closed;
}

/**
 * A client that sends a request's headers and part of its body, then nothing more: the hub answers
 * it (the key is missing) but the connection stays busy with the rest of the body, so closing the
 * HTTP server waits for it. Resolves once the hub has answered, i.e. holds the request.
 */
async function holdRequestOpen(port: number): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined); // the hub may drop it when it exits
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write('POST /v1/handoffs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"conversationId":');
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const hub of hubs.splice(0)) {
    if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGKILL');
    await hub.exited;
  }
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

describe('a hub stopped by a signal', () => {
  it('exits with 0 on SIGTERM after the reader of its stdout and stderr has gone', async () => {
    const hub = await startHub();
    // The reader goes while the hub is idle, after all it wrote on starting has been read.
    await logged(hub, 'hub started');
    const { stdout, stderr } = hub.child;
    await Promise.all([closeReadEnd(stdout!), closeReadEnd(stderr!)]);
    // Nothing reads its output any more: the first lines it writes from here on, those logging
    // its stop, meet a closed pipe (EPIPE).
    expect([stdout!.destroyed, stderr!.destroyed]).toEqual([true, true]);
    expect(hub.child.exitCode).toBeNull();

    hub.child.kill('SIGTERM');
    expect(await exitWithinBound(hub)).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('exits with 0 on SIGTERM while the reader of its stderr is there but no longer reads', async () => {
    const hub = await startHub();
    await logged(hub, 'hub started');
    hub.child.stderr!.pause();
    // Each request logs two lines: far more than the pipe holds, so lines queue up in the hub.
    const requests = Array.from({ length: 2_000 }, (_, i) => i);
    for (let i = 0; i < requests.length; i += 20) {
      await Promise.all(requests.slice(i, i + 20).map(async (n) => (await fetch(`${hub.url}/v1/no-such-route-${n}`)).arrayBuffer()));
    }

    hub.child.kill('SIGTERM');
    expect(await exitWithinBound(hub)).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('exits with 1 when the stop has not finished within --stop-timeout', async () => {
    const hub = await startHub(['--stop-timeout', '1']);
    await holdRequestOpen(hub.port);

    hub.child.kill('SIGTERM');
    expect(await exitWithinBound(hub)).toEqual({ code: 1, signal: null });
    expect(hub.stderr()).toContain('the hub did not stop in time: exiting anyway');
  }, 120_000);

  it('exits with 1 at a second signal while the stop is still waiting, and not at the same signal relayed at once', async () => {
    const hub = await startHub(['--stop-timeout', '600']);
    await holdRequestOpen(hub.port);

    // The same stop delivered twice in a row, as when a wrapper such as tsx relays the signal it
    // got (the kernel may also merge the two into one).
    hub.child.kill('SIGTERM');
    hub.child.kill('SIGTERM');
    await sleep(2_000);
    expect(hub.child.exitCode, `the hub exited; stderr:\n${hub.stderr()}`).toBeNull();
    expect(hub.stderr()).toContain('shutting down');

    hub.child.kill('SIGINT');
    expect(await exitWithinBound(hub)).toEqual({ code: 1, signal: null });
    expect(hub.stderr()).toContain('second signal: exiting without finishing the stop');
  }, 120_000);
});
