/**
 * Break-even idle (the ski-rental rule, learned): how long an idle host should stay on before it
 * stops. Staying idle costs VM time; stopping costs a restart when work comes back (the stop, the
 * boot, and the tasks' wait: `restartCostMs`). With too few past idle gaps to learn from, the host
 * stays idle exactly as long as a restart costs, which never spends more than twice the best choice
 * in hindsight. With enough gaps it picks the hold that minimises the expected cost over the gaps
 * longer than the time already spent idle: a host whose work comes back in short gaps stays on
 * through them; one whose gaps are long stops at once.
 *
 * Work is rarely alike all day (busy mornings, quiet nights), so gaps that began at about this time
 * of day, or in the last hours, count fully and the others a little.
 */

/** One idle gap: when it began (epoch ms) and how long it lasted. */
export interface IdleGap {
  at: number;
  ms: number;
}

/** Idle gaps kept per host (the most recent): about a day of busy work. */
export const KEPT_GAPS = 120;
/** Fewer gaps than this: the classic break-even hold (as long as a restart costs). */
const MIN_GAPS = 1;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** "About this time of day", and "recent". */
const NEAR_MS = 2 * HOUR;
/** The weight of a gap from another time of day. */
const FAR_WEIGHT = 0.1;

/**
 * The total idle time (ms from the start of the idle spell) after which the host should stop, given
 * it has been idle `elapsedMs` already at `now`. Equal to `elapsedMs` means: stop now.
 */
export function breakEvenHoldMs(
  gaps: readonly IdleGap[],
  elapsedMs: number,
  restartMs: number,
  now: number,
): number {
  if (gaps.length < MIN_GAPS) return Math.max(elapsedMs, restartMs);
  const later = gaps
    .filter((gap) => gap.ms > elapsedMs)
    .map((gap) => ({ ms: gap.ms, weight: weightOf(gap, now - elapsedMs) }))
    .sort((a, b) => a.ms - b.ms);
  const total = later.reduce((sum, gap) => sum + gap.weight, 0);
  // Stopping now: each later gap costs a restart. Holding until gap j ends: the gaps up to j cost
  // their idle time, the longer ones the hold and a restart.
  let best = elapsedMs;
  let bestCost = restartMs * total;
  let idleSoFar = 0;
  let weightSoFar = 0;
  for (const gap of later) {
    const hold = gap.ms - elapsedMs;
    idleSoFar += gap.weight * hold;
    weightSoFar += gap.weight;
    const cost = idleSoFar + (total - weightSoFar) * (hold + restartMs);
    if (cost < bestCost) {
      best = gap.ms;
      bestCost = cost;
    }
  }
  return best;
}

/** Full weight for a gap that began near this spell's time of day or in the last hours. */
function weightOf(gap: IdleGap, spellStart: number): number {
  if (Math.abs(spellStart - gap.at) <= NEAR_MS) return 1;
  const apart = Math.abs((((spellStart - gap.at) % DAY) + DAY) % DAY);
  return Math.min(apart, DAY - apart) <= NEAR_MS ? 1 : FAR_WEIGHT;
}

/** The gaps with one more (the most recent `KEPT_GAPS`), as a new array. */
export function withGap(gaps: readonly IdleGap[] | undefined, at: number, ms: number): IdleGap[] {
  return [...(gaps ?? []), { at, ms: Math.round(ms) }].slice(-KEPT_GAPS);
}
