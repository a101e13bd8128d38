// How many connections a hub keeps to PostgreSQL, and how long a statement may run, travel in the
// database URL's query, where node-postgres takes connection settings from:
// postgres://baton@db/baton?pool_size=20&statement_timeout=30000. `statement_timeout` is
// node-postgres' own (milliseconds, set on each connection); `pool_size` is read here.

/** node-postgres' own default. */
export const DEFAULT_POOL_SIZE = 10;
/** Far above what one PostgreSQL server serves well; a larger number is a typo. */
const MAX_POOL_SIZE = 1_000;
/** A day, in milliseconds: PostgreSQL's own limit is higher, but no statement of the hub's should come near. */
const MAX_STATEMENT_TIMEOUT_MS = 24 * 3600 * 1000;

const POOL_SIZE = 'pool_size';
const STATEMENT_TIMEOUT = 'statement_timeout';

export interface PostgresSettings {
  /** Connections this hub keeps open at most. */
  poolSize?: number;
  /** PostgreSQL cancels a statement that runs longer; 0 is no limit (PostgreSQL's default). */
  statementTimeoutMs?: number;
}

/** A pool size or statement timeout out of range, named in the message. */
export class InvalidPostgresSetting extends Error {}

function checkPoolSize(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_POOL_SIZE) {
    throw new InvalidPostgresSetting(`the pool size must be a whole number from 1 to ${MAX_POOL_SIZE} (got ${value})`);
  }
  return value;
}

function checkStatementTimeout(ms: number): number {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_STATEMENT_TIMEOUT_MS) {
    throw new InvalidPostgresSetting(`the statement timeout must be a whole number of milliseconds from 0 (none) to ${MAX_STATEMENT_TIMEOUT_MS} (got ${ms})`);
  }
  return ms;
}

function parsed(connectionString: string): URL | undefined {
  try {
    return new URL(connectionString);
  } catch {
    return undefined; // not a URL (node-postgres says what is wrong with it when it connects)
  }
}

/** `connectionString` with these settings in its query (replacing any there). */
export function withPostgresSettings(connectionString: string, { poolSize, statementTimeoutMs }: PostgresSettings): string {
  if (poolSize === undefined && statementTimeoutMs === undefined) return connectionString;
  const url = parsed(connectionString);
  if (!url) throw new InvalidPostgresSetting('the database URL is not a URL (postgres://user@host:port/database), so the pool size and statement timeout cannot be added to it');
  if (poolSize !== undefined) url.searchParams.set(POOL_SIZE, String(checkPoolSize(poolSize)));
  if (statementTimeoutMs !== undefined) url.searchParams.set(STATEMENT_TIMEOUT, String(checkStatementTimeout(statementTimeoutMs)));
  return url.href;
}

/**
 * The pool size in a database URL (the default without one), and the URL without it for
 * node-postgres; the statement timeout, if any, is checked and left for node-postgres.
 */
export function poolOf(connectionString: string): { connectionString: string; poolSize: number } {
  const url = parsed(connectionString);
  if (!url) return { connectionString, poolSize: DEFAULT_POOL_SIZE };
  const timeout = url.searchParams.get(STATEMENT_TIMEOUT);
  if (timeout !== null && (timeout.trim() === '' || Number.isNaN(Number(timeout)))) {
    throw new InvalidPostgresSetting(`the database URL's statement_timeout must be a number of milliseconds (got "${timeout}")`);
  }
  if (timeout !== null) checkStatementTimeout(Number(timeout));
  const size = url.searchParams.get(POOL_SIZE);
  if (size === null) return { connectionString, poolSize: DEFAULT_POOL_SIZE };
  if (size.trim() === '' || Number.isNaN(Number(size))) throw new InvalidPostgresSetting(`the database URL's pool_size must be a number (got "${size}")`);
  const poolSize = checkPoolSize(Number(size));
  url.searchParams.delete(POOL_SIZE);
  return { connectionString: url.href, poolSize };
}
