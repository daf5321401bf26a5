import { describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../../src-main/config/schema.js';
import { emptyHistory, type HistoryRecords } from '../../../src-main/history/history-store.js';
import { NothingToReplayError, replayOf } from '../../../src-main/history/replay-trace.js';
import { whatIf } from '../../../src-main/history/whatif.js';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2026, 10, 2, 8);

function config(runners: Array<{ id: string; host: string; activities?: string[] }>, price?: number): Config {
  return configSchema.parse({
    version: 1,
    orchestrator: {
      server: 'https://maestro.example',
      login: 'x',
      key: 'orchestrator-key:x',
      pollSeconds: 15,
    },
    policy: { idleGraceMinutes: 10, minUptimeMinutes: 15 },
    hosts: [
      {
        id: 'h1',
        address: '10.0.0.1',
        protocol: 'aws-ec2',
        user: 'bot',
        password: 'host-password:h1',
        aws: { instanceId: 'i-0123456789abcdef0' },
        ...(price !== undefined && { hourlyPrice: price }),
      },
      { id: 'desk', address: '10.0.0.2', protocol: 'rdp', user: 'bot', password: 'host-password:desk' },
    ],
    runners,
  });
}

/** Host h1 started at each of `starts`, answered 90 s later, stopped 20 min later (stop: 60 s). */
function history(starts: number[], tasks: HistoryRecords['tasks']): HistoryRecords {
  const records = emptyHistory();
  records.power.push({
    hostId: 'h1',
    state: 'off',
    startedAt: T0 - H,
    endedAt: starts[0]!,
    cause: 'observed',
  });
  starts.forEach((start, i) => {
    records.power.push({
      hostId: 'h1',
      state: 'starting',
      startedAt: start,
      endedAt: start + 30_000,
      cause: 'x',
    });
    records.power.push({
      hostId: 'h1',
      state: 'on',
      startedAt: start + 30_000,
      endedAt: start + 20 * MIN,
      cause: 'x',
    });
    records.power.push({
      hostId: 'h1',
      state: 'stopping',
      startedAt: start + 20 * MIN,
      endedAt: start + 21 * MIN,
      cause: 'x',
    });
    records.power.push({
      hostId: 'h1',
      state: 'off',
      startedAt: start + 21 * MIN,
      endedAt: starts[i + 1] ?? null,
      cause: 'x',
    });
    records.notes.push({ hostId: 'h1', at: start + 90_000, kind: 'ready', message: null });
  });
  records.tasks.push(...tasks);
  return records;
}

const task = (
  id: string,
  runnerId: string | null,
  activity: string | null,
  createdAt: number,
  ranMs: number,
) => ({
  taskId: id,
  runnerId,
  activity,
  status: 'RUNNING',
  createdAt,
  startedAt: createdAt + 2 * MIN,
  finishedAt: createdAt + 2 * MIN + ranMs,
});

describe('replaying the history', () => {
  it('turns recorded tasks into a trace with the boot and stop times learned from it', () => {
    const records = history(
      [T0, T0 + 3 * H],
      [
        task('a', 'r1', 'invoices', T0, 5 * MIN),
        task('b', null, 'invoices', T0 + 3 * H, 7 * MIN),
        task('c', 'r-gone', null, T0 + 4 * H, MIN),
        // Never ran (canceled while queued): not replayed.
        { ...task('d', 'r1', null, T0 + 5 * H, MIN), startedAt: null },
      ],
    );
    const replay = replayOf(
      records,
      config([
        { id: 'r1', host: 'h1', activities: ['invoices'] },
        { id: 'r9', host: 'desk' },
      ]),
      {
        from: T0 - H,
        to: T0 + 8 * H,
      },
    );
    expect(replay.trace.hosts).toEqual([{ id: 'h1', bootMs: 90_000 }]);
    expect(replay.trace.runners).toEqual([{ id: 'r1', host: 'h1', activities: ['invoices'] }]);
    expect(replay.trace.tasks).toEqual([
      { id: 'a', runner: 'r1', arriveAt: H, durationMs: 5 * MIN, priority: 5 },
      { id: 'b', activity: 'invoices', arriveAt: 4 * H, durationMs: 7 * MIN, priority: 5 },
    ]);
    expect(replay.skippedTasks).toBe(1);
    expect(replay).toMatchObject({ tickMs: 15_000, stopMs: 60_000, sessionOpenMs: 10_000 });
  });

  it('refuses a fleet with no cloud host to replay', () => {
    expect(() =>
      replayOf(emptyHistory(), config([{ id: 'r9', host: 'desk' }]), { from: T0, to: T0 + H }),
    ).toThrow(NothingToReplayError);
  });

  it('puts the recorded figures beside the current and proposed settings and the optimum', () => {
    const tasks = [0, 1, 2, 3].map((i) => task(`t${i}`, 'r1', null, T0 + i * 2 * H, 10 * MIN));
    const records = history(
      tasks.map((t) => t.createdAt + 20_000),
      tasks,
    );
    const report = whatIf(records, config([{ id: 'r1', host: 'h1' }], 0.5), {
      from: T0 - H,
      to: T0 + 9 * H,
      proposed: { idleGraceMinutes: 2, minUptimeMinutes: 0, maxHostsOn: 10 },
    });
    expect(report.columns.map((column) => column.name)).toEqual([
      'recorded',
      'current',
      'proposed',
      'optimum',
    ]);
    const [recorded, current, proposed, optimum] = report.columns;
    expect(recorded).toMatchObject({ starts: 4, tasks: 4, meanWaitSeconds: 120 });
    expect(recorded!.cost).toBeCloseTo(recorded!.vmHours * 0.5, 2);
    // Shorter idle grace and no minimum uptime: fewer VM-hours, the same tasks done, nothing cut off.
    expect(proposed!.vmHours).toBeLessThan(current!.vmHours);
    expect(proposed).toMatchObject({ tasks: 4, interruptions: 0 });
    expect(optimum!.vmHours).toBeLessThanOrEqual(proposed!.vmHours);
    expect(report.proposed).toEqual({ idleGraceMinutes: 2, minUptimeMinutes: 0 });
    expect(report.replay).toMatchObject({ tasks: 4, bootSeconds: { h1: 90 }, stopSeconds: 60 });
  });
});
