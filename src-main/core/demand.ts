import type { RunnerConfig } from '../config/schema.js';
import type { ObservedTask, ScheduledRun } from './orchestrator.js';

/** A runner's work as the orchestrator reports it. */
export interface RunnerDemand {
  /** Queued tasks it may take now (or within its host's boot lead, for tasks with a future notBefore). */
  queued: number;
  running: number;
  /** Epoch ms of the oldest counted queued task. */
  oldestQueuedAt?: number;
  /** Highest priority among counted queued tasks (0-10); -1 when none. */
  maxPriority: number;
  /** Queued tasks not counted yet because their notBefore is further away than the boot lead. */
  deferred: number;
  /** Earliest scheduled run within the boot lead (pre-warm), epoch ms. */
  scheduledAt?: number;
}

export interface DemandIndex {
  byRunner: Map<string, RunnerDemand>;
  /** The same demands, in the order of the input's runners (array access in hot loops). */
  list: RunnerDemand[];
  /** Queued tasks in the observation (counted once even when several runners may take them). */
  queuedTotal: number;
  runningTotal: number;
}

/** Runner → host id; and the lead (ms) before a future task or run counts, per host. */
export interface DemandInput {
  runners: readonly Pick<RunnerConfig, 'id' | 'host' | 'activities'>[];
  /** The host's learned boot lead (0 when pre-warm is off). */
  leadFor: (hostId: string) => number;
  now: number;
}

function emptyDemand(): RunnerDemand {
  return { queued: 0, running: 0, maxPriority: -1, deferred: 0 };
}

/**
 * Demand of every configured runner from the raw task list, in one pass over the tasks.
 * A queued task counts for its assigned runner, or, when unassigned, for every runner that lists its
 * activity (BotCity lets any of them take it). A task whose notBefore is in the future counts only
 * from notBefore − boot lead of the runner's host, so the host is ready when the task may start.
 * Unassigned tasks are summed per activity first, so a label shared by many runners costs one pass.
 */
export function computeDemand(tasks: readonly ObservedTask[], input: DemandInput): DemandIndex {
  const { now } = input;
  const byRunner = new Map<string, RunnerDemand>();
  const list: RunnerDemand[] = [];
  // One lookup per task: the runner's demand and its lead travel together.
  const slots = new Map<string, Slot>();
  for (const runner of input.runners) {
    const demand = emptyDemand();
    byRunner.set(runner.id, demand);
    list.push(demand);
    slots.set(runner.id, { demand, lead: input.leadFor(runner.host) });
  }

  // Per activity: unassigned tasks that count now, summed; and those with a future notBefore, listed.
  const byActivity = new Map<string, { now: RunnerDemand; future: ObservedTask[] }>();
  let queuedTotal = 0;
  let runningTotal = 0;
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    const runnerId = task.runnerId;
    if (task.state === 'running') {
      runningTotal++;
      if (runnerId !== undefined) {
        const slot = slots.get(runnerId);
        if (slot) slot.demand.running++;
      }
      continue;
    }
    queuedTotal++;
    if (runnerId !== undefined) {
      const slot = slots.get(runnerId);
      if (slot) countQueued(slot.demand, task, slot.lead, now);
    } else if (task.activity !== undefined) {
      let entry = byActivity.get(task.activity);
      if (!entry) byActivity.set(task.activity, (entry = { now: emptyDemand(), future: [] }));
      if (task.notBefore !== undefined && task.notBefore > now) entry.future.push(task);
      else countQueued(entry.now, task, 0, now);
    }
  }
  if (byActivity.size > 0) {
    for (const runner of input.runners) {
      if (runner.activities.length === 0) continue;
      const slot = slots.get(runner.id)!;
      for (const activity of runner.activities) {
        const entry = byActivity.get(activity);
        if (!entry) continue;
        mergeQueued(slot.demand, entry.now);
        for (const task of entry.future) countQueued(slot.demand, task, slot.lead, now);
      }
    }
  }
  return { byRunner, list, queuedTotal, runningTotal };
}

interface Slot {
  demand: RunnerDemand;
  lead: number;
}

function mergeQueued(into: RunnerDemand, from: RunnerDemand): void {
  if (from.queued === 0) return;
  into.queued += from.queued;
  if (
    from.oldestQueuedAt !== undefined &&
    (into.oldestQueuedAt === undefined || from.oldestQueuedAt < into.oldestQueuedAt)
  )
    into.oldestQueuedAt = from.oldestQueuedAt;
  if (from.maxPriority > into.maxPriority) into.maxPriority = from.maxPriority;
}

function countQueued(demand: RunnerDemand, task: ObservedTask, lead: number, now: number): void {
  if (task.notBefore !== undefined && task.notBefore - lead > now) {
    demand.deferred++;
    return;
  }
  demand.queued++;
  if (demand.oldestQueuedAt === undefined || task.createdAt < demand.oldestQueuedAt)
    demand.oldestQueuedAt = task.createdAt;
  if (task.priority > demand.maxPriority) demand.maxPriority = task.priority;
}

/**
 * Marks runners whose scheduled run falls within their host's boot lead (pre-warm). A run counts from
 * `at − lead` until `at`; after that the orchestrator shows the task itself, or its next run.
 */
export function addScheduled(
  index: DemandIndex,
  upcoming: readonly ScheduledRun[],
  input: DemandInput,
): void {
  if (upcoming.length === 0) return;
  const byActivity = new Map<string, string[]>();
  const hostOf = new Map<string, string>();
  for (const runner of input.runners) {
    hostOf.set(runner.id, runner.host);
    for (const activity of runner.activities) {
      const list = byActivity.get(activity);
      if (list) list.push(runner.id);
      else byActivity.set(activity, [runner.id]);
    }
  }
  for (const run of upcoming) {
    const runnerIds = run.runnerId !== undefined ? [run.runnerId] : (byActivity.get(run.activity) ?? []);
    for (const runnerId of runnerIds) {
      const demand = index.byRunner.get(runnerId);
      const hostId = hostOf.get(runnerId);
      if (!demand || hostId === undefined) continue;
      const lead = input.leadFor(hostId);
      if (run.at - lead <= input.now && input.now <= run.at) {
        if (demand.scheduledAt === undefined || run.at < demand.scheduledAt) demand.scheduledAt = run.at;
      }
    }
  }
}

/** Online runners as a Set: lookups in a Record keyed by strings that are not interned are slow at scale. */
export function onlineRunners(runnersOnline: Record<string, boolean>): Set<string> {
  const online = new Set<string>();
  for (const [id, isOnline] of Object.entries(runnersOnline)) if (isOnline) online.add(id);
  return online;
}
