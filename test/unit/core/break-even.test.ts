import { describe, expect, it } from 'vitest';
import {
  breakEvenHoldMs,
  KEPT_GAPS,
  withGap,
  type IdleGap,
} from '../../../src-main/core/policies/break-even.js';
import { restartCostMs, STOP_MS, WAIT_PRICE } from '../../../src-main/core/policies/strategy.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 7, 12);

/** Gaps that began at about this time of day on earlier days (full weight). */
function gaps(...minutes: number[]): IdleGap[] {
  return minutes.map((m, i) => ({ at: NOW - (i + 1) * 86_400_000, ms: m * MIN }));
}

describe('break-even idle', () => {
  it('without a past, stays idle exactly as long as a restart costs (the classic rule)', () => {
    expect(breakEvenHoldMs([], 0, 7 * MIN, NOW)).toBe(7 * MIN);
    expect(breakEvenHoldMs([], 9 * MIN, 7 * MIN, NOW)).toBe(9 * MIN);
  });

  it('stops at once when work has always come back later than a restart costs', () => {
    expect(breakEvenHoldMs(gaps(40, 55, 70, 90, 600), 0, 7 * MIN, NOW)).toBe(0);
  });

  it('stays on through short gaps, to the end of the longest one worth waiting for', () => {
    expect(breakEvenHoldMs(gaps(1, 2, 3, 2, 1, 3), 0, 7 * MIN, NOW)).toBe(3 * MIN);
  });

  it('weighs the gaps: mostly short ones and a night keep it on for the short ones', () => {
    expect(breakEvenHoldMs(gaps(2, 3, 2, 4, 3, 2, 3, 800), 0, 7 * MIN, NOW)).toBe(4 * MIN);
  });

  it('once idle longer than the short gaps, only the long ones are left: it stops', () => {
    expect(breakEvenHoldMs(gaps(2, 3, 2, 4, 3, 2, 3, 800), 5 * MIN, 7 * MIN, NOW)).toBe(5 * MIN);
  });

  it('counts gaps from other times of day a little: a busy morning does not keep it on at night', () => {
    const morning = (at: number) =>
      Array.from({ length: 20 }, (_, i) => ({ at: at - i * 5 * MIN, ms: 2 * MIN }));
    const nights = Array.from({ length: 6 }, (_, i) => ({ at: NOW - (i + 1) * 86_400_000, ms: 300 * MIN }));
    // The short gaps began 12 h away from now: they count a tenth, and the nights say stop.
    expect(breakEvenHoldMs([...morning(NOW - 12 * 3_600_000), ...nights], 0, 7 * MIN, NOW)).toBe(0);
    // The same gaps at this time of day keep it on through them.
    expect(breakEvenHoldMs([...morning(NOW - 3_600_000), ...nights], 0, 7 * MIN, NOW)).toBe(2 * MIN);
  });

  it('keeps the most recent gaps only', () => {
    let kept: IdleGap[] = [];
    for (let i = 0; i < KEPT_GAPS + 5; i++) kept = withGap(kept, i, i);
    expect(kept).toHaveLength(KEPT_GAPS);
    expect(kept[0]).toEqual({ at: 5, ms: 5 });
  });

  it('a restart costs the stop, the boot, and the boot again as the waiting of each task, at the price', () => {
    expect(restartCostMs(3 * MIN, WAIT_PRICE.balanced)).toBe(STOP_MS + 6 * MIN);
    expect(restartCostMs(3 * MIN, WAIT_PRICE.cost, 2)).toBe(STOP_MS + 3 * MIN + 1.5 * MIN);
    expect(restartCostMs(3 * MIN, WAIT_PRICE.speed)).toBeGreaterThan(
      restartCostMs(3 * MIN, WAIT_PRICE.balanced),
    );
  });
});
