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
  /** Work its past says is coming within its host's boot lead (learned pre-warm): when, and why. */
  expected?: { at: number; why: string };
  /** Automations (pools) whose unassigned tasks were handed to this runner. */
  pools?: string[];
  /** A busy task of this runner in a state other than RUNNING (TIMEOUT, or one never seen). */
  unusual?: { status: string; since: number };
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
interface DemandInput {
  runners: readonly Pick<RunnerConfig, 'id' | 'host' | 'activities'>[];
  /** The host's learned boot lead (0 when pre-warm is off). */
  leadFor: (hostId: string) => number;
  now: number;
  /** Automation label → runners linked to it at the orchestrator (added to the config's `activities`). */
  pools?: Readonly<Record<string, readonly string[]>>;
  /**
   * How soon a runner's host can take a task (lower first: on, then starting, then the shortest boot
   * lead). Given, unassigned tasks go one per free runner of their pool, least loaded first; absent,
   * each counts for every runner of its pool (the cautious reading, for re-checks before a stop).
   */
  rankOf?: (runner: Pick<RunnerConfig, 'id' | 'host'>) => number;
}

export function noDemand(): RunnerDemand {
  return { queued: 0, running: 0, maxPriority: -1, deferred: 0 };
}

/**
 * Demand of every runner from the raw task list, in one pass over the tasks. A queued task counts
 * for its assigned runner; an unassigned one goes to its automation's pool (see `allocate`). A task
 * whose notBefore is in the future counts only from notBefore − boot lead of the runner's host, so
 * the host is ready when the task may start. A busy task in a state other than RUNNING (TIMEOUT, or
 * one never seen) is noted on its runner, so reasons can say its bot may still be running.
 */
export function computeDemand(tasks: readonly ObservedTask[], input: DemandInput): Demand {
  const byRunner = new Map(input.runners.map((runner) => [runner.id, noDemand()]));
  const leadOf = new Map(input.runners.map((runner) => [runner.id, input.leadFor(runner.host)]));
  const unassigned = new Map<string, ObservedTask[]>();
  let queuedTotal = 0;
  let runningTotal = 0;
  for (const task of tasks) {
    const assigned = task.runnerId === undefined ? undefined : byRunner.get(task.runnerId);
    if (task.state === 'busy') {
      runningTotal++;
      if (!assigned) continue;
      assigned.running++;
      if (task.status !== 'RUNNING' && assigned.unusual === undefined)
        assigned.unusual = { status: task.status, since: task.startedAt ?? task.createdAt };
      continue;
    }
    queuedTotal++;
    if (assigned) countQueued(assigned, task, leadOf.get(task.runnerId!)!, input.now);
    else if (task.runnerId === undefined && task.activity !== undefined) {
      const queue = unassigned.get(task.activity);
      if (queue) queue.push(task);
      else unassigned.set(task.activity, [task]);
    }
  }
  const pools = poolsOf(input);
  for (const [activity, queue] of unassigned) allocate(queue, pools.get(activity) ?? [], byRunner, input);
  return { byRunner, queuedTotal, runningTotal };
}

/** Each automation's pool: the runners listing it in the config, and those linked to it, in config order. */
export function poolsOf(
  input: Pick<DemandInput, 'runners' | 'pools'>,
): Map<string, DemandInput['runners'][number][]> {
  const pools = new Map<string, DemandInput['runners'][number][]>();
  const linked = new Map<string, Set<string>>();
  for (const [label, ids] of Object.entries(input.pools ?? {})) linked.set(label, new Set(ids));
  for (const runner of input.runners) {
    const labels = new Set(runner.activities);
    for (const [label, ids] of linked) if (ids.has(runner.id)) labels.add(label);
    for (const label of labels) {
      const pool = pools.get(label);
      if (pool) pool.push(runner);
      else pools.set(label, [runner]);
    }
  }
  return pools;
}

/**
 * Unassigned tasks of one automation. Maestro gives each to the first free runner of the pool (a
 * runner runs one task at a time): so each task counts for one free runner, least loaded first (on,
 * then starting, then the shortest boot lead, then config order), most urgent task first; tasks
 * beyond the free runners wait for a busy one and start nothing. Without ranks, every task counts
 * for every runner of the pool.
 */
function allocate(
  queue: readonly ObservedTask[],
  pool: readonly DemandInput['runners'][number][],
  byRunner: Map<string, RunnerDemand>,
  input: DemandInput,
): void {
  const { rankOf, now } = input;
  if (!rankOf) {
    for (const runner of pool)
      for (const task of queue) countQueued(byRunner.get(runner.id)!, task, input.leadFor(runner.host), now);
    return;
  }
  const isFree = (runner: { id: string }) => {
    const rd = byRunner.get(runner.id)!;
    return rd.running === 0 && rd.queued === 0;
  };
  const free = pool.filter(isFree).sort((a, b) => rankOf(a) - rankOf(b));
  const urgentFirst = [...queue].sort((a, b) => b.priority - a.priority || a.createdAt - b.createdAt);
  for (const task of urgentFirst) {
    const runner = free[0];
    if (!runner) return;
    const rd = byRunner.get(runner.id)!;
    countQueued(rd, task, input.leadFor(runner.host), now);
    if (rd.queued === 0) continue;
    free.shift();
    if (task.activity !== undefined && !rd.pools?.includes(task.activity))
      rd.pools = [...(rd.pools ?? []), task.activity];
  }
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
