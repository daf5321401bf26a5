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
  ec2 = new Ec2FakeServer({
    secretKeys: { AKIATESTKEY000000001: 'keychain-aws-secret', AKIATESTKEY000000002: 'second-aws-secret' },
  });
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

  it('one DescribeInstances per region per credential set: 60 hosts, each with its own keychain entry of one key', async () => {
    // As the CLI and the UI store them: each host's secret under its own ref, the same key in all.
    const refs = Array.from({ length: 60 }, (_, i) => `aws-secret:batch-${i}`);
    for (const ref of refs) await keychain.set(ref, 'keychain-aws-secret');
    await keychain.set('aws-secret:batch-other', 'second-aws-secret');
    try {
      const hosts = refs.map((ref, i) => {
        ec2.world.addInstance({ id: instanceId(100 + i), state: 'stopped' });
        return ec2Host(100 + i, { secretAccessKey: ref });
      });
      const driver = createPowerDriver('aws-ec2', { secrets: keychain });
      for (let tick = 0; tick < 2; tick++) {
        const before = ec2.world.calls.length;
        const observation = await driver.observe(hosts);
        expect([...observation.hosts.values()].every((host) => host.state === 'off')).toBe(true);
        expect(ec2.world.calls.slice(before).map((call) => call.action)).toEqual(['DescribeInstances']);
      }

      // Another key in the same region is another credential set: two calls.
      ec2.world.addInstance({ id: instanceId(200), state: 'running' });
      const other = ec2Host(200, {
        accessKeyId: 'AKIATESTKEY000000002',
        secretAccessKey: 'aws-secret:batch-other',
      });
      const before = ec2.world.calls.length;
      const both = await driver.observe([...hosts, other]);
      expect(both.hosts.get(other.id)?.state).toBe('on');
      expect(
        ec2.world.calls
          .slice(before)
          .map((call) => [call.action, call.keyId])
          .sort(),
      ).toEqual([
        ['DescribeInstances', 'AKIATESTKEY000000001'],
        ['DescribeInstances', 'AKIATESTKEY000000002'],
      ]);

      // A host whose keychain entry is missing shares the key's client: the others' entries sign for it.
      const orphan = ec2Host(101, { secretAccessKey: 'aws-secret:not-stored' });
      expect((await driver.observe([orphan])).hosts.get(orphan.id)?.state).toBe('off');
    } finally {
      for (const ref of [...refs, 'aws-secret:batch-other']) await keychain.delete(ref);
    }
  });

  it('a key whose secret is in no keychain entry makes its hosts unknown, with an auth error', async () => {
    const driver = createPowerDriver('aws-ec2', { secrets: keychain });
    const host = ec2Host(300, { accessKeyId: 'AKIATESTKEY000000009', secretAccessKey: 'aws-secret:nowhere' });
    const observation = await driver.observe([host]);
    expect(observation.hosts.get(host.id)).toMatchObject({ state: 'unknown', error: { kind: 'auth' } });
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
