// The Baton hub as the benchmarks run it: file-backed PGlite in a temporary folder, or the
// PostgreSQL database at BENCH_HUB_DATABASE_URL; JSON logs at info level written to a file (as a
// real deployment writes them), and BENCH_AGENTS agents of team "bench" (push routing, skill
// billing, capacity 100, offers that outlast the run) with tokens bench-<i>. BENCH_SEEDED=1 starts
// on a database another hub-server has already seeded (several hubs on one PostgreSQL).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startHub, openStore } from '../../hub/hub.ts';
import { seedDemo } from '../../hub/demo/seed.ts';
import { hashSecret } from '../../hub/auth/secrets.ts';
import { upsertTeam } from '../../hub/admin/accounts.ts';
import { createLogger } from '../../hub/log.ts';
import { serveRunner, type ServerMessage } from '../lib/ipc.ts';

const agents = Number(process.env.BENCH_AGENTS ?? 0);
const handoffs = Number(process.env.BENCH_HANDOFFS ?? 0);
const databaseUrl = process.env.BENCH_HUB_DATABASE_URL || undefined;
const seeded = process.env.BENCH_SEEDED === '1';
const FIXTURES = new URL('../../test/fixtures/packets/', import.meta.url);
const dataDir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));

try {
  const store = databaseUrl ? { databaseUrl } : { dataDir: join(dataDir, 'hub') };
  if (!seeded) await seed(store);
  const log = createLogger('info', pino.destination({ dest: join(dataDir, 'hub.log'), sync: false }));
  const hub = await startHub({ ...store, log });
  serveRunner(() => hub.db.stats());
  process.send!({ type: 'ready', url: hub.url } satisfies ServerMessage);
} catch (error) {
  process.send!({ type: 'error', message: String((error as Error).stack ?? error) } satisfies ServerMessage);
  process.exit(1);
}

async function seed(store: { databaseUrl: string } | { dataDir: string }): Promise<void> {
  const db = await openStore(store);
  await seedDemo(db);
  await upsertTeam(db, { name: 'bench', routing: 'push', offerTimeoutSeconds: 3600 });
  // One statement for all agents: createAgent one by one would take most of a minute at 5,000.
  await db.query(
    `insert into agents (id, name, role, team, skills, capacity, token_hash)
     select 'bench-' || (i - 1), 'Bench ' || (i - 1), 'agent', 'bench', '{billing}', 100, hash
     from unnest($1::text[]) with ordinality as t(hash, i)`,
    [Array.from({ length: agents }, (_, i) => hashSecret(`bench-${i}`))],
  );
  if (handoffs > 0) {
    const packets = readdirSync(FIXTURES)
      .filter((file) => file.endsWith('.json') && file !== 'invalid-cases.json')
      .map((file) => readFileSync(new URL(file, FIXTURES), 'utf8'));
    await db.query(
      `insert into handoffs (id, integration_id, team, status, packet, priority, skills, assignee_id, request_hash, created_at, updated_at)
       select gen_random_uuid()::text, (select id from integrations limit 1), 'bench', 'accepted', p.packet,
         coalesce(p.packet->>'priority', 'normal'), '{}', 'bench-0', 'bench', now() - (i || ' seconds')::interval, now()
       from generate_series(1, $2) as i, lateral (select ($1::jsonb[])[1 + i % cardinality($1::jsonb[])] as packet) p`,
      [packets, handoffs],
    );
  }
  await db.close();
}
