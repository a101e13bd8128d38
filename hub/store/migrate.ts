import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db, Queryable } from './db.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** The advisory lock hubs starting together take to migrate one at a time (`pg_advisory_xact_lock`). */
const MIGRATION_LOCK = 0x42_41_54_4d; // "BATM"

/**
 * Applies every `migrations/NNN_name.sql` not yet applied, each in its own transaction, in order.
 * Hubs starting at once on one PostgreSQL take turns: each migration is applied by one of them.
 */
export async function migrate(db: Db): Promise<number[]> {
  const lock = (tx: Queryable) => tx.query(`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.query('create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())');
  });
  const applied = new Set((await db.query<{ version: number }>('select version from schema_migrations')).rows.map((r) => r.version));
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  const ran: number[] = [];
  for (const file of files) {
    const version = Number.parseInt(file, 10);
    if (applied.has(version)) continue;
    const sql = await readFile(MIGRATIONS_DIR + file, 'utf8');
    const done = await db.transaction(async (tx) => {
      await lock(tx);
      if ((await tx.query('select 1 from schema_migrations where version = $1', [version])).rows.length > 0) return false;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [version, file]);
      return true;
    });
    if (done) ran.push(version);
  }
  return ran;
}

// Extended-protocol queries take one statement each. Statements end with a semicolon at the end
// of a line; inside a dollar-quoted function body ($$ … $$) semicolons do not end anything.
function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of sql.split('\n')) {
    if (/^\s*--/.test(line) && !inBody) continue;
    current.push(line);
    if ((line.match(/\$\$/g)?.length ?? 0) % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(current.join('\n').replace(/;\s*$/, '').trim());
      current = [];
    }
  }
  const rest = current.join('\n').trim();
  if (rest) statements.push(rest);
  return statements.filter(Boolean);
}
