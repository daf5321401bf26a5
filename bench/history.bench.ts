import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ObservedTask } from '../src-main/core/orchestrator.js';
import type { HostPower } from '../src-main/core/power-driver.js';
import type { SessionStatus } from '../src-main/core/session-driver.js';
import type { Snapshot } from '../src-main/core/snapshot.js';
import { costReport } from '../src-main/history/cost.js';
import { HistoryStore } from '../src-main/history/history-store.js';
import { percentile } from '../src-main/sim/stats.js';
import type { BenchRow } from './bench-row.js';
import { seededRandom } from './seeded-random.js';

/**
 * The history at 1,000 hosts over a simulated month (30 days): each host works 4 one-hour blocks a
 * day at seeded times (start, on with its session and 4 tasks of 15 min back to back, stop), and
 * the service records a tick every 5 minutes of simulated time. The changes per day are what a 15 s
 * poll would record (a change is written once, whatever the tick rate); the ticks are fewer so the
 * month fits the bench's budget. Reports the file's size, the rows, and the time a tick's write takes.
 */

const HOSTS = 1_000;
const DAYS = Number(process.env.HISTORY_BENCH_DAYS ?? 30);
const TICK_MS = 5 * 60_000;
const BLOCKS_PER_DAY = 4;
const BLOCK_MS = 60 * 60_000;
const TASK_MS = 15 * 60_000;
const DAY_MS = 24 * 3_600_000;
const START = Date.UTC(2026, 10, 1);

/** Each host's work blocks (start times, ms), sorted, not overlapping. */
function workBlocks(): number[][] {
  const next = seededRandom(42);
  return Array.from({ length: HOSTS }, () => {
    const blocks: number[] = [];
    for (let day = 0; day < DAYS; day++)
      for (let b = 0; b < BLOCKS_PER_DAY; b++) {
        // One block in each 6-hour quarter of the day, aligned to the tick.
        const offset = Math.floor((next() * (6 * 3_600_000 - BLOCK_MS - 2 * TICK_MS)) / TICK_MS) * TICK_MS;
        blocks.push(START + day * DAY_MS + b * 6 * 3_600_000 + TICK_MS + offset);
      }
    return blocks;
  });
}

function snapshotAt(now: number, blocks: number[][]): Snapshot {
  const power = new Map<string, HostPower>();
  const sessions: SessionStatus[] = [];
  const tasks: ObservedTask[] = [];
  blocks.forEach((starts, index) => {
    const hostId = `h${index}`;
    // The block this tick falls in or just after (binary search is not needed: 120 blocks).
    const start = starts.findLast((at) => at <= now);
    let state: HostPower['state'] = 'off';
    if (start !== undefined) {
      const into = now - start;
      if (into === 0) state = 'starting';
      else if (into < BLOCK_MS) state = 'on';
      else if (into === BLOCK_MS) state = 'stopping';
      if (state === 'on') {
        sessions.push({
          key: `${hostId}/bot`,
          hostId,
          user: 'bot',
          state: 'open',
          since: start,
          reconnects: 0,
          width: 1920,
          height: 1080,
        });
        const n = Math.floor(into / TASK_MS);
        tasks.push({
          id: `${hostId}-${start}-${n}`,
          state: 'busy',
          status: 'RUNNING',
          runnerId: `r${index}`,
          activity: `automation-${index % 20}`,
          createdAt: start + n * TASK_MS - 60_000,
          startedAt: start + n * TASK_MS,
          priority: 5,
        });
      }
    }
    power.set(hostId, { hostId, state, managed: true });
  });
  return {
    now,
    queue: { complete: true, tasks, runnersOnline: {}, upcoming: [], requests: 1 },
    power,
    sessions,
    readiness: new Map(),
    outcomes: [],
    problems: [],
  };
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sm-history-bench-'));
  const file = path.join(dir, 'history.sqlite');
  const blocks = workBlocks();
  const store = await HistoryStore.openFile(file);
  const writeMs: number[] = [];
  const started = performance.now();
  try {
    for (let now = START; now < START + DAYS * DAY_MS; now += TICK_MS) {
      const snapshot = snapshotAt(now, blocks);
      const before = performance.now();
      await store.recordTick({ now, snapshot, actions: [] });
      writeMs.push(performance.now() - before);
    }
    // What the monthly budget and `cost` do: read the month and total it.
    const readStarted = performance.now();
    const records = await store.read(START, START + DAYS * DAY_MS);
    const hosts = blocks.map((_, index) => ({ id: `h${index}`, hourlyPrice: 0.4, runners: [`r${index}`] }));
    costReport(records, hosts, { from: START, to: START + DAYS * DAY_MS, by: 'host', currency: 'USD' });
    const monthReportMs = performance.now() - readStarted;
    await store.close();
    const bytes = readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
    const rows = records.power.length + records.sessions.length + records.tasks.length + records.notes.length;
    const note = `${HOSTS} hosts, ${DAYS} days, ${BLOCKS_PER_DAY} work blocks a host a day, a tick every 5 min`;
    return [
      {
        area: 'history',
        metric: 'file size after a month, 1,000 hosts',
        value: Math.round(bytes / 1e6),
        unit: 'MB',
        note,
      },
      {
        area: 'history',
        metric: 'rows after a month, 1,000 hosts',
        value: rows,
        unit: 'rows',
        note: `${records.power.length} power intervals, ${records.sessions.length} sessions, ${records.tasks.length} tasks`,
      },
      {
        area: 'history',
        metric: 'rows written per day, 1,000 hosts',
        value: Math.round(rows / DAYS),
        unit: 'rows',
        note: 'each change written once',
      },
      {
        area: 'history',
        metric: 'tick write p50, 1,000 hosts',
        value: Number(percentile(writeMs, 50).toFixed(2)),
        unit: 'ms',
        note: 'one transaction, synced to disk (WAL, synchronous=FULL)',
      },
      {
        area: 'history',
        metric: "a month's cost report, 1,000 hosts",
        value: Math.round(monthReportMs),
        unit: 'ms',
        note: 'read the month and total it, as cost, the Cost page and the monthly budget (once a minute) do',
      },
      {
        area: 'history',
        metric: 'tick write p95, 1,000 hosts',
        value: Number(percentile(writeMs, 95).toFixed(2)),
        unit: 'ms',
        note: `${writeMs.length} ticks in ${((performance.now() - started) / 1000).toFixed(0)} s`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
