import { PoolDispatch } from './pool-dispatch.js';
import { RunnerQueue } from './runner-queue.js';
import { summarize } from './simulate.js';
import type { SimResult } from './stats.js';
import type { Trace } from './trace.js';

/**
 * Each runner working through its tasks with its session always usable (times in ms from the start);
 * an automation's unassigned tasks go to the first free runner of its pool the moment one may start
 * (when the task becomes eligible, or when a runner finishes).
 */
function workAlwaysUsable(trace: Trace): { queues: Map<string, RunnerQueue>; neverTaken: number[] } {
  const queues = new Map<string, RunnerQueue>();
  for (const runner of trace.runners)
    queues.set(runner.id, new RunnerQueue(trace.tasks.filter((task) => task.runner === runner.id)));
  const pools = new PoolDispatch(trace.tasks, trace.runners);
  let worked = 0;
  let at = pools.nextEligibleAfter(-1);
  while (pools.pending && at !== undefined && at < trace.durationMs) {
    for (const queue of queues.values()) queue.work(worked, at, 0);
    worked = at;
    pools.dispatch(at, queues, (runnerId) => queues.get(runnerId)!.isFreeAt(at!));
    const freed = [...queues.values()].flatMap((queue) => (queue.running ? [queue.running.endsAt] : []));
    // A runner just handed a task starts it at once: step past `at` to learn when it ends.
    const starting = [...queues.values()].some((queue) => !queue.running && !queue.isFreeAt(at!));
    const candidates = [
      pools.nextEligibleAfter(at),
      ...freed.filter((end) => end > at!),
      ...(starting ? [at + 1] : []),
    ];
    const next = candidates.filter((t): t is number => t !== undefined);
    at = next.length > 0 ? Math.min(...next) : undefined;
  }
  for (const queue of queues.values()) queue.work(worked, trace.durationMs, 0);
  return { queues, neverTaken: pools.unstartedWaits(trace.durationMs) };
}

/** Every host on for the whole trace, sessions always open. */
export function simulateAlwaysOn(trace: Trace): SimResult {
  const { queues, neverTaken } = workAlwaysUsable(trace);
  return summarize(
    'always-on',
    queues,
    new Map(trace.hosts.map((host) => [host.id, trace.durationMs])),
    trace.hosts.length,
    trace.durationMs,
    neverTaken,
  );
}

/**
 * The offline optimum: knows every task in advance, so each host is started exactly boot + logon
 * time before each need and stopped as soon as it is idle when the idle gap is longer than a stop
 * and a restart cost (else it stays on). Tasks wait only for their runner, as with always-on.
 */
export function simulateOfflineOptimum(
  trace: Trace,
  options: { stopMs?: number; sessionOpenMs?: number } = {},
): SimResult {
  const stopMs = options.stopMs ?? 60_000;
  const sessionOpenMs = options.sessionOpenMs ?? 10_000;
  const { queues, neverTaken } = workAlwaysUsable(trace);
  const billedByHost = new Map<string, number>();
  let starts = 0;
  for (const host of trace.hosts) {
    let billed = 0;
    const runs: [number, number][] = [];
    for (const runner of trace.runners)
      if (runner.host === host.id)
        for (const [start, end] of queues.get(runner.id)!.runs)
          if (start < trace.durationMs) runs.push([start, Math.min(end, trace.durationMs)]);
    const busy = merge(runs);
    if (busy.length === 0) continue;
    starts++;
    billed += host.bootMs + sessionOpenMs; // it boots before time zero if it must: paid either way
    // Every later start is a resume for a host that hibernates.
    const lead = (host.resumeMs ?? host.bootMs) + sessionOpenMs;
    for (let i = 0; i < busy.length; i++) {
      const [start, end] = busy[i]!;
      billed += end - start;
      const next = busy[i + 1];
      if (!next) {
        billed += Math.min(stopMs, trace.durationMs - end);
        continue;
      }
      const gap = next[0] - end;
      if (gap > lead + stopMs) {
        billed += lead + stopMs;
        starts++;
      } else billed += gap;
    }
    billedByHost.set(host.id, billed);
  }
  return summarize('offline-optimum', queues, billedByHost, starts, trace.durationMs, neverTaken);
}

/** Overlapping or touching intervals joined. */
export function merge(intervals: [number, number][]): [number, number][] {
  const sorted = intervals.slice().sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}
