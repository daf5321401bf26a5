import type { BenchRow } from './bench-row.js';
import { PostgresLeaseBoard } from '../src-main/coordination/postgres-lease-board.js';
import type { SharedPart } from '../src-main/core/fleet-view.js';
import type { HostView, RunnerView, SessionView } from '../src-main/core/state.js';
import { startPostgres } from '../test/helpers/postgres.js';

/**
 * Several instances sharing a fleet through PostgreSQL (a throw-away Debian cluster): what a
 * heartbeat and the sharing of the fleet view cost with 300 hosts among 3 instances (time, and this
 * process's CPU per instance at the default rate), and how long the hosts of a killed instance take
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

/** What an instance holding these hosts shares: each host busy, with a runner and an open session. */
function partOf(instanceId: string, hostIds: readonly string[]): SharedPart {
  const at = Date.now();
  return {
    instanceId,
    hosts: hostIds.map((id): HostView => ({
      id,
      name: id,
      protocol: 'aws-ec2',
      address: '10.0.0.1',
      power: 'on',
      managed: true,
      stage: 'runner-online',
      bootStartedAt: at,
      bootLeadMs: 95_000,
      failed: false,
      maxSessions: 1,
      runners: [`r-${id}`],
    })),
    runners: hostIds.map((id): RunnerView => ({
      id: `r-${id}`,
      hostId: id,
      queued: 1,
      running: 1,
      online: true,
      sessionMode: 'rdp',
    })),
    sessions: hostIds.map((id): SessionView => ({
      key: `${id}/bot`,
      hostId: id,
      user: 'bot',
      state: 'open',
      since: at,
      connectedAt: at,
      reconnects: 0,
      width: 1280,
      height: 800,
      health: { state: 'ok', reason: 'the desktop is usable', since: at },
    })),
  };
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

    // Each heartbeat is followed by the share of the instance's part of the fleet view.
    const shareTimes: number[] = [];
    const cpuBefore = process.cpuUsage();
    const rounds = 30;
    for (let round = 0; round < rounds; round++)
      shareTimes.push(
        ...(await Promise.all(
          boards.map(async (board) => {
            const started = performance.now();
            await beat(board);
            await board.share(partOf(board.instanceId, [...held.get(board.instanceId)!]));
            return performance.now() - started;
          }),
        )),
      );
    const cpu = process.cpuUsage(cpuBefore);
    // CPU of one instance's heartbeat and share, as a share of a core at one of each per BEAT_MS.
    const cpuPerInstance = (cpu.user + cpu.system) / 1000 / (rounds * boards.length) / BEAT_MS;

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
        metric: 'heartbeat and fleet view shared, 100 busy hosts per instance, p50',
        value: percentile(shareTimes, 50),
        unit: 'ms',
        note: `n=${shareTimes.length}, three at once; each reads the other two's views`,
      },
      {
        area,
        metric: 'coordination CPU per instance',
        value: cpuPerInstance * 100,
        unit: '% of a core',
        note: `a heartbeat and a share every ${(BEAT_MS / 1000).toFixed(1)} s, 100 busy hosts each (this process's side; the database's apart)`,
      },
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
