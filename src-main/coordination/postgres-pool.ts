import pg from 'pg';

/**
 * A small pool on the shared database: every statement and connection bounded by `timeoutMs`, and a
 * dropped idle connection (the server restarted) not a crash: the next query reconnects. The password
 * comes apart from the URL (from the keychain): pg lets the URL's absent password win over a
 * `password` option, so it goes into the URL, in memory only.
 */
export function postgresPool(options: {
  url: string;
  password?: string;
  timeoutMs: number;
  max: number;
}): pg.Pool {
  const url = new URL(options.url);
  if (options.password !== undefined) url.password = encodeURIComponent(options.password);
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: options.max,
    connectionTimeoutMillis: options.timeoutMs,
    statement_timeout: options.timeoutMs,
    query_timeout: options.timeoutMs,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => undefined);
  return pool;
}

/** One maker of the tables at a time: instances starting together would race on `create table`. */
export const SCHEMA_LOCK = 'select pg_advisory_xact_lock(7361029)';
