import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/seeded-random.js';
import { eventually } from '../helpers/eventually.js';
import { startPostgres, type Postgres } from '../helpers/postgres.js';
import type { ServiceProcess } from '../helpers/service-process.js';
import { fastPolicy, faultWorld, type FaultWorld } from './fault-world.js';
import { serviceStarter, startsAndDuplicates, watchCap } from './shared-fleet-watch.js';

/**
 * Three real service processes share 100 cloud hosts through a real PostgreSQL, against the fake
 * BotCity and the fake EC2, until 1,000 start/stop cycles are made, with an instance killed (kill -9)
 * and a new one started every 10 s: no instance started twice without a stop between, never more on
 * than the cap, every host stopped once the work ends.
 */

const POLL_SECONDS = 1;
const LEASE_SECONDS = 3;
const HOSTS = 100;
const CAP = 75;
const CYCLES = 1_000;

let pg: Postgres;
let world: FaultWorld;
const running: ServiceProcess[] = [];
beforeAll(async () => {
  pg = await startPostgres();
  world = await faultWorld('cycles');
});
afterAll(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop().catch(() => undefined)));
  await world?.close();
  await pg?.destroy();
});

describe('three service processes making 1,000 start/stop cycles', { timeout: 420_000 }, () => {
  it('never start an instance twice nor pass the cap, with instances killed and started', async () => {
    const w = world;
    const ref = `coordination-password:${w.id}`;
    await w.storeSecret(ref, pg.password);
    w.ec2.world.transitionMs = 100;
    const hostIds = Array.from({ length: HOSTS }, (_, i) => `cloud-${String(i + 1).padStart(3, '0')}`);
    const instances = new Map(hostIds.map((id) => [id, w.instanceId()]));
    for (const instance of instances.values())
      w.ec2.world.addInstance({ id: instance, state: 'stopped', privateIp: '127.0.0.1' });
    w.writeConfig({
      pollSeconds: POLL_SECONDS,
      policy: { ...fastPolicy, idleGraceMinutes: 0, maxHostsOn: CAP },
      hosts: hostIds.map((id) => w.awsHost(id, instances.get(id)!)),
      runners: hostIds.map((id) => ({ id: `r-${id}`, host: id, sessionMode: 'console' as const })),
      coordination: { postgres: { url: pg.url, password: ref }, leaseSeconds: LEASE_SECONDS },
    });
    const start = serviceStarter(w, running);
    const services = await Promise.all([start(), start(), start()]);

    // The cap, watched all along from the cloud's side.
    const cap = watchCap(w, [...instances.values()], CAP);
    const calls = (action: string) => w.ec2.world.calls.filter((call) => call.action === action);

    try {
      // Each host: a task for 1.5–3 s, then no work for 2.5–5 s (long enough to be stopped), again.
      const random = seededRandom(11);
      const open = new Map<string, { taskId: number; until: number }>();
      const idleUntil = new Map<string, number>();
      const deadline = Date.now() + 300_000;
      let nextKill = Date.now() + 10_000;
      while (calls('StopInstances').length < CYCLES && Date.now() < deadline) {
        const now = Date.now();
        for (const hostId of hostIds) {
          const task = open.get(hostId);
          if (task && now >= task.until) {
            w.botcity.finishTask(task.taskId);
            open.delete(hostId);
            idleUntil.set(hostId, now + 2_500 + random() * 2_500);
          } else if (!task && now >= (idleUntil.get(hostId) ?? 0)) {
            const made = w.botcity.createTask({ activityLabel: 'work', machineId: `r-${hostId}` });
            open.set(hostId, { taskId: made.id, until: now + 1_500 + random() * 1_500 });
          }
        }
        if (now >= nextKill) {
          const victim = services.splice(Math.floor(random() * services.length), 1)[0]!;
          await victim.kill();
          services.push(await start());
          nextKill = Date.now() + 10_000;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      for (const task of open.values()) w.botcity.finishTask(task.taskId);
      expect(calls('StopInstances').length).toBeGreaterThanOrEqual(CYCLES);

      // The work is over: every host stopped by whoever holds it.
      await eventually(
        () => [...instances.values()].every((id) => w.ec2.world.get(id)?.state === 'stopped'),
        'every cloud host stopped',
        60_000,
      );
    } finally {
      cap.stop();
    }

    // Never two starts of one instance without a stop between them.
    const { starts, duplicates } = startsAndDuplicates(w, [...instances.values()]);
    expect(starts).toBeGreaterThanOrEqual(CYCLES);
    expect(duplicates).toBe(0);
    expect(cap.overCap()).toBe(0);
  });
});
