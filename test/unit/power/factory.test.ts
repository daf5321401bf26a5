import { describe, expect, it } from 'vitest';
import {
  AzureVmPowerDriver,
  Ec2PowerDriver,
  NonePowerDriver,
  createPowerDriver,
} from '../../../src-main/drivers/power/index.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';

describe('power driver factory', () => {
  const secrets = new MemorySecrets();

  it('picks one driver per protocol', () => {
    expect(createPowerDriver('rdp', { secrets })).toBeInstanceOf(NonePowerDriver);
    expect(createPowerDriver('aws-ec2', { secrets })).toBeInstanceOf(Ec2PowerDriver);
    expect(createPowerDriver('azure-vm', { secrets })).toBeInstanceOf(AzureVmPowerDriver);
  });
});
