import type { Config } from '../../config/schema.js';
import type { Action } from '../actions.js';
import { onlineRunners, type Demand } from '../demand.js';
import { fleetOf } from '../fleet.js';
import { workingCopy, type PlanMemory } from '../memory.js';
import { recordArrivals } from '../forecast/learned-demand.js';
import { followBoot } from '../policies/boot.js';
import { applyBudget, budgetReached, type StartCandidate } from '../policies/budget.js';
import { KeepWarmCalendar } from '../policies/keep-warm.js';
import { budgetUse, guardMonthlyBudget } from '../policies/monthly-budget.js';
import { foldOutcomes } from '../policies/outcomes.js';
import { announceOrchestrator } from '../policies/outage.js';
import { planDemand } from '../policies/pools.js';
import { watchSessionHealth } from '../policies/session-health.js';
import { blockFailedSessions, decideSessions } from '../policies/sessions.js';
import { isCloudHost, type HostPower, type PowerState } from '../power-driver.js';
import type { SessionStatus } from '../session-driver.js';
import type { Snapshot } from '../snapshot.js';
import { decidePower } from './host-power.js';
import { situationOf, type TickView } from './situation.js';

/** What plan decided about one host, for the state view. */
export interface HostOutlook {
  /** The power state plan worked from. */
  power: HostPower;
  answering: boolean;
  /** Why the host is in its state, in words. */
  reason?: string;
  /** When an idle host stops if it stays idle (epoch ms). */
  idleDeadline?: number;
}

/** What plan worked out that the view shows: each runner's demand, each host's decision, hosts on. */
export interface PlanOutlook {
  demand: Demand;
  hosts: ReadonlyMap<string, HostOutlook>;
  /** Cloud hosts on or starting once this plan's starts are made. */
  hostsOn: number;
}

export interface PlanResult {
  /** In order; actions of one host must run in this order. */
  actions: Action[];
  memory: PlanMemory;
  outlook: PlanOutlook;
}

/**
 * Decides, from one observation, what to start, stop, open and close. Pure: no I/O, no clock, no
 * randomness; `memory` is not mutated (plan works on a copy and returns it).
 *
 * Each host in config order: its situation, then its boot, its power decision and its sessions; then
 * the budget over the hosts that want to start. Each rule lives in ../policies/ (docs/policies.md).
 */
export function plan(snapshot: Snapshot, config: Config, memory: PlanMemory, now: number): PlanResult {
  const fleet = fleetOf(config);
  const { policy } = config;
  const complete = snapshot.queue.complete;
  const work = workingCopy(memory, fleet);
  const actions: Action[] = [];
  const notes: Action[] = [];
  foldOutcomes(snapshot.outcomes, config, work, notes, now, snapshot.secretVersions);
  recordArrivals(snapshot, config, work, now);
  notes.push(...announceOrchestrator(snapshot, config, work));

  const tick: TickView = {
    snapshot,
    policy,
    memory: work,
    demand: planDemand(snapshot, config, work, now),
    online: onlineRunners(snapshot.queue.runnersOnline),
    sessionsByHost: sessionsByHost(snapshot.sessions),
    calendar: new KeepWarmCalendar(now),
    now,
  };
  const hosts = new Map<string, HostOutlook>();
  const candidates: StartCandidate[] = [];
  // Hosts on or starting count against the budget; an unknown one might be on, so it counts too.
  let hostsOn = 0;
  for (const fleetHost of fleet.hosts) {
    const situation = situationOf(fleetHost, tick);
    const { host } = fleetHost;
    if (isCloudHost(host) && countsAsOn(situation.state)) hostsOn++;
    if (situation.state !== 'unknown') {
      const alive = situation.answering || situation.demand.running > 0 || situation.demand.online;
      const boot = followBoot(
        situation.memory,
        {
          hostId: host.id,
          state: situation.state,
          alive,
          learnsLeadOnReady: fleetHost.groups.length === 0,
          bootTimeoutMs: fleetHost.timers.bootTimeoutMs,
        },
        policy,
        now,
      );
      actions.push(...boot.actions);
      notes.push(...boot.notes);
      if (situation.state !== 'gone')
        notes.push(...blockFailedSessions(situation.sessions, fleet, work, snapshot.secretVersions, now));
    }
    const decision = decidePower(situation, policy, complete, tick.demand, now);
    actions.push(...decision.actions);
    notes.push(...decision.notes);
    if (decision.candidate) candidates.push(decision.candidate);
    if (decision.sessionsNext)
      actions.push(
        ...decideSessions(
          situation,
          tick.demand,
          work,
          now,
          snapshot.queue.runnerTypes,
          snapshot.secretVersions,
        ),
      );
    hosts.set(host.id, {
      power: situation.power,
      answering: situation.answering,
      reason: decision.reason,
      idleDeadline: decision.idleDeadline,
    });
  }

  // Sessions this tick closes or whose host it stops are left alone: a repair there would be spent.
  const stopping = new Set(actions.filter((a) => a.kind === 'powerOff').map((a) => a.hostId));
  const closing = new Set(actions.flatMap((a) => (a.kind === 'closeSession' ? [a.key] : [])));
  if (complete)
    actions.push(
      ...watchSessionHealth(
        snapshot.sessions.filter((s) => !stopping.has(s.hostId) && !closing.has(s.key)),
        fleet.groupByKey,
        tick.demand,
        tick.online,
        work,
        now,
      ),
    );

  const use = budgetUse(snapshot.spend, policy.monthlyBudget);
  const monthly = guardMonthlyBudget(candidates, use, policy.monthlyBudget, work, config.history.currency);
  notes.push(...monthly.alerts);
  for (const candidate of monthly.held)
    hosts.get(candidate.hostId)!.reason = `waiting: ${candidate.why}, but ${monthly.holdReason}`;
  const { start, held } = applyBudget(monthly.allowed, hostsOn, policy.maxHostsOn);
  for (const candidate of start) {
    Object.assign(work.hosts.get(candidate.hostId)!, {
      startedAt: now,
      readyAt: undefined,
      leadLearned: undefined,
      restartPending: undefined,
      drainCount: 0,
      drainSince: undefined,
    });
    actions.push({
      kind: 'powerOn',
      hostId: candidate.hostId,
      reason: `Starting ${candidate.hostId}: ${candidate.why}`,
    });
    hosts.get(candidate.hostId)!.reason = `starting: ${candidate.why}`;
  }
  for (const candidate of held)
    hosts.get(candidate.hostId)!.reason =
      `waiting: ${candidate.why}, but the budget cap of ${policy.maxHostsOn} hosts on is reached`;
  if (held.length > 0 && !work.budgetBlocked) notes.push(budgetReached(held, policy.maxHostsOn));
  work.budgetBlocked = held.length > 0;

  return {
    actions: [...actions, ...notes],
    memory: work,
    outlook: { demand: tick.demand, hosts, hostsOn: hostsOn + start.length },
  };
}

/** On, starting, or unknown (it might be on): counts against the budget cap. */
function countsAsOn(state: PowerState): boolean {
  return state === 'on' || state === 'starting' || state === 'unknown';
}

function sessionsByHost(sessions: readonly SessionStatus[]): Map<string, SessionStatus[]> {
  const byHost = new Map<string, SessionStatus[]>();
  for (const session of sessions) {
    const list = byHost.get(session.hostId);
    if (list) list.push(session);
    else byHost.set(session.hostId, [session]);
  }
  return byHost;
}
