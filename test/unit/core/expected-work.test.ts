import { describe, expect, it } from 'vitest';
import { arrivalsBetween, recordArrival } from '../../../src-main/core/forecast/arrival-log.js';
import { describeExpectation, expectWork } from '../../../src-main/core/forecast/expected-work.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 5 January 2026, 00:00 UTC. */
const MONDAY = Date.UTC(2026, 0, 5);

function logOf(times: number[], now: number): readonly number[] {
  return times.reduce<readonly number[]>((log, at) => recordArrival(log, at, now), []);
}

const always = () => 0;

describe('the arrival log', () => {
  it('keeps one sorted entry per minute, whatever order tasks are seen in, and the same array for a repeat', () => {
    const now = MONDAY + DAY;
    const log = logOf([MONDAY + 5 * MIN + 10_000, MONDAY + MIN, MONDAY + 5 * MIN + 40_000], now);
    expect(arrivalsBetween(log, MONDAY, now)).toEqual([MONDAY + MIN, MONDAY + 5 * MIN]);
    expect(recordArrival(log, MONDAY + MIN + 5_000, now)).toBe(log);
  });

  it('forgets what is older than its days', () => {
    const now = MONDAY + 20 * DAY;
    expect(logOf([MONDAY, now - HOUR], now)).toHaveLength(1);
  });
});

describe('expected work', () => {
  it('an hourly job at :00 is expected before the next :00, with how often it came', () => {
    const hours = Array.from({ length: 20 }, (_, h) => MONDAY + h * HOUR + 20_000).filter(
      (_, h) => h !== 7 && h !== 13,
    );
    const now = MONDAY + 19 * HOUR + 56 * MIN;
    const expected = expectWork(logOf(hours, now), now, 5 * MIN, always, 'UTC');
    expect(expected).toMatchObject({ at: MONDAY + 20 * HOUR, period: 'hour', hits: 18, of: 20 });
    expect(describeExpectation(expected!, 'UTC')).toBe('a task at about :00 on 18 of the last 20 hours');
  });

  it('nothing is expected outside the window, nor from a single hour', () => {
    const log = logOf([MONDAY + 9 * HOUR], MONDAY + 10 * HOUR);
    expect(expectWork(log, MONDAY + 9 * HOUR + 30 * MIN, 5 * MIN, always, 'UTC')).toBeUndefined();
    expect(expectWork(log, MONDAY + 9 * HOUR + 56 * MIN, 5 * MIN, always, 'UTC')).toBeUndefined();
  });

  it('a nightly batch is expected from the nights before, and stays expected through its "about"', () => {
    const nights = [0, 1, 2].map((d) => MONDAY + d * DAY + HOUR + 2 * MIN);
    const before = MONDAY + 3 * DAY + 58 * MIN;
    expect(expectWork(logOf(nights, before), before, 5 * MIN, always, 'UTC')).toMatchObject({
      period: 'day',
      hits: 3,
      of: 3,
    });
    const late = MONDAY + 3 * DAY + HOUR + 10 * MIN;
    expect(expectWork(logOf(nights, late), late, 5 * MIN, always, 'UTC')).toBeDefined();
    const over = MONDAY + 3 * DAY + HOUR + 15 * MIN;
    const exactOnly = (toleranceMs: number) => (toleranceMs > 10 * MIN ? 1 : 0);
    expect(expectWork(logOf(nights, over), over, 5 * MIN, exactOnly, 'UTC')).toBeUndefined();
    // Give or take half an hour (what the speed strategy pays for), it is still expected.
    expect(expectWork(logOf(nights, over), over, 5 * MIN, always, 'UTC')).toMatchObject({
      toleranceMs: 30 * MIN,
    });
  });

  it('weekdays are compared with weekdays: a Monday pattern is not expected on Sunday once weekends are known', () => {
    // Work at 08:00 on Monday to Friday, none on Saturday.
    const days = [0, 1, 2, 3, 4].map((d) => MONDAY + d * DAY + 8 * HOUR);
    const saturday = MONDAY + 5 * DAY + 7 * HOUR + 57 * MIN;
    const sunday = MONDAY + 6 * DAY + 7 * HOUR + 57 * MIN;
    // The first Saturday has no weekend to compare with: the weekdays say work is likely.
    expect(expectWork(logOf(days, saturday), saturday, 5 * MIN, always, 'UTC')).toBeDefined();
    // Saturday had none: Sunday is compared with it.
    const withSaturday = logOf([...days, MONDAY + 5 * DAY + 15 * HOUR], sunday);
    expect(expectWork(withSaturday, sunday, 5 * MIN, always, 'UTC')?.period).not.toBe('day');
  });

  it('asks for more confidence when the price of a wasted pre-warm is higher', () => {
    const days = [0, 2].map((d) => MONDAY + d * DAY + 8 * HOUR);
    const now = MONDAY + 3 * DAY + 7 * HOUR + 57 * MIN;
    const log = logOf(days, now);
    // 2 of 3 weekdays: confidence 2 / 5.
    expect(expectWork(log, now, 5 * MIN, () => 0.4, 'UTC')).toMatchObject({ hits: 2, of: 3 });
    expect(expectWork(log, now, 5 * MIN, () => 0.41, 'UTC')).toBeUndefined();
  });

  it('is ready early in the window when waiting is dear, late when VM time is', () => {
    // A nightly job at 01:00, 01:04 and 00:58.
    const nights = [0, 4, -2].map((minutes, d) => MONDAY + d * DAY + HOUR + minutes * MIN);
    const now = MONDAY + 3 * DAY + 50 * MIN;
    const log = logOf(nights, now);
    // Ready by 00:55 at the latest: only the early end of the window (00:58 less the spread) is that soon.
    expect(expectWork(log, now, 5 * MIN, always, 'UTC', 0)).toMatchObject({ period: 'day', hits: 3 });
    expect(expectWork(log, now, 5 * MIN, () => 0.5, 'UTC', 1)).toBeUndefined();
  });

  it('says the time in the policy time zone', () => {
    const nights = [0, 1].map((d) => MONDAY + d * DAY + HOUR);
    const now = MONDAY + 2 * DAY + 57 * MIN;
    const expected = expectWork(logOf(nights, now), now, 5 * MIN, always, 'Europe/Paris')!;
    expect(describeExpectation(expected, 'Europe/Paris')).toBe(
      'a task at about 02:00 on 2 of the last 2 weekdays',
    );
  });
});
