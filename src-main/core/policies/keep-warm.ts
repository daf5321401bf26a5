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

function windowAppliesToAll(window: KeepWarmWindow): boolean {
  return !window.hosts || window.hosts.length === 0;
}

/**
 * Evaluates each window once per tick (not once per host): whether it covers now, and whether it
 * covers now + lead for each distinct lead asked (pre-warm before the window opens).
 */
export class KeepWarmCalendar {
  private readonly covered = new Map<KeepWarmWindow, Map<number, boolean>>();

  constructor(private readonly now: number) {}

  /** The first of `windows` that wants its host on at now (or at now + leadMs), if any. */
  windowFor(windows: readonly KeepWarmWindow[], leadMs: number): KeepWarmWindow | undefined {
    return windows.find((window) => this.covers(window, 0) || (leadMs > 0 && this.covers(window, leadMs)));
  }

  private covers(window: KeepWarmWindow, offset: number): boolean {
    let byOffset = this.covered.get(window);
    if (!byOffset) this.covered.set(window, (byOffset = new Map()));
    let value = byOffset.get(offset);
    if (value === undefined) byOffset.set(offset, (value = windowCovers(window, this.now + offset)));
    return value;
  }
}

export function describeWindow(window: KeepWarmWindow): string {
  return `keep-warm window ${window.days.join(',')} ${window.from}-${window.to} ${window.timeZone}`;
}
