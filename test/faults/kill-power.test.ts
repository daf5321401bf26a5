import { afterEach, describe, expect, it } from 'vitest';
import { MANAGED_TAG } from '../../src-main/drivers/power/power-results.js';
import { eventsAfter, lastEventId, ticksPassed } from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { callsSince, fastPolicy, faultWorld, type FaultWorld } from './fault-world.js';

/**
 * kill -9 of the real service in the middle of a power-on and of a power-off, then a restart on the same
 * config: within two ticks the new process has taken the right decision (no second start, no forgotten
 * host), and the world ends as the demand says (on while wanted, stopped after the grace period when not).
 */

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function poweringOn(name: string) {
  const w = (world = await faultWorld(name));
  const instance = w.instanceId();
  w.ec2.world.transitionMs = 4_000; // pending lasts long enough to crash in it
  w.ec2.world.addInstance({ id: instance, state: 'stopped', privateIp: '127.0.0.1' });
  w.writeConfig({
    policy: fastPolicy,
    hosts: [w.awsHost('host-a', instance)],
    runners: [{ id: `runner-${w.id}`, host: 'host-a', sessionMode: 'console' }],
  });
  const first = await w.start();
  const task = w.botcity.createTask({ activityLabel: 'work', machineId: `runner-${w.id}` });
  // The power-on is under way once the start was accepted and the instance is booting: crash now.
  await eventually(
    () =>
      callsSince(w.ec2, 0, 'StartInstances', instance).length > 0 &&
      w.ec2.world.get(instance)?.state === 'pending',
    'StartInstances on the booting instance',
  );
  await first.kill();
  expect(w.ec2.world.get(instance)?.state).toBe('pending');
  return { w, instance, task, callsAtCrash: w.ec2.world.calls.length };
}

describe('kill -9 during a power-on', () => {
  it(
    'restarts without a second start while the demand stays, and the host comes up',
    { timeout: 150_000 },
    async () => {
      const { w, instance, callsAtCrash } = await poweringOn('kill-on');
      const second = await w.start();
      const state = await ticksPassed(second.api, 0, 2);
      const host = state.hosts.find((h) => h.id === 'host-a')!;
      expect(['starting', 'on']).toContain(host.power);
      expect(host.managed).toBe(true);
      expect(callsSince(w.ec2, callsAtCrash, 'StartInstances')).toEqual([]);
      // Later ticks do not start it again either, and it comes up.
      const on = await eventually(async () => {
        const s = await second.api.getState();
        return s.hosts.find((h) => h.id === 'host-a')?.power === 'on' ? s : undefined;
      }, 'host-a on');
      await ticksPassed(second.api, on.ticks, 2);
      expect(callsSince(w.ec2, callsAtCrash, 'StartInstances')).toEqual([]);
      expect(callsSince(w.ec2, callsAtCrash, 'StopInstances')).toEqual([]);
      expect(w.ec2.world.get(instance)?.state).toBe('running');
    },
  );

  it(
    'stops the managed host it left booting when the demand went away while it was down (no leak)',
    { timeout: 150_000 },
    async () => {
      const { w, instance, task, callsAtCrash } = await poweringOn('kill-leak');
      w.botcity.cancelTask(task.id);
      expect(w.ec2.world.get(instance)?.tags[MANAGED_TAG]).toBe('true');
      const second = await w.start();
      const state = await ticksPassed(second.api, 0, 2);
      expect(state.hosts.find((h) => h.id === 'host-a')?.managed).toBe(true);
      expect(callsSince(w.ec2, callsAtCrash, 'StartInstances')).toEqual([]);
      // The grace period is 3 s: the leaked host is then stopped, once.
      await eventually(() => w.ec2.world.get(instance)?.state === 'stopped', 'the leaked instance stopped');
      expect(callsSince(w.ec2, callsAtCrash, 'StopInstances', instance)).toHaveLength(1);
      const events = await eventsAfter(second.api);
      expect(events.some((e) => e.kind === 'host.stopping' && e.hostId === 'host-a')).toBe(true);
    },
  );
});

describe('kill -9 during a power-off', () => {
  it('restarts without starting the host again, and the stop completes', { timeout: 150_000 }, async () => {
    const w = (world = await faultWorld('kill-off'));
    const instance = w.instanceId();
    w.ec2.world.transitionMs = 4_000;
    w.ec2.world.addInstance({
      id: instance,
      state: 'running',
      privateIp: '127.0.0.1',
      tags: { [MANAGED_TAG]: 'true' },
    });
    w.writeConfig({
      policy: fastPolicy,
      hosts: [w.awsHost('host-b', instance)],
      runners: [{ id: `runner-${w.id}`, host: 'host-b', sessionMode: 'console' }],
    });
    const first = await w.start();
    // No demand: after the grace period the service stops the host. Crash while it is stopping.
    await eventually(
      () =>
        callsSince(w.ec2, 0, 'StopInstances', instance).length > 0 &&
        w.ec2.world.get(instance)?.state === 'stopping',
      'StopInstances on the instance',
    );
    await first.kill();
    const callsAtCrash = w.ec2.world.calls.length;
    const second = await w.start();
    const state = await ticksPassed(second.api, 0, 2);
    expect(['stopping', 'off']).toContain(state.hosts.find((h) => h.id === 'host-b')?.power);
    await eventually(() => w.ec2.world.get(instance)?.state === 'stopped', 'the instance stopped');
    const after = await second.api.getState();
    await ticksPassed(second.api, after.ticks, 2);
    expect(callsSince(w.ec2, callsAtCrash, 'StartInstances')).toEqual([]);
    expect((await second.api.getState()).hosts.find((h) => h.id === 'host-b')?.power).toBe('off');

    // And the restarted service still serves demand: a new task starts the host, once.
    const mark = await lastEventId(second.api);
    w.botcity.createTask({ activityLabel: 'work', machineId: `runner-${w.id}` });
    await eventually(
      () => w.ec2.world.get(instance)?.state === 'running' || w.ec2.world.get(instance)?.state === 'pending',
      'restart on demand',
    );
    expect(callsSince(w.ec2, callsAtCrash, 'StartInstances', instance)).toHaveLength(1);
    expect((await eventsAfter(second.api, mark)).some((e) => e.kind === 'host.starting')).toBe(true);
  });
});
