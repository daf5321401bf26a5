import type { Config, RunnerConfig } from '../../config/schema.js';
import { poolsOf, type Demand, type RunnerDemand } from '../demand.js';
import type { WorkingMemory } from '../memory.js';
import { bootLeadOf } from '../policies/effective-policy.js';
import { stopTimeOf, WAIT_PRICE } from '../policies/strategy.js';
import type { ObservedTask } from '../orchestrator.js';
import type { Snapshot } from '../snapshot.js';
import { formatDuration } from '../words.js';
import { recordArrival } from './arrival-log.js';
import { describeExpectation, expectWork } from './expected-work.js';

/** The arrival log key of an automation's pool (runners are keyed by their id). */
export function poolKey(activity: string): string {
  return `pool:${activity}`;
}

/** A busy task created this recently may have started between two polls: its creation is its arrival. */
const RECENT_BUSY_MS = 10 * 60_000;

/**
 * Notes in the memory's arrival logs when each task seen became startable (its creation, or its
 * notBefore once that has passed): assigned tasks under their runner, unassigned ones under their
 * automation's pool. Idempotent: a task seen on many polls is one arrival.
 */
export function recordArrivals(snapshot: Snapshot, config: Config, memory: WorkingMemory, now: number): void {
  if (!snapshot.queue.complete) return;
  const runners = new Set(config.runners.map((runner) => runner.id));
  for (const task of snapshot.queue.tasks) {
    const key = arrivalKey(task, runners);
    if (key === undefined) continue;
    const at = Math.max(task.createdAt, task.notBefore ?? 0);
    if (at > now) continue;
    // A busy task's record may not say when it could start (a notBefore is not kept once it runs):
    // one created long ago was seen queued before, or started on its date, not its creation.
    if (task.state === 'busy' && now - at > RECENT_BUSY_MS) continue;
    const log = memory.arrivals.get(key) ?? [];
    const next = recordArrival(log, at, now);
    if (next !== log) memory.arrivals.set(key, next);
  }
}

/** The log a task's arrival goes to: its runner's (a configured one), or its automation's pool's. */
function arrivalKey(task: ObservedTask, runners: ReadonlySet<string>): string | undefined {
  if (task.runnerId !== undefined) return runners.has(task.runnerId) ? task.runnerId : undefined;
  return task.activity !== undefined ? poolKey(task.activity) : undefined;
}

/** What the planner needs about each runner's host to weigh a pre-warm. */
interface LearnedDemandInput {
  config: Config;
  memory: WorkingMemory;
  now: number;
  /** The host is on or starting (a stop and restart would come on top of the boot). */
  isUp: (hostId: string) => boolean;
  /** How soon a runner's host can take a task (lower first), as for pools' queued tasks. */
  rankOf: (runner: Pick<RunnerConfig, 'id' | 'host'>) => number;
  pools?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Learned pre-warm: a runner with no work now whose past says work comes within its host's boot lead
 * (one poll more; a stop more for a host that is up) gets `expected`, so its host starts in time or
 * does not stop just before. Worth it when the chance of the work times the waiting it saves (every
 * task that comes with it waits a boot), at the strategy's price, outweighs the VM time of a pre-warm
 * for nothing (a boot, the window of "about", the idle checks, a stop).
 * An automation's expected task goes to one free runner of its pool, the least loaded host first.
 */
export function addExpected(demand: Demand, input: LearnedDemandInput): void {
  const { config, memory, now } = input;
  const { policy } = config;
  const pollMs = (config.orchestrator?.pollSeconds ?? 15) * 1000;
  const price = WAIT_PRICE[policy.strategy];
  const expect = (key: string, hostId: string) => {
    const log = memory.arrivals.get(key);
    if (!log || log.length === 0) return undefined;
    const hostMemory = memory.hosts.get(hostId);
    const lead = bootLeadOf(hostMemory);
    const wake = hostMemory?.wakeTasks ?? 1;
    const saved = price * lead * wake;
    // A pre-warm for nothing: the boot, the window of "about", the idle checks and the stop.
    const minConfidence = (toleranceMs: number) => {
      const wasted = lead + 2 * toleranceMs + policy.drainObservations * pollMs + stopTimeOf(hostMemory);
      return wasted / (wasted + saved);
    };
    const horizon = lead + pollMs + (input.isUp(hostId) ? stopTimeOf(hostMemory) : 0);
    // Ready where a minute of waiting (every task that comes, at the price) costs as much as a minute
    // of idle: early in the window when waiting is dear, later when VM time is.
    const readyShare = 1 / (1 + price * wake);
    return expectWork(log, now, horizon, minConfidence, policy.timeZone, readyShare);
  };
  const isFree = (rd: RunnerDemand) =>
    rd.queued === 0 && rd.running === 0 && rd.scheduledAt === undefined && rd.expected === undefined;

  for (const runner of config.runners) {
    const rd = demand.byRunner.get(runner.id);
    if (!rd || !isFree(rd)) continue;
    const expectation = expect(runner.id, runner.host);
    if (expectation)
      rd.expected = {
        at: expectation.at,
        why: `runner ${runner.id} has had ${describeExpectation(expectation, policy.timeZone)} (expected in ${formatDuration(expectation.at - now)})`,
      };
  }
  for (const [activity, pool] of poolsOf({
    runners: config.runners,
    ...(input.pools && { pools: input.pools }),
  })) {
    if (!memory.arrivals.has(poolKey(activity))) continue;
    const free = pool
      .filter((runner) => {
        const rd = demand.byRunner.get(runner.id);
        return rd !== undefined && isFree(rd);
      })
      .sort((a, b) => input.rankOf(a) - input.rankOf(b));
    const runner = free[0];
    if (!runner) continue;
    const expectation = expect(poolKey(activity), runner.host);
    if (expectation)
      demand.byRunner.get(runner.id)!.expected = {
        at: expectation.at,
        why: `automation ${activity} has had ${describeExpectation(expectation, policy.timeZone)} (expected in ${formatDuration(expectation.at - now)})`,
      };
  }
}
