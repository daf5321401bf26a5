import { afterEach, describe, expect, it } from 'vitest';
import { MANAGED_TAG } from '../../src-main/drivers/power/power-results.js';
import { ticksPassed } from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { callsSince, fastPolicy, faultWorld, type FaultWorld } from './fault-world.js';

/**
 * A task that runs past its automation's time limit moves to TIMEOUT in Maestro, and its bot may
 * still be running: the real service keeps its host on (and says why) for as long as it stays there,
 * and stops the host once the task is finished.
 */

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('a task in TIMEOUT', () => {
  it(
    'keeps its host on while it stays there, and the host stops once it finishes',
    { timeout: 150_000 },
    async () => {
      const w = (world = await faultWorld('timeout'));
      const instance = w.instanceId();
      w.ec2.world.addInstance({
        id: instance,
        state: 'running',
        privateIp: '127.0.0.1',
        tags: { [MANAGED_TAG]: 'true' },
      });
      const runner = `runner-${w.id}`;
      w.writeConfig({
        policy: fastPolicy,
        hosts: [w.awsHost('host-t', instance)],
        runners: [{ id: runner, host: 'host-t', sessionMode: 'console' }],
      });
      const task = w.botcity.createTask({ activityLabel: 'work', machineId: runner });
      w.botcity.startTask(task.id);
      w.botcity.setTaskState(task.id, 'TIMEOUT');
      const service = await w.start();
      // Many times the grace period (3 s) and the drain: still on, with the reason.
      const state = await ticksPassed(service.api, 0, 8);
      expect(callsSince(w.ec2, 0, 'StopInstances')).toEqual([]);
      expect(state.hosts.find((h) => h.id === 'host-t')?.reason).toMatch(
        new RegExp(`^runner ${runner} has a task in TIMEOUT for .*: its bot may still be running$`),
      );
      w.botcity.finishTask(task.id, 'FAILED');
      await eventually(() => callsSince(w.ec2, 0, 'StopInstances', instance).length > 0, 'the host stopped');
    },
  );
});
