import type { Config } from '../config/schema.js';
import { onlineRunners, type DemandIndex } from './demand.js';
import type { PlanMemory } from './memory.js';
import { planContext, type PlanContext } from './plan-context.js';
import { PositionalMap } from './positional-map.js';
import type { HostPower } from './power-driver.js';
import type { SessionStatus } from './session-driver.js';
import type { Snapshot } from './snapshot.js';
import type { HostStage, HostView, ManagerState, RunnerView, SessionView } from './state.js';

/**
 * What plan decided about each host, by its position in the config, for the view. Columns, not an
 * object per host: a tick at thousands of hosts fills arrays it allocates once.
 */
export class HostDecisions {
  /** The power state plan worked from (unset before the first plan). */
  readonly powers: (HostPower | undefined)[];
  /** 1 when the host answered RDP. */
  readonly answering: Uint8Array;
  /** Why the host is in its state, in words. */
  readonly reasons: (string | undefined)[];
  /** When an idle host stops if it stays idle (epoch ms); NaN when not draining. */
  readonly idleDeadlines: Float64Array;

  constructor(hostCount: number) {
    this.powers = new Array<HostPower | undefined>(hostCount);
    this.answering = new Uint8Array(hostCount);
    this.reasons = new Array<string | undefined>(hostCount);
    this.idleDeadlines = new Float64Array(hostCount).fill(NaN);
  }
}

/** What `plan` worked out that the view shows: each runner's demand, each host's decision, hosts on. */
export interface PlanOutlook {
  demand: DemandIndex;
  hosts: HostDecisions;
  /** Cloud hosts on or starting once this plan's starts are made. */
  hostsOn: number;
}

/**
 * The ManagerState after one plan: the snapshot it planned from, the memory and outlook it returned.
 * Built apart from `plan` (the reconciler builds it once per tick to publish): deciding does not need
 * the view, and a call of `plan` stays the decision alone.
 */
export function viewOf(
  snapshot: Snapshot,
  config: Config,
  result: { memory: PlanMemory; outlook: PlanOutlook },
  now: number,
): ManagerState {
  return buildView({
    snapshot,
    config,
    context: planContext(config),
    memory: result.memory,
    demand: result.outlook.demand,
    decisions: result.outlook.hosts,
    now,
    hostsOn: result.outlook.hostsOn,
  });
}

export interface ViewInput {
  snapshot: Snapshot;
  config: Config;
  context: PlanContext;
  memory: PlanMemory;
  demand: DemandIndex;
  /** By configured host, in the config's order (empty before the first plan). */
  decisions: HostDecisions;
  now: number;
  hostsOn: number;
}

/** The ManagerState shown by the API, the UI and the tray, from one tick's snapshot and decisions. */
export function buildView(input: ViewInput): ManagerState {
  const { snapshot, config, context, memory, demand, decisions, now } = input;
  // The memory `plan` returns is kept by position in this context: read it without a lookup then.
  const hostMemory = PositionalMap.positionsOf(memory.hosts, context.hostIndex);
  const runnerMemory = PositionalMap.positionsOf(memory.runners, context.runnerIndex.positionOf);
  const reported = snapshot.queue.runnersOnline;
  const online = onlineRunners(reported);
  const known = new Set(Object.keys(reported));
  // Open sessions by host position (an array: counted once, read once per host).
  const openByHost = new Uint32Array(context.hosts.length);
  for (const session of snapshot.sessions) {
    if (session.state !== 'open') continue;
    const position = context.hostPositionById[session.hostId];
    if (position !== undefined) openByHost[position]!++;
  }

  // A failing session login is the host's last error too, so the overview shows why it is not ready.
  const sessionErrorByHost = new Map<string, string>();
  for (const [key, sm] of memory.sessions) {
    const error = sm.blocked?.reason ?? sm.lastError;
    if (error !== undefined) sessionErrorByHost.set(key.slice(0, key.indexOf('/')), error);
  }

  const hosts: HostView[] = context.hosts.map((host, index) => {
    const power = decisions.powers[index] ?? { hostId: host.id, state: 'unknown' as const, managed: false };
    const hm = hostMemory ? hostMemory[index] : memory.hosts.get(host.id);
    // Frozen and shared by every tick's views: the list of ids does not change with the state.
    const runners = context.entries[index]!.runnerIds as string[];
    let anyOnline = false;
    if (online.size > 0) for (const id of runners) if (online.has(id)) anyOnline = true;
    const idleDeadline = decisions.idleDeadlines[index] ?? NaN;
    // Every field in the literal, undefined when absent (JSON leaves those out): views of thousands
    // of hosts per tick then share one shape, with no property store added to each afterwards.
    return {
      id: host.id,
      name: host.name ?? host.id,
      protocol: host.protocol,
      address: power.address ?? host.address,
      power: power.state,
      managed: power.managed,
      stage: stageOf(
        power,
        decisions.answering[index] === 1,
        openByHost[index]!,
        anyOnline,
        !!hm?.failed,
        hm?.startedAt !== undefined,
      ),
      failed: !!hm?.failed,
      maxSessions: host.maxSessions,
      runners,
      bootStartedAt: hm?.startedAt,
      idleDeadline: Number.isNaN(idleDeadline) ? undefined : idleDeadline,
      bootLeadMs: hm?.bootLeadMs,
      lastError: hm?.failed?.reason ?? hm?.lastError ?? sessionErrorByHost.get(host.id),
      reason: decisions.reasons[index],
      drainCount: hm && hm.drainCount > 0 ? hm.drainCount : undefined,
    };
  });

  const runners: RunnerView[] = context.runners.map((runner, index) => {
    const oldest = demand.oldestQueuedAt[index] ?? Infinity;
    const rm = runnerMemory ? runnerMemory[index] : memory.runners.get(runner.id);
    return {
      id: runner.id,
      hostId: runner.host,
      queued: demand.queued[index] ?? 0,
      running: demand.running[index] ?? 0,
      sessionMode: runner.sessionMode,
      online: known.has(runner.id) ? online.has(runner.id) : undefined,
      oldestQueuedAt: oldest !== Infinity ? oldest : undefined,
      lastBusyAt: rm?.lastBusyAt,
    };
  });

  const sessions = snapshot.sessions.map((session) => sessionView(session, memory));
  // Blocked sessions the driver no longer lists (most ticks have none: skip the Set then).
  const listed =
    memory.sessions.size > 0 ? new Set(snapshot.sessions.map((session) => session.key)) : undefined;
  for (const [key, sm] of memory.sessions) {
    if (!sm.blocked || listed!.has(key)) continue;
    const group = context.groupByKey.get(key);
    if (!group) continue;
    sessions.push({
      key,
      hostId: group.hostId,
      user: group.user,
      state: 'failed',
      since: sm.blocked.at,
      reconnects: 0,
      width: group.width,
      height: group.height,
      error: sm.lastError ?? sm.blocked.reason,
      blocked: sm.blocked.reason,
    });
  }

  return {
    at: now,
    paused: false,
    orchestrator: config.orchestrator
      ? snapshot.queue.complete
        ? { status: 'ok', lastObservedAt: snapshot.now }
        : { status: 'unreachable', ...(snapshot.queue.problem ? { problem: snapshot.queue.problem } : {}) }
      : { status: 'unconfigured' },
    queueDepth: demand.queuedTotal,
    hostsOn: input.hostsOn,
    maxHostsOn: config.policy.maxHostsOn,
    hosts,
    runners,
    sessions,
    ticks: 0,
    lastTickAt: now,
  };
}

function sessionView(session: SessionStatus, memory: PlanMemory): SessionView {
  const view: SessionView = {
    key: session.key,
    hostId: session.hostId,
    user: session.user,
    state: session.state,
    since: session.since,
    reconnects: session.reconnects,
    width: session.width,
    height: session.height,
  };
  if (session.connectedAt !== undefined) view.connectedAt = session.connectedAt;
  if (session.error) view.error = session.error.message;
  const blocked = memory.sessions.size > 0 ? memory.sessions.get(session.key)?.blocked : undefined;
  if (blocked) view.blocked = blocked.reason;
  return view;
}

function stageOf(
  power: HostPower,
  answering: boolean,
  openSessions: number,
  runnerOnline: boolean,
  failed: boolean,
  booting: boolean,
): HostStage {
  if (failed) return 'failed';
  switch (power.state) {
    case 'stopping':
      return 'stopping';
    case 'starting':
      return 'powering-on';
    case 'on':
      if (runnerOnline) return 'runner-online';
      if (openSessions > 0) return 'logged-in';
      return answering ? 'rdp-answering' : 'powering-on';
    case 'off':
      return booting ? 'powering-on' : 'off';
    default:
      return 'off';
  }
}
