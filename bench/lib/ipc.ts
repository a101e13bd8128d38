import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** What a benchmark server process tells the runner. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), url: z.string() }),
  z.object({ type: z.literal('memory'), rss: z.number(), heapUsed: z.number(), external: z.number() }),
  z.object({ type: z.literal('cpu'), ms: z.number() }),
  z.object({
    type: z.literal('store'),
    statements: z.number(),
    roundTrips: z.number(),
    transactions: z.number(),
    connectionWaits: z.number(),
    connections: z.number(),
    peakConnections: z.number(),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type MemoryReport = Extract<ServerMessage, { type: 'memory' }>;
export type StoreReport = Extract<ServerMessage, { type: 'store' }>;

/** What the runner asks a server process. */
export const RunnerMessage = z.object({ type: z.enum(['memory', 'cpu', 'store']) });

export interface BenchServer {
  url: string;
  pid: number;
  /** Memory after a full garbage collection. */
  memory(): Promise<MemoryReport>;
  /** CPU time the process has used so far (user and system, all its threads), in ms. */
  cpuMs(): Promise<number>;
  /** What the hub's store has sent so far (hub-server only). */
  store(): Promise<StoreReport>;
  stop(): Promise<void>;
}

/**
 * Runs a benchmark server (`bench/servers/<name>.ts`) in its own process, so the load generator
 * and the server do not share an event loop, and waits for its ready message.
 */
export async function startServer(name: 'hub-server' | 'bare-server', env: Record<string, string> = {}): Promise<BenchServer> {
  const file = fileURLToPath(new URL(`../servers/${name}.ts`, import.meta.url));
  const child: ChildProcess = fork(file, [], {
    // BENCH_PROFILE=<dir> writes a CPU profile of each server process there, to find what is slow.
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: ServerMessage['type']) =>
    new Promise<ServerMessage>((resolve, reject) => {
      const onMessage = (raw: unknown) => {
        const message = ServerMessage.parse(raw);
        if (message.type === 'error') return done(() => reject(new Error(`${name}: ${message.message}`)));
        if (message.type === type) done(() => resolve(message));
      };
      const onExit = (code: number | null) => done(() => reject(new Error(`${name} exited with ${code}`)));
      const done = (settle: () => void) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        settle();
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  const ready = await next('ready');
  return {
    url: (ready as Extract<ServerMessage, { type: 'ready' }>).url,
    pid: child.pid!,
    async memory() {
      const reply = next('memory');
      child.send({ type: 'memory' });
      return (await reply) as MemoryReport;
    },
    async cpuMs() {
      const reply = next('cpu');
      child.send({ type: 'cpu' });
      return ((await reply) as Extract<ServerMessage, { type: 'cpu' }>).ms;
    },
    async store() {
      const reply = next('store');
      child.send({ type: 'store' });
      return (await reply) as StoreReport;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The server side of the same conversation: CPU used so far, memory after a full GC, what the store sent. */
export function serveRunner(storeStats?: () => Omit<StoreReport, 'type'>): void {
  process.on('message', (raw) => {
    const { type } = RunnerMessage.parse(raw);
    if (type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ type: 'cpu', ms: (user + system) / 1000 } satisfies ServerMessage);
      return;
    }
    if (type === 'store') {
      if (!storeStats) throw new Error('This benchmark server has no store.');
      process.send!({ type: 'store', ...storeStats() } satisfies ServerMessage);
      return;
    }
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed, external } = process.memoryUsage();
    process.send!({ type: 'memory', rss, heapUsed, external } satisfies ServerMessage);
  });
  process.on('SIGTERM', () => process.exit(0));
}
