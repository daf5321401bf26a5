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

/**
 * Every runner's demand, as columns indexed by the runner's position in the input's runners: typed
 * arrays, so a tick at thousands of runners allocates six arrays instead of an object per runner, and
 * the hot loops of `plan` read numbers side by side in memory.
 */
export class DemandIndex {
  readonly queued: Int32Array;
  readonly running: Int32Array;
  /** −1 when no queued task counts. */
  readonly maxPriority: Int32Array;
  readonly deferred: Int32Array;
  /** Epoch ms; Infinity when no queued task counts. */
  readonly oldestQueuedAt: Float64Array;
  /** Epoch ms of the earliest scheduled run within the boot lead; Infinity when none. */
  readonly scheduledAt: Float64Array;
  /** Queued tasks in the observation (counted once even when several runners may take them). */
  queuedTotal = 0;
  runningTotal = 0;
  private byId: Map<string, RunnerDemand> | undefined;

  constructor(readonly runnerIds: readonly string[]) {
    const count = runnerIds.length;
    this.queued = new Int32Array(count);
    this.running = new Int32Array(count);
    this.maxPriority = new Int32Array(count).fill(-1);
    this.deferred = new Int32Array(count);
    this.oldestQueuedAt = new Float64Array(count).fill(Infinity);
    this.scheduledAt = new Float64Array(count).fill(Infinity);
  }

  /** One runner's demand as an object (undefined past the end). */
  at(position: number): RunnerDemand | undefined {
    if (position >= this.queued.length) return undefined;
    const oldest = this.oldestQueuedAt[position]!;
    const scheduled = this.scheduledAt[position]!;
    return {
      queued: this.queued[position]!,
      running: this.running[position]!,
      ...(oldest !== Infinity ? { oldestQueuedAt: oldest } : {}),
      maxPriority: this.maxPriority[position]!,
      deferred: this.deferred[position]!,
      ...(scheduled !== Infinity ? { scheduledAt: scheduled } : {}),
    };
  }

  /** Runner id → demand, built on first use (`plan` reads the columns and never asks). */
  get byRunner(): ReadonlyMap<string, RunnerDemand> {
    if (!this.byId) {
      this.byId = new Map();
      for (let position = 0; position < this.runnerIds.length; position++)
        this.byId.set(this.runnerIds[position]!, this.at(position)!);
    }
    return this.byId;
  }

  /** Adds one queued task that counts now. */
  countQueued(position: number, createdAt: number, priority: number): void {
    this.queued[position]!++;
    if (createdAt < this.oldestQueuedAt[position]!) this.oldestQueuedAt[position] = createdAt;
    if (priority > this.maxPriority[position]!) this.maxPriority[position] = priority;
  }

  /** Adds `count` queued tasks, the oldest created at `oldest`, the most urgent at `priority`. */
  addQueued(position: number, count: number, oldest: number, priority: number): void {
    if (count === 0) return;
    this.queued[position]! += count;
    if (oldest < this.oldestQueuedAt[position]!) this.oldestQueuedAt[position] = oldest;
    if (priority > this.maxPriority[position]!) this.maxPriority[position] = priority;
  }
}

/** Runner → host id; and the lead (ms) before a future task or run counts, per host. */
export interface DemandInput {
  runners: readonly Pick<RunnerConfig, 'id' | 'host' | 'activities'>[];
  /** The host's learned boot lead (0 when pre-warm is off). */
  leadFor: (hostId: string) => number;
  now: number;
  /** Lookups over `runners`, when the caller keeps them (plan: once per config); built here otherwise. */
  index?: RunnerIndex;
  /** The runners' ids in order, when the caller keeps them (plan: once per config). */
  runnerIds?: readonly string[];
  /** The lead of each runner (by position), when the caller has them; else asked of `leadFor`. */
  runnerLeads?: ArrayLike<number>;
}

/** Unassigned queued tasks of one activity: those that count now, summed, and those due later. */
interface ActivityTasks {
  queued: number;
  oldest: number;
  priority: number;
  future: FutureTasks;
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
  const { positionById, byActivity: runnersOfActivity } = input.index ?? indexRunners(runners);
  const demand = new DemandIndex(input.runnerIds ?? runners.map((runner) => runner.id));
  // The lead of each runner's host, by position: one lookup per runner, not per task.
  let leads = input.runnerLeads;
  if (!leads) {
    const asked = new Float64Array(runners.length);
    for (let position = 0; position < runners.length; position++)
      asked[position] = input.leadFor(runners[position]!.host);
    leads = asked;
  }

  const byActivity = new Map<string, ActivityTasks>();
  let queuedTotal = 0;
  let runningTotal = 0;
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    const runnerId = task.runnerId;
    if (task.state === 'busy') {
      runningTotal++;
      if (runnerId !== undefined) {
        const position = positionById[runnerId];
        if (position !== undefined) demand.running[position]!++;
      }
      continue;
    }
    queuedTotal++;
    if (runnerId !== undefined) {
      const position = positionById[runnerId];
      if (position === undefined) continue;
      if (task.notBefore !== undefined && task.notBefore - leads[position]! > now)
        demand.deferred[position]!++;
      else demand.countQueued(position, task.createdAt, task.priority);
    } else if (task.activity !== undefined) {
      let entry = byActivity.get(task.activity);
      if (!entry)
        byActivity.set(
          task.activity,
          (entry = { queued: 0, oldest: Infinity, priority: -1, future: new FutureTasks() }),
        );
      if (task.notBefore !== undefined && task.notBefore > now) entry.future.add(task);
      else {
        entry.queued++;
        if (task.createdAt < entry.oldest) entry.oldest = task.createdAt;
        if (task.priority > entry.priority) entry.priority = task.priority;
      }
    }
  }
  demand.queuedTotal = queuedTotal;
  demand.runningTotal = runningTotal;
  // Each activity seen in the queue, to each runner that lists it: one lookup per activity, not per runner.
  for (const [activity, entry] of byActivity) {
    const positions = runnersOfActivity.get(activity);
    if (!positions) continue;
    for (let p = 0; p < positions.length; p++) {
      const position = positions[p]!;
      demand.addQueued(position, entry.queued, entry.oldest, entry.priority);
      entry.future.countInto(demand, position, leads[position]!, now);
    }
  }
  return demand;
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
  if (position >= index.scheduledAt.length) return;
  const lead = input.runnerLeads
    ? input.runnerLeads[position]!
    : input.leadFor(input.runners[position]!.host);
  if (at - lead <= input.now && input.now <= at && at < index.scheduledAt[position]!)
    index.scheduledAt[position] = at;
}

/** Online runners as a Set: lookups in a Record keyed by strings that are not interned are slow at scale. */
export function onlineRunners(runnersOnline: Record<string, boolean>): Set<string> {
  const online = new Set<string>();
  for (const [id, isOnline] of Object.entries(runnersOnline)) if (isOnline) online.add(id);
  return online;
}
