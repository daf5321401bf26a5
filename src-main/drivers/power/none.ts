import type { HostConfig } from '../../config/schema.js';
import type { PowerDriver, PowerObservation, PowerResult } from '../../core/power-driver.js';
import { ok } from './power-results.js';

/**
 * Protocol `rdp`: a machine Session Manager never powers. It is always on as far as power goes;
 * whether RDP answers is the readiness probe's business. Start and stop succeed without doing anything.
 */
export class NonePowerDriver implements PowerDriver {
  readonly protocol = 'rdp' as const;

  async observe(hosts: readonly HostConfig[]): Promise<PowerObservation> {
    const observation: PowerObservation = { hosts: new Map(), calls: 0, problems: [] };
    for (const host of hosts)
      observation.hosts.set(host.id, { hostId: host.id, state: 'on', managed: false, detail: 'always on' });
    return observation;
  }

  async start(_host: HostConfig): Promise<PowerResult> {
    return ok('always on');
  }

  async stop(_host: HostConfig): Promise<PowerResult> {
    return ok('always on: not powered by Session Manager');
  }
}
