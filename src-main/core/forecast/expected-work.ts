import { localTime } from '../policies/keep-warm.js';
import { arrivalsBetween, firstArrival } from './arrival-log.js';

/**
 * Work the orchestrator has not announced but a runner's past says is coming: a task at about the
 * same minute of every hour, the same time of every weekday (or weekend day), or the same time of
 * the week. Each pattern is checked on the recent periods of the log: the confidence that work comes
 * at `at` is the share of those periods that had work at about that time, counted as hits / (periods
 * + 2), so two hits out of two is not yet certainty: every tick looks at many candidate times, and
 * some match a random past by chance.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Pattern {
  period: 'hour' | 'day' | 'week';
  ms: number;
  /** How many past periods are looked at. */
  count: number;
  /** "About the same time": this far either side. */
  toleranceMs: number;
  /** Days are compared with days of the same kind only (weekdays with weekdays). */
  sameKindOfDay: boolean;
  /** Periods with work at that time needed before it counts as a pattern at all. */
  minHits: number;
}

/**
 * Exact minutes first, then the same time of day give or take half an hour (the start of a working
 * day): a wide window is only worth a pre-warm when waiting is dear (the speed strategy).
 */
const PATTERNS: readonly Pattern[] = [
  { period: 'hour', ms: HOUR, count: 24, toleranceMs: 3 * MINUTE, sameKindOfDay: false, minHits: 2 },
  { period: 'day', ms: DAY, count: 14, toleranceMs: 10 * MINUTE, sameKindOfDay: true, minHits: 1 },
  { period: 'week', ms: 7 * DAY, count: 2, toleranceMs: 10 * MINUTE, sameKindOfDay: false, minHits: 1 },
  { period: 'day', ms: DAY, count: 14, toleranceMs: 30 * MINUTE, sameKindOfDay: true, minHits: 1 },
];

/** Candidates looked at per pattern per call (the earliest first): bounds the work for a busy log. */
const MAX_CANDIDATES = 6;

export interface Expectation {
  /** Epoch ms the work is expected. */
  at: number;
  /** When the host should be ready: where the work came in this window before, `readyShare` of the way. */
  readyAt: number;
  /** "About": this far either side of `at`. */
  toleranceMs: number;
  period: Pattern['period'];
  /** Past periods that had work at about that time, of those looked at. */
  hits: number;
  of: number;
  confidence: number;
}

/**
 * The earliest work expected with enough confidence that the host should be ready for within
 * `horizonMs`, if any. Work "at about" a time may come anywhere in its window: the host should be
 * ready `readyShare` of the way into it (0: at its start, for when waiting is dear; 1: at its end),
 * and the work stays expected until the window has passed, so a host pre-warmed for it waits the
 * whole window the confidence was counted over. `minConfidence` is asked for each pattern's
 * tolerance, since a wider window costs more VM time when the work does not come. `timeZone` says
 * which days are weekend days.
 */
export function expectWork(
  log: readonly number[],
  now: number,
  horizonMs: number,
  minConfidence: (toleranceMs: number) => number,
  timeZone: string,
  readyShare = 0.5,
): Expectation | undefined {
  const first = firstArrival(log);
  if (first === undefined) return undefined;
  let best: Expectation | undefined;
  for (const pattern of PATTERNS) {
    const needed = minConfidence(pattern.toleranceMs);
    if (needed >= 1) continue;
    const tolerance = pattern.toleranceMs;
    const from = now - tolerance;
    for (const at of candidates(log, pattern, from, horizonMs + 2 * tolerance, first, timeZone)) {
      if (best && at >= best.at) break;
      // Not yet even at the window's start: later candidates neither.
      if (at - tolerance > now + horizonMs) break;
      const { hits, of, offsets } = support(log, pattern, at, first, timeZone);
      const confidence = hits / (of + 2);
      if (hits < pattern.minHits || confidence < needed) continue;
      // Ready by the share of the window's past arrivals, widened by what few of them can say (the
      // next may come a little earlier or later than any so far): not yet if that is beyond the horizon.
      const spread = tolerance / hits;
      const widened = [offsets[0]! - spread, ...offsets, offsets.at(-1)! + spread];
      const readyAt = at + widened[Math.floor(readyShare * (widened.length - 1))]!;
      if (readyAt > now + horizonMs) continue;
      best = { at, readyAt, toleranceMs: tolerance, period: pattern.period, hits, of, confidence };
      break;
    }
  }
  return best;
}

/** Past arrivals projected one or more whole periods forward into the window, earliest first. */
function candidates(
  log: readonly number[],
  pattern: Pattern,
  now: number,
  horizonMs: number,
  first: number,
  timeZone: string,
): number[] {
  const found = new Set<number>();
  for (const k of comparablePeriods(pattern, now + horizonMs / 2, first, timeZone)) {
    const from = now - k * pattern.ms;
    for (const arrival of arrivalsBetween(log, from, from + horizonMs)) found.add(arrival + k * pattern.ms);
  }
  return [...found].sort((a, b) => a - b).slice(0, MAX_CANDIDATES);
}

/** Of the past periods since the log began (of the same kind of day), those with work at about `at`. */
function support(
  log: readonly number[],
  pattern: Pattern,
  at: number,
  first: number,
  timeZone: string,
): { hits: number; of: number; offsets: number[] } {
  let of = 0;
  const offsets: number[] = [];
  for (const k of comparablePeriods(pattern, at, first, timeZone)) {
    const then = at - k * pattern.ms;
    of++;
    const earliest = arrivalsBetween(log, then - pattern.toleranceMs, then + pattern.toleranceMs)[0];
    if (earliest !== undefined) offsets.push(earliest - then);
  }
  return { hits: offsets.length, of, offsets: offsets.sort((a, b) => a - b) };
}

/**
 * The past periods (1 = the previous one) that `at` is compared with: those since the log began; for
 * days, only days of the same kind (weekdays, weekend days), unless none of that kind was seen yet
 * (a nightly job is expected on the first Saturday from the weekdays before it).
 */
function comparablePeriods(pattern: Pattern, at: number, first: number, timeZone: string): number[] {
  const all: number[] = [];
  for (let k = 1; k <= pattern.count && at - k * pattern.ms + pattern.toleranceMs >= first; k++) all.push(k);
  if (!pattern.sameKindOfDay) return all;
  const weekend = isWeekend(at, timeZone);
  const same = all.filter((k) => isWeekend(at - k * pattern.ms, timeZone) === weekend);
  return same.length > 0 ? same : all;
}

// Weekend or not, per quarter hour of a time zone (time zones are whole quarter hours off UTC).
const weekendCache = new Map<string, boolean>();

function isWeekend(at: number, timeZone: string): boolean {
  const key = `${timeZone} ${Math.floor(at / (15 * MINUTE))}`;
  let weekend = weekendCache.get(key);
  if (weekend === undefined) {
    const { day } = localTime(at, timeZone);
    weekend = day === 'sat' || day === 'sun';
    if (weekendCache.size > 50_000) weekendCache.clear();
    weekendCache.set(key, weekend);
  }
  return weekend;
}

/** "a task at about :00 on 18 of the last 20 hours", in the policy's time zone. */
export function describeExpectation(expectation: Expectation, timeZone: string): string {
  const { day, minute } = localTime(expectation.at, timeZone);
  const hh = String(Math.floor(minute / 60)).padStart(2, '0');
  const mm = String(minute % 60).padStart(2, '0');
  const { hits, of } = expectation;
  switch (expectation.period) {
    case 'hour':
      return `a task at about :${mm} on ${hits} of the last ${of} hours`;
    case 'day': {
      const kind = isWeekend(expectation.at, timeZone) ? 'weekend days' : 'weekdays';
      const within =
        expectation.toleranceMs > 10 * MINUTE ? ` (±${expectation.toleranceMs / MINUTE} min)` : '';
      return `a task at about ${hh}:${mm}${within} on ${hits} of the last ${of} ${kind}`;
    }
    case 'week':
      return `a task at about ${day} ${hh}:${mm} in ${hits} of the last ${of} weeks`;
  }
}
