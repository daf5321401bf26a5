import type { KeepWarmWindow } from '../../config/schema.js';
import type { NoteAction } from '../actions.js';
import type { Demand } from '../demand.js';
import { formatDuration, plural, queuedWords, runningWords, type WorkSum } from '../words.js';
import { describeWindow } from './keep-warm.js';

/**
 * Budget cap: at most `maxHostsOn` cloud hosts on or starting. When the cap binds, real queued work
 * goes first (highest priority, then oldest task), then scheduled runs, then keep-warm windows, then
 * work expected from the past (learned pre-warm).
 */

export type StartClass = 'queued' | 'scheduled' | 'keep-warm' | 'expected';

/** Real work first, then announced runs, then the operator's windows, then learned guesses. */
const RANKS: Record<StartClass, number> = { queued: 0, scheduled: 1, 'keep-warm': 2, expected: 3 };

function rank(startClass: StartClass): number {
  return RANKS[startClass];
}

export interface StartCandidate {
  hostId: string;
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

/**
 * Splits candidates into those started now (most urgent first) and those held back by the cap
 * (most urgent first too).
 */
export function applyBudget(
  candidates: readonly StartCandidate[],
  hostsOn: number,
  maxHostsOn: number,
): { start: StartCandidate[]; held: StartCandidate[] } {
  const slots = Math.max(0, maxHostsOn - hostsOn);
  const sorted = [...candidates].sort(compareCandidates);
  return { start: sorted.slice(0, slots), held: sorted.slice(slots) };
}

/** The event when the cap first holds hosts back (held: most urgent first). */
export function budgetReached(held: readonly StartCandidate[], maxHostsOn: number): NoteAction {
  const shown =
    held
      .slice(0, 5)
      .map((candidate) => candidate.hostId)
      .join(', ') + (held.length > 5 ? ', ...' : '');
  return {
    kind: 'note',
    event: 'budget.reached',
    severity: 'warning',
    reason: `Budget cap reached: ${maxHostsOn} hosts on; ${plural(held.length, 'host')} with work wait (${shown})`,
  };
}

/** An off host whose runners have work (or a scheduled run, or a keep-warm window) asks to start. */
export function startCandidate(
  hostId: string,
  runnerIds: readonly string[],
  work: WorkSum & { maxPriority: number; scheduledAt?: number; expected?: { at: number; why: string } },
  demand: Demand,
  window: KeepWarmWindow | undefined,
  now: number,
): StartCandidate {
  if (work.queued > 0 || work.running > 0) {
    const why =
      work.queued > 0
        ? queuedWords(runnerIds, work, demand, now)
        : runningWords(runnerIds, work, demand, now);
    return { hostId, class: 'queued', priority: work.maxPriority, oldest: work.oldestQueuedAt, why };
  }
  if (work.scheduledAt !== undefined) {
    const why = `a scheduled run is due in ${formatDuration(work.scheduledAt - now)} (pre-warm)`;
    return { hostId, class: 'scheduled', priority: -1, oldest: work.scheduledAt, why };
  }
  if (work.expected && !window)
    return {
      hostId,
      class: 'expected',
      priority: -1,
      oldest: work.expected.at,
      why: `pre-warming: ${work.expected.why}`,
    };
  return {
    hostId,
    class: 'keep-warm',
    priority: -1,
    why: window ? describeWindow(window) : 'keep-warm window',
  };
}
