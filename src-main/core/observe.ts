import { isCloudHost } from './power-driver.js';
import { parseAddress, type Config, type HostConfig } from '../config/schema.js';
import { messageOf, type Clock } from './clock.js';
import type { Orchestrator, QueueObservation } from './orchestrator.js';
import type { HostPower, PowerDriver } from './power-driver.js';
import type { ProbeTarget, ReadinessProbe } from './readiness.js';
import type { SessionDriver, SessionStatus } from './session-driver.js';
import type { ActionOutcome, ObservationProblem, Snapshot } from './snapshot.js';

/** What a tick reads the world through. */
interface Observers {
  /** Absent when no orchestrator is configured: then every observation is incomplete. */
  orchestrator?: Orchestrator;
  powerDrivers: readonly PowerDriver[];
  readiness: ReadinessProbe;
  sessions: SessionDriver;
  clock: Clock;
}

/**
 * One snapshot of the world: the orchestrator's queue and the hosts' power (at the same time), then
 * RDP readiness of the hosts on, and the session driver's list. A read that fails leaves what it
 * covers unknown and is kept in `problems`; nothing here throws.
 */
export async function observe(
  observers: Observers,
  config: Config,
  outcomes: readonly ActionOutcome[],
): Promise<Snapshot> {
  const problems: ObservationProblem[] = [];
  const started = observers.clock.now();
  const [queue, power] = await Promise.all([
    observeQueue(observers.orchestrator, started),
    observePower(observers.powerDrivers, config, problems),
  ]);
  let readiness = new Map<string, boolean>();
  try {
    readiness = await observers.readiness.probe(probeTargets(config, power));
  } catch (error) {
    problems.push({ source: 'readiness', message: `RDP readiness probe failed: ${messageOf(error)}` });
  }
  let sessions: SessionStatus[] = [];
  try {
    sessions = observers.sessions.list();
  } catch (error) {
    problems.push({ source: 'sessions', message: `Session list failed: ${messageOf(error)}` });
  }
  return { now: observers.clock.now(), queue, power, sessions, readiness, outcomes, problems };
}

/** The orchestrator's queue; a failed read is an incomplete observation, never an empty queue. */
export async function observeQueue(
  orchestrator: Orchestrator | undefined,
  now: number,
): Promise<QueueObservation> {
  if (!orchestrator) return incompleteQueue('no orchestrator is configured');
  try {
    return await orchestrator.observe(now);
  } catch (error) {
    return incompleteQueue(`orchestrator read failed: ${messageOf(error)}`);
  }
}

export function incompleteQueue(problem: string): QueueObservation {
  return { complete: false, problem, tasks: [], runnersOnline: {}, upcoming: [], requests: 0 };
}

/** One batched read per protocol; a failed read leaves that protocol's hosts unknown. */
async function observePower(
  drivers: readonly PowerDriver[],
  config: Config,
  problems: ObservationProblem[],
): Promise<Map<string, HostPower>> {
  const byProtocol = new Map<HostConfig['protocol'], HostConfig[]>();
  for (const host of config.hosts) {
    if (!isCloudHost(host)) continue;
    byProtocol.set(host.protocol, [...(byProtocol.get(host.protocol) ?? []), host]);
  }
  const power = new Map<string, HostPower>();
  await Promise.all(
    [...byProtocol].map(async ([protocol, hosts]) => {
      const driver = drivers.find((candidate) => candidate.protocol === protocol);
      if (!driver) return;
      try {
        const observation = await driver.observe(hosts);
        for (const [hostId, hostPower] of observation.hosts) power.set(hostId, hostPower);
        for (const message of observation.problems) problems.push({ source: 'power', protocol, message });
      } catch (error) {
        problems.push({
          source: 'power',
          protocol,
          message: `Reading ${protocol} power states failed: ${messageOf(error)}`,
        });
      }
    }),
  );
  return power;
}

/** Hosts on or starting, at the address RDP should use now. */
function probeTargets(config: Config, power: ReadonlyMap<string, HostPower>): ProbeTarget[] {
  const targets: ProbeTarget[] = [];
  for (const host of config.hosts) {
    const state = !isCloudHost(host) ? 'on' : power.get(host.id)?.state;
    const address = parseAddress(host.address);
    if ((state !== 'on' && state !== 'starting') || !address) continue;
    targets.push({ hostId: host.id, host: power.get(host.id)?.address ?? address.host, port: address.port });
  }
  return targets;
}
