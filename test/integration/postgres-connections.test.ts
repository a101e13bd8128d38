// The hub on PostgreSQL (the `postgres` project, which sets BATON_TEST_STORE): the server ending
// the hub's idle connections is survived.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgres } from '../../hub/store/db.ts';
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
