import type { Config, HostConfig } from '../config/schema.js';
import type { Action, CloseSessionAction, PowerOffAction } from './actions.js';
import { isDestructive } from './actions.js';
import { runBounded } from './bounded.js';
import { computeDemand, DemandIndex } from './demand.js';
import type { EventKind, ManagerEvent, NewEvent } from './events.js';
import { clearFailures, emptyMemory, type PlanMemory } from './memory.js';
import type { Orchestrator, QueueObservation } from './orchestrator.js';
import { plan } from './plan.js';
import { planContext } from './plan-context.js';
import { bootLeadOf } from './policies/effective-policy.js';
import type { HostPower, PowerDriver } from './power-driver.js';
import type { ProbeTarget, ReadinessProbe } from './readiness.js';
import type { SessionDriver, SessionStatus } from './session-driver.js';
import type { ActionOutcome, Snapshot } from './snapshot.js';
import type { ManagerState } from './state.js';
import { StateStore } from './state-store.js';
import { buildView, HostDecisions, viewOf } from './view.js';

/** Reads the time. Injected so tests run on a fake clock. */
export interface Clock {
  now(): number;
}

/** Schedules the next tick. Injected so tests decide when time passes. */
export interface Timer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Where events go (the EventLog). */
export interface EventSink {
  append(event: NewEvent): ManagerEvent | void;
}

export interface ReconcilerOptions {
  config: Config;
  /** Absent when no orchestrator is configured: then every observation is incomplete. */
  orchestrator?: Orchestrator;
  /** One driver per cloud protocol; `rdp` hosts need none. */
  powerDrivers: readonly PowerDriver[];
  sessions: SessionDriver;
  readiness: ReadinessProbe;
  events: EventSink;
  clock?: Clock;
  timer?: Timer;
  /** Host groups acted on at once. Default 8. */
  concurrency?: number;
  /** Time between ticks; default the orchestrator's pollSeconds (15 s). */
  intervalMs?: number;
  /** A driver call that takes longer fails with a timeout. Default 120 s. */
  actionTimeoutMs?: number;
  /** Memory from a previous run (e.g. learned boot leads). */
  memory?: PlanMemory;
}

/** What one tick saw, decided and did (for tests, the CLI and the API). */
export interface TickReport {
  at: number;
  snapshot: Snapshot;
  actions: Action[];
  outcomes: ActionOutcome[];
  /** True when the tick only observed (paused or stopped). */
  observedOnly: boolean;
}

const systemClock: Clock = { now: () => Date.now() };
const systemTimer: Timer = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The loop: each tick observes (orchestrator, power, sessions, RDP readiness), plans (pure), and acts
 * through the drivers. Ticks never overlap. Actions of one host run in order; different hosts run
 * concurrently up to `concurrency`. Power-offs and session closes are re-checked against a fresh
 * orchestrator observation just before they run. `stop()` finishes what is in flight and powers
 * nothing off.
 *
 * Usage: `new Reconciler(options)`, `start()` to tick every interval, or `tickNow()` to tick once.
 */
export class Reconciler {
  private config: Config;
  private memory: PlanMemory;
  private outcomes: ActionOutcome[] = [];
  private readonly store: StateStore;
  private readonly clock: Clock;
  private readonly timer: Timer;
  private handle: unknown;
  private inFlight: Promise<TickReport> | undefined;
  private queued: Promise<TickReport> | undefined;
  private started = false;
  private stopped = false;
  private paused = false;
  private ticks = 0;
  private unsubscribeSessions: (() => void) | undefined;

  constructor(private readonly options: ReconcilerOptions) {
    this.config = options.config;
    this.memory = options.memory ?? emptyMemory();
    this.clock = options.clock ?? systemClock;
    this.timer = options.timer ?? systemTimer;
    this.store = new StateStore(this.initialState());
  }

  /** Starts ticking: one tick now, then one every interval. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.unsubscribeSessions = this.options.sessions.onChange((status) => this.onSessionChange(status));
    this.emit({
      kind: 'service.started',
      severity: 'info',
      message: `Session Manager started: ${this.describeConfig()}`,
    });
    this.schedule(0);
  }

  /**
   * Runs a tick now. If one is running, resolves with the tick that follows it (at most one waits),
   * so ticks never overlap.
   */
  tickNow(): Promise<TickReport> {
    if (this.inFlight) {
      this.queued ??= this.inFlight.then(() => {
        this.queued = undefined;
        return this.runTick();
      });
      return this.queued;
    }
    return this.runTick();
  }

  /** Stops acting: ticks still observe (the state stays fresh) but start, stop, open and close nothing. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.emit({
      kind: 'service.paused',
      severity: 'warning',
      message: 'Paused: Session Manager observes but starts and stops nothing',
    });
    this.store.set({ ...this.store.get(), paused: true });
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.emit({ kind: 'service.resumed', severity: 'info', message: 'Resumed' });
    this.store.set({ ...this.store.get(), paused: false });
  }

  /** Graceful stop: no more ticks; waits for the tick in flight (and its actions); powers nothing off. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.handle !== undefined) this.timer.clear(this.handle);
    this.handle = undefined;
    this.emit({
      kind: 'service.stopping',
      severity: 'info',
      message: 'Stopping: finishing actions in flight; hosts are left as they are',
    });
    await this.queued?.catch(() => undefined);
    await this.inFlight?.catch(() => undefined);
    this.unsubscribeSessions?.();
  }

  /** Replaces the config (live reload); the next tick plans with it. */
  setConfig(config: Config): void {
    this.config = config;
    this.emit({
      kind: 'config.reloaded',
      severity: 'info',
      message: `Configuration reloaded: ${this.describeConfig()}`,
    });
  }

  getConfig(): Config {
    return this.config;
  }

  /** The operator's retry of a failed host (and its sessions): the next tick may start and open again. */
  retry(hostId: string): void {
    this.memory = clearFailures(this.memory, hostId, this.clock.now());
    this.emit({
      kind: 'info',
      severity: 'info',
      hostId,
      message: `Retry requested for ${hostId}: failures forgotten`,
    });
  }

  /** The current state of every host, runner and session. */
  state(): ManagerState {
    return this.store.get();
  }

  /** Calls `listener` after every tick and on pause/resume. Returns the unsubscribe function. */
  onState(listener: (state: ManagerState) => void): () => void {
    return this.store.subscribe(listener);
  }

  /** The plan memory (to persist learned boot leads across restarts, or to inspect in tests). */
  getMemory(): PlanMemory {
    return this.memory;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.handle !== undefined) this.timer.clear(this.handle);
    this.handle = this.timer.set(() => {
      this.handle = undefined;
      void this.tickNow()
        .catch((error: unknown) =>
          this.emit({
            kind: 'action.failed',
            severity: 'error',
            message: `Tick failed: ${messageOf(error)}`,
          }),
        )
        .finally(() => this.schedule(this.intervalMs()));
    }, ms);
  }

  private intervalMs(): number {
    return this.options.intervalMs ?? (this.config.orchestrator?.pollSeconds ?? 15) * 1000;
  }

  private runTick(): Promise<TickReport> {
    const tick = this.tick().finally(() => {
      if (this.inFlight === tick) this.inFlight = undefined;
    });
    this.inFlight = tick;
    return tick;
  }

  private async tick(): Promise<TickReport> {
    const config = this.config;
    const snapshot = await this.observe(config);
    const now = this.clock.now();
    const observedOnly = this.paused || this.stopped;
    const result = plan(snapshot, config, this.memory, now);
    this.ticks++;
    if (observedOnly) {
      // Nothing is acted on, so nothing is remembered: the outcomes wait for the next real tick.
      this.publish(viewOf(snapshot, config, result, now));
      return { at: now, snapshot, actions: [], outcomes: [], observedOnly };
    }
    this.memory = result.memory;
    this.outcomes = [];
    const outcomes = await this.act(result.actions, config);
    this.outcomes = outcomes;
    this.publish(viewOf(snapshot, config, result, now));
    return { at: now, snapshot, actions: result.actions, outcomes, observedOnly };
  }

  private publish(view: ManagerState): void {
    this.store.set({ ...view, paused: this.paused, ticks: this.ticks, lastTickAt: view.at });
  }

  // ---- observe ----

  private async observe(config: Config): Promise<Snapshot> {
    const started = this.clock.now();
    const [queue, power] = await Promise.all([this.observeQueue(started), this.observePower(config)]);
    const targets: ProbeTarget[] = [];
    const context = planContext(config);
    for (const host of config.hosts) {
      const state = host.protocol === 'rdp' ? 'on' : power.get(host.id)?.state;
      if (state !== 'on' && state !== 'starting') continue;
      const address = context.address.get(host.id);
      if (!address) continue;
      targets.push({
        hostId: host.id,
        host: power.get(host.id)?.address ?? address.host,
        port: address.port,
      });
    }
    let readiness = new Map<string, boolean>();
    try {
      readiness = await this.options.readiness.probe(targets);
    } catch (error) {
      this.emit({
        kind: 'info',
        severity: 'warning',
        message: `RDP readiness probe failed: ${messageOf(error)}`,
      });
    }
    let sessions: SessionStatus[] = [];
    try {
      sessions = this.options.sessions.list();
    } catch (error) {
      this.emit({ kind: 'info', severity: 'warning', message: `Session list failed: ${messageOf(error)}` });
    }
    return { now: this.clock.now(), queue, power, sessions, readiness, outcomes: this.outcomes };
  }

  private async observeQueue(now: number): Promise<QueueObservation> {
    const orchestrator = this.options.orchestrator;
    if (!orchestrator) return incompleteQueue('no orchestrator is configured');
    try {
      return await orchestrator.observe(now);
    } catch (error) {
      return incompleteQueue(`orchestrator read failed: ${messageOf(error)}`);
    }
  }

  /** One batched read per protocol; a failed read leaves that protocol's hosts unknown. */
  private async observePower(config: Config): Promise<Map<string, HostPower>> {
    const byProtocol = new Map<HostConfig['protocol'], HostConfig[]>();
    for (const host of config.hosts) {
      if (host.protocol === 'rdp') continue;
      const list = byProtocol.get(host.protocol);
      if (list) list.push(host);
      else byProtocol.set(host.protocol, [host]);
    }
    const power = new Map<string, HostPower>();
    await Promise.all(
      [...byProtocol].map(async ([protocol, hosts]) => {
        const driver = this.options.powerDrivers.find((candidate) => candidate.protocol === protocol);
        if (!driver) return;
        try {
          const observation = await driver.observe(hosts);
          for (const [hostId, hostPower] of observation.hosts) power.set(hostId, hostPower);
        } catch (error) {
          this.emit({
            kind: 'info',
            severity: 'warning',
            message: `Reading ${protocol} power states failed: ${messageOf(error)}`,
          });
        }
      }),
    );
    return power;
  }

  // ---- act ----

  private async act(actions: Action[], config: Config): Promise<ActionOutcome[]> {
    const outcomes: ActionOutcome[] = [];
    const groups = new Map<string, HostAction[]>();
    for (const action of actions) {
      if (action.kind === 'alert' || action.kind === 'note' || action.kind === 'markFailed') {
        await this.announce(action);
        continue;
      }
      const group = groups.get(action.hostId);
      if (group) group.push(action);
      else groups.set(action.hostId, [action]);
    }
    // One fresh observation, taken when the first destructive action is about to run, serves them all.
    let fresh: Promise<QueueObservation> | undefined;
    const recheck = () => (fresh ??= this.observeQueue(this.clock.now()));

    await runBounded([...groups.values()], this.options.concurrency ?? 8, async (group) => {
      let canceled = false;
      for (const action of group) {
        if (isDestructive(action)) {
          const why = canceled
            ? 'an earlier step for this host was canceled'
            : this.cancelReason(action, await recheck(), config);
          if (why !== undefined) {
            canceled = true;
            outcomes.push({ action, ok: false, canceled: true, at: this.clock.now(), message: why });
            this.emit({
              kind: 'info',
              severity: 'info',
              hostId: action.hostId,
              message: `Not ${action.kind === 'powerOff' ? `stopping ${action.hostId}` : `closing ${action.key}`}: ${why}`,
            });
            continue;
          }
        }
        outcomes.push(await this.run(action, config));
      }
    });
    return outcomes;
  }

  /** Why a destructive action must not run after all (fresh demand, or no fresh view); undefined = go. */
  private cancelReason(
    action: PowerOffAction | CloseSessionAction,
    queue: QueueObservation,
    config: Config,
  ): string | undefined {
    if (!queue.complete)
      return `the fresh orchestrator observation is incomplete (${queue.problem ?? 'unknown'})`;
    const context = planContext(config);
    const runners = context.runners.filter((runner) => action.runnerIds.includes(runner.id));
    const demand = computeDemand(queue.tasks, {
      runners,
      leadFor: (hostId) => (config.policy.prewarm ? bootLeadOf(this.memory.hosts.get(hostId)) : 0),
      now: this.clock.now(),
    });
    const cause = action.kind === 'powerOff' ? action.cause : (action.forStop ?? 'idle');
    for (const [runnerId, rd] of demand.byRunner) {
      if (rd.running > 0) return `runner ${runnerId} is running a task now`;
      if (cause === 'idle' && rd.queued > 0) return `runner ${runnerId} has new queued work`;
    }
    return undefined;
  }

  private async run(action: HostAction, config: Config): Promise<ActionOutcome> {
    const host = planContext(config).hostById.get(action.hostId);
    if (!host) return this.failed(action, 'other', `host ${action.hostId} is no longer configured`);
    try {
      switch (action.kind) {
        case 'powerOn':
        case 'powerOff': {
          const driver = this.options.powerDrivers.find((candidate) => candidate.protocol === host.protocol);
          if (!driver) return this.failed(action, 'other', `no power driver for ${host.protocol}`);
          const starting = action.kind === 'powerOn';
          this.emit({
            kind: starting ? 'host.starting' : 'host.stopping',
            severity: 'info',
            hostId: host.id,
            message: action.reason,
          });
          const result = await this.withTimeout(
            starting ? driver.start(host) : driver.stop(host),
            `${starting ? 'starting' : 'stopping'} ${host.id}`,
          );
          if (!result.ok) return this.failed(action, result.error, result.message, result.retryAfterMs);
          this.emit({
            kind: starting ? 'host.started' : 'host.stopped',
            severity: 'info',
            hostId: host.id,
            message: starting
              ? `${host.id}: start accepted${result.detail ? ` (${result.detail})` : ''}`
              : `${host.id}: stop accepted${result.detail ? ` (${result.detail})` : ''}`,
          });
          return { action, ok: true, at: this.clock.now() };
        }
        case 'openSession': {
          this.emit({
            kind: 'session.opening',
            severity: 'info',
            hostId: host.id,
            message: action.reason,
            data: { key: action.spec.key },
          });
          const result = await this.withTimeout(
            this.options.sessions.open(action.spec),
            `opening ${action.spec.key}`,
          );
          if (!result.ok) {
            this.emit({
              kind: 'session.failed',
              severity: 'warning',
              hostId: host.id,
              message: `Opening ${action.spec.key} failed: ${result.error.message}`,
              data: { key: action.spec.key, error: result.error.kind },
            });
            return {
              action,
              ok: false,
              at: this.clock.now(),
              errorKind: result.error.kind,
              message: result.error.message,
            };
          }
          if (result.pinnedCertificate)
            this.emit({
              kind: 'certificate.pinned',
              severity: 'info',
              hostId: host.id,
              message: `Pinned the certificate of ${host.id} on first use`,
              data: { fingerprint: result.pinnedCertificate },
            });
          this.emit({
            kind: 'session.opened',
            severity: 'info',
            hostId: host.id,
            message: `Session ${action.spec.key} is logged in`,
            data: { key: action.spec.key },
          });
          return { action, ok: true, at: this.clock.now() };
        }
        case 'closeSession': {
          await this.withTimeout(this.options.sessions.close(action.key), `closing ${action.key}`);
          this.emit({
            kind: 'session.closed',
            severity: 'info',
            hostId: host.id,
            message: action.reason,
            data: { key: action.key },
          });
          return { action, ok: true, at: this.clock.now() };
        }
      }
    } catch (error) {
      return this.failed(action, error instanceof ActionTimeout ? 'timeout' : 'other', messageOf(error));
    }
  }

  private failed(action: Action, errorKind: string, message: string, retryAfterMs?: number): ActionOutcome {
    this.emit({
      kind: 'action.failed',
      severity: 'warning',
      ...(action.hostId ? { hostId: action.hostId } : {}),
      message: `${action.kind} ${action.hostId ?? ''} failed: ${message}`.replace('  ', ' '),
      data: { action: action.kind, error: errorKind },
    });
    return {
      action,
      ok: false,
      at: this.clock.now(),
      errorKind,
      message,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }

  private async announce(action: Extract<Action, { kind: 'alert' | 'note' | 'markFailed' }>): Promise<void> {
    if (action.kind === 'markFailed') return; // its alert, which plan sends with it, carries the event
    this.emit({
      kind: action.event,
      severity: action.severity,
      message: action.reason,
      ...(action.hostId ? { hostId: action.hostId } : {}),
      ...(action.runnerId ? { runnerId: action.runnerId } : {}),
    });
    if (
      action.kind !== 'alert' ||
      !this.options.orchestrator ||
      !this.config.notifications.orchestratorAlerts
    )
      return;
    if (action.event === 'orchestrator.unreachable') return; // it cannot hear about itself
    try {
      await this.withTimeout(
        this.options.orchestrator.alert({
          title: action.title,
          message: action.reason,
          type: action.severity === 'error' ? 'ERROR' : action.severity === 'warning' ? 'WARN' : 'INFO',
        }),
        'raising an orchestrator alert',
      );
    } catch (error) {
      this.emit({
        kind: 'action.failed',
        severity: 'warning',
        message: `Raising the alert "${action.title}" in the orchestrator failed: ${messageOf(error)}`,
      });
    }
  }

  private onSessionChange(status: SessionStatus): void {
    const kind: EventKind | undefined =
      status.state === 'reconnecting'
        ? 'session.lost'
        : status.state === 'failed'
          ? 'session.failed'
          : status.state === 'open' && status.reconnects > 0
            ? 'session.restored'
            : undefined;
    if (!kind) return;
    const message =
      kind === 'session.lost'
        ? `Session ${status.key} dropped; reconnecting${status.error ? ` (${status.error.message})` : ''}`
        : kind === 'session.failed'
          ? `Session ${status.key} failed${status.error ? `: ${status.error.message}` : ''}`
          : `Session ${status.key} reconnected`;
    this.emit({
      kind,
      severity: kind === 'session.restored' ? 'info' : 'warning',
      hostId: status.hostId,
      message,
      data: { key: status.key },
    });
  }

  private withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    const ms = this.options.actionTimeoutMs ?? 120_000;
    return new Promise<T>((resolve, reject) => {
      const handle = this.timer.set(
        () => reject(new ActionTimeout(`${what} took longer than ${Math.round(ms / 1000)} s`)),
        ms,
      );
      promise.then(
        (value) => {
          this.timer.clear(handle);
          resolve(value);
        },
        (error: unknown) => {
          this.timer.clear(handle);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private emit(event: NewEvent): void {
    this.options.events.append({ at: this.clock.now(), ...event });
  }

  private describeConfig(): string {
    return `${this.config.hosts.length} hosts, ${this.config.runners.length} runners`;
  }

  private initialState(): ManagerState {
    const snapshot: Snapshot = {
      now: this.clock.now(),
      queue: incompleteQueue('not observed yet'),
      power: new Map(),
      sessions: [],
      readiness: new Map(),
      outcomes: [],
    };
    const view = buildView({
      snapshot,
      config: this.config,
      context: planContext(this.config),
      memory: this.memory,
      demand: new DemandIndex([]),
      decisions: new HostDecisions(0),
      now: snapshot.now,
      hostsOn: 0,
    });
    return { ...view, lastTickAt: undefined };
  }
}

class ActionTimeout extends Error {}

/** Actions that call a driver for one host. */
type HostAction = Exclude<Action, { kind: 'alert' | 'note' | 'markFailed' }>;

function incompleteQueue(problem: string): QueueObservation {
  return { complete: false, problem, tasks: [], runnersOnline: {}, upcoming: [], requests: 0 };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
