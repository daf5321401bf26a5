import type { HostConfig } from '../../config/schema.js';
import type { PowerDriver, PowerObservation } from '../../core/power-driver.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { Ec2PowerDriver, type Ec2DriverOptions } from './aws-ec2.js';
import { AzureVmPowerDriver, type AzureDriverOptions } from './azure-vm.js';
import { NonePowerDriver } from './none.js';

export { Ec2PowerDriver, type Ec2DriverOptions } from './aws-ec2.js';
export { AzureVmPowerDriver, type AzureDriverOptions } from './azure-vm.js';
export { NonePowerDriver } from './none.js';
export { MANAGED_TAG } from './power-results.js';
export { probeTcp, waitUntilReady, type ReadinessOptions, type ReadinessResult } from './readiness.js';

export type PowerProtocol = HostConfig['protocol'];

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

/** One driver per protocol, made on first use; observes a mixed host list with one batch per driver. */
export class PowerDrivers {
  private readonly drivers = new Map<PowerProtocol, PowerDriver>();

  constructor(
    private readonly deps: PowerDriverDeps,
    private readonly make: (
      protocol: PowerProtocol,
      deps: PowerDriverDeps,
    ) => PowerDriver = createPowerDriver,
  ) {}

  for(protocol: PowerProtocol): PowerDriver {
    let driver = this.drivers.get(protocol);
    if (!driver) {
      driver = this.make(protocol, this.deps);
      this.drivers.set(protocol, driver);
    }
    return driver;
  }

  forHost(host: HostConfig): PowerDriver {
    return this.for(host.protocol);
  }

  async observe(hosts: readonly HostConfig[]): Promise<PowerObservation> {
    const byProtocol = new Map<PowerProtocol, HostConfig[]>();
    for (const host of hosts) byProtocol.set(host.protocol, [...(byProtocol.get(host.protocol) ?? []), host]);
    const parts = await Promise.all(
      [...byProtocol].map(([protocol, group]) => this.for(protocol).observe(group)),
    );
    const merged: PowerObservation = { hosts: new Map(), calls: 0, problems: [] };
    for (const part of parts) {
      for (const [id, power] of part.hosts) merged.hosts.set(id, power);
      merged.calls += part.calls;
      merged.problems.push(...part.problems);
    }
    return merged;
  }

  /** Releases SDK clients (sockets). */
  close(): void {
    for (const driver of this.drivers.values())
      if ('close' in driver && typeof driver.close === 'function') (driver as { close(): void }).close();
    this.drivers.clear();
  }
}
