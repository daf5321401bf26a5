import type { RunnerConfig } from '../config/schema.js';
import { FutureTasks } from './future-tasks.js';
import type { ObservedTask, ScheduledRun } from './orchestrator.js';
import { indexRunners, type RunnerIndex } from './runner-index.js';

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
  /** Runner id → demand (`plan` reads `list` by position; this Map is for other callers). */
  byRunner: ReadonlyMap<string, RunnerDemand>;
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
  /** Lookups over `runners`, when the caller keeps them (plan: once per config); built here otherwise. */
  index?: RunnerIndex;
  /** The lead of each runner (by position), when the caller has them; else asked of `leadFor`. */
  runnerLeads?: ArrayLike<number>;
}

function emptyDemand(): RunnerDemand {
  // Every field present from the start: one object shape for all runners keeps the hot loops monomorphic.
  return {
    queued: 0,
    running: 0,
    oldestQueuedAt: undefined,
    maxPriority: -1,
    deferred: 0,
    scheduledAt: undefined,
  };
}

/**
 * Demand of every configured runner from the raw task list, in one pass over the tasks.
 * A queued task counts for its assigned runner, or, when unassigned, for every runner that lists its
 * activity (BotCity lets any of them take it). A task whose notBefore is in the future counts only
 * from notBefore − boot lead of the runner's host, so the host is ready when the task may start.
 * Unassigned tasks are summed per activity first, so a label shared by many runners costs one pass.
 */
export function computeDemand(tasks: readonly ObservedTask[], input: DemandInput): DemandIndex {
  const { now, runners } = input;
  const { positionOf, byActivity: runnersOfActivity } = input.index ?? indexRunners(runners);
  const list: RunnerDemand[] = new Array<RunnerDemand>(runners.length);
  // The lead of each runner's host, by position: one lookup per runner, not per task.
  const leads = new Float64Array(runners.length);
  // Oldest assigned task per runner as raw numbers: a timestamp stored into an object field is boxed
  // (one allocation per store), and this one changes with almost every task.
  const oldest = new Float64Array(runners.length).fill(Infinity);
  for (let position = 0; position < runners.length; position++) {
    list[position] = emptyDemand();
    leads[position] = input.runnerLeads
      ? input.runnerLeads[position]!
      : input.leadFor(runners[position]!.host);
  }

  // Per activity: unassigned tasks that count now, summed; and those with a future notBefore.
  const byActivity = new Map<string, { now: RunnerDemand; future: FutureTasks }>();
  let queuedTotal = 0;
  let runningTotal = 0;
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    const runnerId = task.runnerId;
    if (task.state === 'running') {
      runningTotal++;
      if (runnerId !== undefined) {
        const position = positionOf.get(runnerId);
        if (position !== undefined) list[position]!.running++;
      }
      continue;
    }
    queuedTotal++;
    if (runnerId !== undefined) {
      const position = positionOf.get(runnerId);
      if (position === undefined) continue;
      const demand = list[position]!;
      if (task.notBefore !== undefined && task.notBefore - leads[position]! > now) {
        demand.deferred++;
        continue;
      }
      demand.queued++;
      if (task.createdAt < oldest[position]!) oldest[position] = task.createdAt;
      if (task.priority > demand.maxPriority) demand.maxPriority = task.priority;
    } else if (task.activity !== undefined) {
      let entry = byActivity.get(task.activity);
      if (!entry) byActivity.set(task.activity, (entry = { now: emptyDemand(), future: new FutureTasks() }));
      if (task.notBefore !== undefined && task.notBefore > now) entry.future.add(task);
      else countQueued(entry.now, task, 0, now);
    }
  }
  for (let position = 0; position < runners.length; position++)
    if (oldest[position]! !== Infinity) list[position]!.oldestQueuedAt = oldest[position];
  // Each activity seen in the queue, to each runner that lists it: one lookup per activity, not per runner.
  for (const [activity, entry] of byActivity) {
    const positions = runnersOfActivity.get(activity);
    if (!positions) continue;
    for (let p = 0; p < positions.length; p++) {
      const position = positions[p]!;
      mergeQueued(list[position]!, entry.now);
      entry.future.countInto(list[position]!, leads[position]!, now);
    }
  }
  let byRunner: Map<string, RunnerDemand> | undefined;
  return {
    // Built on first use: `plan` never asks, and 5,000 Map entries per tick are worth avoiding.
    get byRunner() {
      if (!byRunner) {
        byRunner = new Map();
        for (let position = 0; position < runners.length; position++)
          byRunner.set(runners[position]!.id, list[position]!);
      }
      return byRunner;
    },
    list,
    queuedTotal,
    runningTotal,
  };
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
  const { positionOf, byActivity } = input.index ?? indexRunners(input.runners);
  for (const run of upcoming) {
    if (run.runnerId !== undefined) {
      const position = positionOf.get(run.runnerId);
      if (position !== undefined) markScheduled(index, input, position, run.at);
      continue;
    }
    const positions = byActivity.get(run.activity);
    if (positions) for (const position of positions) markScheduled(index, input, position, run.at);
  }
}

function markScheduled(index: DemandIndex, input: DemandInput, position: number, at: number): void {
  const demand = index.list[position];
  if (!demand) return;
  const lead = input.runnerLeads
    ? input.runnerLeads[position]!
    : input.leadFor(input.runners[position]!.host);
  if (at - lead <= input.now && input.now <= at) {
    if (demand.scheduledAt === undefined || at < demand.scheduledAt) demand.scheduledAt = at;
  }
}

/** Online runners as a Set: lookups in a Record keyed by strings that are not interned are slow at scale. */
export function onlineRunners(runnersOnline: Record<string, boolean>): Set<string> {
  const online = new Set<string>();
  for (const [id, isOnline] of Object.entries(runnersOnline)) if (isOnline) online.add(id);
  return online;
}
