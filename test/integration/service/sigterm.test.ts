import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceProcess, type ServiceProcess } from '../../helpers/service-process.js';
import { eventually } from '../../helpers/eventually.js';
import { startHoldingProxy, type HoldingProxy } from './holding-proxy.js';
import { callsFor, startWorld, type ServiceWorld } from './world.js';

/**
 * SIGTERM while a StartInstances call is in flight (held by a proxy until the signal has arrived): the
 * process lets the call finish, reports it, exits 0 and powers nothing off; a restart picks up where it
 * left off without a second start and, once the work is done, stops the host.
 */

const INSTANCE = 'i-0516000000000a001';
const HOST = 'term-01';
const RUNNER = 'term-runner';

describe('run local: SIGTERM in the middle of an action', () => {
  let world: ServiceWorld;
  let proxy: HoldingProxy;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    world = await startWorld('sigterm');
    await world.addInstances([INSTANCE]);
    world.writeConfig([{ id: HOST, instanceId: INSTANCE, runnerId: RUNNER }]);
    proxy = await startHoldingProxy(world.ec2.url, (body) => body.includes('Action=StartInstances'));
  }, 180_000);

  /** Waits for `check`; on timeout the error shows the running service's state, events and output. */
  const until = <T>(check: () => Promise<T | false | undefined>, what: string, timeoutMs = 60_000) =>
    eventually(check, what, {
      timeoutMs,
      detail: async () => (service ? service.diagnose() : 'no service running'),
    });

  afterAll(async () => {
    await service?.stop();
    await proxy?.close();
    await world?.stop();
  });

  it(
    'finishes the in-flight start, exits cleanly without powering off, and a restart converges',
    { timeout: 240_000 },
    async () => {
      const first = await startServiceProcess({
        configPath: world.configPath,
        env: { AWS_ENDPOINT_URL_EC2: proxy.url },
      });
      service = first;
      await until(
        async () => (await first.api.getState()).orchestrator.status === 'ok',
        'the first observation',
      );
      const task = await world.queueTask(RUNNER);

      await proxy.held; // StartInstances has left the service and waits in the proxy
      const exit = first.stop('SIGTERM');
      await eventually(
        () => first.output().includes('SIGTERM: finishing in-flight actions'),
        'the service to take the signal',
      );
      proxy.release();
      expect(await exit).toEqual({ code: 0, signal: null });
      service = undefined;

      // The start went through whole (instance starting or running, tagged as ours); nothing was stopped.
      const calls = await world.ec2Calls();
      expect(callsFor(calls, 'StartInstances', INSTANCE)).toHaveLength(1);
      expect(calls.filter((call) => call.action === 'StopInstances')).toHaveLength(0);
      const instance = (await world.instances()).find((i) => i.id === INSTANCE);
      expect(['pending', 'running']).toContain(instance?.state);
      expect(instance?.tags['session-manager:managed']).toBeDefined();

      // Restart with the same history: the stop began while the start was in flight, and waited for it.
      const second = await startServiceProcess({
        configPath: world.configPath,
        dir: first.dir,
        env: world.env,
      });
      service = second;
      const history = await second.api.listEvents({ limit: 1000 });
      const started = history.findIndex((e) => e.kind === 'host.started' && e.hostId === HOST);
      const stopping = history.findIndex((e) => e.kind === 'service.stopping');
      expect(stopping).toBeGreaterThanOrEqual(0);
      expect(started).toBeGreaterThan(stopping);
      expect(history.some((e) => e.kind === 'action.failed' && e.hostId === HOST)).toBe(false);

      // It sees the host on and the task still queued: nothing to start again, nothing to stop yet.
      await until(async () => {
        const state = await second.api.getState();
        return (
          state.hosts.find((h) => h.id === HOST)?.power === 'on' &&
          state.runners.find((r) => r.id === RUNNER)?.queued === 1
        );
      }, 'the restarted service to see the host on with its queued task');

      await world.setOnline(RUNNER, true);
      await world.startTask(task.id, RUNNER);
      await until(
        async () => (await second.api.getState()).runners.find((r) => r.id === RUNNER)?.running === 1,
        'the task running',
      );
      await world.finishTask(task.id);

      await until(
        async () => callsFor(await world.ec2Calls(), 'StopInstances', INSTANCE).length > 0,
        'StopInstances after the work',
        90_000,
      );
      expect(callsFor(await world.ec2Calls(), 'StartInstances', INSTANCE)).toHaveLength(1);
      await until(
        async () => (await second.api.getState()).hosts.find((h) => h.id === HOST)?.power === 'off',
        'the host off',
      );
    },
  );
});
