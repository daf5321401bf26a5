import { keepUnplanned, scopedConfig, takeUp, type FleetScope } from './fleet-scope.js';
import type { Config } from '../config/schema.js';
import { withConcern } from './event-concern.js';
import type { Action } from './actions.js';
import { act, type Actors } from './act.js';
import { messageOf, systemClock, systemTimer, type Clock, type Timer } from './clock.js';
import type { EventKind, ManagerEvent, NewEvent } from './events.js';
import { clearFailures, emptyMemory, type PlanMemory } from './memory.js';
import { fleetOf } from './fleet.js';
import { incompleteQueue, observe } from './observe.js';
import type { Orchestrator } from './orchestrator.js';
import { plan } from './plan/plan.js';
import type { PowerDriver } from './power-driver.js';
import { ProblemReports } from './problem-reports.js';
import type { ReadinessProbe } from './readiness.js';
import type { SessionDriver, SessionStatus } from './session-driver.js';
import type { ActionOutcome, MonthSpend, Snapshot } from './snapshot.js';
import type { ManagerState } from './state.js';
import { StateStore } from './state-store.js';
import { viewOf } from './view.js';

/** Where events go (the EventLog). */
interface EventSink {
  append(event: NewEvent): ManagerEvent | void;
}

interface ReconcilerOptions {
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
  /**
   * The versions (short hashes, never values) of these secret references, so a changed password
   * unblocks the sessions that failed with the old one. Absent: only a changed reference unblocks.
   */
  secretVersions?: (refs: readonly string[]) => Promise<ReadonlyMap<string, string>>;
  /** This month's spend so far (from the history), for the monthly budget; read once per tick. */
  spend?: () => MonthSpend | undefined;
  /**
   * Several instances sharing the fleet: the hosts this one may act on (its leases). Absent: the
   * whole fleet (a single instance).
   */
  scope?: FleetScope;
  /** Keeps a session's screen as the evidence of an event about its health (see act.ts). */
  keepScreen?: (eventId: number, png: Uint8Array) => Promise<void>;
  /** Called after each tick that acted, with what it did and the memory it left (e.g. to save it). */
  onTick?: (report: TickReport) => Promise<void> | void;
}

/** What one tick saw, decided and did (for tests, the CLI and the API). */
interface TickReport {
  at: number;
  snapshot: Snapshot;
  actions: Action[];
  outcomes: ActionOutcome[];
  /** True when the tick only observed (paused or stopped). */
  observedOnly: boolean;
  /** The plan memory after the tick. */
  memory: PlanMemory;
}

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
  private readonly problems = new ProblemReports();
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

  /** Several instances: what another holder learned of hosts this one takes over, planned with from now. */
  takeUpMemory(taken: PlanMemory): void {
    this.memory = takeUp(this.memory, taken);
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
    const config = this.options.scope ? scopedConfig(this.config, this.options.scope) : this.config;
    const observed = await observe({ ...this.options, clock: this.clock }, config, this.outcomes);
    const spend = this.options.spend?.();
    const snapshot = { ...(await this.withSecretVersions(observed, config)), ...(spend && { spend }) };
    this.problems.report(snapshot, (event) => this.emit(event));
    const now = this.clock.now();
    const observedOnly = this.paused || this.stopped;
    const result = plan(snapshot, config, this.memory, now);
    this.ticks++;
    if (observedOnly) {
      // Nothing is acted on, so nothing is remembered: the outcomes wait for the next real tick.
      this.publish(viewOf(snapshot, config, result, now));
      return { at: now, snapshot, actions: [], outcomes: [], observedOnly, memory: this.memory };
    }
    this.memory = this.options.scope ? keepUnplanned(this.memory, result.memory, config) : result.memory;
    this.outcomes = [];
    const outcomes = await act(this.actors(), result.actions, config, this.memory);
    this.outcomes = outcomes;
    this.publish(viewOf(snapshot, config, result, now));
    const report = {
      at: now,
      snapshot,
      actions: result.actions,
      outcomes,
      observedOnly,
      memory: this.memory,
    };
    try {
      await this.options.onTick?.(report);
    } catch (error) {
      this.emit({
        kind: 'action.failed',
        severity: 'warning',
        message: `After the tick: ${messageOf(error)}`,
      });
    }
    return report;
  }

  /** Adds the versions of the passwords of sessions that failed, wait for the operator, or just opened. */
  private async withSecretVersions(snapshot: Snapshot, config: Config): Promise<Snapshot> {
    if (!this.options.secretVersions) return snapshot;
    const groups = fleetOf(config).groupByKey;
    const keys = new Set<string>();
    for (const [key, session] of this.memory.sessions)
      if (session.blocked || session.lastError) keys.add(key);
    for (const session of snapshot.sessions) if (session.state === 'failed') keys.add(session.key);
    for (const outcome of snapshot.outcomes)
      if (outcome.action.kind === 'openSession') keys.add(outcome.action.spec.key);
    const refs = [...keys].flatMap((key) => {
      const group = groups.get(key);
      return group ? [group.passwordRef] : [];
    });
    if (refs.length === 0) return snapshot;
    try {
      return { ...snapshot, secretVersions: await this.options.secretVersions(refs) };
    } catch {
      return snapshot; // unknown versions unblock nothing
    }
  }

  private actors(): Actors {
    return {
      ...this.options,
      clock: this.clock,
      timer: this.timer,
      emit: (event) => this.emit(event),
      concurrency: this.options.concurrency ?? 8,
      actionTimeoutMs: this.options.actionTimeoutMs ?? 120_000,
    };
  }

  private publish(view: ManagerState): void {
    const scope = this.options.scope;
    const own: ManagerState = {
      ...view,
      paused: this.paused,
      ticks: this.ticks,
      lastTickAt: view.at,
      ...(scope ? { coordination: scope.view() } : {}),
    };
    // Several instances: the whole fleet, the other holders' hosts as they shared them.
    this.store.set(scope ? scope.show(own, this.config) : own);
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
      sessionKey: status.key,
      message,
    });
  }

  /** Every event of the core passes here: it gets its time and the runners it concerns. */
  private emit(event: NewEvent): ManagerEvent | void {
    return this.options.events.append(withConcern({ at: this.clock.now(), ...event }, fleetOf(this.config)));
  }

  private describeConfig(): string {
    return `${this.config.hosts.length} hosts, ${this.config.runners.length} runners`;
  }

  private initialState(): ManagerState {
    const snapshot: Snapshot = {
      now: this.clock.now(),
      queue: incompleteQueue('not observed yet'),
      problems: [],
      power: new Map(),
      sessions: [],
      readiness: new Map(),
      outcomes: [],
    };
    const view = viewOf(snapshot, this.config, { memory: this.memory }, snapshot.now);
    return { ...view, lastTickAt: undefined };
  }
}
