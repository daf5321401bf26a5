import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WhatIfReport } from '../../../src-main/history/whatif.js';
import {
  runCliProcess,
  startServiceProcess,
  ticksPassed,
  type ServiceProcess,
} from '../../helpers/service-process.js';
import { runTaskCycle, startWorld, type ServiceWorld } from './world.js';

const INSTANCE = 'i-0fa1000000000d061';
const RUNNER = 'whatif-runner';
/** How long each task runs, in the service's ticks (a 1 s poll). */
const TASK_TICKS = 15;

/**
 * `whatif` over a recorded run: the service against the fakes works two tasks (a host start, the
 * task, the idle grace, a stop, each time); the simulator's replay of the recorded tasks under the
 * current settings spends the same VM-hours within 10 %, and a shorter idle grace spends fewer.
 */
describe('whatif replays the recorded run', () => {
  let world: ServiceWorld;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    world = await startWorld('whatif', { transitionMs: 300 });
    await world.addInstances([INSTANCE]);
    world.writeConfig([{ id: 'whatif-01', instanceId: INSTANCE, runnerId: RUNNER }], {
      policy: {
        idleGraceMinutes: 0.25,
        minUptimeMinutes: 0,
        drainObservations: 2,
        bootTimeoutMinutes: 3,
        maxHostsOn: 10,
      },
    });
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await world?.stop();
  });

  it(
    'agrees with the recorded VM-hours within 10 % under the current settings',
    { timeout: 400_000 },
    async () => {
      service = await startServiceProcess({ configPath: world.configPath, env: world.env, entry: 'bundle' });
      await runTaskCycle(world, service.api, {
        runnerId: RUNNER,
        instanceId: INSTANCE,
        stopsBefore: 0,
        runTicks: TASK_TICKS,
      });
      // The next task comes well after the stop: neither the idle grace nor a restart would bridge it.
      await ticksPassed(service.api, (await service.api.getState()).ticks, 10);
      await runTaskCycle(world, service.api, {
        runnerId: RUNNER,
        instanceId: INSTANCE,
        stopsBefore: 1,
        runTicks: TASK_TICKS,
      });
      await ticksPassed(service.api, (await service.api.getState()).ticks, 2);

      const cli = await runCliProcess(['whatif', '--idle-grace', '0', '--json'], {
        configPath: world.configPath,
      });
      expect(cli.code, cli.stderr).toBe(0);
      const report = JSON.parse(cli.stdout) as WhatIfReport;
      const column = (name: string) => report.columns.find((c) => c.name === name)!;
      const recorded = column('recorded');
      const current = column('current');
      expect(recorded, JSON.stringify(report)).toMatchObject({ starts: 2, tasks: 2 });
      expect(current, JSON.stringify(report)).toMatchObject({ starts: 2, tasks: 2, interruptions: 0 });
      const gap = Math.abs(current.vmHours - recorded.vmHours) / recorded.vmHours;
      expect(gap, JSON.stringify(report)).toBeLessThanOrEqual(0.1);
      // No idle grace: each host stops as soon as it is drained, so less is spent.
      expect(column('proposed').vmHours).toBeLessThan(current.vmHours);
      expect(column('optimum').vmHours).toBeLessThanOrEqual(column('proposed').vmHours);
      expect(report.proposed).toEqual({ idleGraceMinutes: 0 });

      const text = await runCliProcess(['whatif', '--idle-grace', '0'], { configPath: world.configPath });
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/VM-hours\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+/);
      expect(text.stdout).toContain('recorded  current  proposed  optimum');
    },
  );
});
