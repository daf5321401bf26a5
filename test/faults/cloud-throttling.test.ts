import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../helpers/service-process.js';
import { eventsAfter, ticksPassed } from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { callsSince, fastPolicy, faultWorld, type FaultWorld } from './fault-world.js';

/**
 * A throttling storm on StartInstances for one host, then capacity errors for another: each failed start
 * backs off (no start per tick, the describe rate stays one batched call per tick), the back-off shows in
 * /metrics and on the host, and both hosts start once the cloud answers again.
 */

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function metric(service: ServiceProcess, name: string): Promise<number> {
  const text = await (
    await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${service.token}` } })
  ).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}

const STORM_TICKS = 5;

describe('cloud throttling storms and capacity errors', () => {
  it(
    'back off with a bounded call rate, show it in metrics, and end with both hosts on',
    { timeout: 200_000 },
    async () => {
      const w = (world = await faultWorld('throttle'));
      const [a, b] = [w.instanceId(), w.instanceId()];
      w.ec2.world.transitionMs = 1_000;
      for (const id of [a, b]) w.ec2.world.addInstance({ id, state: 'stopped', privateIp: '127.0.0.1' });
      const [runnerA, runnerB] = [`ra-${w.id}`, `rb-${w.id}`];
      w.writeConfig({
        policy: { ...fastPolicy, idleGraceMinutes: 10 },
        hosts: [w.awsHost('host-a', a), w.awsHost('host-b', b)],
        runners: [
          { id: runnerA, host: 'host-a', sessionMode: 'console' },
          { id: runnerB, host: 'host-b', sessionMode: 'console' },
        ],
      });
      const service = await w.start();

      // Storm: every StartInstances is throttled, until cleared.
      w.ec2.world.fail('StartInstances', 'RequestLimitExceeded', Infinity);
      w.botcity.createTask({ activityLabel: 'work', machineId: runnerA });
      const failedA = await eventually(async () => {
        const events = await eventsAfter(service.api);
        return events.find((e) => e.kind === 'action.failed' && e.hostId === 'host-a');
      }, 'host-a start throttled');
      expect(failedA.message).toMatch(/RequestLimitExceeded/);
      const startsA = callsSince(w.ec2, 0, 'StartInstances', a).length;
      expect(startsA).toBeGreaterThanOrEqual(1);
      expect(startsA).toBeLessThanOrEqual(3); // the SDK's own attempts for one start, no more

      // The storm goes on: no start per tick, one batched describe per tick.
      const callsBefore = w.ec2.world.calls.length;
      const { ticks } = await service.api.getState();
      const stormy = await ticksPassed(service.api, ticks, STORM_TICKS);
      const during = w.ec2.world.calls.slice(callsBefore);
      expect(callsSince(w.ec2, 0, 'StartInstances', a)).toHaveLength(startsA);
      expect(during.length / (stormy.ticks - ticks)).toBeLessThanOrEqual(2);
      expect(await metric(service, 'session_manager_backoffs_total')).toBeGreaterThanOrEqual(1);
      expect(stormy.hosts.find((h) => h.id === 'host-a')?.reason).toMatch(/next try in/);

      // Capacity errors for the other host's first start.
      w.ec2.world.clearFailures();
      w.ec2.world.fail('StartInstances', 'InsufficientInstanceCapacity', Infinity);
      w.botcity.createTask({ activityLabel: 'work', machineId: runnerB });
      const failedB = await eventually(async () => {
        const events = await eventsAfter(service.api);
        return events.find((e) => e.kind === 'action.failed' && e.hostId === 'host-b');
      }, 'host-b start refused for capacity');
      expect(failedB.message).toMatch(/InsufficientInstanceCapacity/);
      w.ec2.world.clearFailures();
      expect(await metric(service, 'session_manager_backoffs_total')).toBeGreaterThanOrEqual(2);
      expect(callsSince(w.ec2, 0, 'StartInstances', a)).toHaveLength(startsA);

      // The back-off (1 min) ends and both hosts start: eventual success, with no start in between.
      await eventually(
        () => w.ec2.world.get(a)?.state === 'running' && w.ec2.world.get(b)?.state === 'running',
        'both hosts running',
        { timeoutMs: 150_000, everyMs: 250 },
      );
      const state = await eventually(async () => {
        const s = await service.api.getState();
        return s.hosts.every((h) => h.power === 'on') ? s : undefined;
      }, 'both hosts on in the state');
      expect(state.hosts.every((h) => !h.failed)).toBe(true);
    },
  );
});
