/**
 * When work arrived for one runner (or one automation's pool): the minutes (since the epoch) in which
 * a task became startable, sorted, one entry per minute, the last `KEPT_DAYS` days and at most
 * `MAX_ENTRIES` of them. Small enough to keep in the plan's memory for every runner.
 */

export const KEPT_DAYS = 15;
const MAX_ENTRIES = 3000;
const MINUTE = 60_000;

/** The log with an arrival at `at` (epoch ms), trimmed to what is kept; the same array when it had it. */
export function recordArrival(log: readonly number[], at: number, now: number): readonly number[] {
  const minute = Math.floor(at / MINUTE);
  const oldest = Math.floor((now - KEPT_DAYS * 86_400_000) / MINUTE);
  if (minute < oldest) return log;
  const index = lowerBound(log, minute);
  if (log[index] === minute) return log;
  const next = [...log.slice(0, index), minute, ...log.slice(index)];
  const from = Math.max(lowerBound(next, oldest), next.length - MAX_ENTRIES);
  return from > 0 ? next.slice(from) : next;
}

/** The arrivals in [from, to] (epoch ms), oldest first. */
export function arrivalsBetween(log: readonly number[], from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = lowerBound(log, Math.ceil(from / MINUTE)); i < log.length && log[i]! * MINUTE <= to; i++)
    out.push(log[i]! * MINUTE);
  return out;
}

/** Epoch ms of the first arrival kept, or undefined for an empty log. */
export function firstArrival(log: readonly number[]): number | undefined {
  return log.length > 0 ? log[0]! * MINUTE : undefined;
}

/** The first index whose value is at least `value`. */
function lowerBound(log: readonly number[], value: number): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (log[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
