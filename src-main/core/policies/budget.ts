/**
 * Budget cap: at most `maxHostsOn` cloud hosts on or starting. When the cap binds, real queued work
 * goes first (highest priority, then oldest task), then scheduled runs, then keep-warm windows.
 */

export type StartClass = 'queued' | 'scheduled' | 'keep-warm';

function rank(startClass: StartClass): number {
  return startClass === 'queued' ? 0 : startClass === 'scheduled' ? 1 : 2;
}

export interface StartCandidate {
  hostId: string;
  /** The host's position in the config (for the caller: the budget does not read it). */
  position: number;
  class: StartClass;
  /** Highest queued priority (−1 when none). */
  priority: number;
  /** Oldest queued task, or the scheduled run's time. */
  oldest?: number;
  /** Why it should start, without the host's name ("runner fin-01 has 3 queued tasks"). */
  why: string;
}

export function compareCandidates(a: StartCandidate, b: StartCandidate): number {
  return (
    rank(a.class) - rank(b.class) ||
    b.priority - a.priority ||
    (a.oldest ?? Infinity) - (b.oldest ?? Infinity) ||
    (a.hostId < b.hostId ? -1 : a.hostId > b.hostId ? 1 : 0)
  );
}

/** Splits candidates into those started now and those held back by the cap. */
export function applyBudget(
  candidates: StartCandidate[],
  hostsOn: number,
  maxHostsOn: number,
): { start: StartCandidate[]; held: StartCandidate[] } {
  const slots = Math.max(0, maxHostsOn - hostsOn);
  if (candidates.length <= slots) return { start: candidates.slice().sort(compareCandidates), held: [] };
  const sorted = candidates.slice().sort(compareCandidates);
  return { start: sorted.slice(0, slots), held: sorted.slice(slots) };
}
