import type { Config, HostConfig } from '../config/schema.js';
import type { Action, NoteAction } from './actions.js';
import { addScheduled, computeDemand, onlineRunners, type DemandIndex } from './demand.js';
import { freshHostMemory, type HostMemory, type PlanMemory, type RunnerMemory } from './memory.js';
import { MemoryDraft } from './memory-draft.js';
import { planContext, type HostEntry, type PlanContext, type SessionGroup } from './plan-context.js';
import { backoffDelay } from './policies/backoff.js';
import { applyBudget, mostUrgent, type StartCandidate } from './policies/budget.js';
import { drainChanges, drainDone, observeDrain } from './policies/drain.js';
import { bootLeadOf, learnBootLead } from './policies/effective-policy.js';
import { describeWindow, KeepWarmCalendar } from './policies/keep-warm.js';
import { foldOutcomes, NEEDS_OPERATOR } from './policies/outcomes.js';
import type { HostPower } from './power-driver.js';
import type { SessionStatus } from './session-driver.js';
import type { Snapshot } from './snapshot.js';
import { HostDecisions, type PlanOutlook } from './view.js';
import { formatDuration, plural, queuedOldest } from './words.js';

export interface PlanResult {
  /** In order; actions of one host must run in this order. */
  actions: Action[];
  memory: PlanMemory;
  /** What plan worked out that the state view shows (`viewOf` in ./view.ts builds the view from it). */
  outlook: PlanOutlook;
}

const ACTIVE_SESSION = new Set<SessionStatus['state']>(['connecting', 'open', 'reconnecting']);

/** A host's demand summed over its runners (numbers only: the words are built when a reason needs them). */
interface HostDemand {
  queued: number;
  running: number;
  oldestQueuedAt?: number;
  maxPriority: number;
  scheduledAt?: number;
  online: boolean;
}

/** Read in place of the memory of a host that has none yet (it is copied before any change). */
const NO_HOST_MEMORY: Readonly<HostMemory> = Object.freeze(freshHostMemory());
const NO_SESSIONS: readonly SessionStatus[] = Object.freeze([]);

/**
 * Decides, from one observation, what to start, stop, open and close. Pure: no I/O, no clock, no
 * randomness; `memory` is not mutated. Every policy of docs/policies.md lives here or in ./policies/.
 *
 * It runs every tick over the whole fleet (target: 10 ms at 5,000 hosts and 50,000 tasks), so hosts
 * are walked by position with lookups from the PlanContext, and a host's memory is copied only when
 * it changes (`hm` is read-only; `hm = mem.hostAt(h)` gives the copy to write).
 */
export function plan(snapshot: Snapshot, config: Config, memory: PlanMemory, now: number): PlanResult {
  const context = planContext(config);
  const policy = config.policy;
  const complete = snapshot.queue.complete;
  const mem = new MemoryDraft(memory, context);
  const actions: Action[] = [];
  const notes: Action[] = [];

  foldOutcomes(snapshot.outcomes, config, mem, notes, now);
  announceOrchestrator(snapshot, config, mem, notes);

  // Power and readiness are read by position once, into the decisions the view shows.
  const hostCount = context.hosts.length;
  const decisions = new HostDecisions(hostCount);
  const powers = powersByPosition(snapshot, context, decisions.powers);
  const answeringAt = answeringByPosition(snapshot, context, decisions.answering);

  // Each runner's lead is its host's (0 without pre-warm), by position: no lookup per runner.
  const runnerLeads = new Float64Array(context.runners.length);
  if (policy.prewarm)
    for (let r = 0; r < runnerLeads.length; r++)
      runnerLeads[r] = bootLeadOf(mem.peekHostAt(context.hostOfRunner[r]!));
  const demandInput = {
    runners: context.runners,
    leadFor: (hostId: string) => (policy.prewarm ? bootLeadOf(mem.peekHost(hostId)) : 0),
    now,
    index: context.runnerIndex,
    runnerIds: context.runnerIds,
    runnerLeads,
  };
  const demand = computeDemand(snapshot.queue.tasks, demandInput);
  if (policy.prewarm) addScheduled(demand, snapshot.queue.upcoming, demandInput);
  const calendar = new KeepWarmCalendar(policy.keepWarm, now);
  const sessionsByHost = groupSessions(snapshot.sessions, context);
  const online = onlineRunners(snapshot.queue.runnersOnline);

  const reasons = decisions.reasons;
  // Hosts on or starting count against the budget; an unknown one might be on, so it counts too.
  let hostsOn = 0;
  const candidates: StartCandidate[] = [];
  const clocks: RunnerClocks = {
    complete,
    now,
    busyNow: Object.freeze({ lastBusyAt: now }),
    firstIdleNow: Object.freeze({ idleSince: now }),
  };
  // Refilled for each host and read only during its iteration: one object for the whole fleet.
  const hd = emptyHostDemand();
  const wantScratch = new WantScratch();

  for (let h = 0; h < hostCount; h++) {
    const entry = context.entries[h]!;
    const { host, runners, timers } = entry;
    // A host's actions stay together in host order: each host's are all pushed in its iteration
    // (a host started below by the budget had none, as it was off).
    const hostActions = actions;
    const power = powers[h]!;
    let hm: Readonly<HostMemory> = mem.peekHostAt(h) ?? NO_HOST_MEMORY;
    let state = power.state;
    if (state === 'off' && isPendingStart(hm, timers.bootTimeoutMs, now)) state = 'starting';
    if (host.protocol !== 'rdp' && (state === 'on' || state === 'starting' || state === 'unknown')) hostsOn++;
    const window = calendar.windowFor(entry.keepWarm, policy.prewarm ? bootLeadOf(hm) : 0);
    const runnerIdleDeadline = readRunners(hd, entry, demand, online, window !== undefined, mem, clocks);
    const wanted = hd.running > 0 || hd.queued > 0 || hd.scheduledAt !== undefined || window !== undefined;

    const answering = power.state === 'on' && answeringAt[h] === 1;

    if (state === 'off' && hm.startedAt !== undefined && hm.readyAt === undefined && !hm.restartPending) {
      // We asked for a start and the cloud still says off after the boot timeout.
      const w = (hm = mem.hostAt(h));
      w.attempts++;
      w.lastError = `still off ${formatDuration(now - w.startedAt!)} after the start request`;
      if (w.attempts >= policy.maxStartAttempts)
        fail(w, host, `${host.id} stayed off after ${plural(w.attempts, 'start request')}`, now, hostActions);
      else w.retryAt = now + backoffDelay(w.attempts);
    }
    if ((state === 'off' || state === 'stopping' || state === 'gone') && bootInProgress(hm))
      clearBoot((hm = mem.hostAt(h)));
    if (state === 'unknown') {
      hm = drain(mem, h, hm, false, now);
      reasons[h] = 'power state unknown: doing nothing to it until it is known';
      continue;
    }
    if (state === 'gone') {
      hm = drain(mem, h, hm, false, now);
      if (!hm.failed)
        fail(
          (hm = mem.hostAt(h)),
          host,
          `${host.id} no longer exists in the cloud (${power.detail ?? 'gone'})`,
          now,
          hostActions,
        );
      reasons[h] = hm.failed?.reason;
      continue;
    }

    // Boot progress: ready = RDP answers, or the runner shows life.
    const alive = (state === 'on' && answering) || hd.running > 0 || hd.online;
    if (hm.startedAt !== undefined && hm.readyAt === undefined && alive) {
      const w = (hm = mem.hostAt(h));
      w.readyAt = now;
      w.attempts = 0;
      w.retryAt = undefined;
      w.lastError = undefined;
      notes.push(
        note('host.ready', 'info', host.id, `${host.id} answers after ${formatDuration(now - w.startedAt!)}`),
      );
      if (entry.groups.length === 0 && !w.leadLearned) {
        w.bootLeadMs = learnBootLead(w.bootLeadMs, now - w.startedAt!);
        w.leadLearned = true;
      }
    }
    if (
      hm.startedAt !== undefined &&
      hm.readyAt === undefined &&
      now - hm.startedAt >= timers.bootTimeoutMs &&
      (state === 'on' || state === 'starting')
    ) {
      const w = (hm = mem.hostAt(h));
      w.attempts++;
      const waited = formatDuration(now - w.startedAt!);
      w.lastError = `did not answer RDP within ${waited}`;
      w.startedAt = undefined;
      if (w.attempts >= policy.maxStartAttempts) {
        fail(
          w,
          host,
          `${host.id} did not answer RDP within ${waited} (${plural(w.attempts, 'attempt')})`,
          now,
          hostActions,
        );
      } else {
        w.retryAt = now + backoffDelay(w.attempts);
        w.restartPending = true;
      }
    }

    const sessions = sessionsByHost[h] ?? NO_SESSIONS;
    blockFailedSessions(sessions, context, mem, notes, now);

    if (state === 'off') {
      hm = drain(mem, h, hm, false, now);
      if (hm.restartPending !== undefined) (hm = mem.hostAt(h)).restartPending = undefined;
      if (host.protocol === 'rdp' || !wanted) {
        reasons[h] = host.protocol === 'rdp' ? undefined : 'off: no work for its runners';
        continue;
      }
      if (hm.failed) reasons[h] = `failed: ${hm.failed.reason}; waiting for the operator to retry`;
      else if (!complete)
        reasons[h] = 'work seen, but the orchestrator observation is incomplete: not starting on stale data';
      else if (hm.retryAt !== undefined && now < hm.retryAt)
        reasons[h] =
          `start failed (${hm.lastError ?? 'error'}); next try in ${formatDuration(hm.retryAt - now)}`;
      else candidates.push(startCandidate(entry, context, hd, demand, window, now));
      continue;
    }
    if (state === 'stopping') {
      hm = drain(mem, h, hm, false, now);
      reasons[h] = 'stopping';
      continue;
    }

    // On or starting (or always-on rdp).
    const idle = complete && !wanted;
    hm = drain(mem, h, hm, idle, now);
    const minUptimeUntil = hm.startedAt !== undefined ? hm.startedAt + timers.minUptimeMs : -Infinity;
    const drainUntil = hm.drainSince !== undefined ? hm.drainSince + timers.graceMs : Infinity;
    const idleDeadline = Math.max(runnerIdleDeadline, minUptimeUntil, drainUntil);
    const mayStop = host.protocol !== 'rdp' && (power.managed || host.powerOffUnmanaged);
    const canStopNow = complete && hd.running === 0 && state === 'on' && mayStop;

    if (hm.failed) {
      reasons[h] = `failed: ${hm.failed.reason}`;
      if (canStopNow)
        stopHost(
          host,
          runners,
          sessions,
          'failed',
          `Stopping ${host.id}: it failed (${hm.failed.reason}) and nothing runs on it`,
          hostActions,
        );
      continue;
    }
    if (hm.restartPending) {
      reasons[h] = `restarting: ${hm.lastError ?? 'boot timed out'}`;
      if (canStopNow)
        stopHost(
          host,
          runners,
          sessions,
          'restart',
          `Stopping ${host.id} to retry: it ${hm.lastError ?? 'did not boot'} (attempt ${hm.attempts} of ${policy.maxStartAttempts}); next start in ${formatDuration((hm.retryAt ?? now) - now)}`,
          hostActions,
        );
      continue;
    }

    let stopping = false;
    if (!complete) reasons[h] = 'orchestrator observation incomplete: stopping nothing';
    else if (hd.running > 0) reasons[h] = runningWords(entry, context, hd, demand);
    else if (hd.queued > 0) reasons[h] = queuedWords(entry, context, hd, demand, now);
    else if (hd.scheduledAt !== undefined)
      reasons[h] = `pre-warming for a scheduled run in ${formatDuration(hd.scheduledAt - now)}`;
    else if (window) reasons[h] = `inside ${describeWindow(window)}`;
    else if (host.protocol === 'rdp') reasons[h] = 'always on (rdp host)';
    else if (state === 'starting') reasons[h] = 'starting';
    else if (!mayStop) reasons[h] = 'idle, but not started by Session Manager: left on';
    else if (now < idleDeadline || !drainDone(hm, policy.drainObservations, timers.graceMs, now)) {
      if (Number.isFinite(idleDeadline)) decisions.idleDeadlines[h] = idleDeadline;
      reasons[h] =
        now < minUptimeUntil && minUptimeUntil >= idleDeadline
          ? `idle; minimum uptime until ${formatDuration(minUptimeUntil - now)} from now`
          : `idle, draining (${hm.drainCount} of ${policy.drainObservations} observations); stops in ${formatDuration(Math.max(0, idleDeadline - now))} if it stays idle`;
      if (hm.drainCount === 1)
        notes.push(
          note(
            'host.drain',
            'info',
            host.id,
            `Draining ${host.id}: no work for its runners; it stops after ${formatDuration(timers.graceMs)} idle`,
          ),
        );
    } else if (canStopNow) {
      stopping = true;
      const idleFor = formatDuration(now - (hm.drainSince ?? now));
      stopHost(
        host,
        runners,
        sessions,
        'idle',
        `Stopping ${host.id}: idle for ${idleFor} (${plural(hm.drainCount, 'idle observation')}), no queued or running tasks`,
        hostActions,
      );
      reasons[h] = 'stopping: idle';
    }
    if (stopping) continue;

    if (complete)
      planSessions(
        entry,
        context,
        hd,
        demand,
        window !== undefined,
        sessions,
        answering && state === 'on',
        mem,
        now,
        config,
        power.address,
        wantScratch,
        hostActions,
      );
  }

  // Budget: start the most urgent candidates the cap allows.
  const { start, held } = applyBudget(candidates, hostsOn, policy.maxHostsOn);
  for (const candidate of start) {
    const hm = mem.host(candidate.hostId);
    hm.startedAt = now;
    hm.readyAt = undefined;
    hm.leadLearned = undefined;
    hm.restartPending = undefined;
    hm.drainCount = 0;
    hm.drainSince = undefined;
    actions.push({
      kind: 'powerOn',
      hostId: candidate.hostId,
      reason: `Starting ${candidate.hostId}: ${candidate.why}`,
    });
    reasons[candidate.position] = `starting: ${candidate.why}`;
  }
  const capReached = `, but the budget cap of ${policy.maxHostsOn} hosts on is reached`;
  for (let c = 0; c < held.length; c++) {
    const candidate = held[c]!;
    reasons[candidate.position] = `waiting: ${candidate.why}${capReached}`;
  }
  const blocked = held.length > 0;
  if (blocked && !mem.budgetBlocked)
    notes.push(
      note(
        'budget.reached',
        'warning',
        undefined,
        `Budget cap reached: ${policy.maxHostsOn} hosts on; ${plural(held.length, 'host')} with work wait (${mostUrgent(
          held,
          5,
        )
          .map((c) => c.hostId)
          .join(', ')}${held.length > 5 ? ', ...' : ''})`,
      ),
    );
  mem.budgetBlocked = blocked;

  actions.push(...notes);
  const finalMemory = mem.finish();
  return {
    actions,
    memory: finalMemory,
    outlook: { demand, hosts: decisions, hostsOn: hostsOn + start.length },
  };
}

/**
 * Each configured host's power state by position, into `powers`: an rdp host is always on, a cloud
 * host the driver did not report is unknown. One pass over the snapshot's Map instead of a lookup per host.
 */
function powersByPosition(
  snapshot: Snapshot,
  context: PlanContext,
  powers: (HostPower | undefined)[],
): HostPower[] {
  // forEach, not for-of: for-of makes a [key, value] array per entry, thousands per tick.
  snapshot.power.forEach((power, hostId) => {
    const position = context.hostPositionById[hostId];
    if (position !== undefined) powers[position] = power;
  });
  for (let h = 0; h < powers.length; h++) {
    const alwaysOn = context.entries[h]!.alwaysOn;
    if (alwaysOn) powers[h] = alwaysOn;
    else powers[h] ??= { hostId: context.hostIds[h]!, state: 'unknown', managed: false };
  }
  return powers as HostPower[];
}

/** 1 for each configured host that answered RDP, by position, into `answering`. */
function answeringByPosition(snapshot: Snapshot, context: PlanContext, answering: Uint8Array): Uint8Array {
  snapshot.readiness.forEach((answers, hostId) => {
    const position = context.hostPositionById[hostId];
    if (answers && position !== undefined) answering[position] = 1;
  });
  return answering;
}

/** We asked for a start and the cloud still says off: give it until the boot timeout. */
function isPendingStart(hm: Readonly<HostMemory> | undefined, bootTimeoutMs: number, now: number): boolean {
  return (
    hm?.startedAt !== undefined &&
    hm.readyAt === undefined &&
    !hm.restartPending &&
    now - hm.startedAt < bootTimeoutMs
  );
}

/** Whether the memory holds a boot that `clearBoot` would forget (copy the memory only then). */
function bootInProgress(hm: Readonly<HostMemory>): boolean {
  return hm.startedAt !== undefined || hm.readyAt !== undefined || hm.leadLearned !== undefined;
}

function clearBoot(hm: HostMemory): void {
  hm.startedAt = undefined;
  hm.readyAt = undefined;
  hm.leadLearned = undefined;
}

/** Observes drain (./policies/drain.ts), copying the host's memory only when that changes it. */
function drain(
  mem: MemoryDraft,
  position: number,
  hm: Readonly<HostMemory>,
  idle: boolean,
  now: number,
): Readonly<HostMemory> {
  if (!drainChanges(hm, idle)) return hm;
  const draft = mem.hostAt(position);
  observeDrain(draft, idle, now);
  return draft;
}

function fail(hm: HostMemory, host: HostConfig, reason: string, now: number, out: Action[]): void {
  hm.failed = { at: now, reason };
  hm.retryAt = undefined;
  hm.restartPending = undefined;
  out.push({ kind: 'markFailed', hostId: host.id, reason });
  out.push({
    kind: 'alert',
    event: 'host.failed',
    severity: 'error',
    title: `Host ${host.id} failed`,
    reason: `${reason}. Session Manager will not start it again until you retry it.`,
    hostId: host.id,
  });
}

function note(
  event: NoteAction['event'],
  severity: NoteAction['severity'],
  hostId: string | undefined,
  reason: string,
): NoteAction {
  return hostId === undefined
    ? { kind: 'note', event, severity, reason }
    : { kind: 'note', event, severity, reason, hostId };
}

function announceOrchestrator(snapshot: Snapshot, config: Config, mem: MemoryDraft, notes: Action[]): void {
  // Without an orchestrator there is nothing to be unreachable: the state says "unconfigured".
  if (!config.orchestrator) return;
  if (snapshot.queue.complete) {
    if (mem.orchestrator === 'unreachable')
      notes.push(
        note('orchestrator.restored', 'info', undefined, 'Orchestrator answers again: planning resumes'),
      );
    mem.orchestrator = 'ok';
    return;
  }
  if (mem.orchestrator !== 'unreachable') {
    notes.push({
      kind: 'alert',
      event: 'orchestrator.unreachable',
      severity: 'warning',
      title: 'Orchestrator unreachable',
      reason: `Orchestrator unreachable (${snapshot.queue.problem ?? 'incomplete observation'}): starting nothing new and stopping nothing until it answers`,
    });
  }
  mem.orchestrator = 'unreachable';
}

/** Sessions by host position (an array, not a Map keyed by id: read once per host per tick). */
function groupSessions(
  sessions: readonly SessionStatus[],
  context: PlanContext,
): (SessionStatus[] | undefined)[] {
  const byHost = new Array<SessionStatus[] | undefined>(context.hosts.length);
  for (let s = 0; s < sessions.length; s++) {
    const session = sessions[s]!;
    const position = context.hostPositionById[session.hostId];
    if (position === undefined) continue;
    const list = byHost[position];
    if (list) list.push(session);
    else byHost[position] = [session];
  }
  return byHost;
}

function emptyHostDemand(): HostDemand {
  return {
    queued: 0,
    running: 0,
    oldestQueuedAt: undefined,
    maxPriority: -1,
    scheduledAt: undefined,
    online: false,
  };
}

/** What moves the runners' idle clocks in one plan (the same for every host). */
interface RunnerClocks {
  complete: boolean;
  now: number;
  /** One frozen entry shared by every runner busy (or first seen idle) now: memory entries are
   * replaced, never changed, and a copy per runner per tick was thousands of objects. */
  busyNow: RunnerMemory;
  firstIdleNow: RunnerMemory;
}

/**
 * One pass over a host's runners (side by side in the demand columns): fills `hd` with their demand
 * summed, and moves their idle clocks (only complete observations move them). Returns when the last
 * of them ends its idle grace (−Infinity when none has a clock yet).
 */
function readRunners(
  hd: HostDemand,
  entry: HostEntry,
  demand: DemandIndex,
  online: ReadonlySet<string>,
  keepWarm: boolean,
  mem: MemoryDraft,
  clocks: RunnerClocks,
): number {
  const { complete, now } = clocks;
  const graceMs = entry.timers.graceMs;
  let queued = 0;
  let running = 0;
  let oldest = Infinity;
  let priority = -1;
  let scheduled = Infinity;
  let anyOnline = false;
  let idleDeadline = -Infinity;
  for (let position = entry.runnersFrom; position < entry.runnersTo; position++) {
    const runnerQueued = demand.queued[position]!;
    const runnerRunning = demand.running[position]!;
    const runnerScheduled = demand.scheduledAt[position]!;
    queued += runnerQueued;
    running += runnerRunning;
    oldest = Math.min(oldest, demand.oldestQueuedAt[position]!);
    priority = Math.max(priority, demand.maxPriority[position]!);
    scheduled = Math.min(scheduled, runnerScheduled);
    if (online.size > 0 && online.has(demand.runnerIds[position]!)) anyOnline = true;

    const busy = runnerQueued > 0 || runnerRunning > 0 || runnerScheduled !== Infinity || keepWarm;
    let since: number | undefined;
    if (complete && busy) {
      mem.setRunnerAt(position, clocks.busyNow);
      since = now;
    } else {
      const rm = mem.peekRunnerAt(position);
      if (complete && !rm) mem.setRunnerAt(position, clocks.firstIdleNow);
      since = rm ? (rm.lastBusyAt ?? rm.idleSince) : complete ? now : undefined;
    }
    if (since !== undefined) idleDeadline = Math.max(idleDeadline, since + graceMs);
  }
  hd.queued = queued;
  hd.running = running;
  hd.oldestQueuedAt = oldest === Infinity ? undefined : oldest;
  hd.maxPriority = priority;
  hd.scheduledAt = scheduled === Infinity ? undefined : scheduled;
  hd.online = anyOnline;
  return idleDeadline;
}

/**
 * "runner fin-01 has" / "runners a, b, c, ... have": the host's runners with running tasks (or, with
 * `queuedToo`, queued ones as well). Built for thousands of hosts per tick, so without an array.
 */
function whoWords(entry: HostEntry, context: PlanContext, demand: DemandIndex, queuedToo: boolean): string {
  let count = 0;
  let first = 0;
  let shown = '';
  const ids = context.runnerIds;
  for (let position = entry.runnersFrom; position < entry.runnersTo; position++) {
    if (demand.running[position] === 0 && !(queuedToo && demand.queued[position]! > 0)) continue;
    count++;
    if (count === 1) first = position;
    else if (count === 2) shown = `${ids[first]!}, ${ids[position]!}`;
    else if (count === 3) shown += `, ${ids[position]!}`;
  }
  if (count === 1) return queuedToo ? context.runnerHas[first]! : context.runnerIs[first]!;
  return `runners ${shown}${count > 3 ? ', ...' : ''} ${queuedToo ? 'have' : 'are'}`;
}

function runningWords(entry: HostEntry, context: PlanContext, hd: HostDemand, demand: DemandIndex): string {
  return `${whoWords(entry, context, demand, false)} running ${plural(hd.running, 'task')}`;
}

function queuedWords(
  entry: HostEntry,
  context: PlanContext,
  hd: HostDemand,
  demand: DemandIndex,
  now: number,
): string {
  const who = whoWords(entry, context, demand, true);
  if (hd.oldestQueuedAt === undefined) return `${who} ${plural(hd.queued, 'queued task')}`;
  return who + queuedOldest(hd.queued) + formatDuration(now - hd.oldestQueuedAt);
}

function startCandidate(
  entry: HostEntry,
  context: PlanContext,
  hd: HostDemand,
  demand: DemandIndex,
  window: ReturnType<KeepWarmCalendar['windowFor']>,
  now: number,
): StartCandidate {
  const hostId = entry.host.id;
  const position = entry.position;
  if (hd.queued > 0 || hd.running > 0)
    return {
      hostId,
      position,
      class: 'queued',
      priority: hd.maxPriority,
      oldest: hd.oldestQueuedAt,
      why:
        hd.queued > 0
          ? queuedWords(entry, context, hd, demand, now)
          : runningWords(entry, context, hd, demand),
    };
  if (hd.scheduledAt !== undefined)
    return {
      hostId,
      position,
      class: 'scheduled',
      priority: -1,
      oldest: hd.scheduledAt,
      why: `a scheduled run is due in ${formatDuration(hd.scheduledAt - now)} (pre-warm)`,
    };
  return {
    hostId,
    position,
    class: 'keep-warm',
    priority: -1,
    why: window ? describeWindow(window) : 'keep-warm window',
  };
}

/**
 * What the runners of one session group need now, and why. `idle`: no running, queued or scheduled
 * work and past their grace, so the group's session may close (after `idleFor` ms idle).
 */
interface Want {
  group: SessionGroup;
  running: number;
  queued: number;
  priority: number;
  /** Oldest counted queued task; Infinity when none. */
  oldest: number;
  because: 'running' | 'queued' | 'scheduled' | 'keep-warm' | 'grace' | 'idle';
  graceUntil: number;
  idleFor: number;
}

/** Want objects reused from host to host within one plan (one array per host was thousands per tick). */
class WantScratch {
  private readonly pool: Want[] = [];
  private readonly view: Want[] = [];

  /** `count` wants to fill, in an array valid until the next call. */
  wants(count: number): Want[] {
    while (this.pool.length < count)
      this.pool.push({
        group: undefined!,
        running: 0,
        queued: 0,
        priority: -1,
        oldest: Infinity,
        because: 'grace',
        graceUntil: -Infinity,
        idleFor: 0,
      });
    this.view.length = count;
    for (let w = 0; w < count; w++) this.view[w] = this.pool[w]!;
    return this.view;
  }
}

/** Fills `want` with what a session group's runners need now (a hot path: sums in locals). */
function groupWant(
  want: Want,
  group: SessionGroup,
  demand: DemandIndex,
  mem: MemoryDraft,
  graceMs: number,
  keepWarm: boolean,
  now: number,
): void {
  let running = 0;
  let queued = 0;
  let priority = -1;
  let oldest = Infinity;
  let scheduled = false;
  let graceUntil = -Infinity;
  let idleSince = -Infinity;
  for (let position = group.runnersFrom; position < group.runnersTo; position++) {
    running += demand.running[position]!;
    queued += demand.queued[position]!;
    priority = Math.max(priority, demand.maxPriority[position]!);
    oldest = Math.min(oldest, demand.oldestQueuedAt[position]!);
    if (demand.scheduledAt[position] !== Infinity) scheduled = true;
    const rm = mem.peekRunnerAt(position);
    const since = rm?.lastBusyAt ?? rm?.idleSince;
    if (since !== undefined) {
      graceUntil = Math.max(graceUntil, since + graceMs);
      idleSince = Math.max(idleSince, since);
    }
  }
  let because: Want['because'] = 'grace';
  let idleFor = 0;
  if (running > 0) because = 'running';
  else if (queued > 0) because = 'queued';
  else if (scheduled) because = 'scheduled';
  else if (keepWarm) because = 'keep-warm';
  else if (now >= graceUntil) {
    because = 'idle';
    idleFor = Number.isFinite(idleSince) ? now - idleSince : 0;
  }
  want.group = group;
  want.running = running;
  want.queued = queued;
  want.priority = priority;
  want.oldest = oldest;
  want.because = because;
  want.graceUntil = graceUntil;
  want.idleFor = idleFor;
}

/** Most urgent first: running work, then priority, then the oldest task; by key for a stable order. */
function compareWants(a: Want, b: Want): number {
  return (
    b.running - a.running ||
    b.priority - a.priority ||
    a.oldest - b.oldest ||
    (a.group.key < b.group.key ? -1 : 1)
  );
}

function wantOf(wants: readonly Want[], key: string): Want | undefined {
  for (let w = 0; w < wants.length; w++) if (wants[w]!.group.key === key) return wants[w];
  return undefined;
}

function isActive(sessions: readonly SessionStatus[], key: string): boolean {
  for (let s = 0; s < sessions.length; s++)
    if (sessions[s]!.key === key && ACTIVE_SESSION.has(sessions[s]!.state)) return true;
  return false;
}

/** The words of an open's reason, built only when a session is opened. */
function describeWant(want: Want, now: number): string {
  const ids = want.group.runnerIds;
  const who = ids.length === 1 ? `runner ${ids[0]}` : `runners ${ids.join(', ')}`;
  switch (want.because) {
    case 'running':
      return `${who} running ${plural(want.running, 'task')}`;
    case 'queued':
      return `${who}: ${plural(want.queued, 'queued task')}${want.oldest !== Infinity ? `, oldest ${formatDuration(now - want.oldest)}` : ''}`;
    case 'scheduled':
      return `${who}: a scheduled run is due (pre-warm)`;
    case 'keep-warm':
      return `${who}: keep-warm window`;
    case 'grace':
    case 'idle':
      return `${who}: idle grace until ${formatDuration(want.graceUntil - now)} from now`;
  }
}

/** Close every active session of the host, then power it off (in that order). */
function stopHost(
  host: HostConfig,
  runners: readonly { id: string }[],
  sessions: readonly SessionStatus[],
  cause: 'idle' | 'restart' | 'failed',
  reason: string,
  out: Action[],
): void {
  const runnerIds = runners.map((runner) => runner.id);
  for (const session of sessions) {
    if (!ACTIVE_SESSION.has(session.state)) continue;
    out.push({
      kind: 'closeSession',
      hostId: host.id,
      key: session.key,
      runnerIds,
      forStop: cause,
      reason: `Closing ${session.key}: ${host.id} is stopping`,
    });
  }
  out.push({ kind: 'powerOff', hostId: host.id, cause, runnerIds, reason });
}

/** Sessions with an authentication failure (or a changed certificate) wait for the operator. */
function blockFailedSessions(
  sessions: readonly SessionStatus[],
  context: PlanContext,
  mem: MemoryDraft,
  notes: Action[],
  now: number,
): void {
  for (let s = 0; s < sessions.length; s++) {
    const session = sessions[s]!;
    if (session.state !== 'failed' || !session.error || !NEEDS_OPERATOR.has(session.error.kind)) continue;
    const group = context.groupByKey.get(session.key);
    if (!group) continue;
    const existing = mem.peekSession(session.key);
    // Already waiting for the operator (a credentials change is noticed where sessions are opened).
    if (existing?.blocked) continue;
    // A failure reported before the block was lifted is about the old credentials.
    if (existing?.unblockedAt !== undefined && session.since <= existing.unblockedAt) continue;
    const sm = mem.session(session.key);
    sm.blocked = { at: now, reason: session.error.message, credentials: group.credentials };
    sm.lastError = session.error.message;
    notes.push({
      kind: 'alert',
      event: 'session.failed',
      severity: 'error',
      title: `Session ${session.key} needs attention`,
      reason: `Session ${session.key} failed: ${session.error.message} (${session.error.kind}). Not retried until its credentials change or you retry it.`,
      hostId: session.hostId,
    });
  }
}

function planSessions(
  entry: HostEntry,
  context: PlanContext,
  hd: HostDemand,
  demand: DemandIndex,
  keepWarm: boolean,
  sessions: readonly SessionStatus[],
  ready: boolean,
  mem: MemoryDraft,
  now: number,
  config: Config,
  powerAddress: string | undefined,
  scratch: WantScratch,
  out: Action[],
): void {
  const { host, groups, timers } = entry;
  // This runs for thousands of hosts per tick: the wants are scratch objects shared by all hosts of
  // this plan (nothing keeps a want past this call), no closures, no Maps.
  const runnerIdsOfHost = entry.runnerIds;
  // Nothing to close and not ready to open (a host still booting): nothing to decide.
  if (sessions.length === 0 && !ready) return;
  const wants = scratch.wants(groups.length);
  for (let g = 0; g < groups.length; g++)
    groupWant(wants[g]!, groups[g]!, demand, mem, timers.graceMs, keepWarm, now);

  // Close sessions nobody wants any more (never one with a running task).
  let activeCount = 0;
  let closing = 0;
  for (let s = 0; s < sessions.length; s++) {
    const session = sessions[s]!;
    if (!ACTIVE_SESSION.has(session.state)) continue;
    activeCount++;
    const want = wantOf(wants, session.key);
    if (want && want.because !== 'idle') continue;
    if (!want && hd.running > 0) continue;
    closing++;
    out.push({
      kind: 'closeSession',
      hostId: host.id,
      key: session.key,
      runnerIds: want ? want.group.runnerIds : [...runnerIdsOfHost],
      reason: want
        ? `Closing ${session.key}: ${want.group.runnerIds.length === 1 ? `runner ${want.group.runnerIds[0]}` : `runners ${want.group.runnerIds.join(', ')}`} idle for ${formatDuration(want.idleFor)}`
        : `Closing ${session.key}: no configured runner uses it`,
    });
  }

  if (!ready) return;
  // Open wanted sessions, most urgent first, within the host's session limit.
  if (wants.length > 1) wants.sort(compareWants);
  let slots = host.maxSessions - (activeCount - closing);
  for (let w = 0; w < wants.length; w++) {
    const want = wants[w]!;
    if (want.because === 'idle') continue;
    const key = want.group.key;
    if (isActive(sessions, key)) continue;
    const existing = mem.peekSession(key);
    if (existing?.blocked) {
      if (existing.blocked.credentials === want.group.credentials) continue;
      const sm = mem.session(key);
      sm.blocked = undefined;
      sm.attempts = 0;
      sm.retryAt = undefined;
      sm.unblockedAt = now;
    }
    if (existing?.retryAt !== undefined && now < existing.retryAt) continue;
    if (slots <= 0) continue;
    slots--;
    const address = context.address.get(host.id) ?? { host: host.address, port: 3389 };
    out.push({
      kind: 'openSession',
      hostId: host.id,
      runnerIds: want.group.runnerIds,
      reason: `Opening ${key}: ${describeWant(want, now)}`,
      spec: {
        key,
        hostId: host.id,
        host: powerAddress ?? address.host,
        port: address.port,
        user: want.group.user,
        ...(want.group.domain !== undefined ? { domain: want.group.domain } : {}),
        passwordRef: want.group.passwordRef,
        width: want.group.width,
        height: want.group.height,
        ...(host.certificate !== undefined ? { certificate: host.certificate } : {}),
      },
    });
  }
}
