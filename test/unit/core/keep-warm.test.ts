import { describe, expect, it } from 'vitest';
import { keepWarmSchema } from '../../../src-main/config/schema.js';
import {
  KeepWarmCalendar,
  localTime,
  windowAppliesTo,
  windowCovers,
} from '../../../src-main/core/policies/keep-warm.js';
import { backoffDelay } from '../../../src-main/core/policies/backoff.js';

const w = (input: object) => keepWarmSchema.parse(input);

describe('keep-warm windows', () => {
  it.each([
    // 2026-01-05 is a Monday.
    { at: '2026-01-05T08:00:00Z', window: { days: ['mon'], from: '08:00', to: '18:00' }, covers: true },
    { at: '2026-01-05T18:00:00Z', window: { days: ['mon'], from: '08:00', to: '18:00' }, covers: false },
    { at: '2026-01-05T07:59:00Z', window: { days: ['mon'], from: '08:00', to: '18:00' }, covers: false },
    { at: '2026-01-06T10:00:00Z', window: { days: ['mon'], from: '08:00', to: '18:00' }, covers: false },
    { at: '2026-01-05T23:00:00Z', window: { days: ['mon'], from: '22:00', to: '06:00' }, covers: true },
    { at: '2026-01-06T05:59:00Z', window: { days: ['mon'], from: '22:00', to: '06:00' }, covers: true },
    { at: '2026-01-06T06:00:00Z', window: { days: ['mon'], from: '22:00', to: '06:00' }, covers: false },
    { at: '2026-01-05T23:30:00Z', window: { days: ['mon'], from: '00:00', to: '24:00' }, covers: true },
    { at: '2026-01-05T12:00:00Z', window: { days: ['mon'], from: '00:00', to: '00:00' }, covers: true },
    // 07:30 UTC is 08:30 in Paris in winter, 09:30 in summer.
    {
      at: '2026-01-05T07:30:00Z',
      window: { days: ['mon'], from: '08:00', to: '09:00', timeZone: 'Europe/Paris' },
      covers: true,
    },
    {
      at: '2026-07-06T07:30:00Z',
      window: { days: ['mon'], from: '08:00', to: '09:00', timeZone: 'Europe/Paris' },
      covers: false,
    },
    // Sunday 23:30 in New York is Monday 04:30 UTC.
    {
      at: '2026-01-05T04:30:00Z',
      window: { days: ['sun'], from: '23:00', to: '23:59', timeZone: 'America/New_York' },
      covers: true,
    },
  ])('$at in $window.days $window.from-$window.to $window.timeZone: $covers', ({ at, window, covers }) => {
    expect(windowCovers(w(window), Date.parse(at))).toBe(covers);
  });

  it('localTime reads the weekday and minute in the zone', () => {
    expect(localTime(Date.parse('2026-01-05T23:30:00Z'), 'Asia/Tokyo')).toEqual({
      day: 'tue',
      minute: 8 * 60 + 30,
    });
  });
});

describe('keep-warm windows by host', () => {
  it('a window applies to the hosts it names, or to every host when it names none', () => {
    const all = w({ days: ['mon'], from: '08:00', to: '18:00' });
    const onlyB = w({ days: ['tue'], from: '08:00', to: '18:00', hosts: ['b'] });
    const emptyList = w({ days: ['wed'], from: '08:00', to: '18:00', hosts: [] });
    const applying = (hostId: string) =>
      [all, onlyB, emptyList].filter((window) => windowAppliesTo(window, hostId));
    expect(applying('a')).toEqual([all, emptyList]);
    expect(applying('b')).toEqual([all, onlyB, emptyList]);
  });

  it('the calendar picks the first window covering now, or now + the boot lead', () => {
    // Monday 2024-01-01 07:50 UTC: the 08:00 window is 10 min away.
    const now = Date.UTC(2024, 0, 1, 7, 50);
    const morning = w({ days: ['mon'], from: '08:00', to: '18:00', timeZone: 'UTC' });
    const calendar = new KeepWarmCalendar(now);
    expect(calendar.windowFor([morning], 0)).toBeUndefined();
    expect(calendar.windowFor([morning], 5 * 60_000)).toBeUndefined();
    expect(calendar.windowFor([morning], 15 * 60_000)).toBe(morning);
  });
});

describe('back-off', () => {
  it.each([
    [1, 0, 60_000],
    [2, 0, 120_000],
    [3, 0, 240_000],
    [10, 0, 30 * 60_000],
    [1, 300_000, 300_000],
  ])('attempt %i (retry-after %i ms): %i ms', (attempts, retryAfter, expected) => {
    expect(backoffDelay(attempts, retryAfter)).toBe(expected);
  });
});
