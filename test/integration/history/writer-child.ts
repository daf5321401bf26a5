import type { Snapshot } from '../../../src-main/core/snapshot.js';
import { HistoryStore } from '../../../src-main/history/history-store.js';

/**
 * Writes ticks to a history file as fast as it can and prints `committed <n>` after each commit, until
 * it is killed: the parent kills it with SIGKILL and checks that everything it was told is there.
 * Tick n: host h1 alternates on/off, and task t<n> is seen queued (t<n-1> finished).
 */
const store = await HistoryStore.openFile(process.argv[2]!);
for (let n = 1; ; n++) {
  const now = 1_000_000 + n * 1_000;
  const snapshot: Snapshot = {
    now,
    queue: {
      complete: true,
      tasks: [{ id: `t${n}`, state: 'queued', status: 'START', runnerId: 'r1', createdAt: now, priority: 0 }],
      runnersOnline: {},
      upcoming: [],
      requests: 1,
    },
    power: new Map([['h1', { hostId: 'h1', state: n % 2 ? 'on' : 'off', managed: true }]]),
    sessions: [],
    readiness: new Map(),
    outcomes: [],
    problems: [],
  };
  await store.recordTick({ now, snapshot, actions: [] });
  process.stdout.write(`committed ${n}\n`);
}
