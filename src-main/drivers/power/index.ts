import type { HostConfig } from '../../config/schema.js';
import type { PowerDriver } from '../../core/power-driver.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { Ec2PowerDriver, type Ec2DriverOptions } from './aws-ec2.js';
import { AzureVmPowerDriver, type AzureDriverOptions } from './azure-vm.js';
import { NonePowerDriver } from './none.js';

export { Ec2PowerDriver, type Ec2DriverOptions } from './aws-ec2.js';
export { AzureVmPowerDriver, type AzureDriverOptions } from './azure-vm.js';
export { NonePowerDriver } from './none.js';

type PowerProtocol = HostConfig['protocol'];

export interface PowerDriverDeps {
  /** Cloud secrets (AWS secret keys, Azure client secrets) are read from here by ref. */
  secrets: SecretStore;
  ec2?: Omit<Ec2DriverOptions, 'secrets'>;
  azure?: Omit<AzureDriverOptions, 'secrets'>;
}

/** The driver for one protocol; the one place where a protocol picks its implementation. */
export function createPowerDriver(protocol: PowerProtocol, deps: PowerDriverDeps): PowerDriver {
  switch (protocol) {
    case 'rdp':
      return new NonePowerDriver();
    case 'aws-ec2':
      return new Ec2PowerDriver({ ...deps.ec2, secrets: deps.secrets });
    case 'azure-vm':
      return new AzureVmPowerDriver({ ...deps.azure, secrets: deps.secrets });
  }
}
