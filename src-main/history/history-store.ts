import { Kysely, type Selectable } from 'kysely';
import type { ManagerEvent } from '../core/events.js';
import { nodeSqliteDialect } from './node-sqlite-dialect.js';
import { ensureSchema, type HistoryDb, type HistoryTables, type PowerIntervalTable } from './schema.js';
import {
  emptyOpenRecords,
  hasChanges,
  historyChanges,
  type OpenRecords,
  type TaskRow,
} from './tick-changes.js';
import type { Action } from '../core/actions.js';
import type { Snapshot } from '../core/snapshot.js';

/** What a period of history holds, for cost and replay. */
export interface HistoryRecords {
  power: Array<{ hostId: string; state: string; startedAt: number; endedAt: number | null; cause: string }>;
  sessions: Array<{ key: string; hostId: string; openedAt: number; closedAt: number | null }>;
  tasks: Array<TaskRow & { finishedAt: number | null }>;
  notes: Array<{ hostId: string; at: number; kind: string; message: string | null }>;
}

/** Rows per statement: well under SQLite's limit of bound parameters (7 columns × 500). */
const BATCH = 500;
function* batches<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += BATCH) yield items.slice(i, i + BATCH);
}

/** A power interval as read from its table. */
function powerRecord(row: Selectable<PowerIntervalTable>): HistoryRecords['power'][number] {
  return {
    hostId: row.host_id,
    state: row.state,
    startedAt: num(row.started_at)!,
    endedAt: num(row.ended_at),
    cause: row.cause,
  };
}

/** A history with nothing in it. */
export const emptyHistory = (): HistoryRecords => ({ power: [], sessions: [], tasks: [], notes: [] });

const num = (value: number | bigint | string | null) => (value === null ? null : Number(value));

/**
 * The service's history: power intervals, sessions, tasks and host notes, written as it runs, one
 * transaction per tick (only what changed), in SQLite by default through Kysely (which also speaks
 * PostgreSQL). A `kill -9` loses nothing committed; intervals left open by a crash go on from where
 * they were when the next run observes the same state.
 */
export class HistoryStore {
  private constructor(
    private readonly db: HistoryDb,
    private readonly open: OpenRecords,
    /** Gives pruned space back to the file system, where the database can. */
    private readonly compact: () => void,
  ) {}

  static async openFile(file: string): Promise<HistoryStore> {
    const sqlite = nodeSqliteDialect(file);
    return HistoryStore.openDb(new Kysely<HistoryTables>({ dialect: sqlite.dialect }), sqlite.compact);
  }

  static async openDb(db: HistoryDb, compact: () => void = () => {}): Promise<HistoryStore> {
    await ensureSchema(db);
    const open = emptyOpenRecords();
    for (const row of await db
      .selectFrom('power_intervals')
      .select(['host_id', 'state'])
      .where('ended_at', 'is', null)
      .execute())
      open.power.set(row.host_id, row.state);
    for (const row of await db
      .selectFrom('session_intervals')
      .select(['session_key', 'host_id'])
      .where('closed_at', 'is', null)
      .execute())
      open.sessions.set(row.session_key, row.host_id);
    for (const row of await db
      .selectFrom('tasks')
      .select(['task_id', 'status', 'started_at', 'runner_id'])
      .where('finished_at', 'is', null)
      .execute())
      open.tasks.set(row.task_id, {
        status: row.status,
        startedAt: num(row.started_at),
        runnerId: row.runner_id,
      });
    return new HistoryStore(db, open, compact);
  }

  /** Records one tick's changes in one transaction. */
  async recordTick(tick: { now: number; snapshot: Snapshot; actions: readonly Action[] }): Promise<void> {
    const changes = historyChanges(this.open, tick);
    if (!hasChanges(changes)) return;
    const at = changes.at;
    // A few statements per tick, each over a batch of rows: building a query costs more than its rows.
    await this.db.transaction().execute(async (trx) => {
      for (const batch of batches(changes.power)) {
        await trx
          .updateTable('power_intervals')
          .set({ ended_at: at })
          .where(
            'host_id',
            'in',
            batch.map((change) => change.hostId),
          )
          .where('ended_at', 'is', null)
          .execute();
        await trx
          .insertInto('power_intervals')
          .values(
            batch.map((change) => ({
              host_id: change.hostId,
              state: change.state,
              started_at: at,
              ended_at: null,
              cause: change.cause,
            })),
          )
          .execute();
      }
      for (const batch of batches(changes.sessionsOpened))
        await trx
          .insertInto('session_intervals')
          .values(
            batch.map((session) => ({
              session_key: session.key,
              host_id: session.hostId,
              opened_at: at,
              closed_at: null,
            })),
          )
          .execute();
      for (const batch of batches(changes.sessionsClosed))
        await trx
          .updateTable('session_intervals')
          .set({ closed_at: at })
          .where('session_key', 'in', batch)
          .where('closed_at', 'is', null)
          .execute();
      for (const batch of batches(changes.tasks))
        await trx
          .insertInto('tasks')
          .values(
            batch.map((task) => ({
              task_id: task.taskId,
              runner_id: task.runnerId,
              activity: task.activity,
              status: task.status,
              created_at: task.createdAt,
              started_at: task.startedAt,
              finished_at: null,
            })),
          )
          .onConflict((conflict) =>
            conflict.column('task_id').doUpdateSet((eb) => ({
              runner_id: eb.ref('excluded.runner_id'),
              activity: eb.ref('excluded.activity'),
              status: eb.ref('excluded.status'),
              created_at: eb.ref('excluded.created_at'),
              started_at: eb.ref('excluded.started_at'),
              finished_at: null,
            })),
          )
          .execute();
      for (const batch of batches(changes.tasksFinished))
        await trx.updateTable('tasks').set({ finished_at: at }).where('task_id', 'in', batch).execute();
    });
  }

  /** Keeps the events the history needs besides the ticks: a host answering after a start, a cloud error. */
  async recordEvent(event: ManagerEvent): Promise<void> {
    if (!event.hostId) return;
    const kind =
      event.kind === 'host.ready' ? 'ready' : event.kind === 'host.cloud-error' ? 'cloud-error' : undefined;
    if (!kind) return;
    await this.db
      .insertInto('host_notes')
      .values({ host_id: event.hostId, at: event.at, kind, value: null, message: event.message })
      .execute();
  }

  /** Everything that overlaps [from, to); `only: 'power'` reads the power intervals alone (what spend needs). */
  async read(from: number, to: number, only?: 'power'): Promise<HistoryRecords> {
    const power = await this.db
      .selectFrom('power_intervals')
      .selectAll()
      .where('started_at', '<', to)
      .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', from)]))
      .orderBy('started_at')
      .execute();
    if (only === 'power') return { ...emptyHistory(), power: power.map(powerRecord) };
    const sessions = await this.db
      .selectFrom('session_intervals')
      .selectAll()
      .where('opened_at', '<', to)
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', from)]))
      .orderBy('opened_at')
      .execute();
    const tasks = await this.db
      .selectFrom('tasks')
      .selectAll()
      .where('created_at', '<', to)
      .where((eb) => eb.or([eb('finished_at', 'is', null), eb('finished_at', '>=', from)]))
      .orderBy('created_at')
      .execute();
    const notes = await this.db
      .selectFrom('host_notes')
      .selectAll()
      .where('at', '>=', from)
      .where('at', '<', to)
      .orderBy('at')
      .execute();
    return {
      power: power.map(powerRecord),
      sessions: sessions.map((row) => ({
        key: row.session_key,
        hostId: row.host_id,
        openedAt: num(row.opened_at)!,
        closedAt: num(row.closed_at),
      })),
      tasks: tasks.map((row) => ({
        taskId: row.task_id,
        runnerId: row.runner_id,
        activity: row.activity,
        status: row.status,
        createdAt: num(row.created_at)!,
        startedAt: num(row.started_at),
        finishedAt: num(row.finished_at),
      })),
      notes: notes.map((row) => ({
        hostId: row.host_id,
        at: num(row.at)!,
        kind: row.kind,
        message: row.message,
      })),
    };
  }

  /** Drops what ended before `before` (open intervals and unfinished tasks stay). */
  async prune(before: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('power_intervals').where('ended_at', '<', before).execute();
      await trx.deleteFrom('session_intervals').where('closed_at', '<', before).execute();
      await trx.deleteFrom('tasks').where('finished_at', '<', before).execute();
      await trx.deleteFrom('host_notes').where('at', '<', before).execute();
    });
    this.compact();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
