// The PostgreSQL server the `postgres` benchmark runs the hub on: its own throwaway server (initdb
// and pg_ctl from PATH or /usr/lib/postgresql/*/bin, data in a temporary folder, a free loopback
// port, default settings but for timing its WAL flushes), or the one at BENCH_DATABASE_URL. It also
// measures what the benchmark reports about the server: its CPU time (all its processes, from
// /proc), WAL written and flushed, and how long one WAL flush takes on this disk (pg_test_fsync).
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface BenchPostgres {
  /** postgres://… of the server's `postgres` database. */
  url: string;
  /** e.g. "PostgreSQL 15.14", and whether the benchmark started it. */
  version: string;
  own: boolean;
  /** A new empty database; the URL to reach it, and how to drop it. */
  newDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
  /** CPU time (user and system) of every server process so far, ended ones included, in ms; null when they cannot be read (a server elsewhere). */
  cpuMs(): number | null;
  /** The current WAL position. */
  walLsn(): Promise<string>;
  /** WAL bytes written since `lsn`. */
  walBytesSince(lsn: string): Promise<number>;
  /** WAL flushes so far and their time in all, ms (pg_stat_wal); null unless the server has track_wal_io_timing on (its own server has). */
  walSyncs(): Promise<{ syncs: number; ms: number } | null>;
  /** One fdatasync of an 8 kB write on the server's disk, ms (pg_test_fsync); null without pg_test_fsync or the data folder. */
  fdatasyncMs(secondsPerTest: number): number | null;
  stop(): Promise<void>;
}

/** The folder with initdb, pg_ctl and pg_test_fsync: from PATH, else the newest /usr/lib/postgresql/<version>/bin. */
function serverBinaries(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) {
    // Debian links initdb into PATH from the versioned folder, which also has pg_test_fsync.
    const real = realpathSync(onPath);
    return real.slice(0, real.lastIndexOf('/'));
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** Clock ticks per second of /proc's CPU times. */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime, stime, cutime, cstime and the parent pid of a process, from /proc/<pid>/stat. */
function procTimes(pid: number): { own: number; children: number; ppid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (in parentheses) may hold spaces; the fields after it are fixed.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(fields[i - 3]);
  return { ppid: n(4), own: n(14) + n(15), children: n(16) + n(17) };
}

/** CPU of the postmaster and every process it started: the live ones, and those it has reaped (its children's times). */
function serverCpuMs(postmasterPid: number): number | null {
  const main = procTimes(postmasterPid);
  if (!main) return null;
  let ticks = main.own + main.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = procTimes(Number(entry));
    if (p?.ppid === postmasterPid) ticks += p.own;
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The fdatasync line of pg_test_fsync's first section (one 8 kB write), in ms. */
function runTestFsync(bin: string | undefined, folder: string | undefined, secondsPerTest: number, asPostgres: string[]): number | null {
  if (!bin || !folder || !existsSync(join(bin, 'pg_test_fsync'))) return null;
  const file = join(folder, 'pg_test_fsync.out');
  const [command, ...args] = [...asPostgres, join(bin, 'pg_test_fsync'), '-f', file, '-s', String(secondsPerTest)];
  const out = spawnSync(command, args, { encoding: 'utf8' });
  rmSync(file, { force: true });
  const section = out.stdout.split('Compare file sync methods using one 8kB write')[1] ?? '';
  const match = /^\s*fdatasync\s+[\d.]+ ops\/sec\s+(\d+) usecs\/op/m.exec(section);
  return match ? Number(match[1]) / 1000 : null;
}

let databases = 0;

function serverOn(url: string, own: boolean, version: string, pidOf: () => number | null, stop: () => Promise<void>, fsync: (s: number) => number | null): BenchPostgres {
  return {
    url,
    own,
    version,
    async newDatabase() {
      const name = `baton_bench_${process.pid}_${databases++}`;
      await onServer(url, (c) => c.query(`create database ${name}`));
      const dbUrl = new URL(url);
      dbUrl.pathname = `/${name}`;
      return { url: dbUrl.href, drop: () => onServer(url, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined) };
    },
    cpuMs() {
      const pid = pidOf();
      return pid === null ? null : serverCpuMs(pid);
    },
    walLsn: () => onServer(url, async (c) => (await c.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]!.lsn),
    walBytesSince: (lsn) =>
      onServer(url, async (c) => Number((await c.query<{ bytes: string }>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint as bytes', [lsn])).rows[0]!.bytes)),
    walSyncs: () =>
      onServer(url, async (c) => {
        const { rows } = await c.query<{ on: boolean; syncs: string; ms: number }>(
          `select current_setting('track_wal_io_timing')::bool as on, wal_sync as syncs, wal_sync_time as ms from pg_stat_wal`,
        );
        const row = rows[0];
        return row?.on ? { syncs: Number(row.syncs), ms: row.ms } : null;
      }),
    fdatasyncMs: fsync,
    stop,
  };
}

/** The postmaster's pid from its data folder, when this process may read it. */
function postmasterPid(dataDir: string | undefined): number | null {
  if (!dataDir) return null;
  try {
    return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
  } catch {
    return null;
  }
}

/** BENCH_DATABASE_URL's server, or a throwaway one of the benchmark's own. */
export async function startPostgres(): Promise<BenchPostgres> {
  const given = process.env.BENCH_DATABASE_URL;
  const bin = serverBinaries();
  if (given) {
    const { version, dataDir } = await onServer(given, async (c) => {
      const v = (await c.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0]!.v;
      // Only a superuser (or pg_read_all_settings) may read it; without it the server's CPU is not measured.
      const d = await c.query<{ d: string }>(`select current_setting('data_directory') as d`).then(
        (r) => r.rows[0]!.d,
        () => undefined,
      );
      return { version: `PostgreSQL ${v}`, dataDir: d };
    });
    return serverOn(given, false, version, () => postmasterPid(dataDir), async () => undefined, (s) => runTestFsync(bin, dataDir && existsSync(dataDir) ? dataDir : undefined, s, []));
  }
  if (!bin) throw new Error('The postgres benchmark needs PostgreSQL\'s server programs (initdb, pg_ctl: apt-get install postgresql) or a server at BENCH_DATABASE_URL.');
  const root = mkdtempSync(join(tmpdir(), 'baton-bench-pg-'));
  // PostgreSQL refuses to run as root: as root, the server runs as the postgres user (as .ci/run does).
  const asPostgres: string[] = [];
  if (process.getuid?.() === 0) {
    if (spawnSync('id', ['postgres']).status !== 0) execFileSync('useradd', ['--system', '--no-create-home', 'postgres']);
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, -1);
    asPostgres.push('runuser', '-u', 'postgres', '--');
  }
  const run = (program: string, args: string[]) => {
    const [command, ...rest] = [...asPostgres, join(bin, program), ...args];
    execFileSync(command!, rest, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const dataDir = join(root, 'data');
  const port = await freePort();
  run('initdb', ['-D', dataDir, '-U', 'baton', '--auth=trust']);
  run('pg_ctl', ['-D', dataDir, '-l', join(root, 'log'), '-w', '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c track_wal_io_timing=on`, 'start']);
  const url = `postgres://baton@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  // Also when the benchmark ends early (an error, Ctrl-C): the server must not outlive it.
  process.on('exit', stopNow);
  process.once('SIGINT', () => process.exit(130));
  const stop = async () => stopNow();
  try {
    const version = await onServer(url, async (c) => `PostgreSQL ${(await c.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0]!.v}`);
    const pid = postmasterPid(dataDir);
    return serverOn(url, true, version, () => pid, stop, (s) => runTestFsync(bin, root, s, asPostgres));
  } catch (error) {
    await stop();
    throw error;
  }
}
