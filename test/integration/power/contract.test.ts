import { afterAll, beforeAll } from 'vitest';
import { hostSchema } from '../../../src-main/config/schema.js';
import { Ec2PowerDriver } from '../../../src-main/drivers/power/aws-ec2.js';
import { AzureVmPowerDriver } from '../../../src-main/drivers/power/azure-vm.js';
import { NonePowerDriver } from '../../../src-main/drivers/power/none.js';
import { describePowerDriverContract, type SeedState } from '../../contracts/power-driver.js';
import { AzureFakeServer } from '../../fakes/azure/server.js';
import { AzureWorld, type AzurePower } from '../../fakes/azure/world.js';
import { Ec2FakeServer } from '../../fakes/ec2/server.js';
import { Ec2World, ManualClock, type Ec2StateName } from '../../fakes/ec2/world.js';
import { InMemoryPowerDriver } from '../../fakes/in-memory-power.js';
import { ec2Host } from './helpers.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';

/** The one PowerDriver contract, run against EC2-on-fake, Azure-on-fake, `none` and the in-memory driver. */

const TENANT = '11111111-1111-1111-1111-111111111111';
const CLIENT = '22222222-2222-2222-2222-222222222222';
const SUB = '33333333-3333-3333-3333-333333333333';
const TRANSITION_MS = 60_000;

const secrets = new MemorySecrets();
let ec2: Ec2FakeServer;
let azure: AzureFakeServer;

beforeAll(async () => {
  ec2 = new Ec2FakeServer({ secretKeys: { AKIATESTKEY000000001: 'test-secret-value' } });
  process.env.AWS_ENDPOINT_URL_EC2 = await ec2.listen();
  azure = new AzureFakeServer({ clients: { [TENANT]: { [CLIENT]: 'contract-secret' } } });
  await azure.listen();
  await secrets.set('aws-secret:test', 'test-secret-value');
  await secrets.set('azure-secret:sm', 'contract-secret');
});

afterAll(async () => {
  await ec2.close();
  await azure.close();
});

const ec2States: Record<SeedState, Ec2StateName> = {
  on: 'running',
  off: 'stopped',
  starting: 'pending',
  stopping: 'stopping',
  gone: 'terminated',
};

describePowerDriverContract('aws-ec2 on the EC2 fake', { powered: true }, async () => {
  const clock = new ManualClock();
  const world = new Ec2World({ clock, transitionMs: TRANSITION_MS });
  Object.assign(ec2, { world });
  const driver = new Ec2PowerDriver({ secrets, maxAttempts: 1 });
  return {
    driver,
    teardown: () => driver.close(),
    world: {
      host: (n, extra) => ec2Host(n, {}, extra),
      seed: (host, state, managed) =>
        world.addInstance({
          id: host.aws!.instanceId,
          state: ec2States[state],
          tags: managed ? { 'session-manager:managed': 'true' } : {},
        }),
      settle: () => clock.advance(TRANSITION_MS),
      failNextStart: (kind) =>
        world.fail(
          'StartInstances',
          kind === 'throttled' ? 'RequestLimitExceeded' : 'InsufficientInstanceCapacity',
        ),
    },
  };
});

const azureStates: Record<Exclude<SeedState, 'gone'>, AzurePower> = {
  on: 'running',
  off: 'deallocated',
  starting: 'starting',
  stopping: 'deallocating',
};

describePowerDriverContract('azure-vm on the Azure fake', { powered: true }, async () => {
  const clock = new ManualClock();
  // Seeded transitions wait for settle(); operations the driver starts finish at once.
  const world = new AzureWorld({ clock, transitionMs: TRANSITION_MS, operationMs: 0 });
  Object.assign(azure, { world });
  const driver = new AzureVmPowerDriver({
    secrets,
    maxRetries: 0,
    pollIntervalMs: 5,
    operationTimeoutMs: 5_000,
  });
  return {
    driver,
    world: {
      host: (n, extra) =>
        hostSchema.parse({
          id: `vm-${n}`,
          address: '10.3.0.1',
          protocol: 'azure-vm',
          user: 'bot',
          password: `host-password:vm-${n}`,
          azure: {
            subscriptionId: SUB,
            resourceGroup: 'rpa',
            vmName: `bot-${n}`,
            auth: 'client-secret',
            tenantId: TENANT,
            clientId: CLIENT,
            clientSecret: 'azure-secret:sm',
            authorityHost: azure.url,
            armEndpoint: azure.url,
          },
          ...extra,
        }),
      seed: (host, state, managed) => {
        if (state === 'gone') return; // a deleted VM is simply not there
        world.addVm({
          subscriptionId: SUB,
          resourceGroup: 'rpa',
          name: host.azure!.vmName,
          power: azureStates[state],
          tags: managed ? { 'session-manager:managed': 'true' } : {},
        });
      },
      settle: () => clock.advance(TRANSITION_MS),
      failNextStart: (kind) =>
        kind === 'throttled'
          ? world.fail({ operation: '*', status: 429, code: 'TooManyRequests', retryAfterMs: 50 })
          : world.fail({
              operation: 'start',
              status: 0,
              code: 'AllocationFailed',
              message: 'Allocation failed.',
            }),
    },
  };
});

describePowerDriverContract('none (protocol rdp)', { powered: false }, async () => ({
  driver: new NonePowerDriver(),
  world: {
    host: (n, extra) =>
      hostSchema.parse({
        id: `rdp-${n}`,
        address: `rdp-${n}.example.com`,
        protocol: 'rdp',
        user: 'bot',
        password: `host-password:rdp-${n}`,
        ...extra,
      }),
    seed: () => undefined,
    settle: () => undefined,
    failNextStart: () => undefined,
  },
}));

describePowerDriverContract('in-memory (the reconciler tests use it)', { powered: true }, async () => {
  let now = 1_700_000_000_000;
  const driver = new InMemoryPowerDriver({
    now: () => now,
    bootDelayMs: TRANSITION_MS,
    stopDelayMs: TRANSITION_MS,
  });
  return {
    driver,
    world: {
      host: (n, extra) => ec2Host(n, {}, extra),
      seed: (host, state, managed) => driver.seed(host.id, state, managed),
      settle: () => {
        now += 2 * TRANSITION_MS;
      },
      failNextStart: (kind) =>
        driver.failNext('start', { error: kind, message: `injected ${kind}`, retryAfterMs: 1_000 }),
    },
  };
});
