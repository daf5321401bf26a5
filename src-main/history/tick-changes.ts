import type { Action } from '../core/actions.js';
import { isActiveSession } from '../core/session-driver.js';
import type { Snapshot } from '../core/snapshot.js';

/** What the history holds open between ticks: the last power state, open sessions, unfinished tasks. */
export interface OpenRecords {
  /** Host id → the state of its open power interval. */
  power: Map<string, string>;
  /** Session key → its host. */
  sessions: Map<string, string>;
  /** Task id → what was last written of it. */
  tasks: Map<string, { status: string; startedAt: number | null; runnerId: string | null }>;
  /** Host id → why Session Manager last asked to power it on or off (the cause of the change it sees next). */
  asked: Map<string, string>;
}

export const emptyOpenRecords = (): OpenRecords => ({
  power: new Map(),
  sessions: new Map(),
  tasks: new Map(),
  asked: new Map(),
});

export interface TaskRow {
  taskId: string;
  runnerId: string | null;
  activity: string | null;
  status: string;
  createdAt: number;
  startedAt: number | null;
}

/** The writes one tick makes: only what changed. */
export interface HistoryChanges {
  at: number;
  power: Array<{ hostId: string; state: string; cause: string }>;
  sessionsOpened: Array<{ key: string; hostId: string }>;
  sessionsClosed: string[];
  tasks: TaskRow[];
  tasksFinished: string[];
}

/** Power states that are read facts; `unknown` changes nothing (the cloud could not be read). */
const RECORDED_POWER = new Set(['starting', 'on', 'stopping', 'off', 'gone']);

/**
 * Pure: the changes a tick brings to the history, and the open records after it (updated in place).
 * A power state is a new interval only when it differs from the open one; a task is written when first
 * seen and when its state changes, and finished when a complete observation no longer lists it.
 */
export function historyChanges(
  open: OpenRecords,
  tick: { now: number; snapshot: Snapshot; actions: readonly Action[] },
): HistoryChanges {
  const changes: HistoryChanges = {
    at: tick.now,
    power: [],
    sessionsOpened: [],
    sessionsClosed: [],
    tasks: [],
    tasksFinished: [],
  };

  for (const [hostId, power] of tick.snapshot.power) {
    if (!RECORDED_POWER.has(power.state) || open.power.get(hostId) === power.state) continue;
    const asked = open.asked.get(hostId);
    open.asked.delete(hostId);
    open.power.set(hostId, power.state);
    changes.power.push({ hostId, state: power.state, cause: asked ?? 'observed' });
  }
  // Asked this tick: the change shows from the next observation on.
  for (const action of tick.actions)
    if (action.kind === 'powerOn' || action.kind === 'powerOff') open.asked.set(action.hostId, action.reason);

  const active = new Map(
    tick.snapshot.sessions.filter(isActiveSession).map((session) => [session.key, session.hostId]),
  );
  for (const [key, hostId] of active)
    if (!open.sessions.has(key)) {
      open.sessions.set(key, hostId);
      changes.sessionsOpened.push({ key, hostId });
    }
  for (const key of [...open.sessions.keys()])
    if (!active.has(key)) {
      open.sessions.delete(key);
      changes.sessionsClosed.push(key);
    }

  const { queue } = tick.snapshot;
  // One row per task: a task that moved between two lists while they were read is listed twice (its
  // later listing kept), and one statement may not write a row twice (PostgreSQL refuses it).
  const latest = new Map(queue.tasks.map((task) => [task.id, task]));
  const seen = new Set<string>();
  for (const task of latest.values()) {
    seen.add(task.id);
    const before = open.tasks.get(task.id);
    const startedAt =
      task.state === 'busy' ? (task.startedAt ?? before?.startedAt ?? tick.now) : (before?.startedAt ?? null);
    const runnerId = task.runnerId ?? null;
    if (
      before &&
      before.status === task.status &&
      before.startedAt === startedAt &&
      before.runnerId === runnerId
    )
      continue;
    open.tasks.set(task.id, { status: task.status, startedAt, runnerId });
    changes.tasks.push({
      taskId: task.id,
      runnerId,
      activity: task.activity ?? null,
      status: task.status,
      createdAt: task.createdAt,
      startedAt,
    });
  }
  // Only a complete observation says a task is gone; a partial one may just have missed it.
  if (queue.complete)
    for (const taskId of [...open.tasks.keys()])
      if (!seen.has(taskId)) {
        open.tasks.delete(taskId);
        changes.tasksFinished.push(taskId);
      }
  return changes;
}

/**
 * What one instance of several sharing the fleet writes (config `coordination`): the power and
 * sessions of the hosts it holds, and the tasks if it is the one instance that records them (every
 * instance sees the same queue; one writer keeps a task's row from being written by each).
 */
export interface HistoryScope {
  hosts: ReadonlySet<string>;
  tasks: boolean;
}

/** Pure: the tick as one instance records it, the rest of the fleet left to its holders. */
export function scopedTick(
  tick: { now: number; snapshot: Snapshot; actions: readonly Action[] },
  scope: HistoryScope,
): { now: number; snapshot: Snapshot; actions: readonly Action[] } {
  const { snapshot } = tick;
  return {
    ...tick,
    snapshot: {
      ...snapshot,
      power: new Map([...snapshot.power].filter(([hostId]) => scope.hosts.has(hostId))),
      sessions: snapshot.sessions.filter((session) => scope.hosts.has(session.hostId)),
      // Not the task writer: no task seen, and no finish either (an incomplete observation).
      queue: scope.tasks ? snapshot.queue : { ...snapshot.queue, tasks: [], complete: false },
    },
    // Only the power actions count (the cause of the next change seen), and they are the holder's.
    actions: tick.actions.filter(
      (action) => (action.kind === 'powerOn' || action.kind === 'powerOff') && scope.hosts.has(action.hostId),
    ),
  };
}

export const hasChanges = (changes: HistoryChanges): boolean =>
  changes.power.length +
    changes.sessionsOpened.length +
    changes.sessionsClosed.length +
    changes.tasks.length +
    changes.tasksFinished.length >
  0;
