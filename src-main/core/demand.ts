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

/** Every configured runner's demand, and the queue's totals. */
export interface Demand {
  /** Runner id → its demand (every runner of the input has an entry). */
  byRunner: ReadonlyMap<string, RunnerDemand>;
  /** Queued tasks in the observation (counted once even when several runners may take them). */
  queuedTotal: number;
  /** Busy tasks in the observation: running, timed out, or in a state not known to be finished. */
  runningTotal: number;
}

/** The runners to count for; and the lead (ms) before a future task or run counts, per host. */
export interface DemandInput {
  runners: readonly Pick<RunnerConfig, 'id' | 'host' | 'activities'>[];
  /** The host's learned boot lead (0 when pre-warm is off). */
  leadFor: (hostId: string) => number;
  now: number;
}

export function noDemand(): RunnerDemand {
  return { queued: 0, running: 0, maxPriority: -1, deferred: 0 };
}

/**
 * Demand of every runner from the raw task list, in one pass over the tasks.
 * A queued task counts for its assigned runner, or, when unassigned, for every runner that lists its
 * activity (BotCity lets any of them take it). A task whose notBefore is in the future counts only
 * from notBefore − boot lead of the runner's host, so the host is ready when the task may start.
 */
export function computeDemand(tasks: readonly ObservedTask[], input: DemandInput): Demand {
  const byRunner = new Map(input.runners.map((runner) => [runner.id, noDemand()]));
  const leadOf = new Map(input.runners.map((runner) => [runner.id, input.leadFor(runner.host)]));
  // Unassigned queued tasks, by activity: handed to the runners that list it after the pass (those
  // due now summed once, so a label shared by many runners costs one pass over its tasks).
  const unassigned = new Map<string, { due: RunnerDemand; future: ObservedTask[] }>();
  let queuedTotal = 0;
  let runningTotal = 0;
  for (const task of tasks) {
    const assigned = task.runnerId === undefined ? undefined : byRunner.get(task.runnerId);
    if (task.state === 'busy') {
      runningTotal++;
      if (assigned) assigned.running++;
      continue;
    }
    queuedTotal++;
    if (assigned) countQueued(assigned, task, leadOf.get(task.runnerId!)!, input.now);
    else if (task.runnerId === undefined && task.activity !== undefined) {
      let queue = unassigned.get(task.activity);
      if (!queue) unassigned.set(task.activity, (queue = { due: noDemand(), future: [] }));
      if (task.notBefore !== undefined && task.notBefore > input.now) queue.future.push(task);
      else countQueued(queue.due, task, 0, input.now);
    }
  }
  for (const runner of input.runners)
    for (const activity of runner.activities) {
      const queue = unassigned.get(activity);
      if (!queue) continue;
      const rd = byRunner.get(runner.id)!;
      addDue(rd, queue.due);
      for (const task of queue.future) countQueued(rd, task, leadOf.get(runner.id)!, input.now);
    }
  return { byRunner, queuedTotal, runningTotal };
}

function countQueued(demand: RunnerDemand, task: ObservedTask, lead: number, now: number): void {
  if (task.notBefore !== undefined && task.notBefore - lead > now) {
    demand.deferred++;
    return;
  }
  demand.queued++;
  if (demand.oldestQueuedAt === undefined || task.createdAt < demand.oldestQueuedAt)
    demand.oldestQueuedAt = task.createdAt;
  demand.maxPriority = Math.max(demand.maxPriority, task.priority);
}

function addDue(demand: RunnerDemand, due: RunnerDemand): void {
  if (due.queued === 0) return;
  demand.queued += due.queued;
  demand.oldestQueuedAt = Math.min(demand.oldestQueuedAt ?? Infinity, due.oldestQueuedAt!);
  demand.maxPriority = Math.max(demand.maxPriority, due.maxPriority);
}

/**
 * Marks runners whose scheduled run falls within their host's boot lead (pre-warm). A run counts from
 * `at − lead` until `at`; after that the orchestrator shows the task itself, or its next run.
 */
export function addScheduled(demand: Demand, upcoming: readonly ScheduledRun[], input: DemandInput): void {
  for (const run of upcoming)
    for (const runner of input.runners) {
      const forRunner =
        run.runnerId !== undefined ? run.runnerId === runner.id : runner.activities.includes(run.activity);
      if (!forRunner) continue;
      const lead = input.leadFor(runner.host);
      const rd = demand.byRunner.get(runner.id)!;
      if (run.at - lead <= input.now && input.now <= run.at && run.at < (rd.scheduledAt ?? Infinity))
        rd.scheduledAt = run.at;
    }
}

/** Online runners as a Set. */
export function onlineRunners(runnersOnline: Record<string, boolean>): Set<string> {
  return new Set(Object.entries(runnersOnline).flatMap(([id, online]) => (online ? [id] : [])));
}
