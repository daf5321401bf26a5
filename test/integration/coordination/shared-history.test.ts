import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObservedTask } from '../../../src-main/core/orchestrator.js';
import type { Snapshot } from '../../../src-main/core/snapshot.js';
import { HistoryStore } from '../../../src-main/history/history-store.js';
import type { HistoryScope } from '../../../src-main/history/tick-changes.js';
import { startPostgres, type Postgres } from '../../helpers/postgres.js';

/**
 * The history in the PostgreSQL several instances share: each writes the power and sessions of the
 * hosts it holds, one writes the tasks, and the next holder of a host goes on from its open records.
 */
let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.destroy();
});

/** What every instance observes at `now`: the same fleet and queue. */
function observed(now: number, power: Record<string, 'on' | 'off'>, tasks: string[], sessionOn: string[]) {
  const snapshot: Snapshot = {
    now,
    queue: {
      complete: true,
      tasks: tasks.map((id): ObservedTask => ({
        id,
        state: 'busy',
        status: 'RUNNING',
        runnerId: 'r1',
        createdAt: 50,
        startedAt: 60,
        priority: 0,
      })),
      runnersOnline: {},
      upcoming: [],
      requests: 1,
    },
    power: new Map(
      Object.entries(power).map(([hostId, state]) => [hostId, { hostId, state, managed: true }]),
    ),
    sessions: sessionOn.map((hostId) => ({
      key: `${hostId}:bot`,
      hostId,
      user: 'bot',
      state: 'open' as const,
      since: 0,
      reconnects: 0,
      width: 1280,
      height: 800,
    })),
    readiness: new Map(),
    outcomes: [],
    problems: [],
  };
  return { now, snapshot, actions: [] };
}

const scope = (hosts: string[], tasks: boolean): HistoryScope => ({ hosts: new Set(hosts), tasks });

describe('the history shared through PostgreSQL', { timeout: 30_000 }, () => {
  it('each instance writes what it holds; a host that moves goes on in one interval; tasks are written once', async () => {
    // Opened together: the tables are made once, one maker at a time.
    const [a, b] = await Promise.all([
      HistoryStore.openPostgres({ url: pg.url, password: pg.password }),
      HistoryStore.openPostgres({ url: pg.url, password: pg.password }),
    ]);
    try {
      // a holds h1 and writes the tasks; b holds h2. Both see everything.
      let tick = observed(100, { h1: 'on', h2: 'off' }, ['t1'], ['h1']);
      await a.recordTick(tick, scope(['h1'], true));
      await b.recordTick(tick, scope(['h2'], false));
      // h1 moves to b (still on, its session still open): nothing new is written.
      tick = observed(200, { h1: 'on', h2: 'off' }, ['t1'], ['h1']);
      await a.recordTick(tick, scope([], true));
      await b.recordTick(tick, scope(['h1', 'h2'], false));
      // a is gone; b writes the tasks now. h1 stops, its session closed, t1 finished.
      tick = observed(300, { h1: 'off', h2: 'off' }, [], []);
      await b.recordTick(tick, scope(['h1', 'h2'], true));

      const records = await b.read(0, 1_000);
      expect(records.power.map((row) => [row.hostId, row.state, row.startedAt, row.endedAt])).toEqual([
        ['h1', 'on', 100, 300],
        ['h2', 'off', 100, null],
        ['h1', 'off', 300, null],
      ]);
      expect(records.sessions.map((row) => [row.key, row.openedAt, row.closedAt])).toEqual([
        ['h1:bot', 100, 300],
      ]);
      expect(records.tasks.map((row) => [row.taskId, row.startedAt, row.finishedAt])).toEqual([
        ['t1', 60, 300],
      ]);
      // Either instance reads the same fleet-wide history.
      expect(await a.read(0, 1_000)).toEqual(records);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('an instance that is not the task writer finishes no task, and one that holds nothing writes nothing', async () => {
    const a = await HistoryStore.openPostgres({ url: pg.url, password: pg.password });
    try {
      await a.recordTick(observed(1_000, { h3: 'on' }, ['t2'], []), scope(['h3'], true));
      // Another instance's view: t2 gone, h3 off. It holds nothing and does not write tasks.
      const b = await HistoryStore.openPostgres({ url: pg.url, password: pg.password });
      await b.recordTick(observed(1_100, { h3: 'off' }, [], []), scope([], false));
      await b.close();
      const records = await a.read(1_000, 2_000);
      expect(
        records.power.filter((row) => row.hostId === 'h3').map((row) => [row.state, row.endedAt]),
      ).toEqual([['on', null]]);
      expect(records.tasks.map((row) => [row.taskId, row.finishedAt])).toEqual([['t2', null]]);
    } finally {
      await a.close();
    }
  });

  it('a write that fails while the database is away is made when it is back (nothing is taken as written)', async () => {
    const a = await HistoryStore.openPostgres({ url: pg.url, password: pg.password });
    try {
      const only = scope(['h5'], false);
      await a.recordTick(observed(2_000, { h5: 'on' }, [], []), only);
      await pg.stop();
      await expect(a.recordTick(observed(2_100, { h5: 'off' }, [], []), only)).rejects.toThrow();
      await pg.start();
      await a.recordTick(observed(2_200, { h5: 'off' }, [], []), only);
      const records = await a.read(2_000, 3_000);
      const h5 = records.power.filter((row) => row.hostId === 'h5');
      expect(h5.map((row) => [row.hostId, row.state, row.startedAt, row.endedAt])).toEqual([
        ['h5', 'on', 2_000, 2_200],
        ['h5', 'off', 2_200, null],
      ]);
    } finally {
      await a.close();
    }
  });
});
