import type { KeepWarmWindow } from '../../config/schema.js';
import { weekdays } from '../../config/schema.js';

/** Keep-warm windows: hosts stay on (and their sessions open) during given hours of given days. */

type Weekday = (typeof weekdays)[number];

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Weekday and minute of the day at `at` in `timeZone` (DST handled by Intl). */
export function localTime(at: number, timeZone: string): { day: Weekday; minute: number } {
  let day: Weekday = 'mon';
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') day = part.value.toLowerCase().slice(0, 3) as Weekday;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':');
  return Number(hours) * 60 + Number(minutes);
}

function previousDay(day: Weekday): Weekday {
  return weekdays[(weekdays.indexOf(day) + 6) % 7]!;
}

/**
 * Whether the window covers `at`. `days` name the day the window opens; a window whose `to` is
 * before its `from` runs past midnight into the next day. `from` = `to` covers the whole day.
 */
export function windowCovers(window: KeepWarmWindow, at: number): boolean {
  const { day, minute } = localTime(at, window.timeZone);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  if (from === to) return window.days.includes(day);
  if (from < to) return window.days.includes(day) && minute >= from && minute < to;
  return (
    (window.days.includes(day) && minute >= from) || (window.days.includes(previousDay(day)) && minute < to)
  );
}

export function windowAppliesTo(window: KeepWarmWindow, hostId: string): boolean {
  return windowAppliesToAll(window) || window.hosts!.includes(hostId);
}

/**
 * For each host (in the given order), the positions of the windows that apply to it: this depends
 * only on the config, so `plan` works it out once per config instead of testing every window's host
 * list for every host on every tick.
 */
export function windowsByHost(
  windows: readonly KeepWarmWindow[],
  hostIds: readonly string[],
): readonly (readonly number[])[] {
  const forAll = Object.freeze(
    windows.flatMap((window, index) => (windowAppliesToAll(window) ? [index] : [])),
  );
  return hostIds.map((hostId) => {
    if (forAll.length === windows.length) return forAll;
    const applying = windows.flatMap((window, index) => (windowAppliesTo(window, hostId) ? [index] : []));
    return applying.length === forAll.length ? forAll : applying;
  });
}

function windowAppliesToAll(window: KeepWarmWindow): boolean {
  return !window.hosts || window.hosts.length === 0;
}

/**
 * Evaluates every window once per tick (not once per host): whether it covers now, and whether it
 * covers now + lead for each distinct lead asked (pre-warm before the window opens).
 */
export class KeepWarmCalendar {
  /** Per window: offset (ms) → covered. Keyed by number: asked once per host, thousands per tick. */
  private readonly cache: Map<number, boolean>[];

  constructor(
    private readonly windows: readonly KeepWarmWindow[],
    private readonly now: number,
  ) {
    this.cache = windows.map(() => new Map<number, boolean>());
  }

  /**
   * The first of the host's windows (positions from `windowsByHost`) that wants it on at now (or at
   * now + leadMs), if any.
   */
  windowFor(applying: readonly number[], leadMs: number): KeepWarmWindow | undefined {
    for (let a = 0; a < applying.length; a++) {
      const index = applying[a]!;
      if (this.covers(index, 0) || (leadMs > 0 && this.covers(index, leadMs))) return this.windows[index];
    }
    return undefined;
  }

  private covers(index: number, offset: number): boolean {
    const cache = this.cache[index]!;
    let value = cache.get(offset);
    if (value === undefined) {
      value = windowCovers(this.windows[index]!, this.now + offset);
      cache.set(offset, value);
    }
    return value;
  }
}

export function describeWindow(window: KeepWarmWindow): string {
  return `keep-warm window ${window.days.join(',')} ${window.from}-${window.to} ${window.timeZone}`;
}
