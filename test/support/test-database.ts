// A database of its own on a PostgreSQL server, for tests and benchmarks of several hubs.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  /** Runs one query on the database (and closes its connection). */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

/** A fresh database on a PostgreSQL server (default TEST_DATABASE_URL, which the postgres test project has). */
export async function createTestDatabase(serverUrl = process.env.TEST_DATABASE_URL): Promise<TestDatabase> {
  if (!serverUrl) throw new Error('This needs a PostgreSQL server: set TEST_DATABASE_URL (the postgres test project does).');
  const run = async <Row>(url: string, sql: string, params?: unknown[]): Promise<Row[]> => {
    const client = new pg.Client(url);
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Row[];
    } finally {
      await client.end();
    }
  };
  const name = `baton_test_${randomUUID().replaceAll('-', '')}`;
  await run(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    query: (sql, params) => run(url.href, sql, params),
    drop: () => run(serverUrl, `drop database ${name} with (force)`).then(() => undefined),
  };
}

