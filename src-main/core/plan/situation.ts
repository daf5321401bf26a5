import { isCloudHost } from '../power-driver.js';
import type { KeepWarmWindow, PolicyConfig } from '../../config/schema.js';
import type { Demand } from '../demand.js';
import type { FleetHost } from '../fleet.js';
import type { HostMemory, WorkingMemory } from '../memory.js';
import { bootLeadOf } from '../policies/effective-policy.js';
import { isPendingStart } from '../policies/boot.js';
import { readRunners } from '../policies/idle-grace.js';
import { stopsHeld } from '../policies/outage.js';
import type { KeepWarmCalendar } from '../policies/keep-warm.js';
import type { HostPower, PowerState } from '../power-driver.js';
import type { SessionStatus } from '../session-driver.js';
import type { Snapshot } from '../snapshot.js';

/** A host's runners' demand, summed. */
export interface HostDemand {
  queued: number;
  running: number;
  oldestQueuedAt?: number;
  /** −1 when nothing is queued. */
  maxPriority: number;
  scheduledAt?: number;
  /** Some runner of the host is online at the orchestrator. */
  online: boolean;
}

/** Everything the planner knows about one host in one tick. */
export interface HostSituation {
  fleetHost: FleetHost;
  power: HostPower;
  /** The power state plan works from: `starting` while our start request is on its way. */
  state: PowerState;
  /** On, and its RDP port answered. */
  answering: boolean;
  demand: HostDemand;
  /** The keep-warm window that wants it on now (or within its boot lead), if any. */
  window?: KeepWarmWindow;
  /** Running, queued or scheduled work, or a keep-warm window. */
  wanted: boolean;
  /** When the last of its runners ends its idle grace (−Infinity when none has a clock yet). */
  runnerIdleDeadline: number;
  sessions: readonly SessionStatus[];
  /**
   * Why no stop or close may happen this tick though the queue was read (task records that could not
   * be read might be busy tasks: unknown is not idle); undefined when they may.
   */
  stopsHeld: string | undefined;
  /** The plan's working copy of its memory. */
  memory: HostMemory;
}

/** What is the same for every host of one tick. */
export interface TickView {
  snapshot: Snapshot;
  policy: PolicyConfig;
  memory: WorkingMemory;
  demand: Demand;
  online: ReadonlySet<string>;
  sessionsByHost: ReadonlyMap<string, SessionStatus[]>;
  calendar: KeepWarmCalendar;
  now: number;
}

/** The host's situation; moves its runners' idle clocks in the working memory as it reads them. */
export function situationOf(fleetHost: FleetHost, tick: TickView): HostSituation {
  const { host } = fleetHost;
  const memory = tick.memory.hosts.get(host.id)!;
  // An rdp host is always on; a cloud host the driver did not report is unknown.
  const power: HostPower = !isCloudHost(host)
    ? { hostId: host.id, state: 'on', managed: false }
    : (tick.snapshot.power.get(host.id) ?? { hostId: host.id, state: 'unknown', managed: false });
  const pending = power.state === 'off' && isPendingStart(memory, fleetHost.timers.bootTimeoutMs, tick.now);
  const window = tick.calendar.windowFor(fleetHost.keepWarm, tick.policy.prewarm ? bootLeadOf(memory) : 0);
  const { demand, idleDeadline } = readRunners(fleetHost, tick, window !== undefined);
  return {
    fleetHost,
    power,
    state: pending ? 'starting' : power.state,
    answering: power.state === 'on' && tick.snapshot.readiness.get(host.id) === true,
    demand,
    window,
    wanted: demand.running > 0 || demand.queued > 0 || demand.scheduledAt !== undefined || !!window,
    runnerIdleDeadline: idleDeadline,
    sessions: tick.sessionsByHost.get(host.id) ?? [],
    stopsHeld: stopsHeld(tick.snapshot),
    memory,
  };
}
