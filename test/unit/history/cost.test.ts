import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src-main/config/schema.js';
import { costReport } from '../../../src-main/history/cost.js';
import { MonthSpendTracker, monthSpend } from '../../../src-main/history/month-spend.js';
import type { ManagerState } from '../../../src-main/core/state.js';
import { emptyHistory, type HistoryRecords } from '../../../src-main/history/history-store.js';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 10, 2); // a Monday, midnight UTC

function history(parts: Partial<HistoryRecords>): HistoryRecords {
  return { ...emptyHistory(), ...parts };
}

const interval = (hostId: string, state: string, startedAt: number, endedAt: number | null) => ({
  hostId,
  state,
  startedAt,
  endedAt,
  cause: 'observed',
});

describe('costReport', () => {
  const hosts = [
    { id: 'h1', hourlyPrice: 0.5, runners: ['r1', 'r2'] },
    { id: 'h2', hourlyPrice: 2, runners: ['r3'] },
  ];

  it('bills starting, on and stopping, not off, and compares with the same hosts always on', () => {
    const records = history({
      power: [
        interval('h1', 'off', T0, T0 + H),
        interval('h1', 'starting', T0 + H, T0 + H + 0.25 * H),
        interval('h1', 'on', T0 + 1.25 * H, T0 + 3 * H),
        interval('h1', 'stopping', T0 + 3 * H, T0 + 3.25 * H),
        interval('h1', 'off', T0 + 3.25 * H, null),
      ],
    });
    const report = costReport(records, hosts, { from: T0, to: T0 + 10 * H, by: 'host', currency: 'EUR' });
    const h1 = report.rows.find((row) => row.key === 'h1')!;
    expect(h1).toMatchObject({
      vmHours: 2.25,
      cost: 1.13,
      starts: 1,
      stops: 1,
      alwaysOnVmHours: 10,
      alwaysOnCost: 5,
    });
    expect(report.rows.find((row) => row.key === 'h2')).toMatchObject({
      vmHours: 0,
      cost: 0,
      alwaysOnCost: 20,
    });
    expect(report.total).toMatchObject({ vmHours: 2.25, alwaysOnVmHours: 20, alwaysOnCost: 25 });
    expect(report.currency).toBe('EUR');
  });

  it('clips intervals to the period; an open one runs to its end', () => {
    const records = history({ power: [interval('h2', 'on', T0 - 5 * H, null)] });
    const report = costReport(records, hosts, { from: T0, to: T0 + 2 * H, by: 'host', currency: 'USD' });
    expect(report.rows.find((row) => row.key === 'h2')).toMatchObject({ vmHours: 2, cost: 4 });
  });

  it('shares a host among its runners and counts each task for its runner, with its wait', () => {
    const records = history({
      power: [interval('h1', 'on', T0, T0 + 4 * H)],
      sessions: [{ key: 'h1/bot', hostId: 'h1', openedAt: T0, closedAt: T0 + 2 * H }],
      tasks: [
        {
          taskId: 'a',
          runnerId: 'r1',
          activity: 'x',
          status: 'RUNNING',
          createdAt: T0,
          startedAt: T0 + 10_000,
          finishedAt: T0 + H,
        },
        {
          taskId: 'b',
          runnerId: 'r1',
          activity: 'x',
          status: 'RUNNING',
          createdAt: T0,
          startedAt: T0 + 30_000,
          finishedAt: T0 + H,
        },
        {
          taskId: 'c',
          runnerId: 'r2',
          activity: 'x',
          status: 'START',
          createdAt: T0,
          startedAt: null,
          finishedAt: T0 + H,
        },
      ],
    });
    const report = costReport(records, hosts, { from: T0, to: T0 + 4 * H, by: 'runner', currency: 'USD' });
    const r1 = report.rows.find((row) => row.key === 'r1')!;
    expect(r1).toMatchObject({
      vmHours: 2,
      cost: 1,
      sessionHours: 1,
      tasks: 2,
      waitMeanSeconds: 20,
      waitP95Seconds: 30,
    });
    // A task that never started (canceled while queued) is not a task served.
    expect(report.rows.find((row) => row.key === 'r2')).toMatchObject({ vmHours: 2, tasks: 0 });
    expect(report.total).toMatchObject({ tasks: 2, waitMeanSeconds: 20 });
  });

  it('shares a host among the automations that ran on it, by their running time', () => {
    const ran = (taskId: string, activity: string | null, startedAt: number, ms: number) => ({
      taskId,
      runnerId: 'r1',
      activity,
      status: 'RUNNING',
      createdAt: startedAt - 60_000,
      startedAt,
      finishedAt: startedAt + ms,
    });
    const records = history({
      power: [interval('h1', 'on', T0, T0 + 4 * H), interval('h2', 'on', T0, T0 + H)],
      tasks: [ran('a', 'invoices', T0, 3 * H), ran('b', 'payroll', T0 + 3 * H, H)],
    });
    const report = costReport(records, hosts, {
      from: T0,
      to: T0 + 5 * H,
      by: 'automation',
      currency: 'USD',
    });
    expect(report.rows.map((row) => [row.key, row.vmHours, row.tasks])).toEqual([
      ['(no task)', 1, 0],
      ['invoices', 3, 1],
      ['payroll', 1, 1],
    ]);
  });

  it('splits time across UTC days', () => {
    const records = history({ power: [interval('h2', 'on', T0 + 22 * H, T0 + DAY + 3 * H)] });
    const report = costReport(records, hosts, { from: T0, to: T0 + 2 * DAY, by: 'day', currency: 'USD' });
    expect(report.rows.map((row) => [row.key, row.vmHours, row.alwaysOnVmHours])).toEqual([
      ['2026-11-02', 2, 48],
      ['2026-11-03', 3, 48],
    ]);
  });

  it('gives VM-hours without money when a host has no price', () => {
    const report = costReport(
      history({ power: [interval('h3', 'on', T0, T0 + H)] }),
      [{ id: 'h3', runners: [] }],
      {
        from: T0,
        to: T0 + H,
        by: 'host',
        currency: 'USD',
      },
    );
    expect(report.rows[0]).toEqual({
      key: 'h3',
      vmHours: 1,
      starts: 0,
      stops: 0,
      sessionHours: 0,
      tasks: 0,
      alwaysOnVmHours: 1,
    });
    expect(report.total.cost).toBeUndefined();
  });
});

describe('monthSpend', () => {
  it("sums this UTC month's VM-hours and money, and counts billed hosts without a price", async () => {
    const now = Date.UTC(2026, 11, 3, 12);
    const start = Date.UTC(2026, 11, 1);
    const records = history({
      power: [
        interval('h1', 'on', start - 5 * H, start + 2 * H),
        interval('h3', 'on', start + H, start + 2 * H),
      ],
    });
    let asked: [number, number] | undefined;
    const spend = await monthSpend(
      {
        read: async (from, to, only) => {
          asked = [from, to];
          expect(only).toBe('power');
          return records;
        },
      },
      configSchema.parse({
        version: 1,
        hosts: [
          {
            id: 'h1',
            address: '10.0.0.1',
            protocol: 'rdp',
            user: 'bot',
            password: 'host-password:h1',
            hourlyPrice: 0.5,
          },
          { id: 'h3', address: '10.0.0.3', protocol: 'rdp', user: 'bot', password: 'host-password:h3' },
        ],
      }),
      now,
    );
    expect(asked).toEqual([start, now]);
    expect(spend).toEqual({
      month: '2026-12',
      vmHours: 3,
      cost: 1,
      unpricedHosts: 1,
      unpricedHostIds: ['h3'],
    });
  });
});

describe('MonthSpendTracker', () => {
  const state = (at: number, powers: Record<string, string>) =>
    ({
      at,
      hosts: Object.entries(powers).map(([id, power]) => ({ id, protocol: 'aws-ec2', power })),
    }) as unknown as ManagerState;

  it('adds the billed time of each state to what the history said, and starts a new month from zero', () => {
    const start = Date.UTC(2026, 11, 31, 22);
    const tracker = new MonthSpendTracker(
      { month: '2026-12', vmHours: 10, cost: 4, unpricedHosts: 1, unpricedHostIds: ['h3'] },
      new Map([['h1', 0.5]]),
    );
    tracker.onState(state(start, { h1: 'on', h3: 'on', h2: 'off' }));
    tracker.onState(state(start + H, { h1: 'stopping', h3: 'off', h2: 'off' }));
    expect(tracker.current()).toEqual({ month: '2026-12', vmHours: 12, cost: 4.5, unpricedHosts: 1 });
    // Midnight passes: January counts from its first instant.
    tracker.onState(state(start + 3 * H, { h1: 'off', h3: 'off', h2: 'off' }));
    expect(tracker.current()).toEqual({ month: '2027-01', vmHours: 1, cost: 0.5, unpricedHosts: 0 });
  });
});
