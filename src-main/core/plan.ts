import type { Config, HostConfig } from '../config/schema.js';
import type { Action, NoteAction } from './actions.js';
import { addScheduled, computeDemand, onlineRunners, type DemandIndex, type RunnerDemand } from './demand.js';
import type { HostMemory, PlanMemory } from './memory.js';
import { MemoryDraft } from './memory-draft.js';
import { planContext, type PlanContext, type SessionGroup } from './plan-context.js';
import { backoffDelay } from './policies/backoff.js';
import { applyBudget, type StartCandidate } from './policies/budget.js';
import { drainDone, observeDrain } from './policies/drain.js';
import { DEFAULT_BOOT_LEAD_MS, learnBootLead } from './policies/effective-policy.js';
import { describeWindow, KeepWarmCalendar } from './policies/keep-warm.js';
import { foldOutcomes, NEEDS_OPERATOR } from './policies/outcomes.js';
import type { HostPower } from './power-driver.js';
import type { SessionStatus } from './session-driver.js';
import type { Snapshot } from './snapshot.js';
import type { ManagerState } from './state.js';
import { buildView, type HostDecision } from './view.js';
import { formatDuration, plural } from './words.js';

export interface PlanResult {
  /** In order; actions of one host must run in this order. */
  actions: Action[];
  memory: PlanMemory;
  /** The state to show (the reconciler fills `paused` and `ticks`). */
  view: ManagerState;
}

const ACTIVE_SESSION = new Set<SessionStatus['state']>(['connecting', 'open', 'reconnecting']);

/** A host's demand summed over its runners. */
interface HostDemand {
  queued: number;
  running: number;
  oldestQueuedAt?: number;
  maxPriority: number;
  scheduledAt?: number;
  /** Runners with queued or running work, for the words of the reasons. */
  busyRunners?: string[];
  runningRunners?: string[];
  online: boolean;
}

/**
 * Decides, from one observation, what to start, stop, open and close. Pure: no I/O, no clock, no
 * randomness; `memory` is not mutated. Every policy of docs/policies.md lives here or in ./policies/.
 */
export function plan(snapshot: Snapshot, config: Config, memory: PlanMemory, now: number): PlanResult {
  const context = planContext(config);
  const policy = config.policy;
  const complete = snapshot.queue.complete;
  const mem = new MemoryDraft(memory);
  const actions: Action[] = [];
  const notes: Action[] = [];

  foldOutcomes(snapshot.outcomes, config, mem, notes, now);
  announceOrchestrator(snapshot, config, mem, notes);

  const leadFor = (hostId: string) =>
    policy.prewarm ? (mem.peekHost(hostId)?.bootLeadMs ?? DEFAULT_BOOT_LEAD_MS) : 0;
  const demandInput = { runners: context.runners, leadFor, now };
  const demand = computeDemand(snapshot.queue.tasks, demandInput);
  if (policy.prewarm) addScheduled(demand, snapshot.queue.upcoming, demandInput);
  const calendar = new KeepWarmCalendar(policy.keepWarm, now);
  const sessionsByHost = groupSessions(snapshot.sessions);
  const online = onlineRunners(snapshot.queue.runnersOnline);

  // Hosts on or starting count against the budget; an unknown one might be on, so it counts too.
  let hostsOn = 0;
  for (const host of context.hosts) {
    if (host.protocol === 'rdp') continue;
    const state = powerOf(host, snapshot).state;
    const pending =
      state === 'off' &&
      isPendingStart(mem.peekHost(host.id), context.timers.get(host.id)!.bootTimeoutMs, now);
    if (state === 'on' || state === 'starting' || state === 'unknown' || pending) hostsOn++;
  }

  const decisions: HostDecision[] = [];
  const candidates: StartCandidate[] = [];
  const hostIndex = new Map<string, number>();

  for (let h = 0; h < context.hosts.length; h++) {
    const host = context.hosts[h]!;
    // A host's actions stay together in host order: each host's are all pushed in its iteration
    // (a host started below by the budget had none, as it was off).
    const hostActions = actions;
    hostIndex.set(host.id, h);
    const runners = context.runnersByHost.get(host.id) ?? [];
    const runnerIndexes = context.runnerIndexesByHost[h]!;
    const timers = context.timers.get(host.id)!;
    const power = powerOf(host, snapshot);
    const hm = mem.host(host.id);
    const lead = hm.bootLeadMs ?? DEFAULT_BOOT_LEAD_MS;
    const window = calendar.windowFor(host.id, policy.prewarm ? lead : 0);
    const hd = hostDemand(runners, runnerIndexes, demand, online);
    const wanted = hd.running > 0 || hd.queued > 0 || hd.scheduledAt !== undefined || window !== undefined;

    // Runner idle clocks: only complete observations move them.
    let runnerIdleDeadline = -Infinity;
    for (let r = 0; r < runners.length; r++) {
      const runner = runners[r]!;
      const rd = demand.list[runnerIndexes[r]!]!;
      const busy = rd.queued > 0 || rd.running > 0 || rd.scheduledAt !== undefined || !!window;
      let since: number | undefined;
      if (complete && busy) {
        mem.setRunner(runner.id, { lastBusyAt: now });
        since = now;
      } else {
        const rm = mem.peekRunner(runner.id);
        if (complete && !rm) mem.setRunner(runner.id, { idleSince: now });
        since = rm ? (rm.lastBusyAt ?? rm.idleSince) : complete ? now : undefined;
      }
      if (since !== undefined) runnerIdleDeadline = Math.max(runnerIdleDeadline, since + timers.graceMs);
    }

    const decision: HostDecision = { power, answering: snapshot.readiness.get(host.id) === true };
    decisions.push(decision);
    const answering = decision.answering;
    let state = power.state;
    if (state === 'off' && isPendingStart(hm, timers.bootTimeoutMs, now)) state = 'starting';

    if (state === 'off' && hm.startedAt !== undefined && hm.readyAt === undefined && !hm.restartPending) {
      // We asked for a start and the cloud still says off after the boot timeout.
      hm.attempts++;
      hm.lastError = `still off ${formatDuration(now - hm.startedAt)} after the start request`;
      if (hm.attempts >= policy.maxStartAttempts)
        fail(
          hm,
          host,
          `${host.id} stayed off after ${plural(hm.attempts, 'start request')}`,
          now,
          hostActions,
        );
      else hm.retryAt = now + backoffDelay(hm.attempts);
    }
    if (state === 'off' || state === 'stopping' || state === 'gone') clearBoot(hm);
    if (state === 'unknown') {
      observeDrain(hm, false, now);
      decision.reason = 'power state unknown: doing nothing to it until it is known';
      continue;
    }
    if (state === 'gone') {
      observeDrain(hm, false, now);
      if (!hm.failed)
        fail(
          hm,
          host,
          `${host.id} no longer exists in the cloud (${power.detail ?? 'gone'})`,
          now,
          hostActions,
        );
      decision.reason = hm.failed?.reason;
      continue;
    }

    // Boot progress: ready = RDP answers, or the runner shows life.
    const alive = (state === 'on' && answering) || hd.running > 0 || hd.online;
    if (hm.startedAt !== undefined && hm.readyAt === undefined && alive) {
      hm.readyAt = now;
      hm.attempts = 0;
      hm.retryAt = undefined;
      hm.lastError = undefined;
      notes.push(
        note('host.ready', 'info', host.id, `${host.id} answers after ${formatDuration(now - hm.startedAt)}`),
      );
      if (!context.groupsByHost.has(host.id) && !hm.leadLearned) {
        hm.bootLeadMs = learnBootLead(hm.bootLeadMs, now - hm.startedAt);
        hm.leadLearned = true;
      }
    }
    if (
      hm.startedAt !== undefined &&
      hm.readyAt === undefined &&
      now - hm.startedAt >= timers.bootTimeoutMs &&
      (state === 'on' || state === 'starting')
    ) {
      hm.attempts++;
      const waited = formatDuration(now - hm.startedAt);
      hm.lastError = `did not answer RDP within ${waited}`;
      hm.startedAt = undefined;
      if (hm.attempts >= policy.maxStartAttempts) {
        fail(
          hm,
          host,
          `${host.id} did not answer RDP within ${waited} (${plural(hm.attempts, 'attempt')})`,
          now,
          hostActions,
        );
      } else {
        hm.retryAt = now + backoffDelay(hm.attempts);
        hm.restartPending = true;
      }
    }

    const sessions = sessionsByHost.get(host.id) ?? [];
    blockFailedSessions(sessions, context, mem, notes, now);

    if (state === 'off') {
      observeDrain(hm, false, now);
      hm.restartPending = undefined;
      if (host.protocol === 'rdp' || !wanted) {
        decision.reason = host.protocol === 'rdp' ? undefined : 'off: no work for its runners';
        continue;
      }
      if (hm.failed) decision.reason = `failed: ${hm.failed.reason}; waiting for the operator to retry`;
      else if (!complete)
        decision.reason =
          'work seen, but the orchestrator observation is incomplete: not starting on stale data';
      else if (hm.retryAt !== undefined && now < hm.retryAt)
        decision.reason = `start failed (${hm.lastError ?? 'error'}); next try in ${formatDuration(hm.retryAt - now)}`;
      else candidates.push(startCandidate(host, hd, window, now));
      continue;
    }
    if (state === 'stopping') {
      observeDrain(hm, false, now);
      decision.reason = 'stopping';
      continue;
    }

    // On or starting (or always-on rdp).
    const idle = complete && !wanted;
    observeDrain(hm, idle, now);
    const minUptimeUntil = hm.startedAt !== undefined ? hm.startedAt + timers.minUptimeMs : -Infinity;
    const drainUntil = hm.drainSince !== undefined ? hm.drainSince + timers.graceMs : Infinity;
    const idleDeadline = Math.max(runnerIdleDeadline, minUptimeUntil, drainUntil);
    const mayStop = host.protocol !== 'rdp' && (power.managed || host.powerOffUnmanaged);
    const canStopNow = complete && hd.running === 0 && state === 'on' && mayStop;

    if (hm.failed) {
      decision.reason = `failed: ${hm.failed.reason}`;
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
      decision.reason = `restarting: ${hm.lastError ?? 'boot timed out'}`;
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
    if (!complete) decision.reason = 'orchestrator observation incomplete: stopping nothing';
    else if (hd.running > 0)
      decision.reason = `${runnerWords(hd.runningRunners ?? [])} running ${plural(hd.running, 'task')}`;
    else if (hd.queued > 0) decision.reason = queuedWords(hd, now);
    else if (hd.scheduledAt !== undefined)
      decision.reason = `pre-warming for a scheduled run in ${formatDuration(hd.scheduledAt - now)}`;
    else if (window) decision.reason = `inside ${describeWindow(window)}`;
    else if (host.protocol === 'rdp') decision.reason = 'always on (rdp host)';
    else if (state === 'starting') decision.reason = 'starting';
    else if (!mayStop) decision.reason = 'idle, but not started by Session Manager: left on';
    else if (now < idleDeadline || !drainDone(hm, policy.drainObservations, timers.graceMs, now)) {
      decision.idleDeadline = Number.isFinite(idleDeadline) ? idleDeadline : undefined;
      decision.reason =
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
      decision.reason = 'stopping: idle';
    }
    if (stopping) continue;

    if (complete)
      planSessions(
        host,
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
    decisions[hostIndex.get(candidate.hostId)!]!.reason = `starting: ${candidate.why}`;
  }
  for (const candidate of held) {
    decisions[hostIndex.get(candidate.hostId)!]!.reason =
      `waiting: ${candidate.why}, but the budget cap of ${policy.maxHostsOn} hosts on is reached`;
  }
  const blocked = held.length > 0;
  if (blocked && !mem.budgetBlocked)
    notes.push(
      note(
        'budget.reached',
        'warning',
        undefined,
        `Budget cap reached: ${policy.maxHostsOn} hosts on; ${plural(held.length, 'host')} with work wait (${held
          .map((c) => c.hostId)
          .slice(0, 5)
          .join(', ')}${held.length > 5 ? ', ...' : ''})`,
      ),
    );
  mem.budgetBlocked = blocked;

  actions.push(...notes);
  const finalMemory = mem.finish(context);
  const view = buildView({
    snapshot,
    config,
    context,
    memory: finalMemory,
    demand,
    decisions,
    now,
    hostsOn: hostsOn + start.length,
  });
  return { actions, memory: finalMemory, view };
}

function powerOf(host: HostConfig, snapshot: Snapshot): HostPower {
  if (host.protocol === 'rdp') return { hostId: host.id, state: 'on', managed: false };
  return snapshot.power.get(host.id) ?? { hostId: host.id, state: 'unknown', managed: false };
}

/** We asked for a start and the cloud still says off: give it until the boot timeout. */
function isPendingStart(hm: HostMemory | undefined, bootTimeoutMs: number, now: number): boolean {
  return (
    hm?.startedAt !== undefined &&
    hm.readyAt === undefined &&
    !hm.restartPending &&
    now - hm.startedAt < bootTimeoutMs
  );
}

function clearBoot(hm: HostMemory): void {
  hm.startedAt = undefined;
  hm.readyAt = undefined;
  hm.leadLearned = undefined;
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

function groupSessions(sessions: readonly SessionStatus[]): Map<string, SessionStatus[]> {
  const byHost = new Map<string, SessionStatus[]>();
  for (const session of sessions) {
    const list = byHost.get(session.hostId);
    if (list) list.push(session);
    else byHost.set(session.hostId, [session]);
  }
  return byHost;
}

function hostDemand(
  runners: readonly { id: string }[],
  runnerIndexes: readonly number[],
  demand: DemandIndex,
  online: ReadonlySet<string>,
): HostDemand {
  const hd: HostDemand = {
    queued: 0,
    running: 0,
    maxPriority: -1,
    online: false,
  };
  for (let r = 0; r < runners.length; r++) {
    const runner = runners[r]!;
    if (online.size > 0 && online.has(runner.id)) hd.online = true;
    const rd: RunnerDemand = demand.list[runnerIndexes[r]!]!;
    hd.queued += rd.queued;
    hd.running += rd.running;
    if (rd.queued > 0 || rd.running > 0) (hd.busyRunners ??= []).push(runner.id);
    if (rd.running > 0) (hd.runningRunners ??= []).push(runner.id);
    if (
      rd.oldestQueuedAt !== undefined &&
      (hd.oldestQueuedAt === undefined || rd.oldestQueuedAt < hd.oldestQueuedAt)
    )
      hd.oldestQueuedAt = rd.oldestQueuedAt;
    if (rd.maxPriority > hd.maxPriority) hd.maxPriority = rd.maxPriority;
    if (rd.scheduledAt !== undefined && (hd.scheduledAt === undefined || rd.scheduledAt < hd.scheduledAt))
      hd.scheduledAt = rd.scheduledAt;
  }
  return hd;
}

function runnerWords(runnerIds: string[]): string {
  if (runnerIds.length === 1) return `runner ${runnerIds[0]} is`;
  const shown = runnerIds.slice(0, 3).join(', ');
  return `runners ${shown}${runnerIds.length > 3 ? ', ...' : ''} are`;
}

function queuedWords(hd: HostDemand, now: number): string {
  const busy = hd.busyRunners ?? [];
  const who =
    busy.length === 1
      ? `runner ${busy[0]} has`
      : `runners ${busy.slice(0, 3).join(', ')}${busy.length > 3 ? ', ...' : ''} have`;
  const oldest = hd.oldestQueuedAt !== undefined ? `, oldest ${formatDuration(now - hd.oldestQueuedAt)}` : '';
  return `${who} ${plural(hd.queued, 'queued task')}${oldest}`;
}

function startCandidate(
  host: HostConfig,
  hd: HostDemand,
  window: ReturnType<KeepWarmCalendar['windowFor']>,
  now: number,
): StartCandidate {
  if (hd.queued > 0 || hd.running > 0)
    return {
      hostId: host.id,
      class: 'queued',
      priority: hd.maxPriority,
      oldest: hd.oldestQueuedAt,
      why:
        hd.queued > 0
          ? queuedWords(hd, now)
          : `${runnerWords(hd.runningRunners ?? [])} running ${plural(hd.running, 'task')}`,
    };
  if (hd.scheduledAt !== undefined)
    return {
      hostId: host.id,
      class: 'scheduled',
      priority: -1,
      oldest: hd.scheduledAt,
      why: `a scheduled run is due in ${formatDuration(hd.scheduledAt - now)} (pre-warm)`,
    };
  return {
    hostId: host.id,
    class: 'keep-warm',
    priority: -1,
    why: window ? describeWindow(window) : 'keep-warm window',
  };
}

/** A session group some runner needs now, and why. */
interface Want {
  group: SessionGroup;
  running: number;
  queued: number;
  priority: number;
  oldest?: number;
  because: 'running' | 'queued' | 'scheduled' | 'keep-warm' | 'grace';
  graceUntil: number;
}

/** The words of an open's reason, built only when a session is opened. */
function describeWant(want: Want, now: number): string {
  const ids = want.group.runnerIds;
  const who = ids.length === 1 ? `runner ${ids[0]}` : `runners ${ids.join(', ')}`;
  switch (want.because) {
    case 'running':
      return `${who} running ${plural(want.running, 'task')}`;
    case 'queued':
      return `${who}: ${plural(want.queued, 'queued task')}${want.oldest !== undefined ? `, oldest ${formatDuration(now - want.oldest)}` : ''}`;
    case 'scheduled':
      return `${who}: a scheduled run is due (pre-warm)`;
    case 'keep-warm':
      return `${who}: keep-warm window`;
    case 'grace':
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
  for (const session of sessions) {
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
  host: HostConfig,
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
  out: Action[],
): void {
  const groups = context.groupsByHost.get(host.id) ?? [];
  const timers = context.timers.get(host.id)!;
  // Small per host: arrays, not Maps (this runs for thousands of hosts per tick).
  const active: SessionStatus[] = [];
  for (const session of sessions) if (ACTIVE_SESSION.has(session.state)) active.push(session);
  const runnerIdsOfHost = context.runnerIdsByHost.get(host.id) ?? [];

  const wants: Want[] = [];
  // Groups with no running, queued or scheduled work and past their grace: their sessions may close.
  const unwanted: { group: SessionGroup; idleFor: number }[] = [];
  for (const group of groups) {
    const want: Want = {
      group,
      running: 0,
      queued: 0,
      priority: -1,
      because: 'grace',
      graceUntil: -Infinity,
    };
    let scheduled = false;
    let idleSince = -Infinity;
    for (let r = 0; r < group.runnerIds.length; r++) {
      const runnerId = group.runnerIds[r]!;
      const rd = demand.list[group.runnerIndexes[r]!];
      if (rd) {
        want.running += rd.running;
        want.queued += rd.queued;
        if (rd.maxPriority > want.priority) want.priority = rd.maxPriority;
        if (rd.oldestQueuedAt !== undefined && (want.oldest === undefined || rd.oldestQueuedAt < want.oldest))
          want.oldest = rd.oldestQueuedAt;
        if (rd.scheduledAt !== undefined) scheduled = true;
      }
      const rm = mem.peekRunner(runnerId);
      const since = rm?.lastBusyAt ?? rm?.idleSince;
      if (since !== undefined) {
        want.graceUntil = Math.max(want.graceUntil, since + timers.graceMs);
        idleSince = Math.max(idleSince, since);
      }
    }
    if (want.running > 0) want.because = 'running';
    else if (want.queued > 0) want.because = 'queued';
    else if (scheduled) want.because = 'scheduled';
    else if (keepWarm) want.because = 'keep-warm';
    else if (now >= want.graceUntil) {
      unwanted.push({ group, idleFor: Number.isFinite(idleSince) ? now - idleSince : 0 });
      continue;
    }
    wants.push(want);
  }

  // Close sessions nobody wants any more (never one with a running task).
  let closing = 0;
  for (const session of active) {
    if (wants.some((want) => want.group.key === session.key)) continue;
    const info = unwanted.find((entry) => entry.group.key === session.key);
    if (!info && hd.running > 0) continue;
    closing++;
    out.push({
      kind: 'closeSession',
      hostId: host.id,
      key: session.key,
      runnerIds: info ? info.group.runnerIds : [...runnerIdsOfHost],
      reason: info
        ? `Closing ${session.key}: ${info.group.runnerIds.length === 1 ? `runner ${info.group.runnerIds[0]}` : `runners ${info.group.runnerIds.join(', ')}`} idle for ${formatDuration(info.idleFor)}`
        : `Closing ${session.key}: no configured runner uses it`,
    });
  }

  if (!ready) return;
  // Open wanted sessions, most urgent first, within the host's session limit.
  wants.sort(
    (a, b) =>
      b.running - a.running ||
      b.priority - a.priority ||
      (a.oldest ?? Infinity) - (b.oldest ?? Infinity) ||
      (a.group.key < b.group.key ? -1 : 1),
  );
  let slots = host.maxSessions - (active.length - closing);
  for (const want of wants) {
    const key = want.group.key;
    if (active.some((session) => session.key === key)) continue;
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
