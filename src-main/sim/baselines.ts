import { RunnerQueue } from './runner-queue.js';
import { summarize } from './simulate.js';
import type { SimResult } from './stats.js';
import type { Trace } from './trace.js';

/** Each runner working through its tasks with its session always usable (times in ms from the start). */
function workAlwaysUsable(trace: Trace): Map<string, RunnerQueue> {
  const queues = new Map<string, RunnerQueue>();
  for (const runner of trace.runners) {
    const queue = new RunnerQueue(trace.tasks.filter((task) => task.runner === runner.id));
    queue.work(0, trace.durationMs, 0);
    queues.set(runner.id, queue);
  }
  return queues;
}

/** Every host on for the whole trace, sessions always open. */
export function simulateAlwaysOn(trace: Trace): SimResult {
  return summarize(
    'always-on',
    workAlwaysUsable(trace),
    trace.hosts.length * trace.durationMs,
    trace.hosts.length,
    trace.durationMs,
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
  const queues = workAlwaysUsable(trace);
  let billed = 0;
  let starts = 0;
  for (const host of trace.hosts) {
    const runs: [number, number][] = [];
    for (const runner of trace.runners)
      if (runner.host === host.id)
        for (const [start, end] of queues.get(runner.id)!.runs)
          if (start < trace.durationMs) runs.push([start, Math.min(end, trace.durationMs)]);
    const busy = merge(runs);
    if (busy.length === 0) continue;
    const lead = host.bootMs + sessionOpenMs;
    starts++;
    billed += lead; // the optimum boots before time zero if it must: the lead is paid either way
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
  }
  return summarize('offline-optimum', queues, billed, starts, trace.durationMs);
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
