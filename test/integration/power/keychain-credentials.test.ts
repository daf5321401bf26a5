import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostSchema } from '../../../src-main/config/schema.js';
import { createPowerDriver } from '../../../src-main/drivers/power/index.js';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';
import { AzureFakeServer } from '../../fakes/azure/server.js';
import { Ec2FakeServer } from '../../fakes/ec2/server.js';
import { ec2Host, instanceId } from './helpers.js';

/**
 * The product path for cloud secrets: stored in the OS keychain, read by the drivers through
 * KeychainStore, used to sign (EC2, signature verified by the fake) or to get a token (Azure).
 * Run under scripts/with-keychain.sh; without a keychain this fails, as the product does.
 */

const keychain = new KeychainStore(`session-manager-test-power-${process.pid}`);
let ec2: Ec2FakeServer;
let azure: AzureFakeServer;

beforeAll(async () => {
  ec2 = new Ec2FakeServer({ secretKeys: { AKIATESTKEY000000001: 'keychain-aws-secret' } });
  process.env.AWS_ENDPOINT_URL_EC2 = await ec2.listen();
  azure = new AzureFakeServer({
    clients: {
      '11111111-1111-1111-1111-111111111111': {
        '22222222-2222-2222-2222-222222222222': 'keychain-azure-secret',
      },
    },
  });
  await azure.listen();
  await keychain.set('aws-secret:test', 'keychain-aws-secret');
  await keychain.set('azure-secret:sm', 'keychain-azure-secret');
});

afterAll(async () => {
  await keychain.delete('aws-secret:test');
  await keychain.delete('azure-secret:sm');
  await ec2.close();
  await azure.close();
});

describe('cloud secrets from the OS keychain', () => {
  it('signs EC2 calls with the secret access key read from the keychain', async () => {
    ec2.world.addInstance({ id: instanceId(1), state: 'stopped' });
    const driver = createPowerDriver('aws-ec2', { secrets: keychain });
    expect(await driver.start(ec2Host(1))).toMatchObject({ ok: true });
    expect(ec2.world.calls.map((call) => [call.action, call.keyId, call.error])).toEqual([
      ['DescribeInstances', 'AKIATESTKEY000000001', undefined],
      ['CreateTags', 'AKIATESTKEY000000001', undefined],
      ['StartInstances', 'AKIATESTKEY000000001', undefined],
    ]);
  });

  it('gets an Azure token with the client secret read from the keychain', async () => {
    azure.world.addVm({
      subscriptionId: '33333333-3333-3333-3333-333333333333',
      resourceGroup: 'rpa',
      name: 'bot-1',
      power: 'running',
    });
    const driver = createPowerDriver('azure-vm', { secrets: keychain });
    const host = hostSchema.parse({
      id: 'vm-1',
      address: '10.0.0.1',
      protocol: 'azure-vm',
      user: 'bot',
      password: 'host-password:vm-1',
      azure: {
        subscriptionId: '33333333-3333-3333-3333-333333333333',
        resourceGroup: 'rpa',
        vmName: 'bot-1',
        auth: 'client-secret',
        tenantId: '11111111-1111-1111-1111-111111111111',
        clientId: '22222222-2222-2222-2222-222222222222',
        clientSecret: 'azure-secret:sm',
        authorityHost: azure.url,
        armEndpoint: azure.url,
      },
    });
    const observation = await driver.observe([host]);
    expect(observation.problems).toEqual([]);
    expect(observation.hosts.get('vm-1')?.state).toBe('on');
  });
});
