import { describe, expect, it } from 'vitest';
import { DEFAULT_POOL_SIZE, InvalidPostgresSetting, poolOf, withPostgresSettings } from '../../hub/store/postgres-url.ts';

const DB_URL = 'postgres://baton:s%40cret@db.internal:5432/baton?sslmode=require';

describe('the pool size and statement timeout in the database URL', () => {
  it('are written into the query, replacing any there, and the rest of the URL is kept', () => {
    const url = withPostgresSettings(`${DB_URL}&pool_size=3`, { poolSize: 20, statementTimeoutMs: 30_000 });
    const parsed = new URL(url);
    expect(parsed.searchParams.get('pool_size')).toBe('20');
    expect(parsed.searchParams.get('statement_timeout')).toBe('30000');
    expect(parsed.searchParams.get('sslmode')).toBe('require');
    expect(parsed.password).toBe('s%40cret');
    expect(withPostgresSettings(DB_URL, {})).toBe(DB_URL);
  });

  it('give the pool its size and node-postgres a URL without it (the statement timeout stays, node-postgres sets it)', () => {
    const { connectionString, poolSize } = poolOf(withPostgresSettings(DB_URL, { poolSize: 4, statementTimeoutMs: 500 }));
    expect(poolSize).toBe(4);
    expect(new URL(connectionString).searchParams.has('pool_size')).toBe(false);
    expect(new URL(connectionString).searchParams.get('statement_timeout')).toBe('500');
    expect(poolOf(DB_URL)).toEqual({ connectionString: DB_URL, poolSize: DEFAULT_POOL_SIZE });
  });

  it('are refused out of range or not numbers, with a message that says what is wrong', () => {
    expect(() => withPostgresSettings(DB_URL, { poolSize: 0 })).toThrow(new InvalidPostgresSetting('the pool size must be a whole number from 1 to 1000 (got 0)'));
    expect(() => withPostgresSettings(DB_URL, { poolSize: 2.5 })).toThrow(InvalidPostgresSetting);
    expect(() => withPostgresSettings(DB_URL, { statementTimeoutMs: -1 })).toThrow(/statement timeout must be a whole number of milliseconds from 0 \(none\)/);
    expect(() => withPostgresSettings('host=db dbname=baton', { poolSize: 5 })).toThrow(/not a URL/);
    expect(() => poolOf(`${DB_URL}&pool_size=lots`)).toThrow('the database URL\'s pool_size must be a number (got "lots")');
    expect(() => poolOf(`${DB_URL}&pool_size=0`)).toThrow(/pool size must be a whole number/);
    expect(() => poolOf(`${DB_URL}&statement_timeout=30s`)).toThrow('the database URL\'s statement_timeout must be a number of milliseconds (got "30s")');
  });
});
