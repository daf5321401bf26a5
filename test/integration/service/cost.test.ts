import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostReport } from '../../../src-main/history/cost.js';
import { eventually } from '../../helpers/eventually.js';
import { runCliProcess, startServiceProcess, type ServiceProcess } from '../../helpers/service-process.js';
import { callsFor, runTaskCycle, startWorld, type ServiceWorld } from './world.js';

const INSTANCE = 'i-0fa1000000000c051';
const RUNNER = 'cost-runner';
const TRANSITION_MS = 300;
const POLL_MS = 1_000;

/**
 * The history and `cost` against the fake cloud's own record: a host started for a task, stopped when
 * idle, started again, stopped again. The VM-hours, starts and stops that `cost --json` reports match
 * the fake EC2's call log (billed from StartInstances until stopped) within one poll interval.
 */
describe('cost from the recorded history', () => {
  let world: ServiceWorld;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    world = await startWorld('cost', { transitionMs: TRANSITION_MS });
    await world.addInstances([INSTANCE]);
    world.writeConfig([{ id: 'cost-01', instanceId: INSTANCE, runnerId: RUNNER }]);
    // A price per hour of 3.6: a thousandth per second.
    const config = JSON.parse(readFileSync(world.configPath, 'utf8'));
    config.hosts[0].hourlyPrice = 3.6;
    config.history = { retentionDays: 90, currency: 'EUR' };
    writeFileSync(world.configPath, JSON.stringify(config, null, 2));
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await world?.stop();
  });

  it('matches the fake cloud within one poll interval', { timeout: 300_000 }, async () => {
    service = await startServiceProcess({ configPath: world.configPath, env: world.env, entry: 'bundle' });
    await runTaskCycle(world, service.api, { runnerId: RUNNER, instanceId: INSTANCE, stopsBefore: 0 });
    await runTaskCycle(world, service.api, { runnerId: RUNNER, instanceId: INSTANCE, stopsBefore: 1 });
    // One more tick sees the host off, so its last interval is closed.
    const after = (await service.api.getState()).ticks;
    await eventually(
      async () => ((await service!.api.getState()).ticks >= after + 2 ? true : undefined),
      'two ticks',
      30_000,
    );

    const calls = await world.ec2Calls();
    const starts = callsFor(calls, 'StartInstances', INSTANCE).filter((call) => !call.error);
    const stops = callsFor(calls, 'StopInstances', INSTANCE).filter((call) => !call.error);
    expect(starts).toHaveLength(2);
    expect(stops).toHaveLength(2);
    // The fake bills from the start call until the instance is stopped (the stop call + its transition).
    const billedSeconds = starts.reduce(
      (sum, start, i) => sum + (stops[i]!.at + TRANSITION_MS - start.at) / 1000,
      0,
    );

    const cli = await runCliProcess(['cost', '--json'], { configPath: world.configPath });
    expect(cli.code, cli.stderr).toBe(0);
    const report = JSON.parse(cli.stdout) as CostReport;
    const host = report.rows.find((row) => row.key === 'cost-01')!;
    expect(host).toMatchObject({ starts: 2, stops: 2, tasks: 2 });
    // Each of the two intervals is seen at most a poll (and a tick) late at either end.
    expect(Math.abs(host.vmHours * 3600 - billedSeconds)).toBeLessThanOrEqual((2 * POLL_MS) / 1000);
    expect(host.cost).toBeCloseTo(host.vmHours * 3.6, 2);
    expect(report.currency).toBe('EUR');
    expect(report.total.alwaysOnVmHours).toBeGreaterThan(host.vmHours);

    const byRunner = await runCliProcess(['cost', '--by', 'runner', '--csv'], {
      configPath: world.configPath,
    });
    expect(byRunner.code, byRunner.stderr).toBe(0);
    expect(byRunner.stdout.split('\n')[0]).toBe(
      'key,vmHours,cost,starts,stops,sessionHours,tasks,waitMeanSeconds,waitP95Seconds,alwaysOnVmHours,alwaysOnCost,currency',
    );
    expect(byRunner.stdout).toContain(`\n${RUNNER},${host.vmHours},`);
  });
});
