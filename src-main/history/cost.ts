import type { Config } from '../config/schema.js';
import { isBilledState } from '../core/power-driver.js';
import { mean, percentile } from '../sim/stats.js';
import { powerChanges } from './power-changes.js';
import type { HistoryRecords } from './history-store.js';

export const costGroupings = ['host', 'runner', 'automation', 'day'] as const;
export type CostGrouping = (typeof costGroupings)[number];

/** One line of the cost report: a host, a runner, a day, or the whole fleet. */
export interface CostRow {
  key: string;
  /** Hours billed: the host starting, on or stopping (Azure: until deallocated). */
  vmHours: number;
  /** vmHours × the host's hourly price; absent when a host in the row has no price. */
  cost?: number;
  /** Power-ons and power-offs seen (a host going from off to starting or on, and back). */
  starts: number;
  stops: number;
  /** Hours a bot's session was held (connecting, open or reconnecting). */
  sessionHours: number;
  /** Tasks that ran and finished in the period. */
  tasks: number;
  /** From queued to running, of those tasks. */
  waitMeanSeconds?: number;
  waitP95Seconds?: number;
  /** The same hosts kept on for the whole period. */
  alwaysOnVmHours: number;
  alwaysOnCost?: number;
}

export interface CostReport {
  from: number;
  to: number;
  by: CostGrouping;
  currency: string;
  rows: CostRow[];
  total: CostRow;
}

export interface CostedHost {
  id: string;
  hourlyPrice?: number;
  runners: string[];
}

/** The config's hosts with their prices and runners, as the report takes them. */
export function costedHosts(config: Pick<Config, 'hosts' | 'runners'>): CostedHost[] {
  return config.hosts.map((host) => ({
    id: host.id,
    ...(host.hourlyPrice !== undefined && { hourlyPrice: host.hourlyPrice }),
    runners: config.runners.filter((runner) => runner.host === host.id).map((runner) => runner.id),
  }));
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A piece of a host's time within one UTC day: what it was billed and how long a session was held. */
interface Slice {
  hostId: string;
  day: number;
  billedMs: number;
  sessionMs: number;
  alwaysOnMs: number;
  starts: number;
  stops: number;
}

const dayOf = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;
const noTime = (hostId: string, day: number): Slice => ({
  hostId,
  day,
  billedMs: 0,
  sessionMs: 0,
  alwaysOnMs: 0,
  starts: 0,
  stops: 0,
});

/** Splits [start, end) on UTC day boundaries. */
function* byDay(start: number, end: number): Generator<{ day: number; ms: number }> {
  for (let t = start; t < end;) {
    const day = dayOf(t);
    const next = Math.min(end, day + DAY_MS);
    yield { day, ms: next - t };
    t = next;
  }
}

function slicesOf(records: HistoryRecords, hosts: readonly CostedHost[], from: number, to: number): Slice[] {
  const slices: Slice[] = [];
  const clip = (start: number, end: number | null) =>
    [Math.max(start, from), Math.min(end ?? to, to)] as const;
  for (const host of hosts)
    for (const { day, ms } of byDay(from, to)) slices.push({ ...noTime(host.id, day), alwaysOnMs: ms });
  // A start or a stop counts on the day it happened.
  for (const change of powerChanges(records.power))
    if (change.at >= from && change.at < to)
      slices.push({
        ...noTime(change.hostId, dayOf(change.at)),
        starts: change.kind === 'start' ? 1 : 0,
        stops: change.kind === 'stop' ? 1 : 0,
      });
  for (const interval of records.power) {
    if (!isBilledState(interval.state)) continue;
    const [start, end] = clip(interval.startedAt, interval.endedAt);
    for (const { day, ms } of byDay(start, end))
      slices.push({ ...noTime(interval.hostId, day), billedMs: ms });
  }
  for (const session of records.sessions) {
    const [start, end] = clip(session.openedAt, session.closedAt);
    for (const { day, ms } of byDay(start, end))
      slices.push({ ...noTime(session.hostId, day), sessionMs: ms });
  }
  return slices;
}

const NO_TASK = '(no task)';
const NO_AUTOMATION = '(no automation)';

/**
 * Host id → the automations whose tasks ran on it in [from, to), each with its share of the host's
 * running time there: how a host's billed time is split per automation.
 */
function automationShares(
  tasks: HistoryRecords['tasks'],
  runnerHost: ReadonlyMap<string, string>,
  from: number,
  to: number,
): Map<string, Array<[string, number]>> {
  const runMs = new Map<string, Map<string, number>>();
  for (const task of tasks) {
    const hostId = task.runnerId ? runnerHost.get(task.runnerId) : undefined;
    if (!hostId || task.startedAt === null) continue;
    const ran = Math.min(task.finishedAt ?? to, to) - Math.max(task.startedAt, from);
    if (ran <= 0) continue;
    const byAutomation = runMs.get(hostId) ?? new Map<string, number>();
    const automation = task.activity ?? NO_AUTOMATION;
    byAutomation.set(automation, (byAutomation.get(automation) ?? 0) + ran);
    runMs.set(hostId, byAutomation);
  }
  const shares = new Map<string, Array<[string, number]>>();
  for (const [hostId, byAutomation] of runMs) {
    const sum = [...byAutomation.values()].reduce((a, b) => a + b, 0);
    shares.set(
      hostId,
      [...byAutomation].map(([automation, ms]) => [automation, ms / sum]),
    );
  }
  return shares;
}

/** A figure as reported: to `digits` decimals. */
export const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/**
 * Pure: what the hosts cost over [from, to) (`to` no later than now: open intervals end there), per
 * host, runner, automation or UTC day, against the same hosts always on. A host's time is shared
 * equally by its runners, and among the automations that ran on it by their tasks' running time; a
 * task counts for its runner and automation, on the day it finished.
 */
export function costReport(
  records: HistoryRecords,
  hosts: readonly CostedHost[],
  options: { from: number; to: number; by: CostGrouping; currency: string },
): CostReport {
  const { from, to, by } = options;
  const hostById = new Map(hosts.map((host) => [host.id, host]));
  const runnerHost = new Map(
    hosts.flatMap((host) => host.runners.map((runner) => [runner, host.id] as const)),
  );

  interface Sum {
    starts: number;
    stops: number;
    billedMs: number;
    sessionMs: number;
    alwaysOnMs: number;
    cost: number;
    alwaysOnCost: number;
    priced: boolean;
    waits: number[];
  }
  const sums = new Map<string, Sum>();
  const sumOf = (key: string) => {
    let sum = sums.get(key);
    if (!sum) {
      sum = {
        starts: 0,
        stops: 0,
        billedMs: 0,
        sessionMs: 0,
        alwaysOnMs: 0,
        cost: 0,
        alwaysOnCost: 0,
        priced: true,
        waits: [],
      };
      sums.set(key, sum);
    }
    return sum;
  };
  const total = sumOf('\0total');
  const dayKey = (day: number) => new Date(day).toISOString().slice(0, 10);
  /** The rows a host's time goes to, each with its share. */
  const automations = by === 'automation' ? automationShares(records.tasks, runnerHost, from, to) : undefined;
  const sharesOf = (hostId: string, day: number): Array<[string, number]> => {
    if (by === 'host') return [[hostId, 1]];
    if (by === 'day') return [[dayKey(day), 1]];
    if (automations) return automations.get(hostId) ?? [[NO_TASK, 1]];
    const runners = hostById.get(hostId)?.runners ?? [];
    return runners.length
      ? runners.map((runner) => [runner, 1 / runners.length])
      : [[`(${hostId}: no runner)`, 1]];
  };
  const add = (sum: Sum, slice: Slice, share: number, price: number | undefined) => {
    sum.starts += slice.starts * share;
    sum.stops += slice.stops * share;
    sum.billedMs += slice.billedMs * share;
    sum.sessionMs += slice.sessionMs * share;
    sum.alwaysOnMs += slice.alwaysOnMs * share;
    if (price === undefined) sum.priced = false;
    else {
      sum.cost += (slice.billedMs * share * price) / HOUR_MS;
      sum.alwaysOnCost += (slice.alwaysOnMs * share * price) / HOUR_MS;
    }
  };
  for (const slice of slicesOf(records, hosts, from, to)) {
    const price = hostById.get(slice.hostId)?.hourlyPrice;
    add(total, slice, 1, price);
    for (const [key, share] of sharesOf(slice.hostId, slice.day)) add(sumOf(key), slice, share, price);
  }
  for (const task of records.tasks) {
    if (
      task.finishedAt === null ||
      task.startedAt === null ||
      task.finishedAt < from ||
      task.finishedAt >= to
    )
      continue;
    const wait = Math.max(0, task.startedAt - task.createdAt) / 1000;
    total.waits.push(wait);
    const hostId = task.runnerId ? runnerHost.get(task.runnerId) : undefined;
    const key =
      by === 'day'
        ? dayKey(dayOf(task.finishedAt))
        : by === 'runner'
          ? (task.runnerId ?? '(no runner)')
          : by === 'automation'
            ? (task.activity ?? NO_AUTOMATION)
            : (hostId ?? '(no host)');
    sumOf(key).waits.push(wait);
  }

  const rowOf = (key: string, sum: Sum): CostRow => {
    const waits = sum.waits;
    return {
      key,
      vmHours: round(sum.billedMs / HOUR_MS),
      ...(sum.priced && { cost: round(sum.cost, 2) }),
      starts: round(sum.starts, 2),
      stops: round(sum.stops, 2),
      sessionHours: round(sum.sessionMs / HOUR_MS),
      tasks: waits.length,
      ...(waits.length && {
        waitMeanSeconds: round(mean(waits), 1),
        waitP95Seconds: round(percentile(waits, 95), 1),
      }),
      alwaysOnVmHours: round(sum.alwaysOnMs / HOUR_MS),
      ...(sum.priced && { alwaysOnCost: round(sum.alwaysOnCost, 2) }),
    };
  };
  const rows = [...sums]
    .filter(([key]) => key !== '\0total')
    .map(([key, sum]) => rowOf(key, sum))
    .sort((a, b) => a.key.localeCompare(b.key));
  return { from, to, by, currency: options.currency, rows, total: rowOf('total', total) };
}
