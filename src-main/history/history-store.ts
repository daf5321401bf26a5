import { Kysely, PostgresDialect, type Selectable } from 'kysely';
import type { ManagerEvent } from '../core/events.js';
import { nodeSqliteDialect } from './node-sqlite-dialect.js';
import {
  ensureSchema,
  type HistoryDb,
  type HistoryDialect,
  type HistoryTables,
  type PowerIntervalTable,
} from './schema.js';
import {
  emptyOpenRecords,
  hasChanges,
  historyChanges,
  scopedTick,
  type HistoryChanges,
  type HistoryScope,
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

/** Reads what is open in the database (of some hosts, or all) into the open records. */
async function loadOpenRecords(
  db: HistoryDb,
  open: OpenRecords,
  of: { hosts?: readonly string[]; tasks: boolean },
): Promise<void> {
  const hosts = of.hosts;
  if (hosts === undefined || hosts.length > 0) {
    let power = db.selectFrom('power_intervals').select(['host_id', 'state']).where('ended_at', 'is', null);
    let sessions = db
      .selectFrom('session_intervals')
      .select(['session_key', 'host_id'])
      .where('closed_at', 'is', null);
    if (hosts) {
      power = power.where('host_id', 'in', hosts);
      sessions = sessions.where('host_id', 'in', hosts);
    }
    for (const row of await power.execute()) open.power.set(row.host_id, row.state);
    for (const row of await sessions.execute()) open.sessions.set(row.session_key, row.host_id);
  }
  if (of.tasks)
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
}

/** A history with nothing in it. */
export const emptyHistory = (): HistoryRecords => ({ power: [], sessions: [], tasks: [], notes: [] });

const num = (value: number | bigint | string | null) => (value === null ? null : Number(value));

/**
 * The service's history: power intervals, sessions, tasks and host notes, written as it runs, one
 * transaction per tick (only what changed), through Kysely: in SQLite by default, or in the PostgreSQL
 * that several instances share (config `coordination`), each writing what it holds. A `kill -9` loses
 * nothing committed; intervals left open by a crash go on from where they were when the next run (or
 * the next holder) observes the same state.
 */
export class HistoryStore {
  /** The hosts (and tasks) whose open records are this instance's to write: all, until a scope is given. */
  private written: { hosts: Set<string>; tasks: boolean } | undefined;
  /** A write failed: what is open is read again from the database before the next. */
  private stale = false;

  private constructor(
    private readonly db: HistoryDb,
    private readonly open: OpenRecords,
    /** Gives pruned space back to the file system, where the database can. */
    private readonly compact: () => void,
  ) {}

  static async openFile(file: string): Promise<HistoryStore> {
    const sqlite = nodeSqliteDialect(file);
    return HistoryStore.openDb(
      new Kysely<HistoryTables>({ dialect: sqlite.dialect }),
      'sqlite',
      sqlite.compact,
    );
  }

  /** The history in the PostgreSQL the instances share; the password apart from the URL (keychain). */
  static async openPostgres(options: { url: string; password?: string }): Promise<HistoryStore> {
    // Loaded only here: a single instance never loads the PostgreSQL driver.
    const { postgresPool } = await import('../coordination/postgres-pool.js');
    const pool = postgresPool({ ...options, timeoutMs: 10_000, max: 2 });
    return HistoryStore.openDb(
      new Kysely<HistoryTables>({ dialect: new PostgresDialect({ pool }) }),
      'postgres',
    );
  }

  static async openDb(
    db: HistoryDb,
    dialect: HistoryDialect,
    compact: () => void = () => {},
  ): Promise<HistoryStore> {
    try {
      await ensureSchema(db, dialect);
      const open = emptyOpenRecords();
      await loadOpenRecords(db, open, { tasks: true });
      return new HistoryStore(db, open, compact);
    } catch (error) {
      await db.destroy();
      throw error;
    }
  }

  /**
   * Records one tick's changes in one transaction. With a scope (several instances), only the hosts
   * it names and, if it says so, the tasks: a host newly in scope goes on from the open records its
   * previous holder left in the database.
   */
  async recordTick(
    tick: { now: number; snapshot: Snapshot; actions: readonly Action[] },
    scope?: HistoryScope,
  ): Promise<void> {
    try {
      if (this.stale) await this.reload(scope);
      else if (scope) await this.adopt(scope);
      const changes = historyChanges(this.open, scope ? scopedTick(tick, scope) : tick);
      if (hasChanges(changes)) await this.write(changes);
    } catch (error) {
      // The open records may now be ahead of the database (a write that failed): read them again.
      this.stale = true;
      throw error;
    }
  }

  private async write(changes: HistoryChanges): Promise<void> {
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

  /** Reads the open records again, of what is in scope (or of everything). */
  private async reload(scope: HistoryScope | undefined): Promise<void> {
    this.open.power.clear();
    this.open.sessions.clear();
    this.open.tasks.clear();
    await loadOpenRecords(
      this.db,
      this.open,
      scope ? { hosts: [...scope.hosts], tasks: scope.tasks } : { tasks: true },
    );
    this.written = scope ? { hosts: new Set(scope.hosts), tasks: scope.tasks } : undefined;
    this.stale = false;
  }

  /** Forgets the open records of what left the scope; reads those of what came into it. */
  private async adopt(scope: HistoryScope): Promise<void> {
    const before = this.written;
    const hosts = new Set(scope.hosts);
    this.written = { hosts, tasks: scope.tasks };
    const left = (hostId: string) => !hosts.has(hostId);
    for (const hostId of [...this.open.power.keys()].filter(left)) this.open.power.delete(hostId);
    for (const hostId of [...this.open.asked.keys()].filter(left)) this.open.asked.delete(hostId);
    for (const [key, hostId] of [...this.open.sessions]) if (left(hostId)) this.open.sessions.delete(key);
    if (!scope.tasks) this.open.tasks.clear();
    // The first scope: the records read at open are current for the hosts it names.
    if (!before) return;
    const came = [...hosts].filter((hostId) => !before.hosts.has(hostId));
    const tasks = scope.tasks && !before.tasks;
    if (came.length > 0 || tasks) await loadOpenRecords(this.db, this.open, { hosts: came, tasks });
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

  /**
   * Everything that overlaps [from, to), in time order (ties in the order written, the same in either
   * database); `only: 'power'` reads the power intervals alone (what spend needs).
   */
  async read(from: number, to: number, only?: 'power'): Promise<HistoryRecords> {
    const power = await this.db
      .selectFrom('power_intervals')
      .selectAll()
      .where('started_at', '<', to)
      .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', from)]))
      .orderBy('started_at')
      .orderBy('id')
      .execute();
    if (only === 'power') return { ...emptyHistory(), power: power.map(powerRecord) };
    const sessions = await this.db
      .selectFrom('session_intervals')
      .selectAll()
      .where('opened_at', '<', to)
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', from)]))
      .orderBy('opened_at')
      .orderBy('id')
      .execute();
    const tasks = await this.db
      .selectFrom('tasks')
      .selectAll()
      .where('created_at', '<', to)
      .where((eb) => eb.or([eb('finished_at', 'is', null), eb('finished_at', '>=', from)]))
      .orderBy('created_at')
      .orderBy('task_id')
      .execute();
    const notes = await this.db
      .selectFrom('host_notes')
      .selectAll()
      .where('at', '>=', from)
      .where('at', '<', to)
      .orderBy('at')
      .orderBy('id')
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
