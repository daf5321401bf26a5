import type { Config } from '../config/schema.js';
import { noDemand, onlineRunners } from './demand.js';
import { fleetOf } from './fleet.js';
import type { PlanMemory } from './memory.js';
import type { PlanOutlook } from './plan/plan.js';
import { isCloudHost, type HostPower } from './power-driver.js';
import { cloudErrorHint } from './cloud-error-hints.js';
import type { SessionStatus } from './session-driver.js';
import type { Snapshot } from './snapshot.js';
import type {
  HostStage,
  HostView,
  ManagerState,
  MonthlyBudgetView,
  RunnerView,
  SessionView,
} from './state.js';
import { budgetUse } from './policies/monthly-budget.js';

/**
 * The ManagerState after one plan: the snapshot it planned from, the memory and outlook it returned.
 * Built apart from `plan` (the reconciler builds it once per tick to publish): deciding does not need
 * the view, and a call of `plan` stays the decision alone. Before the first plan, `outlook` is absent.
 */
export function viewOf(
  snapshot: Snapshot,
  config: Config,
  result: { memory: PlanMemory; outlook?: PlanOutlook },
  now: number,
): ManagerState {
  const fleet = fleetOf(config);
  const { memory, outlook } = result;
  const online = onlineRunners(snapshot.queue.runnersOnline);
  const known = new Set(Object.keys(snapshot.queue.runnersOnline));
  const openByHost = new Map<string, number>();
  for (const session of snapshot.sessions)
    if (session.state === 'open') openByHost.set(session.hostId, (openByHost.get(session.hostId) ?? 0) + 1);
  // A failing session login is the host's last error too, so the overview shows why it is not ready:
  // a session waiting for the operator first, else the first with an error, in configured order.
  const sessionErrorByHost = new Map<string, string>();
  for (const blockedOnly of [true, false])
    for (const [key, group] of fleet.groupByKey) {
      const sm = memory.sessions.get(key);
      const error = blockedOnly ? sm?.blocked?.reason : sm?.lastError;
      if (error !== undefined && !sessionErrorByHost.has(group.hostId))
        sessionErrorByHost.set(group.hostId, error);
    }

  const hosts: HostView[] = fleet.hosts.map(({ host, runnerIds }) => {
    const decided = outlook?.hosts.get(host.id);
    const power = decided?.power ?? { hostId: host.id, state: 'unknown' as const, managed: false };
    const hm = memory.hosts.get(host.id);
    return {
      id: host.id,
      name: host.name ?? host.id,
      protocol: host.protocol,
      address: power.address ?? host.address,
      power: power.state,
      managed: power.managed,
      stage: stageOf(power, {
        answering: decided?.answering ?? false,
        openSessions: openByHost.get(host.id) ?? 0,
        runnerOnline: runnerIds.some((id) => online.has(id)),
        failed: !!hm?.failed,
        booting: hm?.startedAt !== undefined,
      }),
      failed: !!hm?.failed,
      maxSessions: host.maxSessions,
      runners: [...runnerIds],
      bootStartedAt: hm?.startedAt,
      idleDeadline: decided?.idleDeadline,
      bootLeadMs: hm?.hibernated ? (hm.resumeLeadMs ?? hm.bootLeadMs) : hm?.bootLeadMs,
      ...(hm?.hibernated && { hibernated: true }),
      lastError:
        hm?.failed?.reason ??
        power.error?.message ??
        (power.state === 'unknown' ? powerProblem(snapshot, host.protocol) : undefined) ??
        hm?.lastError ??
        sessionErrorByHost.get(host.id),
      ...(power.error && host.protocol !== 'rdp'
        ? {
            cloudError: {
              ...power.error,
              hint: cloudErrorHint(power.error.kind, host.protocol),
            },
          }
        : {}),
      reason: decided?.reason,
      drainCount: hm && hm.drainCount > 0 ? hm.drainCount : undefined,
    };
  });

  const hostsUnknown = hosts.filter((host) => isCloudHost(host) && host.power === 'unknown').length;
  const unusual = unusualBusy(snapshot);
  const runners: RunnerView[] = fleet.runners.map((runner) => {
    const rd = outlook?.demand.byRunner.get(runner.id) ?? noDemand();
    const { TIMEOUT: timedOut, ...otherBusy } = unusual.get(runner.id) ?? {};
    return {
      id: runner.id,
      hostId: runner.host,
      queued: rd.queued,
      running: rd.running,
      ...(timedOut ? { timedOut } : {}),
      ...(Object.keys(otherBusy).length > 0 ? { otherBusy } : {}),
      sessionMode: runner.sessionMode,
      ...(snapshot.queue.runnerTypes?.[runner.id] ? { type: snapshot.queue.runnerTypes[runner.id] } : {}),
      online: known.has(runner.id) ? online.has(runner.id) : undefined,
      oldestQueuedAt: rd.oldestQueuedAt,
      lastBusyAt: memory.runners.get(runner.id)?.lastBusyAt,
    };
  });

  const sessions = snapshot.sessions.map((session) => sessionView(session, memory));
  // Blocked sessions the driver no longer lists.
  const listed = new Set(snapshot.sessions.map((session) => session.key));
  for (const [key, group] of fleet.groupByKey) {
    const sm = memory.sessions.get(key);
    if (!sm?.blocked || listed.has(key)) continue;
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
        ? {
            status: 'ok',
            lastObservedAt: snapshot.now,
            ...(snapshot.queue.skipped ? { skipped: snapshot.queue.skipped } : {}),
          }
        : { status: 'unreachable', ...(snapshot.queue.problem ? { problem: snapshot.queue.problem } : {}) }
      : { status: 'unconfigured' },
    queueDepth: outlook?.demand.queuedTotal ?? 0,
    ...monthlyBudgetView(snapshot, config),
    // The budget counts an unknown host as on (it may be running); the view shows it apart.
    hostsOn: (outlook?.hostsOn ?? 0) - hostsUnknown,
    maxHostsOn: config.policy.maxHostsOn,
    hostsUnknown,
    hosts,
    runners,
    sessions,
    ticks: 0,
    lastTickAt: now,
  };
}

function monthlyBudgetView(snapshot: Snapshot, config: Config): { monthlyBudget?: MonthlyBudgetView } {
  const budget = config.policy.monthlyBudget;
  const use = budgetUse(snapshot.spend, budget);
  if (!use || !budget) return {};
  return {
    monthlyBudget: {
      ...use,
      currency: config.history.currency,
      whenSpent: budget.whenSpent,
      ...(use.fraction >= 1 &&
        budget.whenSpent === 'hold-starts' && { holdingBelowPriority: budget.minPriority }),
    },
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
  const sm = memory.sessions.get(session.key);
  if (sm?.blocked) view.blocked = sm.blocked.reason;
  if (session.screen) view.screen = session.screen;
  if (sm?.health && session.state === 'open') {
    const { state, reason, since } = sm.health;
    view.health = { state, reason, since };
  }
  if (sm?.busy && session.state === 'open') view.busy = { ...sm.busy };
  return view;
}

interface StageFacts {
  answering: boolean;
  openSessions: number;
  runnerOnline: boolean;
  failed: boolean;
  booting: boolean;
}

function stageOf(power: HostPower, facts: StageFacts): HostStage {
  if (facts.failed) return 'failed';
  switch (power.state) {
    case 'stopping':
      return 'stopping';
    case 'starting':
      return 'powering-on';
    case 'on':
      if (facts.runnerOnline) return 'runner-online';
      if (facts.openSessions > 0) return 'logged-in';
      return facts.answering ? 'rdp-answering' : 'powering-on';
    case 'off':
      return facts.booting ? 'powering-on' : 'off';
    default:
      return 'off';
  }
}

/** Why a protocol's power states could not be read this tick, in the words the driver reported. */
function powerProblem(snapshot: Snapshot, protocol: string): string | undefined {
  return snapshot.problems.find((problem) => problem.source === 'power' && problem.protocol === protocol)
    ?.message;
}

/** Busy tasks in a state other than RUNNING (TIMEOUT, or one never seen), counted by runner and state. */
function unusualBusy(snapshot: Snapshot): Map<string, Record<string, number>> {
  const byRunner = new Map<string, Record<string, number>>();
  for (const task of snapshot.queue.tasks) {
    if (task.state !== 'busy' || task.status === 'RUNNING' || task.runnerId === undefined) continue;
    const counts = byRunner.get(task.runnerId) ?? {};
    counts[task.status] = (counts[task.status] ?? 0) + 1;
    byRunner.set(task.runnerId, counts);
  }
  return byRunner;
}
