import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Coordinator } from '../../../src-main/coordination/coordinator.js';
import { PostgresLeaseBoard } from '../../../src-main/coordination/postgres-lease-board.js';
import { EventLog } from '../../../src-main/core/event-log.js';
import type { HostConfig } from '../../../src-main/config/schema.js';
import { Reconciler } from '../../../src-main/core/reconciler.js';
import { eventually } from '../../helpers/eventually.js';
import { startPostgres, type Postgres } from '../../helpers/postgres.js';
import { InMemoryPowerDriver } from '../../fakes/in-memory-power.js';
import { InMemorySessionDriver } from '../../fakes/in-memory-sessions.js';
import { seededRandom } from '../../../bench/seeded-random.js';
import { FakeOrchestrator, probeFrom } from '../../unit/core/loop-fakes.js';
import { host, makeConfig, runner, task } from '../../unit/core/world.js';

/**
 * Three instances share one fleet through a real PostgreSQL, against one cloud and one orchestrator:
 * work comes and goes, instances are killed (their leases left to run out) and new ones started.
 * No host is ever started twice, the budget cap is never passed, and once the work ends every host
 * is off.
 */
let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.destroy();
});

const HOSTS = Array.from({ length: 30 }, (_, i) => `bot-${String(i + 1).padStart(2, '0')}`);
const CAP = 20;
/** Start/stop cycles the run makes before the work ends (1,000 across processes: test/faults). */
const CYCLES = 300;
const config = makeConfig({
  hosts: HOSTS.map((id) => host(id)),
  runners: HOSTS.map((id, i) => runner(`r${i + 1}`, id)),
  policy: { idleGraceMinutes: 0, minUptimeMinutes: 0, maxHostsOn: CAP },
});

interface Instance {
  name: string;
  reconciler: Reconciler;
  coordinator: Coordinator;
}

describe('instances sharing a fleet through PostgreSQL', { timeout: 300_000 }, () => {
  it('300 start/stop cycles: no duplicate start, the cap never passed, every host off at the end, with instances killed and restarted', async () => {
    const power = new InMemoryPowerDriver({ now: Date.now, bootDelayMs: 50, stopDelayMs: 50 });
    for (const id of HOSTS) power.seed(id, 'off');
    let duplicateStarts = 0;
    let starts = 0;
    let overCap = 0;
    // A start takes the cloud a moment to take in (as StartInstances does): a second start of the
    // same host meanwhile, or of a host already on, is a duplicate.
    const start = power.start.bind(power);
    const starting = new Set<string>();
    power.start = async (target: HostConfig) => {
      const before = power.stateOf(target.id);
      if (starting.has(target.id) || before === 'on' || before === 'starting') duplicateStarts++;
      starts++;
      starting.add(target.id);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const result = await start(target).finally(() => starting.delete(target.id));
      const on = HOSTS.filter((id) => ['on', 'starting'].includes(power.stateOf(id))).length;
      if (on > CAP) overCap++;
      return result;
    };
    const orchestrator = new FakeOrchestrator();
    for (let i = 1; i <= HOSTS.length; i++) orchestrator.online[`r${i}`] = true;

    let made = 0;
    const launch = async (): Promise<Instance> => {
      const name = `instance-${++made}`;
      const board = new PostgresLeaseBoard({
        url: pg.url,
        password: pg.password,
        instanceId: name,
        ttlMs: 1_200,
      });
      const sessions = new InMemorySessionDriver(Date.now);
      // The coordinator calls the reconciler made after it: a late-bound reference.
      const late: { reconciler?: Reconciler } = {};
      const coordinator: Coordinator = new Coordinator({
        board,
        beatEveryMs: 400,
        cap: () => CAP,
        input: () => {
          const held = coordinator.hosts();
          const wanted = new Set(orchestrator.tasks.map((t) => HOSTS[Number(t.runnerId!.slice(1)) - 1]));
          return {
            hostIds: HOSTS,
            idleHostIds: new Set([...held].filter((id) => !wanted.has(id) && power.stateOf(id) === 'off')),
            sessions: sessions.list().length,
            onHostIds: new Set([...held].filter((id) => power.stateOf(id) !== 'off')),
          };
        },
        onGained: () => void late.reconciler?.tickNow(),
      });
      await coordinator.start();
      const reconciler = new Reconciler({
        config,
        orchestrator,
        powerDrivers: [power],
        sessions,
        readiness: probeFrom(power),
        events: await EventLog.open(),
        scope: coordinator,
        intervalMs: 50,
      });
      late.reconciler = reconciler;
      reconciler.start();
      return { name, reconciler, coordinator };
    };
    const kill = async (instance: Instance) => {
      await instance.reconciler.stop();
      await instance.coordinator.stop({ release: false });
    };

    const instances = [await launch(), await launch(), await launch()];
    const random = seededRandom(23);
    const cycles = () => power.calls.filter((call) => call.op === 'stop').length;
    const until = Date.now() + 200_000;
    let round = 0;
    while (cycles() < CYCLES && Date.now() < until) {
      round++;
      // Work comes and goes: each runner in turn may get a task, or its task may end.
      for (let i = 1; i <= HOSTS.length; i++) {
        if (random() > 0.15) continue;
        const runnerId = `r${i}`;
        const has = orchestrator.tasks.some((t) => t.runnerId === runnerId);
        orchestrator.tasks = has
          ? orchestrator.tasks.filter((t) => t.runnerId !== runnerId)
          : [...orchestrator.tasks, task({ runnerId, createdAt: Date.now() })];
      }
      // Every 3 s an instance is killed (its leases left to run out) and a new one started.
      if (round % 60 === 0) {
        const victim = instances.splice(Math.floor(random() * instances.length), 1)[0]!;
        await kill(victim);
        instances.push(await launch());
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(cycles()).toBeGreaterThanOrEqual(CYCLES);
    // The work ends: every host is stopped by whoever holds it.
    orchestrator.tasks = [];
    await eventually(() => HOSTS.every((id) => power.stateOf(id) === 'off'), 'every host off', 30_000);
    // Any instance shows the whole fleet, each host once, as its holder last saw it.
    await eventually(
      () =>
        instances.every((instance) => {
          const shown = instance.reconciler.state().hosts;
          return shown.map((h) => h.id).join() === HOSTS.join() && shown.every((h) => h.power === 'off');
        }),
      'every instance showing every host, off',
    );
    await Promise.all(instances.map((instance) => kill(instance)));

    expect(starts).toBeGreaterThanOrEqual(CYCLES);
    expect(duplicateStarts).toBe(0);
    expect(overCap).toBe(0);
  });
});
