import { isCloudHost } from '../power-driver.js';
import type { PolicyConfig } from '../../config/schema.js';
import type { Action, NoteAction, PowerOffCause } from '../actions.js';
import type { Demand } from '../demand.js';
import { startCandidate, type StartCandidate } from '../policies/budget.js';
import { drainDone, observeDrain } from '../policies/drain.js';
import { failHost } from '../policies/failures.js';
import { describeWindow } from '../policies/keep-warm.js';
import { isActiveSession } from '../session-driver.js';
import { formatDuration, plural, queuedWords, runningWords } from '../words.js';
import type { HostSituation } from './situation.js';

/** What plan decides about a host's power. */
interface PowerDecision {
  /** In order: give up, close its sessions, power off. */
  actions: Action[];
  notes: NoteAction[];
  /** Why the host is in its state, in words (for the view). */
  reason: string | undefined;
  /** When an idle host stops if it stays idle. */
  idleDeadline: number | undefined;
  /** Off with work waiting: the budget decides whether it starts. */
  candidate: StartCandidate | undefined;
  /** On or starting and staying so: its sessions are planned next. */
  sessionsNext: boolean;
}

/**
 * The host's power decision: start it (as a candidate for the budget), keep it, drain it, stop it.
 * Reads its situation; moves its memory's drain clock; never interrupts running work.
 */
export function decidePower(
  situation: HostSituation,
  policy: PolicyConfig,
  complete: boolean,
  demand: Demand,
  now: number,
): PowerDecision {
  const { fleetHost, state, memory: hm } = situation;
  const { host, timers } = fleetHost;
  const decision: PowerDecision = {
    actions: [],
    notes: [],
    reason: undefined,
    idleDeadline: undefined,
    candidate: undefined,
    sessionsNext: false,
  };
  const idle = complete && !situation.wanted && (state === 'on' || state === 'starting');
  observeDrain(hm, idle, now);

  if (state === 'unknown')
    return Object.assign(decision, { reason: 'power state unknown: doing nothing to it until it is known' });
  if (state === 'gone') {
    if (!hm.failed)
      decision.actions.push(
        ...failHost(
          hm,
          host.id,
          `${host.id} no longer exists in the cloud (${situation.power.detail ?? 'gone'})`,
          now,
        ),
      );
    return Object.assign(decision, { reason: hm.failed?.reason });
  }
  if (state === 'off') {
    hm.restartPending = undefined;
    return Object.assign(decision, offDecision(situation, complete, demand, now));
  }
  if (state === 'stopping') return Object.assign(decision, { reason: 'stopping' });

  // On or starting (or an always-on rdp host).
  const minUptimeUntil = hm.startedAt !== undefined ? hm.startedAt + timers.minUptimeMs : -Infinity;
  const { graceMs } = situation;
  const drainUntil = hm.drainSince !== undefined ? hm.drainSince + graceMs : Infinity;
  const idleDeadline = Math.max(
    situation.runnerIdleDeadline,
    minUptimeUntil,
    drainUntil,
    situation.breakEvenUntil ?? -Infinity,
  );
  const mayStop = isCloudHost(host) && (situation.power.managed || host.powerOffUnmanaged);
  const canStopNow =
    complete && !situation.stopsHeld && situation.demand.running === 0 && state === 'on' && mayStop;

  if (hm.failed)
    return Object.assign(decision, {
      reason: `failed: ${hm.failed.reason}`,
      actions: canStopNow
        ? stopHost(
            situation,
            'failed',
            `Stopping ${host.id}: it failed (${hm.failed.reason}) and nothing runs on it`,
          )
        : [],
    });
  if (hm.restartPending) {
    const error = hm.lastError ?? 'did not boot';
    const next = formatDuration((hm.retryAt ?? now) - now);
    return Object.assign(decision, {
      reason: `restarting: ${hm.lastError ?? 'boot timed out'}`,
      actions: canStopNow
        ? stopHost(
            situation,
            'restart',
            `Stopping ${host.id} to retry: it ${error} (attempt ${hm.attempts} of ${policy.maxStartAttempts}); next start in ${next}`,
          )
        : [],
    });
  }
  const { demand: hd, window } = situation;
  if (!complete) return kept(decision, complete, 'orchestrator observation incomplete: stopping nothing');
  if (hd.running > 0) return kept(decision, complete, runningWords(fleetHost.runnerIds, hd, demand, now));
  if (hd.queued > 0) return kept(decision, complete, queuedWords(fleetHost.runnerIds, hd, demand, now));
  if (hd.scheduledAt !== undefined)
    return kept(
      decision,
      complete,
      `pre-warming for a scheduled run in ${formatDuration(hd.scheduledAt - now)}`,
    );
  if (hd.expected) return kept(decision, complete, `pre-warming: ${hd.expected.why}`);
  if (window) return kept(decision, complete, `inside ${describeWindow(window)}`);
  if (!isCloudHost(host)) return kept(decision, complete, 'always on (rdp host)');
  if (state === 'starting') return kept(decision, complete, 'starting');
  if (!mayStop) return kept(decision, complete, 'idle, but not started by Session Manager: left on');
  if (now < idleDeadline || !drainDone(hm, policy.drainObservations, graceMs, now)) {
    const draining = kept(
      decision,
      complete,
      now < minUptimeUntil && minUptimeUntil >= idleDeadline
        ? `idle; minimum uptime until ${formatDuration(minUptimeUntil - now)} from now`
        : `idle, draining (${hm.drainCount} of ${policy.drainObservations} observations); stops in ${formatDuration(Math.max(0, idleDeadline - now))} if it stays idle`,
    );
    if (Number.isFinite(idleDeadline)) draining.idleDeadline = idleDeadline;
    if (hm.drainCount === 1)
      draining.notes.push({
        kind: 'note',
        event: 'host.drain',
        severity: 'info',
        hostId: host.id,
        reason: `Draining ${host.id}: no work for its runners; ${
          situation.restartMs === undefined
            ? `it stops after ${formatDuration(graceMs)} idle`
            : `it stops in ${formatDuration(Math.max(0, idleDeadline - now))} if it stays idle (break-even: a restart costs about ${formatDuration(situation.restartMs)} of VM time with the ${policy.strategy} strategy)`
        }`,
      });
    return draining;
  }
  if (situation.stopsHeld) return kept(decision, complete, `idle, but not stopped: ${situation.stopsHeld}`);
  if (!canStopNow) return Object.assign(decision, { sessionsNext: true });
  const idleFor = formatDuration(now - (hm.drainSince ?? now));
  return Object.assign(decision, {
    reason: 'stopping: idle',
    actions: stopHost(
      situation,
      'idle',
      `Stopping ${host.id}: idle for ${idleFor} (${plural(hm.drainCount, 'idle observation')}), no queued or running tasks`,
    ),
  });
}

/** A host that stays on (or starting) for `reason`: its sessions are planned when the queue was read. */
function kept(decision: PowerDecision, complete: boolean, reason: string): PowerDecision {
  decision.reason = reason;
  decision.sessionsNext = complete;
  return decision;
}

/** An off host: stays off, or becomes a start candidate when its runners have work. */
function offDecision(
  situation: HostSituation,
  complete: boolean,
  demand: Demand,
  now: number,
): Partial<PowerDecision> {
  const { fleetHost, memory: hm, demand: hd, window } = situation;
  if (!isCloudHost(fleetHost.host)) return {};
  if (!situation.wanted) return { reason: 'off: no work for its runners' };
  if (hm.failed) return { reason: `failed: ${hm.failed.reason}; waiting for the operator to retry` };
  if (!complete)
    return {
      reason: 'work seen, but the orchestrator observation is incomplete: not starting on stale data',
    };
  if (hm.retryAt !== undefined && now < hm.retryAt)
    return {
      reason: `start failed (${hm.lastError ?? 'error'}); next try in ${formatDuration(hm.retryAt - now)}`,
    };
  return { candidate: startCandidate(fleetHost.host.id, fleetHost.runnerIds, hd, demand, window, now) };
}

/** Close every active session of the host, then power it off (in that order). */
function stopHost(situation: HostSituation, cause: PowerOffCause, reason: string): Action[] {
  const hostId = situation.fleetHost.host.id;
  const runnerIds = [...situation.fleetHost.runnerIds];
  const closes: Action[] = situation.sessions.filter(isActiveSession).map((session) => ({
    kind: 'closeSession',
    hostId,
    key: session.key,
    runnerIds,
    forStop: cause,
    reason: `Closing ${session.key}: ${hostId} is stopping`,
  }));
  return [...closes, { kind: 'powerOff', hostId, cause, runnerIds, reason }];
}
