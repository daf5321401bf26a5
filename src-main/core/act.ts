import type { Config } from '../config/schema.js';
import type { Action, CloseSessionAction, PowerOffAction } from './actions.js';
import { isDestructive } from './actions.js';
import { runBounded } from './bounded.js';
import { messageOf, TimeoutError, withTimeout, type Clock, type Timer } from './clock.js';
import { computeDemand } from './demand.js';
import type { EventKind, ManagerEvent, NewEvent } from './events.js';
import { fleetOf } from './fleet.js';
import type { PlanMemory } from './memory.js';
import { observeQueue } from './observe.js';
import type { Orchestrator, QueueObservation } from './orchestrator.js';
import { bootLeadOf } from './policies/effective-policy.js';
import { isUnusable } from './policies/session-health.js';
import type { PowerDriver } from './power-driver.js';
import type { FleetScope } from './fleet-scope.js';
import type { SessionDriver } from './session-driver.js';
import type { ActionOutcome } from './snapshot.js';

/** What acting needs: the drivers, time, and where events go. */
export interface Actors {
  orchestrator?: Orchestrator;
  powerDrivers: readonly PowerDriver[];
  sessions: SessionDriver;
  clock: Clock;
  timer: Timer;
  emit: (event: NewEvent) => ManagerEvent | void;
  /**
   * Keeps the session's screen as the evidence of an event about its health (the event says
   * `data.screen`); absent: no screen is kept.
   */
  keepScreen?: (eventId: number, png: Uint8Array) => Promise<void>;
  /** Several instances: the hosts this one may act on, checked just before each driver call. */
  scope?: FleetScope;
  /** Host groups acted on at once. */
  concurrency: number;
  /** A driver call that takes longer fails with a timeout. */
  actionTimeoutMs: number;
}

/** Actions that call a driver for one host. */
type HostAction = Exclude<Action, { kind: 'alert' | 'note' | 'markFailed' }>;

/**
 * Runs one plan's actions: alerts and notes first, then each host's actions in order, hosts
 * concurrently up to `concurrency`. Every driver call is idempotent and bounded by a timeout.
 * Power-offs and closes are re-checked against one fresh orchestrator read just before they run
 * and never run on stale data.
 */
export async function act(
  actors: Actors,
  actions: readonly Action[],
  config: Config,
  memory: PlanMemory,
): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  const groups = new Map<string, HostAction[]>();
  for (const action of actions) {
    if (action.kind === 'alert' || action.kind === 'note' || action.kind === 'markFailed') {
      await announce(actors, action);
      continue;
    }
    groups.set(action.hostId, [...(groups.get(action.hostId) ?? []), action]);
  }
  // One fresh observation, taken when the first destructive action is about to run, serves them all.
  let fresh: Promise<QueueObservation> | undefined;
  const recheck = () => (fresh ??= observeQueue(actors.orchestrator, actors.clock.now()));

  await runBounded([...groups.values()], actors.concurrency, async (group) => {
    let canceled = false;
    for (const action of group) {
      if (isDestructive(action)) {
        const why = canceled
          ? 'an earlier step for this host was canceled'
          : cancelReason(action, await recheck(), config, memory, actors.clock.now());
        if (why !== undefined) {
          canceled = true;
          outcomes.push({ action, ok: false, canceled: true, at: actors.clock.now(), message: why });
          actors.emit({
            at: actors.clock.now(),
            kind: 'info',
            severity: 'info',
            hostId: action.hostId,
            message: `Not ${action.kind === 'powerOff' ? `stopping ${action.hostId}` : `closing ${action.key}`}: ${why}`,
          });
          continue;
        }
      }
      const claim = canceled ? undefined : await claimHost(actors, action);
      if (claim && !claim.ok) {
        canceled = true;
        outcomes.push({ action, ok: false, canceled: true, at: actors.clock.now(), message: claim.why });
        continue;
      }
      try {
        outcomes.push(await run(actors, action, config));
      } finally {
        claim?.done();
      }
    }
  });
  return outcomes;
}

/**
 * Several instances: the host held for the length of the call (its lease is not given back
 * meanwhile), or why this instance must not make it after all: its lease may have run out, or a
 * start would pass the fleet's budget cap. Undefined: a single instance.
 */
async function claimHost(
  actors: Actors,
  action: HostAction,
): Promise<{ ok: true; done: () => void } | { ok: false; why: string } | undefined> {
  const scope = actors.scope;
  if (!scope) return undefined;
  const done = scope.begin(action.hostId);
  if (!done)
    return {
      ok: false,
      why: `this instance no longer surely holds ${action.hostId}'s lease: another one acts on it`,
    };
  if (action.kind === 'powerOn' && !(await scope.reserveStart(action.hostId))) {
    done();
    return { ok: false, why: "the fleet's budget cap is reached (hosts other instances keep on count too)" };
  }
  return { ok: true, done };
}

/** Why a destructive action must not run after all (fresh demand, or no fresh view); undefined = go. */
function cancelReason(
  action: PowerOffAction | CloseSessionAction,
  queue: QueueObservation,
  config: Config,
  memory: PlanMemory,
  now: number,
): string | undefined {
  if (action.kind === 'closeSession' && action.forRepair && isUnusable(action.forRepair)) return undefined;
  if (!queue.complete)
    return `the fresh orchestrator observation is incomplete (${queue.problem ?? 'unknown'})`;
  const runners = fleetOf(config).runners.filter((runner) => action.runnerIds.includes(runner.id));
  const demand = computeDemand(queue.tasks, {
    runners,
    leadFor: (hostId) => (config.policy.prewarm ? bootLeadOf(memory.hosts.get(hostId)) : 0),
    now,
  });
  const cause = action.kind === 'powerOff' ? action.cause : (action.forStop ?? 'idle');
  for (const [runnerId, rd] of demand.byRunner) {
    if (rd.running > 0) return `runner ${runnerId} is running a task now`;
    const repair = action.kind === 'closeSession' && action.forRepair !== undefined;
    if (cause === 'idle' && !repair && rd.queued > 0) return `runner ${runnerId} has new queued work`;
  }
  return undefined;
}

async function run(actors: Actors, action: HostAction, config: Config): Promise<ActionOutcome> {
  const host = fleetOf(config).hostById.get(action.hostId)?.host;
  if (!host) return failed(actors, action, 'other', `host ${action.hostId} is no longer configured`);
  try {
    switch (action.kind) {
      case 'powerOn':
      case 'powerOff': {
        const driver = actors.powerDrivers.find((candidate) => candidate.protocol === host.protocol);
        if (!driver) return failed(actors, action, 'other', `no power driver for ${host.protocol}`);
        const starting = action.kind === 'powerOn';
        emit(actors, {
          kind: starting ? 'host.starting' : 'host.stopping',
          severity: 'info',
          hostId: host.id,
          message: action.reason,
        });
        const result = await bounded(
          actors,
          starting ? driver.start(host) : driver.stop(host),
          `${starting ? 'starting' : 'stopping'} ${host.id}`,
        );
        if (!result.ok) return failed(actors, action, result.error, result.message, result.retryAfterMs);
        if (result.hibernateRefused)
          emit(actors, {
            kind: 'host.hibernate-refused',
            severity: 'warning',
            hostId: host.id,
            message: `${host.id} could not hibernate (${result.hibernateRefused}); it was stopped instead, so its Windows sessions end and its next start is a full boot`,
          });
        emit(actors, {
          kind: starting ? 'host.started' : 'host.stopped',
          severity: 'info',
          hostId: host.id,
          message: starting
            ? `${host.id}: start accepted${result.detail ? ` (${result.detail})` : ''}`
            : `${host.id}: stop accepted${result.detail ? ` (${result.detail})` : ''}`,
        });
        return { action, ok: true, at: actors.clock.now(), ...(result.hibernated && { hibernated: true }) };
      }
      case 'openSession': {
        emit(actors, {
          kind: 'session.opening',
          severity: 'info',
          hostId: host.id,
          message: action.reason,
          sessionKey: action.spec.key,
        });
        const result = await bounded(actors, actors.sessions.open(action.spec), `opening ${action.spec.key}`);
        if (!result.ok) {
          emit(actors, {
            kind: 'session.failed',
            severity: 'warning',
            hostId: host.id,
            sessionKey: action.spec.key,
            message: `Opening ${action.spec.key} failed: ${result.error.message}`,
            data: { error: result.error.kind },
          });
          return {
            action,
            ok: false,
            at: actors.clock.now(),
            errorKind: result.error.kind,
            message: result.error.message,
          };
        }
        if (result.pinnedCertificate)
          emit(actors, {
            kind: 'certificate.pinned',
            severity: 'info',
            hostId: host.id,
            message: `Pinned the certificate of ${host.id} on first use`,
            data: { fingerprint: result.pinnedCertificate },
          });
        emit(actors, {
          kind: 'session.opened',
          severity: 'info',
          hostId: host.id,
          sessionKey: action.spec.key,
          message: `Session ${action.spec.key} is logged in`,
        });
        return { action, ok: true, at: actors.clock.now() };
      }
      case 'closeSession': {
        await bounded(actors, actors.sessions.close(action.key), `closing ${action.key}`);
        emit(actors, {
          kind: 'session.closed',
          severity: 'info',
          hostId: host.id,
          sessionKey: action.key,
          message: action.reason,
        });
        return { action, ok: true, at: actors.clock.now() };
      }
    }
  } catch (error) {
    return failed(actors, action, error instanceof TimeoutError ? 'timeout' : 'other', messageOf(error));
  }
}

function failed(
  actors: Actors,
  action: Action,
  errorKind: string,
  message: string,
  retryAfterMs?: number,
): ActionOutcome {
  emit(actors, {
    kind: 'action.failed',
    severity: 'warning',
    ...(action.hostId ? { hostId: action.hostId } : {}),
    message: `${action.kind} ${action.hostId ?? ''} failed: ${message}`.replace('  ', ' '),
    data: { action: action.kind, error: errorKind },
  });
  return {
    action,
    ok: false,
    at: actors.clock.now(),
    errorKind,
    message,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** Events about a desktop's health keep its screen as it was when they were said. */
const SCREEN_EVIDENCE: ReadonlySet<EventKind> = new Set(['session.unhealthy', 'session.repair-failed']);
/** Wide enough to read a dialog's title, small enough to keep a hundred. */
export const EVIDENCE_WIDTH = 640;

async function announce(
  actors: Actors,
  action: Extract<Action, { kind: 'alert' | 'note' | 'markFailed' }>,
): Promise<void> {
  if (action.kind === 'markFailed') return; // its alert, which plan sends with it, carries the event
  const screen =
    action.sessionKey && SCREEN_EVIDENCE.has(action.event)
      ? await screenOf(actors, action.sessionKey)
      : undefined;
  const event = emit(actors, {
    kind: action.event,
    severity: action.severity,
    message: action.reason,
    ...(action.hostId ? { hostId: action.hostId } : {}),
    ...(action.runnerId ? { runnerId: action.runnerId } : {}),
    ...(action.sessionKey ? { sessionKey: action.sessionKey } : {}),
    ...(screen ? { data: { screen: true } } : {}),
  });
  if (screen && event) await actors.keepScreen!(event.id, screen);
  // The event is the one fact: notifications (the orchestrator's alerts among them) are raised from
  // it by the notification dispatcher, once per transition, never a second time from here.
}

/** The session's screen now, when screens are kept; a screen that cannot be had is no evidence. */
async function screenOf(actors: Actors, sessionKey: string): Promise<Uint8Array | undefined> {
  if (!actors.keepScreen) return undefined;
  try {
    return await bounded(actors, actors.sessions.thumbnail(sessionKey, EVIDENCE_WIDTH), 'the screen');
  } catch {
    return undefined;
  }
}

function bounded<T>(actors: Actors, promise: Promise<T>, what: string): Promise<T> {
  return withTimeout(promise, actors.actionTimeoutMs, what, actors.timer);
}

function emit(actors: Actors, event: Omit<NewEvent, 'at'>): ManagerEvent | void {
  return actors.emit({ at: actors.clock.now(), ...event } as NewEvent);
}
