import type pg from 'pg';
import { CoordinationDatabase, postgresPool } from './postgres-pool.js';

/**
 * What plan learned of each host (boot leads, back-off, failed marks, idle gaps), kept in the shared
 * PostgreSQL so that the instance taking a host over plans with it. One row per host, written only by
 * the host's lease holder (the write checks the lease in the same statement).
 */
const SCHEMA = `
create table if not exists sm_memory (
  host_id text primary key,
  memory jsonb not null,
  saved_by text not null,
  saved_at timestamptz not null
);`;

export interface PostgresPlanMemoryOptions {
  url: string;
  password?: string;
  instanceId: string;
  timeoutMs?: number;
}

export class PostgresPlanMemory {
  /** The leases' tables are made by the lease board; this one beside them. */
  private readonly db: CoordinationDatabase;

  constructor(private readonly options: PostgresPlanMemoryOptions) {
    const pool = postgresPool({
      url: options.url,
      ...(options.password !== undefined ? { password: options.password } : {}),
      timeoutMs: options.timeoutMs ?? 5_000,
      max: 1,
    });
    this.db = new CoordinationDatabase(pool, SCHEMA);
  }

  /** Saves each host's memory, for the hosts whose lease this instance holds now. */
  async save(byHost: ReadonlyMap<string, object>): Promise<void> {
    if (byHost.size === 0) return;
    await this.run(async (client) => {
      for (const [hostId, memory] of byHost)
        await client.query(
          `insert into sm_memory (host_id, memory, saved_by, saved_at)
           select $1, $2::jsonb, $3, now()
           where exists (select 1 from sm_leases where host_id = $1 and holder = $3 and expires_at > now())
           on conflict (host_id) do update set memory = excluded.memory, saved_by = excluded.saved_by,
             saved_at = excluded.saved_at`,
          [hostId, JSON.stringify(memory), this.options.instanceId],
        );
    });
  }

  /** The memory kept for these hosts, as saved (to be checked by the reader). */
  async load(hostIds: readonly string[]): Promise<Map<string, unknown>> {
    if (hostIds.length === 0) return new Map();
    return this.run(async (client) => {
      const rows = await client.query<{ host_id: string; memory: unknown }>(
        `select host_id, memory from sm_memory where host_id = any($1)`,
        [hostIds],
      );
      return new Map(rows.rows.map((row) => [row.host_id, row.memory]));
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private run<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.db.run(work);
  }
}
