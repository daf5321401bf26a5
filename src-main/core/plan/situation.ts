import { isCloudHost } from '../power-driver.js';
import type { KeepWarmWindow, PolicyConfig } from '../../config/schema.js';
import type { Demand } from '../demand.js';
import type { FleetHost } from '../fleet.js';
import type { HostMemory, WorkingMemory } from '../memory.js';
import { bootLeadOf, learnDuration } from '../policies/effective-policy.js';
import { isPendingStart } from '../policies/boot.js';
import { breakEvenHoldMs, withGap } from '../policies/break-even.js';
import { readRunners } from '../policies/idle-grace.js';
import { restartCostMs, stopTimeOf, WAIT_PRICE } from '../policies/strategy.js';
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
  /** The earliest work its runners' past says is coming (learned pre-warm). */
  expected?: { at: number; why: string };
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
  /** Running, queued, scheduled or expected work, or a keep-warm window. */
  wanted: boolean;
  /** The operator's idle grace (ms); 0 with break-even idle, which sets `breakEvenUntil` instead. */
  graceMs: number;
  /** Break-even idle (no grace set), for a host that is up: when it stops if it stays idle (epoch ms). */
  breakEvenUntil?: number;
  /** With break-even idle: what stopping now and starting again for the next task costs, ms of VM time. */
  restartMs?: number;
  /** How long an idle runner's session stays open on a host that stays on. */
  sessionGraceMs: number;
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
  const state = pending ? 'starting' : power.state;
  learnStopTime(memory, power.state, tick.now);
  const idle = idleTimers(fleetHost, memory, state, tick);
  const { demand, idleDeadline } = readRunners(fleetHost, tick, window !== undefined, idle.graceMs);
  learnIdleGaps(fleetHost, memory, demand, window !== undefined, state, tick);
  return {
    fleetHost,
    power,
    state,
    answering: power.state === 'on' && tick.snapshot.readiness.get(host.id) === true,
    demand,
    window,
    wanted:
      demand.running > 0 ||
      demand.queued > 0 ||
      demand.scheduledAt !== undefined ||
      demand.expected !== undefined ||
      !!window,
    ...idle,
    runnerIdleDeadline: idleDeadline,
    sessions: tick.sessionsByHost.get(host.id) ?? [],
    stopsHeld: stopsHeld(tick.snapshot),
    memory,
  };
}

/**
 * The idle grace of this tick: the operator's, or (unset) the host's break-even hold given how long
 * its work has been gone; only worked out for a host that is up, the only one it can stop.
 */
function idleTimers(
  fleetHost: FleetHost,
  memory: HostMemory,
  state: PowerState,
  tick: TickView,
): Pick<HostSituation, 'graceMs' | 'breakEvenUntil' | 'restartMs' | 'sessionGraceMs'> {
  const { graceMs } = fleetHost.timers;
  if (graceMs !== undefined) return { graceMs, sessionGraceMs: graceMs };
  // The tasks that come back wait for the restart, unless something foresaw their return.
  const waiting = (memory.wakeTasks ?? 1) * (memory.unforeseenShare ?? 1);
  const restartMs = restartCostMs(
    bootLeadOf(memory),
    WAIT_PRICE[tick.policy.strategy],
    waiting,
    stopTimeOf(memory),
  );
  if (state !== 'on' && state !== 'starting') return { graceMs: 0, sessionGraceMs: restartMs };
  const idleSince = memory.unwantedSince ?? memory.drainSince ?? tick.now;
  const holdMs = breakEvenHoldMs(memory.idleGaps ?? [], tick.now - idleSince, restartMs, tick.now);
  return { graceMs: 0, breakEvenUntil: idleSince + holdMs, restartMs, sessionGraceMs: restartMs };
}

/**
 * Learns the host's idle gaps from complete observations: the clock starts when its runners' work
 * (queued, running or announced) ends, and the gap is noted when work comes back. Before any work was
 * seen there is no gap to measure (the service may have started in the middle of one).
 */
function learnIdleGaps(
  fleetHost: FleetHost,
  memory: HostMemory,
  demand: HostDemand,
  inWindow: boolean,
  state: PowerState,
  tick: TickView,
): void {
  if (!tick.snapshot.queue.complete) return;
  const announced = demand.scheduledAt !== undefined;
  const working = demand.queued > 0 || demand.running > 0 || announced;
  learnWakeTasks(memory, demand.queued + demand.running, tick.now);
  if (working) {
    if (memory.unwantedSince !== undefined) {
      memory.idleGaps = withGap(memory.idleGaps, memory.unwantedSince, tick.now - memory.unwantedSince);
      const foreseen = announced || memory.foreseen === true;
      memory.unforeseenShare = learnAverage(memory.unforeseenShare, foreseen ? 0 : 1, 1 / 3);
      memory.unwantedSince = undefined;
      memory.foreseen = undefined;
      memory.waking = { since: tick.now, peak: demand.queued + demand.running };
    }
    // The first work ever seen is a return of work too: learn from it before any gap was measured.
    if (memory.wakeTasks === undefined && !memory.waking)
      memory.waking = { since: tick.now, peak: demand.queued + demand.running };
    return;
  }
  // Foreseen: started (or starting) for an expectation or a window; a host kept on by its idle hold
  // did not foresee anything, its tasks would have waited without the hold.
  if ((demand.expected !== undefined || inWindow) && state !== 'on') memory.foreseen = true;
  const workedBefore = fleetHost.runnerIds.some(
    (id) => tick.memory.runners.get(id)?.lastBusyAt !== undefined,
  );
  if (workedBefore) memory.unwantedSince ??= tick.now;
}

/**
 * Learns how many tasks come together when work comes back: the most seen at once within a boot
 * lead of the first. Each of them would wait for a restart, so a restart's cost counts them all.
 */
function learnWakeTasks(memory: HostMemory, tasks: number, now: number): void {
  const { waking } = memory;
  if (!waking) return;
  if (now - waking.since <= bootLeadOf(memory)) {
    memory.waking = { since: waking.since, peak: Math.max(waking.peak, tasks) };
    return;
  }
  if (waking.peak > 0) memory.wakeTasks = learnAverage(memory.wakeTasks, waking.peak, 1 / 4);
  memory.waking = undefined;
}

/** A moving average that weighs the latest value by `weight`. */
function learnAverage(previous: number | undefined, value: number, weight: number): number {
  return previous === undefined ? value : previous * (1 - weight) + value * weight;
}

/** Learns how long the host takes to stop: from our accepted stop to the first look that sees it off. */
function learnStopTime(memory: HostMemory, state: PowerState, now: number): void {
  if (memory.stoppingAt === undefined) return;
  if (state === 'off') memory.stopMs = learnDuration(memory.stopMs, now - memory.stoppingAt);
  if (state === 'off' || state === 'starting' || state === 'gone') memory.stoppingAt = undefined;
}
