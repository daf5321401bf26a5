import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ticksPassed } from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { callsSince, fastPolicy, faultWorld, type FaultWorld } from './fault-world.js';

/**
 * What plan learned survives kill -9: the memory is saved next to the config after each tick that
 * changed it, so a restarted service keeps a host's learned boot lead and a failed host's mark (it does
 * not start the failed host again behind the operator's back).
 */

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('kill -9 keeps the plan memory', () => {
  it(
    'keeps the learned boot lead and the failed mark across a crash and restart',
    { timeout: 150_000 },
    async () => {
      const w = (world = await faultWorld('kill-memory'));
      const booting = w.instanceId();
      const refusing = w.instanceId();
      w.ec2.world.transitionMs = 1_500;
      w.ec2.world.addInstance({ id: booting, state: 'stopped', privateIp: '127.0.0.1' });
      w.ec2.world.addInstance({ id: refusing, state: 'stopped', privateIp: '127.0.0.1' });
      // host-b's start is refused for a reason retrying cannot fix: it is given up on at once.
      w.ec2.world.fail('StartInstances', 'UnauthorizedOperation', Infinity);
      const runnerA = `runner-a-${w.id}`;
      const runnerB = `runner-b-${w.id}`;
      w.writeConfig({
        policy: { ...fastPolicy, maxStartAttempts: 1 },
        hosts: [w.awsHost('host-b', refusing)],
        runners: [{ id: runnerB, host: 'host-b', sessionMode: 'console' }],
      });
      w.botcity.createTask({ activityLabel: 'work', machineId: runnerB });
      const first = await w.start();
      await eventually(
        async () => (await first.api.getState()).hosts.find((h) => h.id === 'host-b')?.failed,
        'host-b failed',
      );

      // Now host-a boots; its runner shows life once the instance runs, which teaches its boot lead.
      w.ec2.world.clearFailures();
      w.writeConfig({
        policy: { ...fastPolicy, maxStartAttempts: 1 },
        hosts: [w.awsHost('host-b', refusing), w.awsHost('host-a', booting)],
        runners: [
          { id: runnerB, host: 'host-b', sessionMode: 'console' },
          { id: runnerA, host: 'host-a', sessionMode: 'console' },
        ],
      });
      const task = w.botcity.createTask({ activityLabel: 'work', machineId: runnerA });
      await eventually(() => w.ec2.world.get(booting)?.state === 'running', 'host-a running');
      w.botcity.startTask(task.id, runnerA);
      const learned = await eventually(async () => {
        const host = (await first.api.getState()).hosts.find((h) => h.id === 'host-a');
        return host?.bootLeadMs !== undefined ? host.bootLeadMs : undefined;
      }, 'host-a learned its boot lead');
      const memoryFile = path.join(path.dirname(w.configPath), 'plan-memory.json');
      // Saved after the tick that learned it (the state is published just before the save).
      await eventually(
        () =>
          existsSync(memoryFile) &&
          (JSON.parse(readFileSync(memoryFile, 'utf8')) as { hosts: Record<string, { bootLeadMs?: number }> })
            .hosts['host-a']?.bootLeadMs === learned,
        'the plan memory saved with the learned boot lead',
      );
      expect(statSync(memoryFile).mode & 0o777).toBe(0o600);

      await first.kill();
      const callsAtCrash = w.ec2.world.calls.length;
      const second = await w.start();
      const state = await ticksPassed(second.api, 0, 2);
      expect(state.hosts.find((h) => h.id === 'host-a')?.bootLeadMs).toBe(learned);
      expect(state.hosts.find((h) => h.id === 'host-b')?.failed).toBe(true);
      // The failed host's task is still queued, yet it is not started again until the operator retries.
      expect(callsSince(w.ec2, callsAtCrash, 'StartInstances', refusing)).toEqual([]);
    },
  );
});
