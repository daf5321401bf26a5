import { afterEach, describe, expect, it } from 'vitest';
import { MANAGED_TAG } from '../../src-main/drivers/power/power-results.js';
import { eventsAfter, lastEventId, ticksPassed } from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { callsSince, fastPolicy, faultWorld, type FaultWorld } from './fault-world.js';
import { startOrchestratorProxy, type OrchestratorProxy } from './orchestrator-proxy.js';

/**
 * A task starts on a host in the instant between the tick's observation (which saw the runner idle,
 * so plan decided to power the host off) and the power-off itself: the reconciler's fresh look just
 * before the destructive action sees the task, and the power-off is cancelled.
 */

let world: FaultWorld | undefined;
let proxy: OrchestratorProxy | undefined;
afterEach(async () => {
  await world?.close();
  await proxy?.close();
  world = proxy = undefined;
});

interface Page {
  content?: Array<{ machineId?: string | null; state?: string }>;
}

describe('a task starts while its host’s power-off is being decided', () => {
  it('cancels the power-off', { timeout: 150_000 }, async () => {
    const w = (world = await faultWorld('race'));
    proxy = await startOrchestratorProxy(w.botcity.url);
    const instance = w.instanceId();
    w.ec2.world.transitionMs = 1_000;
    w.ec2.world.addInstance({
      id: instance,
      state: 'running',
      privateIp: '127.0.0.1',
      tags: { [MANAGED_TAG]: 'true' },
    });
    const runner = `runner-${w.id}`;
    w.writeConfig({
      orchestratorUrl: proxy.url,
      // No grace, no minimum uptime, one idle observation: the first idle tick decides the power-off.
      policy: { ...fastPolicy, idleGraceMinutes: 0 },
      hosts: [w.awsHost('host-r', instance)],
      runners: [{ id: runner, host: 'host-r', sessionMode: 'console' }],
    });
    const busy = w.botcity.createTask({ activityLabel: 'work', machineId: runner });
    w.botcity.startTask(busy.id, runner);
    const service = await w.start();
    await eventually(
      async () => (await service.api.getState()).runners.some((r) => r.running === 1),
      'runner busy',
    );
    const mark = await lastEventId(service.api);

    // The task ends. The first read of running tasks that shows the runner idle is answered as it is;
    // right after, before the service reads that answer, a new task starts on the runner.
    let late: { id: number } | undefined;
    const injected = proxy.once(
      ({ method, url }, body) =>
        method === 'GET' &&
        url.pathname === '/api/v2/task' &&
        url.searchParams.get('stateFilter') === 'RUNNING' &&
        !((JSON.parse(body) as Page).content ?? []).some((task) => task.machineId === runner),
      () => {
        late = w.botcity.createTask({ activityLabel: 'work', machineId: runner, state: 'RUNNING' });
      },
    );
    w.botcity.finishTask(busy.id);
    await injected;

    const canceled = await eventually(async () => {
      const events = await eventsAfter(service.api, mark);
      return events.find((e) => e.hostId === 'host-r' && /^Not stopping host-r/.test(e.message));
    }, 'the power-off cancelled');
    expect(canceled.message).toMatch(/running a task now/);
    const { ticks } = await service.api.getState();
    await ticksPassed(service.api, ticks, 2);
    expect(callsSince(w.ec2, 0, 'StopInstances')).toEqual([]);
    expect(w.ec2.world.get(instance)?.state).toBe('running');
    const events = await eventsAfter(service.api, mark);
    expect(events.filter((e) => e.kind === 'host.stopping')).toEqual([]);

    // Control: once that task ends too, the same config powers the host off at once.
    w.botcity.finishTask(late!.id);
    await eventually(
      () => callsSince(w.ec2, 0, 'StopInstances', instance).length === 1,
      'the power-off after all',
    );
  });
});
