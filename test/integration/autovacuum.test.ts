import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { startAutovacuum } from '../../hub/store/autovacuum.ts';
import { openPglite, type Db } from '../../hub/store/db.ts';

describe('the embedded store vacuums itself (PGlite has no autovacuum)', () => {
  let db: Db;
  const dead = async (table: string) => {
    // Statistics reach the views at most once a second unless a flush is asked for.
    await db.query('select pg_stat_force_next_flush()');
    return Number((await db.query<{ n: string }>('select n_dead_tup as n from pg_stat_user_tables where relname = $1', [table])).rows[0]!.n);
  };

  beforeAll(async () => {
    db = await openPglite();
    await db.query('create table churned (id int primary key, n int not null)');
    await db.query('create table calm (id int primary key, n int not null)');
    await db.query('insert into churned select i, 0 from generate_series(1, 100) i');
    await db.query('insert into calm select i, 0 from generate_series(1, 100) i');
    // Hundreds of dead rows in one table (page pruning clears some on its own), 10 in the other:
    // under the threshold of 50 + a fifth of 100 live rows.
    for (let round = 0; round < 5; round++) await db.query('update churned set n = n + 1');
    await db.query('update calm set n = n + 1 where id <= 10');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('vacuums a table past the threshold, leaves one under it alone, and stops when told', async () => {
    expect(await dead('churned')).toBeGreaterThan(70);
    const calm = await dead('calm');
    expect(calm).toBeGreaterThan(0);
    const errors: unknown[] = [];
    const autovacuum = startAutovacuum(db, 20, (error) => errors.push(error));
    const deadline = Date.now() + 10_000;
    while ((await dead('churned')) > 0 && Date.now() < deadline) await delay(20);
    await autovacuum.stop();
    expect(await dead('churned')).toBe(0);
    expect(await dead('calm')).toBe(calm);
    expect(errors).toEqual([]);
    // Nothing runs after stop: new dead rows stay.
    await db.query('update churned set n = n + 1');
    await delay(100);
    expect(await dead('churned')).toBeGreaterThan(0);
  });
});
