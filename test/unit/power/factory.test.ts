import { describe, expect, it } from 'vitest';
import { hostSchema } from '../../../src-main/config/schema.js';
import {
  AzureVmPowerDriver,
  Ec2PowerDriver,
  NonePowerDriver,
  PowerDrivers,
  createPowerDriver,
} from '../../../src-main/drivers/power/index.js';
import { InMemoryPowerDriver } from '../../fakes/in-memory-power.js';
import { ec2Host } from '../../integration/power/helpers.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';

describe('power driver factory', () => {
  const secrets = new MemorySecrets();

  it('picks one driver per protocol', () => {
    expect(createPowerDriver('rdp', { secrets })).toBeInstanceOf(NonePowerDriver);
    expect(createPowerDriver('aws-ec2', { secrets })).toBeInstanceOf(Ec2PowerDriver);
    expect(createPowerDriver('azure-vm', { secrets })).toBeInstanceOf(AzureVmPowerDriver);
  });

  it('observes a mixed host list with one batch per protocol and merges the answers', async () => {
    const memory = new InMemoryPowerDriver({ now: () => 0 });
    const drivers = new PowerDrivers({ secrets }, (protocol, deps) =>
      protocol === 'aws-ec2' ? memory : createPowerDriver(protocol, deps),
    );
    memory.seed('ec2-1', 'on', true);
    const rdp = hostSchema.parse({
      id: 'desk',
      address: 'desk.example.com',
      protocol: 'rdp',
      user: 'bot',
      password: 'host-password:desk',
    });
    const observation = await drivers.observe([rdp, ec2Host(1), ec2Host(2)]);
    expect(observation.hosts.get('desk')).toMatchObject({ state: 'on', managed: false });
    expect(observation.hosts.get('ec2-1')).toMatchObject({ state: 'on', managed: true });
    expect(observation.hosts.get('ec2-2')).toMatchObject({ state: 'off' });
    expect(memory.callsOf('observe')).toHaveLength(1);
    expect(drivers.forHost(rdp)).toBe(drivers.for('rdp'));
    drivers.close();
  });
});
