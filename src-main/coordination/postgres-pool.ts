import pg from 'pg';
import { CoordinationError } from './lease-board.js';
import { SCHEMA_LOCK } from './schema-lock.js';

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

/**
 * A SQLSTATE from the server says what it refused; anything else (refused, reset, timed out) never
 * reached it. 08: connection exceptions; 57P: the server shutting down or starting.
 */
export function coordinationError(error: unknown): CoordinationError {
  if (error instanceof CoordinationError) return error;
  const code = (error as { code?: unknown }).code;
  const detail = error instanceof Error ? error.message : String(error);
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if (sqlState === undefined || sqlState.startsWith('08') || sqlState.startsWith('57P'))
    return new CoordinationError('unreachable', detail);
  if (sqlState.startsWith('28')) return new CoordinationError('auth-failed', detail);
  return new CoordinationError('error', detail);
}

/**
 * Work on the shared database through a pool, its tables (`schema`, idempotent SQL) made at the first
 * use, one maker at a time (instances starting together would race on `create table`); every failure
 * read as a CoordinationError.
 */
export class CoordinationDatabase {
  private schemaReady: Promise<unknown> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  /** `work` on one connection, in a transaction when asked (rolled back if it fails). */
  async run<T>(work: (client: pg.PoolClient) => Promise<T>, { transaction = false } = {}): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw coordinationError(error);
    }
    try {
      this.schemaReady ??= client.query(`begin; ${SCHEMA_LOCK}; ${this.schema} commit;`);
      await this.schemaReady.catch((error: unknown) => {
        this.schemaReady = undefined;
        throw error;
      });
      if (!transaction) return await work(client);
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      if (transaction) await client.query('rollback').catch(() => undefined);
      throw coordinationError(error);
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
