import { sql, type ColumnDefinitionBuilder, type Generated, type Kysely, type Transaction } from 'kysely';
import { SCHEMA_LOCK } from '../coordination/schema-lock.js';

/**
 * The history's tables. Times are epoch milliseconds; an open interval has a null end. Plain SQL types
 * that SQLite and PostgreSQL both read the same way (several instances share one PostgreSQL history).
 */
export interface PowerIntervalTable {
  id: Generated<number>;
  host_id: string;
  /** starting | on | stopping | off | gone */
  state: string;
  started_at: number;
  ended_at: number | null;
  /** Who asked and why: the action's reason when Session Manager asked, else `observed`. */
  cause: string;
}

export interface SessionIntervalTable {
  id: Generated<number>;
  session_key: string;
  host_id: string;
  opened_at: number;
  closed_at: number | null;
}

export interface TaskTable {
  task_id: string;
  runner_id: string | null;
  activity: string | null;
  /** The orchestrator's word for the state when last seen (START, RUNNING, TIMEOUT...). */
  status: string;
  created_at: number;
  started_at: number | null;
  /** When it stopped being seen as queued or busy (finished, failed or canceled). */
  finished_at: number | null;
}

export interface HostNoteTable {
  id: Generated<number>;
  host_id: string;
  at: number;
  /** ready (the host answered after a start) | cloud-error (message: the cloud's words) */
  kind: string;
  value: number | null;
  message: string | null;
}

export interface HistoryTables {
  power_intervals: PowerIntervalTable;
  session_intervals: SessionIntervalTable;
  tasks: TaskTable;
  host_notes: HostNoteTable;
}

export type HistoryDb = Kysely<HistoryTables>;

export type HistoryDialect = 'sqlite' | 'postgres';

/**
 * Creates what is missing; idempotent, so every start runs it. In PostgreSQL, one instance at a time
 * (instances starting together would race on `create table`), under the coordination tables' lock.
 */
export async function ensureSchema(db: HistoryDb, dialect: HistoryDialect): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql.raw(SCHEMA_LOCK).execute(trx);
    await createTables(trx, dialect);
  });
}

async function createTables(db: Transaction<HistoryTables>, dialect: HistoryDialect): Promise<void> {
  // A generated key: SQLite's autoincrement, PostgreSQL's identity.
  const key = (column: ColumnDefinitionBuilder) =>
    dialect === 'postgres'
      ? column.primaryKey().generatedByDefaultAsIdentity()
      : column.primaryKey().autoIncrement();
  await db.schema
    .createTable('power_intervals')
    .ifNotExists()
    .addColumn('id', 'integer', key)
    .addColumn('host_id', 'text', (column) => column.notNull())
    .addColumn('state', 'text', (column) => column.notNull())
    .addColumn('started_at', 'bigint', (column) => column.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('cause', 'text', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('session_intervals')
    .ifNotExists()
    .addColumn('id', 'integer', key)
    .addColumn('session_key', 'text', (column) => column.notNull())
    .addColumn('host_id', 'text', (column) => column.notNull())
    .addColumn('opened_at', 'bigint', (column) => column.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  await db.schema
    .createTable('tasks')
    .ifNotExists()
    .addColumn('task_id', 'text', (column) => column.primaryKey())
    .addColumn('runner_id', 'text')
    .addColumn('activity', 'text')
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createTable('host_notes')
    .ifNotExists()
    .addColumn('id', 'integer', key)
    .addColumn('host_id', 'text', (column) => column.notNull())
    .addColumn('at', 'bigint', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('value', 'bigint')
    .addColumn('message', 'text')
    .execute();
  for (const [name, table, columns] of [
    ['power_intervals_by_time', 'power_intervals', ['started_at', 'ended_at']],
    // Each tick closes a host's open interval: found by host, not by a scan of the whole history.
    ['power_intervals_open', 'power_intervals', ['host_id', 'ended_at']],
    ['session_intervals_by_time', 'session_intervals', ['opened_at', 'closed_at']],
    ['session_intervals_open', 'session_intervals', ['session_key', 'closed_at']],
    ['tasks_by_time', 'tasks', ['created_at', 'finished_at']],
    ['host_notes_by_time', 'host_notes', ['at']],
  ] as const)
    await db.schema
      .createIndex(name)
      .ifNotExists()
      .on(table)
      .columns([...columns])
      .execute();
}
