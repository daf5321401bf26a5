import type { Config } from '../config/schema.js';
import { fleetOf } from './fleet.js';
import { afterRestart, type PlanMemory } from './memory.js';
import type { ManagerState } from './state.js';

/**
 * Which hosts this instance may act on, for the reconciler: the hosts of its leases while they are
 * surely still its own. A single instance has no scope (it acts on the whole fleet).
 */
export interface FleetScope {
  /** The hosts this instance holds now; empty once its leases may have run out. */
  hosts(): ReadonlySet<string>;
  /**
   * Just before each driver call: while the lease is surely held, marks the host busy until `done`
   * is called (a busy host's lease is never given back) and returns `done`; undefined when it is not.
   */
  begin(hostId: string): (() => void) | undefined;
  /** Cloud hosts on that other instances hold, for the budget cap this instance plans with. */
  othersOn(): number;
  /** Takes a place under the fleet-wide budget cap for a start (see LeaseBoard.reserveStart). */
  reserveStart(hostId: string): Promise<boolean>;
  /** This instance's name and, per host, its holder: for the state view. */
  view(): CoordinationView;
  /**
   * The state to publish: this instance's own (kept, to be shared with the others) with the hosts the
   * other instances hold, as they shared them (see fleetView).
   */
  show(own: ManagerState, config: Config): ManagerState;
}

export interface CoordinationView {
  instanceId: string;
  /** False while heartbeats fail: this instance then acts on no host. */
  connected: boolean;
  problem?: string;
  /** Live instances, this one included. */
  instances: number;
  /** Host id → the instance holding it (every instance's, as last read). */
  holders: Record<string, string>;
}

/**
 * The part of the fleet this instance plans for: the hosts it holds, their runners, and the budget
 * cap less the cloud hosts other instances keep on. Plan, observe and act then never touch a host
 * held elsewhere (nor its sessions: a session of a host not configured is left alone).
 */
export function scopedConfig(config: Config, scope: FleetScope): Config {
  const held = scope.hosts();
  return {
    ...config,
    hosts: config.hosts.filter((host) => held.has(host.id)),
    runners: config.runners.filter((runner) => held.has(runner.host)),
    policy: { ...config.policy, maxHostsOn: Math.max(0, config.policy.maxHostsOn - scope.othersOn()) },
  };
}

/**
 * Plan keeps the memory of the hosts it planned for only; what this instance learned of hosts it
 * holds no more is kept beside it, for when they come back to it. What plan did to the memory of the
 * hosts it planned for (a session forgotten, say) stands.
 */
export function keepUnplanned(before: PlanMemory, after: PlanMemory, planned: Config): PlanMemory {
  const fleet = fleetOf(planned);
  const hosts = new Set(fleet.hosts.map(({ host }) => host.id));
  const runners = new Set(fleet.runners.map((runner) => runner.id));
  const withOld = <V>(
    old: ReadonlyMap<string, V>,
    now: ReadonlyMap<string, V>,
    isPlanned: (key: string) => boolean,
  ) => {
    const map = new Map(now);
    for (const [key, value] of old) if (!isPlanned(key) && !map.has(key)) map.set(key, value);
    return map;
  };
  return {
    ...after,
    hosts: withOld(before.hosts, after.hosts, (id) => hosts.has(id)),
    runners: withOld(before.runners, after.runners, (id) => runners.has(id)),
    sessions: withOld(before.sessions, after.sessions, (key) => fleet.groupByKey.has(key)),
    arrivals: withOld(before.arrivals, after.arrivals, (key) => runners.has(key) || key.startsWith('pool:')),
  };
}

/**
 * What plan learned of one host, alone: its memory, its runners', its sessions' and its runners'
 * arrival logs (to be kept where every instance can read it, and taken up by the next holder).
 */
export function memoryOfHost(memory: PlanMemory, config: Config, hostId: string): PlanMemory {
  const fleet = fleetOf(config);
  const runners = new Set(config.runners.filter((runner) => runner.host === hostId).map((r) => r.id));
  const only = <V>(map: ReadonlyMap<string, V>, keep: (key: string) => boolean) =>
    new Map([...map].filter(([key]) => keep(key)));
  return {
    hosts: only(memory.hosts, (id) => id === hostId),
    runners: only(memory.runners, (id) => runners.has(id)),
    sessions: only(memory.sessions, (key) => fleet.groupByKey.get(key)?.hostId === hostId),
    arrivals: only(memory.arrivals, (key) => runners.has(key)),
    orchestrator: 'unknown',
    budgetBlocked: false,
  };
}

/**
 * The memory with another holder's memory of some hosts taken up: theirs replaces what this instance
 * had of those hosts (it is newer), with the clocks of idleness started over as after a restart
 * (nothing was observed here meanwhile).
 */
export function takeUp(memory: PlanMemory, taken: PlanMemory): PlanMemory {
  const fresh = afterRestart(taken);
  const merged = <V>(mine: ReadonlyMap<string, V>, theirs: ReadonlyMap<string, V>) =>
    new Map([...mine, ...theirs]);
  return {
    ...memory,
    hosts: merged(memory.hosts, fresh.hosts),
    runners: merged(memory.runners, taken.runners),
    sessions: merged(memory.sessions, taken.sessions),
    arrivals: merged(memory.arrivals, taken.arrivals),
  };
}
