import type { Demand } from './demand.js';

/** Durations, counts and runner lists in the words of the events. */

/** "42 s", "3 min", "1 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** "3 queued tasks" / "1 queued task". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** A host's runners' work, summed. */
export interface WorkSum {
  queued: number;
  running: number;
  oldestQueuedAt?: number;
}

/** "runner fin-01" / "runners a, b". */
export function runnersWord(runnerIds: readonly string[]): string {
  return runnerIds.length === 1 ? `runner ${runnerIds[0]}` : `runners ${runnerIds.join(', ')}`;
}

/**
 * "runner fin-01 has" / "runners a, b, c, ... have": the runners (in configured order) with running
 * tasks, or with `queuedToo`, queued ones as well.
 */
function who(runnerIds: readonly string[], demand: Demand, queuedToo: boolean): string {
  const busy = runnerIds.filter((id) => {
    const rd = demand.byRunner.get(id)!;
    return rd.running > 0 || (queuedToo && rd.queued > 0);
  });
  if (busy.length === 1) return `runner ${busy[0]} ${queuedToo ? 'has' : 'is'}`;
  const shown = busy.slice(0, 3).join(', ') + (busy.length > 3 ? ', ...' : '');
  return `runners ${shown} ${queuedToo ? 'have' : 'are'}`;
}

/**
 * "runner fin-01 is running 2 tasks"; or, when a task is busy in another state than RUNNING, "runner
 * fin-01 has a task in TIMEOUT for 3 h 10 min: its bot may still be running".
 */
export function runningWords(
  runnerIds: readonly string[],
  work: WorkSum,
  demand: Demand,
  now: number,
): string {
  for (const id of runnerIds) {
    const unusual = demand.byRunner.get(id)!.unusual;
    if (unusual)
      return `runner ${id} has a task in ${unusual.status} for ${formatDuration(now - unusual.since)}: its bot may still be running`;
  }
  return `${who(runnerIds, demand, false)} running ${plural(work.running, 'task')}`;
}

/** "runner fin-01 has 3 queued tasks, oldest 42 s". */
export function queuedWords(
  runnerIds: readonly string[],
  work: WorkSum,
  demand: Demand,
  now: number,
): string {
  const pools = [...new Set(runnerIds.flatMap((id) => demand.byRunner.get(id)!.pools ?? []))];
  const forPool = pools.length > 0 ? ` (unassigned, from pool ${pools.join(', ')})` : '';
  const queued = `${who(runnerIds, demand, true)} ${plural(work.queued, 'queued task')}${forPool}`;
  if (work.oldestQueuedAt === undefined) return queued;
  return `${queued}, oldest ${formatDuration(now - work.oldestQueuedAt)}`;
}
