import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type Db } from '../../hub/store/db.ts';

describe('the embedded store’s connection to PGlite', () => {
  let db: Db;

  beforeAll(async () => {
    db = await openPglite();
    await db.query('create table notes (id int primary key, body text not null, tags text[] not null)');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('returns answers larger than one chunk of PGlite’s output intact, in order', async () => {
    // 200 rows of 30 KB (UTF-8): PGlite hands its output over in chunks of at most about 22 KB (401
    // for this answer), so every row's message arrives in pieces.
    const body = (i: number) => `${i}:${'é€x'.repeat(5_000)}`;
    await db.query(`insert into notes select i, i || ':' || repeat('é€x', 5000), array['tag', i::text] from generate_series(1, 200) i`);
    const { rows } = await db.query<{ id: number; body: string; tags: string[] }>('select id, body, tags from notes order by id');
    expect(rows).toHaveLength(200);
    rows.forEach((row, i) => {
      expect(row.id).toBe(i + 1);
      expect(row.body).toBe(body(i + 1));
      expect(row.tags).toEqual(['tag', String(i + 1)]);
    });
  });

  it('rejects a failing statement with PostgreSQL’s error, and the next query works', async () => {
    await expect(db.query('insert into notes (id, body, tags) values (1, $1, $2)', ['again', []])).rejects.toMatchObject({
      code: '23505',
      constraint: 'notes_pkey',
    });
    await expect(db.transaction((tx) => tx.query('select 1 / 0'))).rejects.toMatchObject({ code: '22012' });
    expect((await db.query<{ n: number }>('select count(*)::int as n from notes')).rows[0]!.n).toBe(200);
  });

  it('plans each prepared statement once, whatever its parameters', async () => {
    const sql = 'select count(*)::int as n from notes where id > $1 and $2 = any(tags)';
    for (let i = 0; i < 20; i++) await db.query(sql, [i * 10, 'tag']);
    const { rows } = await db.query<{ generic: string; custom: string }>(
      'select generic_plans as generic, custom_plans as custom from pg_prepared_statements where statement = $1',
      [sql],
    );
    expect(rows).toEqual([{ generic: '20', custom: '0' }]);
  });
});
