// `npm run bench`: every benchmark in docs/performance.md, one after another on a fresh server
// each. Results go to bench/results/latest.json and into the table of docs/performance.md.
// `--only latency,postgres,multihub,throughput,memory,storm,console` runs some; `--quick` runs short versions (for trying
// a change, not for the record: it writes nothing).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, requireChromium } from '../test/support/chromium.ts';
import { measureConsole } from './console.ts';
import { measureLatency } from './latency.ts';
import { measureMemory } from './memory.ts';
import { measureMultiHub } from './multihub.ts';
import { measurePostgres } from './postgres.ts';
import { startPostgres } from './lib/postgres-server.ts';
import { measureStorm } from './storm.ts';
import { measureThroughput } from './throughput.ts';
import { renderTables, runLabel, type BenchResults } from './report.ts';

const SECTIONS = ['latency', 'postgres', 'multihub', 'throughput', 'memory', 'storm', 'console'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const only = (values.only?.split(',') ?? SECTIONS) as Section[];
const unknown = only.filter((s) => !SECTIONS.includes(s));
if (unknown.length > 0) {
  console.error(`Unknown section ${unknown.join(', ')}; the sections are ${SECTIONS.join(', ')}.`);
  process.exit(2);
}
const quick = values.quick;

const pkg = (name: string): string => (JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;

async function machine(): Promise<BenchResults['machine']> {
  const browser = await chromium.launch({ executablePath: (await requireChromium()).executablePath, args: CHROMIUM_ARGS });
  const chromiumVersion = browser.version();
  await browser.close();
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
    node: process.version,
    chromium: chromiumVersion,
    pglite: pkg('@electric-sql/pglite'),
    'socket.io': pkg('socket.io'),
    fastify: pkg('fastify'),
    react: pkg('react'),
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
  };
}

/** Runs of each server per rate in the latency benchmark (see measureLatency). */
const LATENCY_ROUNDS = 3;
const results: BenchResults = { at: new Date().toISOString(), machine: await machine() };
const log = (line: string) => console.log(`[bench] ${line}`);

if (only.includes('latency')) {
  results.latency = [];
  for (const perSecond of [50, 200]) {
    const rounds = quick ? 1 : LATENCY_ROUNDS;
    log(`latency: bare and hub taking turns, ${rounds} run(s) each, 1,000 agents, ${perSecond}/s`);
    results.latency.push(...(await measureLatency(1000, perSecond, quick ? 3 : 15, rounds)));
  }
}
if (only.includes('postgres')) {
  const server = await startPostgres();
  try {
    const rounds = quick ? 1 : LATENCY_ROUNDS;
    log(`postgres: bare and the hub on ${server.version} taking turns, ${rounds} run(s) each, 1,000 agents, 50/s and 200/s; then pg_test_fsync`);
    results.postgres = await measurePostgres(server, 1000, [50, 200], quick ? 3 : 15, rounds, quick ? 1 : 2);
  } finally {
    await server.stop();
  }
}
if (only.includes('multihub')) {
  const server = await startPostgres();
  try {
    results.multihub = await measureMultiHub(
      server,
      { agents: 1000, perSecond: 50, seconds: quick ? 3 : 15, ingressSeconds: quick ? 3 : 10, failover: quick ? { agents: 100, handoffs: 300 } : { agents: 1000, handoffs: 2000 } },
      log,
    );
  } finally {
    await server.stop();
  }
}
if (only.includes('throughput')) {
  log('throughput: 32 concurrent bots');
  results.throughput = await measureThroughput(32, quick ? 5 : 20);
}
if (only.includes('memory')) {
  results.memory = [];
  for (const server of ['bare', 'hub'] as const) {
    log(`memory: ${server}, 1,000 and 5,000 agents`);
    results.memory.push(...(await measureMemory(server, [1000, 5000])));
  }
}
if (only.includes('storm')) {
  log('storm: 1,000 agents holding 3 offers each drop at once');
  results.storm = await measureStorm(1000, quick ? 1 : 3);
}
if (only.includes('console')) {
  log('console: 5,000 handoffs in Chromium');
  results.console = await measureConsole(5000, quick ? 20 : 100);
}

// A run of some sections keeps the other tables of the last recorded run, saying where they come from.
const latest = new URL('./results/latest.json', import.meta.url);
if (!quick && values.only !== undefined && existsSync(latest)) {
  const previous = JSON.parse(readFileSync(latest, 'utf8')) as BenchResults;
  for (const section of SECTIONS) {
    if (only.includes(section) || previous[section] === undefined) continue;
    Object.assign(results, { [section]: previous[section] });
    results.origin = { ...results.origin, [section]: previous.origin?.[section] ?? runLabel(previous) };
  }
}
const tables = renderTables(results);
console.log(`\n${tables}`);
if (!quick) {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(latest, `${JSON.stringify(results, null, 2)}\n`);
  const docs = new URL('../docs/performance.md', import.meta.url);
  const text = readFileSync(docs, 'utf8');
  const updated = text.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, `<!-- bench:start -->\n${tables}\n<!-- bench:end -->`);
  writeFileSync(docs, updated);
  log('wrote bench/results/latest.json and the tables in docs/performance.md');
}
process.exit(0);
