import type { BenchRow } from './bench-row.js';
import { PostgresLeaseBoard } from '../src-main/coordination/postgres-lease-board.js';
import { startPostgres } from '../test/helpers/postgres.js';

/**
 * Several instances sharing a fleet through PostgreSQL (a throw-away Debian cluster): what a
 * heartbeat costs with 300 hosts among 3 instances, and how long the hosts of a killed instance take
 * to be held by the others with the default lease (10 s, a heartbeat every 3.3 s).
 */
const area = 'scale-out';
const HOSTS = Array.from({ length: 300 }, (_, i) => `bot-${String(i + 1).padStart(3, '0')}`);
const LEASE_MS = 10_000;
const BEAT_MS = Math.floor(LEASE_MS / 3);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(): Promise<BenchRow[]> {
  const pg = await startPostgres();
  const boards = ['a', 'b', 'c'].map(
    (id) => new PostgresLeaseBoard({ url: pg.url, password: pg.password, instanceId: id, ttlMs: LEASE_MS }),
  );
  const held = new Map<string, ReadonlySet<string>>();
  const beat = async (board: PostgresLeaseBoard) => {
    const started = performance.now();
    const holding = await board.beat({
      hostIds: HOSTS,
      idleHostIds: held.get(board.instanceId) ?? new Set(),
      sessions: 0,
      onHostIds: new Set(),
    });
    held.set(board.instanceId, holding.hosts);
    return performance.now() - started;
  };
  try {
    for (let round = 0; round < 5; round++) await Promise.all(boards.map(beat));
    const shares = boards.map((board) => held.get(board.instanceId)!.size);
    const times: number[] = [];
    for (let round = 0; round < 30; round++) times.push(...(await Promise.all(boards.map(beat))));

    // Instance a is killed: b and c go on beating every BEAT_MS until they hold every host.
    const [, b, c] = boards;
    const killedAt = performance.now();
    let takenMs = Number.NaN;
    while (performance.now() - killedAt < LEASE_MS * 3) {
      await Promise.all([b!, c!].map(beat));
      if (held.get('b')!.size + held.get('c')!.size === HOSTS.length) {
        takenMs = performance.now() - killedAt;
        break;
      }
      await sleep(BEAT_MS);
    }
    return [
      {
        area,
        metric: 'heartbeat, 300 hosts among 3 instances, p50',
        value: percentile(times, 50),
        unit: 'ms',
        note: `n=${times.length}, three at once; shares ${shares.join(' / ')}`,
      },
      { area, metric: 'heartbeat p95', value: percentile(times, 95), unit: 'ms', note: `n=${times.length}` },
      {
        area,
        metric: "a killed instance's 100 hosts held by the others",
        value: takenMs / 1000,
        unit: 's',
        note: `lease ${LEASE_MS / 1000} s, a heartbeat every ${(BEAT_MS / 1000).toFixed(1)} s; its sessions open at the next tick after`,
      },
    ];
  } finally {
    await Promise.all(boards.map((board) => board.close()));
    await pg.destroy();
  }
}
