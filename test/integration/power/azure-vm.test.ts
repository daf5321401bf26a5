import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { hostSchema, type HostConfig } from '../../../src-main/config/schema.js';
import { AzureVmPowerDriver } from '../../../src-main/drivers/power/azure-vm.js';
import { AzureFakeServer } from '../../fakes/azure/server.js';
import { AzureWorld } from '../../fakes/azure/world.js';
import { ManualClock } from '../../fakes/ec2/world.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';

/**
 * The Azure driver through @azure/identity and @azure/arm-compute against the HTTPS fake, reached
 * only through authorityHost and the ARM endpoint; its certificate is trusted via NODE_EXTRA_CA_CERTS.
 */

const TENANT = '11111111-1111-1111-1111-111111111111';
const CLIENT = '22222222-2222-2222-2222-222222222222';
const SUB = '33333333-3333-3333-3333-333333333333';
const SUB2 = '44444444-4444-4444-4444-444444444444';

const clock = new ManualClock();
let server: AzureFakeServer;
let world: AzureWorld;
let driver: AzureVmPowerDriver;
const secrets = new MemorySecrets();

function azureHost(
  n: number,
  azure: Partial<NonNullable<HostConfig['azure']>> = {},
  extra: Partial<HostConfig> = {},
) {
  return hostSchema.parse({
    id: `vm-${n}`,
    address: `10.2.0.${n % 250}`,
    protocol: 'azure-vm',
    user: 'bot',
    password: `host-password:vm-${n}`,
    azure: {
      subscriptionId: SUB,
      resourceGroup: 'rpa-bots',
      vmName: `bot-${n}`,
      auth: 'client-secret',
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: 'azure-secret:sm',
      authorityHost: server.url,
      armEndpoint: server.url,
      ...azure,
    },
    ...extra,
  });
}

function addVm(
  n: number,
  power: Parameters<AzureWorld['addVm']>[0]['power'],
  tags: Record<string, string> = {},
) {
  return world.addVm({ subscriptionId: SUB, resourceGroup: 'rpa-bots', name: `bot-${n}`, power, tags });
}

beforeAll(async () => {
  server = new AzureFakeServer({ clients: { [TENANT]: { [CLIENT]: 'client-secret-value' } } });
  await server.listen();
  await secrets.set('azure-secret:sm', 'client-secret-value');
});

afterAll(() => server.close());

beforeEach(() => {
  world = new AzureWorld({ clock, transitionMs: 30_000 });
  Object.assign(server, { world });
  driver = new AzureVmPowerDriver({ secrets, maxRetries: 1, pollIntervalMs: 10, operationTimeoutMs: 5_000 });
});

afterEach(() => {
  server.lroRetryAfterSeconds = undefined;
});

describe('Azure VM driver', () => {
  it('observes 1,500 VMs of a subscription in one status list and one tag list per page', async () => {
    for (let n = 1; n <= 1500; n++)
      addVm(
        n,
        n % 3 === 0 ? 'running' : 'deallocated',
        n % 3 === 0 ? { 'session-manager:managed': 'true' } : {},
      );
    const hosts = Array.from({ length: 1500 }, (_, index) => azureHost(index + 1));
    const observation = await driver.observe(hosts);
    expect(observation.problems).toEqual([]);
    expect(observation.calls).toBe(4);
    expect(world.callCount('listAll')).toBe(2);
    expect(world.callCount('list')).toBe(2);
    expect(observation.hosts.get('vm-3')).toMatchObject({
      state: 'on',
      managed: true,
      detail: 'PowerState/running',
    });
    expect(observation.hosts.get('vm-1')).toMatchObject({ state: 'off', managed: false });
  });

  it('takes the tenant as its domain name as well as its GUID', async () => {
    const domain = 'contoso.onmicrosoft.com';
    server.addClient(domain, CLIENT, 'client-secret-value');
    addVm(7, 'running');
    const observation = await driver.observe([azureHost(7, { tenantId: domain })]);
    expect(observation.problems).toEqual([]);
    expect(observation.hosts.get('vm-7')).toMatchObject({ state: 'on' });
    expect(() => azureHost(8, { tenantId: 'not a tenant' })).toThrow(/a tenant id .* or its domain/);
  });

  it('maps every power state, says a stopped VM is still billed, and a missing VM is gone', async () => {
    const powers = ['starting', 'running', 'stopping', 'stopped', 'deallocating', 'deallocated'] as const;
    powers.forEach((power, index) => addVm(index + 1, power));
    const hosts = [...powers.map((_, index) => azureHost(index + 1)), azureHost(99)];
    const observation = await driver.observe(hosts);
    expect(hosts.map((host) => observation.hosts.get(host.id)?.state)).toEqual([
      'starting',
      'on',
      'stopping',
      'off',
      'stopping',
      'off',
      'gone',
    ]);
    expect(observation.hosts.get('vm-4')?.detail).toMatch(/still billed/);
  });

  it('falls back to one read per VM when the role cannot list the subscription, and says so', async () => {
    addVm(1, 'running', { 'session-manager:managed': 'true' });
    addVm(2, 'deallocated');
    world.denySubscriptionList = true;
    const observation = await driver.observe([azureHost(1), azureHost(2)]);
    expect(observation.hosts.get('vm-1')).toMatchObject({ state: 'on', managed: true });
    expect(observation.hosts.get('vm-2')).toMatchObject({ state: 'off', managed: false });
    expect(observation.calls).toBe(3);
    expect(observation.problems[0]).toMatch(/one by one/);
    // A VM whose read fails is unknown, not gone.
    world.fail({ operation: 'get', status: 403, code: 'AuthorizationFailed' });
    const partial = await driver.observe([azureHost(1)]);
    expect(partial.hosts.get('vm-1')?.state).toBe('unknown');
    expect(partial.hosts.get('vm-1')?.error).toMatchObject({
      kind: 'permission',
      message: expect.stringMatching(/AuthorizationFailed/),
    });
  });

  it('tags and starts a deallocated VM through the long-running operation; starting again is a no-op', async () => {
    const vm = addVm(1, 'deallocated', { owner: 'finance' });
    const host = azureHost(1);
    const started = driver.start(host);
    // The operation completes once the fake's clock passes its transition time.
    await vi.waitFor(() => expect(world.callCount('poll')).toBeGreaterThan(0), { interval: 5 });
    clock.advance(30_000);
    expect(await started).toEqual({ ok: true, detail: 'running' });
    expect(vm.tags).toEqual({ owner: 'finance', 'session-manager:managed': 'true' });
    // Tagged through the Tags API (Merge), which needs tags/write only, not VM write.
    expect(world.callCount('tags')).toBe(1);
    expect(world.callCount('update')).toBe(0);
    expect(world.get(SUB, 'rpa-bots', 'bot-1')?.power).toBe('running');
    expect(await driver.start(host)).toEqual({ ok: true, detail: 'already running' });
    expect(world.callCount('start')).toBe(1);
  });

  it('deallocates a managed VM, also one that is only stopped; refuses an unmanaged one', async () => {
    addVm(1, 'running', { 'session-manager:managed': 'true' });
    addVm(2, 'stopped', { 'session-manager:managed': 'true' });
    addVm(3, 'running');
    world.transitionMs = 0;
    expect(await driver.stop(azureHost(1))).toEqual({ ok: true, detail: 'deallocated' });
    expect(await driver.stop(azureHost(2))).toEqual({ ok: true, detail: 'deallocated' });
    expect(world.get(SUB, 'rpa-bots', 'bot-2')?.power).toBe('deallocated');
    expect(await driver.stop(azureHost(3))).toMatchObject({ ok: false, error: 'not-managed' });
    expect(await driver.stop(azureHost(3, {}, { powerOffUnmanaged: true }))).toMatchObject({ ok: true });
    expect(await driver.stop(azureHost(1))).toEqual({ ok: true, detail: 'already deallocated' });
    expect(world.callCount('deallocate')).toBe(3);
    expect(world.callCount('poweroff')).toBe(0);
  });

  it('hibernates a VM with hibernation enabled, and deallocates it when Azure refuses the hibernation', async () => {
    const managed = { 'session-manager:managed': 'true' };
    world.transitionMs = 0;
    addVm(1, 'running', managed).hibernationEnabled = true;
    addVm(2, 'running', managed);
    expect(await driver.stop(azureHost(1))).toEqual({ ok: true, detail: 'hibernated', hibernated: true });
    expect(world.get(SUB, 'rpa-bots', 'bot-1')).toMatchObject({ power: 'deallocated', hibernated: true });
    // Its state reads as off; the instance view says hibernated.
    expect((await driver.observe([azureHost(1)])).hosts.get('vm-1')?.state).toBe('off');
    // Not enabled: a plain deallocate, never a hibernate the VM would refuse.
    expect(await driver.stop(azureHost(2))).toEqual({ ok: true, detail: 'deallocated' });
    expect(world.get(SUB, 'rpa-bots', 'bot-2')).toMatchObject({ power: 'deallocated', hibernated: false });

    // The guest is not ready to hibernate: the operation fails; the VM is deallocated instead.
    addVm(3, 'running', managed).hibernationEnabled = true;
    world.fail({
      operation: 'deallocate',
      status: 0,
      code: 'OperationNotAllowed',
      message: 'Hibernation failed: the guest OS is not ready to hibernate.',
    });
    expect(await driver.stop(azureHost(3))).toEqual({
      ok: true,
      detail: 'deallocated',
      hibernateRefused: expect.stringContaining('OperationNotAllowed'),
    });
    expect(world.get(SUB, 'rpa-bots', 'bot-3')).toMatchObject({ power: 'deallocated', hibernated: false });
  });

  it('maps 429 with Retry-After to throttled after a bounded number of requests', async () => {
    addVm(1, 'deallocated');
    world.fail({ operation: '*', status: 429, code: 'TooManyRequests', times: Infinity, retryAfterMs: 20 });
    const observation = await driver.observe([azureHost(1)]);
    expect(observation.hosts.get('vm-1')?.state).toBe('unknown');
    expect(observation.calls).toBe(2);
    const result = await driver.start(azureHost(1));
    expect(result).toMatchObject({ ok: false, error: 'throttled', retryAfterMs: 20 });
    expect(world.callCount('listAll') + world.callCount('get')).toBe(4);
    expect(world.callCount('start')).toBe(0);
  });

  it('maps an allocation failure to capacity, a VM in transition to incorrect-state, a missing VM to not-found', async () => {
    addVm(1, 'deallocated', { 'session-manager:managed': 'true' });
    addVm(2, 'deallocating', { 'session-manager:managed': 'true' });
    world.transitionMs = 0;
    world.fail({
      operation: 'start',
      status: 0,
      code: 'AllocationFailed',
      message: 'Allocation failed. Please try again later.',
    });
    expect(await driver.start(azureHost(1))).toMatchObject({
      ok: false,
      error: 'capacity',
      message: /AllocationFailed/,
    });
    expect(world.get(SUB, 'rpa-bots', 'bot-1')?.power).toBe('deallocated');
    world.transitionMs = 60_000;
    world.get(SUB, 'rpa-bots', 'bot-2')!.settlesAt = clock.now() + 60_000;
    expect(await driver.start(azureHost(2))).toMatchObject({ ok: false, error: 'incorrect-state' });
    expect(await driver.start(azureHost(7))).toMatchObject({ ok: false, error: 'not-found' });
  });

  it('gives up polling a long-running operation at the timeout', async () => {
    addVm(1, 'running', { 'session-manager:managed': 'true' });
    world.hangOperations = true;
    const quick = new AzureVmPowerDriver({
      secrets,
      maxRetries: 1,
      pollIntervalMs: 10,
      operationTimeoutMs: 100,
    });
    const result = await quick.stop(azureHost(1));
    expect(result).toMatchObject({ ok: false, error: 'timeout' });
    expect(world.callCount('poll')).toBeGreaterThan(0);
  });

  it('maps a wrong client secret and a missing keychain secret to auth, without the secret in the result', async () => {
    addVm(1, 'deallocated');
    await secrets.set('azure-secret:wrong', 'not-the-secret');
    const wrong = await driver.start(azureHost(1, { clientSecret: 'azure-secret:wrong' }));
    expect(wrong).toMatchObject({ ok: false, error: 'auth' });
    expect(JSON.stringify(wrong)).not.toContain('not-the-secret');
    expect(await driver.start(azureHost(1, { clientSecret: 'azure-secret:absent' }))).toMatchObject({
      ok: false,
      error: 'auth',
    });
  });

  it('uses a managed identity from the standard IDENTITY_ENDPOINT settings, one subscription per group', async () => {
    process.env.IDENTITY_ENDPOINT = `${server.url}/msi/token`;
    process.env.IDENTITY_HEADER = server.identityHeader;
    try {
      addVm(1, 'running');
      world.addVm({ subscriptionId: SUB2, resourceGroup: 'other', name: 'bot-2', power: 'deallocated' });
      const hosts = [
        azureHost(1, {
          auth: 'managed-identity',
          tenantId: undefined,
          clientId: undefined,
          clientSecret: undefined,
        }),
        azureHost(2, {
          auth: 'managed-identity',
          subscriptionId: SUB2,
          resourceGroup: 'other',
          tenantId: undefined,
          clientId: undefined,
          clientSecret: undefined,
        }),
      ];
      const observation = await driver.observe(hosts);
      expect(observation.problems).toEqual([]);
      expect(observation.hosts.get('vm-1')?.state).toBe('on');
      expect(observation.hosts.get('vm-2')?.state).toBe('off');
      expect(observation.calls).toBe(4);
    } finally {
      delete process.env.IDENTITY_ENDPOINT;
      delete process.env.IDENTITY_HEADER;
    }
  });

  it('uses DefaultAzureCredential with the standard AZURE_* environment and the configured authority host', async () => {
    Object.assign(process.env, {
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'client-secret-value',
    });
    try {
      addVm(1, 'running');
      const host = azureHost(1, {
        auth: 'default',
        tenantId: undefined,
        clientId: undefined,
        clientSecret: undefined,
      });
      const observation = await driver.observe([host]);
      expect(observation.problems).toEqual([]);
      expect(observation.hosts.get('vm-1')?.state).toBe('on');
    } finally {
      for (const name of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'])
        delete process.env[name];
    }
  });
});
