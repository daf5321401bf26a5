import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ticksPassed } from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { callsSince, fastPolicy, faultWorld, type FaultWorld } from './fault-world.js';

/**
 * The operator's Retry against the real service: a host given up on (its start refused) is not
 * started again by itself; `host retry <id>` at the CLI makes the running service forget the failure,
 * and the next tick starts it.
 */

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('Retry', () => {
  it('a failed host is started again only after `host retry`', { timeout: 150_000 }, async () => {
    const w = (world = await faultWorld('retry'));
    const instance = w.instanceId();
    w.ec2.world.addInstance({ id: instance, state: 'stopped', privateIp: '127.0.0.1' });
    w.ec2.world.fail('StartInstances', 'UnauthorizedOperation', Infinity);
    const runner = `runner-${w.id}`;
    w.writeConfig({
      policy: { ...fastPolicy, maxStartAttempts: 1 },
      hosts: [w.awsHost('host-r', instance)],
      runners: [{ id: runner, host: 'host-r', sessionMode: 'console' }],
    });
    w.botcity.createTask({ activityLabel: 'work', machineId: runner });
    const service = await w.start();
    await eventually(async () => (await service.api.getState()).hosts[0]?.failed, 'host-r failed');
    // One fact, one alert in the orchestrator (raised by the notification dispatcher), however many ticks pass.
    const failedAlerts = () => w.botcity.state.alerts.filter((a) => a.title === 'Host host-r failed');
    await eventually(() => failedAlerts().length === 1, 'the host.failed alert in the orchestrator');
    const ticks = (await service.api.getState()).ticks;
    await ticksPassed(service.api, ticks, 3);
    expect(failedAlerts()).toHaveLength(1);
    const refused = callsSince(w.ec2, 0, 'StartInstances', instance).length;
    w.ec2.world.clearFailures(); // the operator fixed the permission

    const run = await runCli(['host', 'retry', 'host-r'], { configPath: w.configPath });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Retried host-r/);
    await eventually(
      () => callsSince(w.ec2, 0, 'StartInstances', instance).length > refused,
      'host-r started again after the retry',
    );
    await eventually(async () => !(await service.api.getState()).hosts[0]?.failed, 'host-r no longer failed');
    const unknown = await runCli(['host', 'retry', 'nope'], { configPath: w.configPath });
    expect(unknown.code).toBe(2);
  });
});
