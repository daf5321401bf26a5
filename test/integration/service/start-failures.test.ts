import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  control,
  spawnServiceProcess,
  stopChild,
  type SpawnedService,
} from '../../helpers/service-process.js';
import { startWorld, type ServiceWorld } from './world.js';

/**
 * A start that cannot succeed ends the process with an error and a non-zero code before the loop has
 * touched anything: no keychain (fail closed, exit 3), or an API port that is taken.
 */
describe('run local: a start that cannot succeed', () => {
  let world: ServiceWorld;
  const spawned: SpawnedService[] = [];

  beforeAll(async () => {
    world = await startWorld('start-failures');
    await world.addInstances(['i-0fa1000000000f001']);
    world.writeConfig([{ id: 'fail-01', instanceId: 'i-0fa1000000000f001', runnerId: 'fail-runner' }]);
    await world.queueTask('fail-runner'); // work that a running loop would act on
  }, 180_000);

  afterAll(async () => {
    await Promise.all(spawned.map((service) => stopChild(service.child, 'SIGKILL', 0)));
    await world?.stop();
  });

  /** Nothing reached the orchestrator or the cloud: the loop never ran. */
  async function nothingWasTouched(): Promise<void> {
    const requests = await control<{ total: number }>(world.botcity.url, '/__control/requests');
    expect(requests.total).toBe(0);
    expect(await world.ec2Calls()).toEqual([]);
  }

  it('without a keychain it refuses to start: exit 3, and it says why', { timeout: 150_000 }, async () => {
    const service = await spawnServiceProcess({
      configPath: world.configPath,
      // A session bus address where nothing listens: no Secret Service to reach. The service must see
      // that even though the keychain library may then answer a read with "no such entry".
      env: { ...world.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/session-manager-test-bus' },
    });
    spawned.push(service);
    expect(await service.exited).toEqual({ code: 3, signal: null });
    expect(service.output()).toContain('The OS keychain is not available');
    await nothingWasTouched();
  });

  it(
    'with its API port taken it exits with an error instead of running half-started',
    { timeout: 150_000 },
    async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        const service = await spawnServiceProcess({
          configPath: world.configPath,
          env: world.env,
          args: ['--port', String(port)],
        });
        spawned.push(service);
        expect(await service.exited).toEqual({ code: 1, signal: null });
        expect(service.output()).toContain('EADDRINUSE');
        await nothingWasTouched();
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
  );
});
