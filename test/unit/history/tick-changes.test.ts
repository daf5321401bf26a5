import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src-main/core/actions.js';
import type { ObservedTask } from '../../../src-main/core/orchestrator.js';
import type { PowerState } from '../../../src-main/core/power-driver.js';
import type { SessionStatus } from '../../../src-main/core/session-driver.js';
import type { Snapshot } from '../../../src-main/core/snapshot.js';
import { emptyOpenRecords, historyChanges } from '../../../src-main/history/tick-changes.js';

function snapshot(
  now: number,
  parts: {
    power?: Record<string, PowerState>;
    sessions?: Array<Pick<SessionStatus, 'key' | 'hostId' | 'state'>>;
    tasks?: ObservedTask[];
    complete?: boolean;
  },
): Snapshot {
  return {
    now,
    queue: {
      complete: parts.complete ?? true,
      tasks: parts.tasks ?? [],
      runnersOnline: {},
      upcoming: [],
      requests: 1,
    },
    power: new Map(
      Object.entries(parts.power ?? {}).map(([hostId, state]) => [hostId, { hostId, state, managed: true }]),
    ),
    sessions: (parts.sessions ?? []).map((s) => ({
      ...s,
      user: 'bot',
      since: now,
      reconnects: 0,
      width: 1280,
      height: 800,
    })),
    readiness: new Map(),
    outcomes: [],
    problems: [],
  };
}

const task = (id: string, state: 'queued' | 'busy', extra: Partial<ObservedTask> = {}): ObservedTask => ({
  id,
  state,
  status: state === 'queued' ? 'START' : 'RUNNING',
  runnerId: 'r1',
  createdAt: 1_000,
  priority: 0,
  ...extra,
});

describe('historyChanges', () => {
  it('opens a power interval only when the state changes, with the reason Session Manager gave', () => {
    const open = emptyOpenRecords();
    const start: Action = {
      kind: 'powerOn',
      hostId: 'h1',
      reason: 'Starting h1: runner r1 has 1 queued task',
    };
    expect(
      historyChanges(open, { now: 10, snapshot: snapshot(10, { power: { h1: 'off' } }), actions: [start] })
        .power,
    ).toEqual([{ hostId: 'h1', state: 'off', cause: 'observed' }]);
    const next = historyChanges(open, {
      now: 20,
      snapshot: snapshot(20, { power: { h1: 'starting' } }),
      actions: [],
    });
    expect(next.power).toEqual([{ hostId: 'h1', state: 'starting', cause: start.reason }]);
    expect(
      historyChanges(open, { now: 30, snapshot: snapshot(30, { power: { h1: 'starting' } }), actions: [] })
        .power,
    ).toEqual([]);
    expect(
      historyChanges(open, { now: 40, snapshot: snapshot(40, { power: { h1: 'on' } }), actions: [] }).power,
    ).toEqual([{ hostId: 'h1', state: 'on', cause: 'observed' }]);
  });

  it('records nothing for a power state that could not be read', () => {
    const open = emptyOpenRecords();
    historyChanges(open, { now: 10, snapshot: snapshot(10, { power: { h1: 'on' } }), actions: [] });
    expect(
      historyChanges(open, { now: 20, snapshot: snapshot(20, { power: { h1: 'unknown' } }), actions: [] })
        .power,
    ).toEqual([]);
    expect(open.power.get('h1')).toBe('on');
  });

  it('opens and closes sessions as they become active and go', () => {
    const open = emptyOpenRecords();
    const first = historyChanges(open, {
      now: 10,
      snapshot: snapshot(10, { sessions: [{ key: 'h1/bot', hostId: 'h1', state: 'connecting' }] }),
      actions: [],
    });
    expect(first.sessionsOpened).toEqual([{ key: 'h1/bot', hostId: 'h1' }]);
    const same = historyChanges(open, {
      now: 20,
      snapshot: snapshot(20, { sessions: [{ key: 'h1/bot', hostId: 'h1', state: 'open' }] }),
      actions: [],
    });
    expect(same.sessionsOpened).toEqual([]);
    const failed = historyChanges(open, {
      now: 30,
      snapshot: snapshot(30, { sessions: [{ key: 'h1/bot', hostId: 'h1', state: 'failed' }] }),
      actions: [],
    });
    expect(failed.sessionsClosed).toEqual(['h1/bot']);
  });

  it('writes a task when first seen and when it starts; finishes it only on a complete observation', () => {
    const open = emptyOpenRecords();
    const seen = historyChanges(open, {
      now: 10,
      snapshot: snapshot(10, { tasks: [task('t1', 'queued')] }),
      actions: [],
    });
    expect(seen.tasks).toEqual([
      { taskId: 't1', runnerId: 'r1', activity: null, status: 'START', createdAt: 1_000, startedAt: null },
    ]);
    expect(
      historyChanges(open, {
        now: 20,
        snapshot: snapshot(20, { tasks: [task('t1', 'queued')] }),
        actions: [],
      }).tasks,
    ).toEqual([]);
    const started = historyChanges(open, {
      now: 30,
      snapshot: snapshot(30, { tasks: [task('t1', 'busy')] }),
      actions: [],
    });
    expect(started.tasks[0]).toMatchObject({ status: 'RUNNING', startedAt: 30 });
    const withTime = historyChanges(open, {
      now: 35,
      snapshot: snapshot(35, { tasks: [task('t1', 'busy', { startedAt: 25 })] }),
      actions: [],
    });
    expect(withTime.tasks[0]).toMatchObject({ startedAt: 25 });
    expect(
      historyChanges(open, { now: 40, snapshot: snapshot(40, { complete: false }), actions: [] })
        .tasksFinished,
    ).toEqual([]);
    expect(historyChanges(open, { now: 50, snapshot: snapshot(50, {}), actions: [] }).tasksFinished).toEqual([
      't1',
    ]);
  });

  it('writes a task listed twice in one observation once, as its later listing says', () => {
    // It moved from the queued list to the running one while they were read.
    const changes = historyChanges(emptyOpenRecords(), {
      now: 10,
      snapshot: snapshot(10, { tasks: [task('t1', 'queued'), task('t1', 'busy', { startedAt: 8 })] }),
      actions: [],
    });
    expect(changes.tasks).toEqual([
      { taskId: 't1', runnerId: 'r1', activity: null, status: 'RUNNING', createdAt: 1_000, startedAt: 8 },
    ]);
  });
});
