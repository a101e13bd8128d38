// The hub on PostgreSQL (the `postgres` project, which sets BATON_TEST_STORE): the server ending
// the hub's idle connections is survived, and transactions send BEGIN with their first statement.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Db, type Queryable } from '../../hub/store/db.ts';
import { withPostgresSettings } from '../../hub/store/postgres-url.ts';
import { startTestHub } from '../support/hub.ts';

describe.runIf(process.env.BATON_TEST_STORE === 'postgres')('the hub on PostgreSQL', () => {
  it('keeps at most pool_size connections and has PostgreSQL cancel statements past statement_timeout (the database URL)', async () => {
    const url = withPostgresSettings(process.env.TEST_DATABASE_URL!, { poolSize: 2, statementTimeoutMs: 300 });
    const db = await openPostgres(url, { onError: () => undefined });
    try {
      const pids = await Promise.all(Array.from({ length: 6 }, () => db.query<{ pid: number }>('select pg_backend_pid() as pid, pg_sleep(0.05)')));
      expect(new Set(pids.map(({ rows }) => rows[0]!.pid)).size).toBe(2);
      expect((await db.query<{ statement_timeout: string }>('show statement_timeout')).rows[0]!.statement_timeout).toBe('300ms');
      await expect(db.query('select pg_sleep(2)')).rejects.toMatchObject({ code: '57014' }); // query_canceled
    } finally {
      await db.close();
    }
  });

  it('keeps answering after the server ends its idle connections (a restart, an administrator)', async () => {
    const errors: string[] = [];
    const t = await startTestHub();
    const record = (error: Error) => errors.push(error.message);
    try {
      const { rows } = await t.hub.db.query<{ db: string }>('select current_database() as db');
      const admin = new pg.Client(process.env.TEST_DATABASE_URL);
      await admin.connect();
      process.on('uncaughtException', record);
      try {
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [rows[0]!.db]);
      } finally {
        await admin.end();
      }
      const health = await fetch(`${t.url}/healthz`);
      expect(health.status).toBe(200);
      // The pool replaces the ended connections; a query may meet one just before it is dropped.
      await expect.poll(async () => (await t.hub.db.query<{ one: number }>('select 1 as one')).rows[0]!.one).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
      await t.stop();
    }
  });
});

describe.runIf(process.env.BATON_TEST_STORE === 'postgres')('transactions on PostgreSQL', () => {
  const name = `baton_test_${randomUUID().replaceAll('-', '')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client(process.env.TEST_DATABASE_URL);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  let db: Db;

  beforeAll(async () => {
    await admin(`create database ${name}`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    db = await openPostgres(url.href);
    await db.query('create table notes (id int primary key, body text not null)');
  });
  afterAll(async () => {
    await db?.close();
    await admin(`drop database if exists ${name} with (force)`);
  });

  const count = async () => (await db.query<{ n: number }>('select count(*)::int as n from notes')).rows[0]!.n;
  const roundTrips = async (work: (tx: Queryable) => Promise<unknown>) => {
    const before = db.stats().roundTrips;
    await work(db as Queryable).catch(() => undefined);
    return db.stats().roundTrips - before;
  };

  it('sends BEGIN with the first statement: two statements and COMMIT are three round trips, and the first is inside the transaction', async () => {
    // The first transaction on a connection prepares BEGIN on its own.
    await db.transaction((tx) => tx.query('select 1'));
    const trips = await roundTrips(() =>
      db.transaction(async (tx) => {
        await tx.query('insert into notes (id, body) values ($1, $2)', [1, 'one']);
        await tx.query('insert into notes (id, body) values ($1, $2)', [2, 'two']);
      }),
    );
    expect(trips).toBe(3);
    expect(await count()).toBe(2);
    // Thrown after the first statement: it is rolled back with the transaction.
    await expect(
      db.transaction(async (tx) => {
        await tx.query('insert into notes (id, body) values ($1, $2)', [3, 'three']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await count()).toBe(2);
  });

  it('rolls back when the first statement fails, and the connection goes on working', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(db.transaction((tx) => tx.query('insert into notes (id, body) values ($1, $2)', [1, 'again']))).rejects.toMatchObject({ code: '23505' });
      // A statement the connection has not prepared yet, failing to parse, then one that works.
      await expect(db.transaction((tx) => tx.query(`select * from no_such_table_${i}`))).rejects.toMatchObject({ code: '42P01' });
      await db.transaction((tx) => tx.query('insert into notes (id, body) values ($1, $2)', [10 + i, 'ok']));
    }
    expect(await count()).toBe(5);
  });

  it('sends neither BEGIN nor COMMIT for a transaction that sends nothing', async () => {
    expect(await roundTrips(() => db.transaction(async () => 'nothing'))).toBe(0);
    await expect(db.transaction(async () => 'nothing')).resolves.toBe('nothing');
  });
});
