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

const OLDEST_SPAN = 2 ** 43; // epoch ms up to the year 2248

/**
 * compareCandidates folded into one number where it can be (class, then priority, then the oldest
 * task), so sorting thousands of candidates compares numbers; equal keys fall back to the full rule.
 */
function sortKey(candidate: StartCandidate): number {
  const oldest = Math.min(Math.max(candidate.oldest ?? OLDEST_SPAN - 1, 0), OLDEST_SPAN - 1);
  return (rank(candidate.class) * 12 + (10 - candidate.priority)) * OLDEST_SPAN + oldest;
}

/**
 * Splits candidates into those started now (most urgent first) and those held back by the cap, in no
 * particular order: when the cap is reached, nothing needs sorting (`mostUrgent` orders them when the
 * order is shown).
 */
export function applyBudget(
  candidates: readonly StartCandidate[],
  hostsOn: number,
  maxHostsOn: number,
): { start: StartCandidate[]; held: readonly StartCandidate[] } {
  const slots = Math.max(0, maxHostsOn - hostsOn);
  if (slots === 0) return { start: [], held: candidates };
  const sorted = byUrgency(candidates);
  if (sorted.length <= slots) return { start: sorted, held: [] };
  return { start: sorted.slice(0, slots), held: sorted.slice(slots) };
}

/** The `count` most urgent candidates, most urgent first. */
export function mostUrgent(candidates: readonly StartCandidate[], count: number): StartCandidate[] {
  return byUrgency(candidates).slice(0, count);
}

/** Candidates in compareCandidates order, sorted by a numeric key first. */
function byUrgency(candidates: readonly StartCandidate[]): StartCandidate[] {
  const keys = new Float64Array(candidates.length);
  const order = new Array<number>(candidates.length);
  for (let c = 0; c < candidates.length; c++) {
    keys[c] = sortKey(candidates[c]!);
    order[c] = c;
  }
  order.sort((a, b) => keys[a]! - keys[b]! || compareCandidates(candidates[a]!, candidates[b]!));
  const sorted = new Array<StartCandidate>(order.length);
  for (let c = 0; c < order.length; c++) sorted[c] = candidates[order[c]!]!;
  return sorted;
}
