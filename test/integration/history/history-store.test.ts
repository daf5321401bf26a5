import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../src-main/history/history-store.js';
import { stopChild } from '../../helpers/service-process.js';
import { eventually } from '../../helpers/eventually.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'sm-history-')), 'history.sqlite');

describe('the history store (SQLite through node:sqlite)', () => {
  it(
    'keeps every committed tick through a kill -9, and goes on from the open records',
    { timeout: 60_000 },
    async () => {
      const file = tempFile();
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'writer-child.ts'), file], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await eventually(() => /committed 50\n/.test(output) || undefined, '50 commits', 30_000).catch(
        (error: Error) => {
          throw new Error(`${error.message}\n${output}`);
        },
      );
      await stopChild(child, 'SIGKILL', 0);
      const committed = Math.max(...[...output.matchAll(/committed (\d+)/g)].map((m) => Number(m[1])));

      const store = await HistoryStore.openFile(file);
      try {
        const records = await store.read(0, Number.MAX_SAFE_INTEGER);
        // Every commit the writer reported is there (one more may have landed after its last line).
        expect(records.power.length).toBeGreaterThanOrEqual(committed);
        expect(records.power.length).toBeLessThanOrEqual(committed + 1);
        const last = records.power.length;
        expect(records.power.filter((row) => row.endedAt === null)).toHaveLength(1);
        expect(records.tasks.filter((row) => row.finishedAt === null)).toHaveLength(1);
        expect(records.tasks.length).toBe(last);
        // Reopened, it knows what is open: the same state again is no new interval.
        const open = records.power.at(-1)!;
        await store.recordTick({
          now: open.startedAt + 500,
          snapshot: {
            now: open.startedAt + 500,
            queue: { complete: false, tasks: [], runnersOnline: {}, upcoming: [], requests: 1 },
            power: new Map([['h1', { hostId: 'h1', state: open.state as 'on' | 'off', managed: true }]]),
            sessions: [],
            readiness: new Map(),
            outcomes: [],
            problems: [],
          },
          actions: [],
        });
        expect((await store.read(0, Number.MAX_SAFE_INTEGER)).power).toHaveLength(last);
      } finally {
        await store.close();
      }
    },
  );

  it('reads what overlaps a period, and prunes what ended before a time', async () => {
    const file = tempFile();
    const store = await HistoryStore.openFile(file);
    try {
      const tick = (now: number, state: 'on' | 'off', tasks: string[]) =>
        store.recordTick({
          now,
          snapshot: {
            now,
            queue: {
              complete: true,
              tasks: tasks.map((id) => ({
                id,
                state: 'busy',
                status: 'RUNNING',
                createdAt: now - 10,
                priority: 0,
              })),
              runnersOnline: {},
              upcoming: [],
              requests: 1,
            },
            power: new Map([['h1', { hostId: 'h1', state, managed: true }]]),
            sessions: [],
            readiness: new Map(),
            outcomes: [],
            problems: [],
          },
          actions: [],
        });
      await tick(100, 'on', ['a']);
      await tick(200, 'off', []);
      await tick(300, 'on', ['b']);
      await store.recordEvent({
        id: 1,
        at: 150,
        kind: 'host.ready',
        severity: 'info',
        message: 'h1 answers',
        hostId: 'h1',
      });
      const middle = await store.read(150, 250);
      expect(middle.power.map((row) => [row.state, row.startedAt, row.endedAt])).toEqual([
        ['on', 100, 200],
        ['off', 200, 300],
      ]);
      expect(middle.tasks.map((row) => [row.taskId, row.startedAt, row.finishedAt])).toEqual([
        ['a', 100, 200],
      ]);
      expect(middle.notes).toEqual([{ hostId: 'h1', at: 150, kind: 'ready', message: 'h1 answers' }]);
      await store.prune(250);
      const left = await store.read(0, 1_000);
      expect(left.power.map((row) => row.startedAt)).toEqual([200, 300]);
      expect(left.tasks.map((row) => row.taskId)).toEqual(['b']);
      expect(left.notes).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('gives the space of pruned rows back to the file system', { timeout: 60_000 }, async () => {
    const file = tempFile();
    const fill = await HistoryStore.openFile(file);
    for (let n = 1; n <= 50; n++)
      await fill.recordTick({
        now: n * 1_000,
        snapshot: {
          now: n * 1_000,
          queue: {
            complete: true,
            // 200 new tasks each tick, and the previous 200 finished.
            tasks: Array.from({ length: 200 }, (_, i) => ({
              id: `t${n}-${i}`,
              state: 'queued' as const,
              status: 'START',
              runnerId: `runner-with-a-longish-name-${i}`,
              createdAt: n * 1_000,
              priority: 0,
            })),
            runnersOnline: {},
            upcoming: [],
            requests: 1,
          },
          power: new Map(),
          sessions: [],
          readiness: new Map(),
          outcomes: [],
          problems: [],
        },
        actions: [],
      });
    await fill.close();
    const full = statSync(file).size;
    const prune = await HistoryStore.openFile(file);
    await prune.prune(Number.MAX_SAFE_INTEGER);
    await prune.close();
    expect(statSync(file).size).toBeLessThan(full / 2);
  });
});
