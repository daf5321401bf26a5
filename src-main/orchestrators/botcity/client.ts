import type {
  ObservedTask,
  Orchestrator,
  OrchestratorAlert,
  QueueObservation,
  ScheduledRun,
} from '../../core/orchestrator.js';
import { linkedRunners } from './activities.js';
import { sendAlert } from './alerts.js';
import { BotCityError } from './errors.js';
import type { HttpClient } from './http.js';
import { listMachines } from './machines.js';
import { listSchedules, upcomingRuns } from './schedules.js';
import type { BotCitySchedule, BotCityTask } from './schemas.js';
import type { BotCitySession } from './session.js';
import { classify, KNOWN_BUSY_STATES, QUEUED_STATE } from './states.js';
import { listTasks, newestTasks, taskById, type TaskListing } from './tasks.js';
import { getVersion } from './version.js';

/** States never listed are learned from an unfiltered read of the newest tasks this often. */
const NEWEST_READ_MS = 2 * 60_000;
/** Linked runners of an automation change rarely: read again this often. */
const POOL_REFRESH_MS = 5 * 60_000;
/** At most this many busy tasks that left every listing are re-read by id in one tick. */
const MAX_REREADS = 20;

export interface ObserveOptions {
  /** Spring page size for every listing (1,000 keeps a typical queue to one request per state). */
  pageSize: number;
  maxPages: number;
  /** Schedules change rarely: they are read again only this often (the task queue is read every tick). */
  scheduleRefreshMs: number;
  /** How far ahead scheduled runs are reported. */
  scheduleHorizonMs: number;
}

/** BotCity Maestro behind core's Orchestrator interface. */
export class BotCityOrchestrator implements Orchestrator {
  private schedules?: { list: BotCitySchedule[]; readAt: number; skipped: number };
  /** After a long Retry-After, no request is sent before this time. */
  private quietUntil = 0;
  /** Why the last observation was incomplete (its kind tells network from auth from malformed). */
  lastFailure?: BotCityError;
  /** Busy states listed every tick: the known ones and those learned from the server's answers. */
  private readonly busyStates = new Set<string>(KNOWN_BUSY_STATES);
  /** States the server refused as a stateFilter: not asked again (the unfiltered read covers them). */
  private readonly refusedStates = new Set<string>();
  private newestReadAt = -Infinity;
  /** Tasks busy at the previous observation, by id. */
  private busyBefore = new Map<string, BotCityTask>();
  private readonly pools = new Map<string, { runners?: string[]; readAt: number }>();

  constructor(
    readonly http: HttpClient,
    readonly session: BotCitySession,
    private readonly options: ObserveOptions,
  ) {}

  /** The server's version, without logging in. */
  version(): Promise<string> {
    return getVersion(this.http);
  }

  /** Logs in (or reuses a valid token) and returns the organization label. */
  async connect(): Promise<string> {
    return (await this.session.ensure()).organization;
  }

  async observe(now: number): Promise<QueueObservation> {
    const before = this.http.requests;
    const warnings: string[] = [];
    const failed = (problem: string): QueueObservation => ({
      complete: false,
      problem,
      tasks: [],
      runnersOnline: {},
      upcoming: [],
      requests: this.http.requests - before,
      ...(warnings.length ? { warnings } : {}),
    });
    if (now < this.quietUntil)
      return failed(
        `BotCity asked to wait (HTTP 429) until ${new Date(this.quietUntil).toISOString()}; not polling before then`,
      );
    try {
      // Log in first, so the parallel reads below share one token instead of racing to log in.
      await this.session.ensure();
      const scheduleRead =
        !this.schedules || now - this.schedules.readAt >= this.options.scheduleRefreshMs
          ? listSchedules(this.session, this.options)
          : undefined;
      const busyStates = [...this.busyStates].filter((state) => !this.refusedStates.has(state));
      const readNewest = now - this.newestReadAt >= NEWEST_READ_MS || this.refusedStates.size > 0;
      const [queued, busyListings, newest, machines, schedules] = await Promise.all([
        listTasks(this.session, QUEUED_STATE, this.options),
        Promise.all(busyStates.map((state) => this.listBusy(state, warnings))),
        readNewest ? newestTasks(this.session, this.options.pageSize) : undefined,
        listMachines(this.session, this.options),
        scheduleRead,
      ]);
      if (newest) this.newestReadAt = now;
      if (scheduleRead) {
        if (schedules === undefined && !this.schedules)
          warnings.push('this server has no schedules listing (HTTP 404): no pre-warming for schedules');
        this.schedules = { list: schedules?.items ?? [], readAt: now, skipped: schedules?.skipped ?? 0 };
        if (schedules?.skipped)
          warnings.push(
            'schedules from BotCity could not be read (e.g. made "by calendar", without a cron) and were skipped: no pre-warming for them',
          );
      }
      if (machines === undefined)
        warnings.push('this server has no machine listing (HTTP 404): runners online are unknown');
      const listings = [queued, ...busyListings.filter((listing) => listing !== undefined)];
      for (const listing of listings) {
        if (listing.otherStates > 0)
          warnings.push(
            `the server ignored stateFilter: ${listing.otherStates} tasks in other states were dropped`,
          );
        if (listing.shifted)
          warnings.push('the task list changed while it was read; it was read twice and merged');
      }
      const busy = busyListings.flatMap((listing) => listing?.tasks ?? []);
      const learned = this.learnStates(newest?.tasks ?? [], busy);
      busy.push(...learned, ...(await this.rereadVanished(queued.tasks, busy)));
      // The same odd record may be in a listing and in the newest tasks: counted once.
      const skippedTasks = Math.max(
        listings.reduce((sum, listing) => sum + listing.skipped, 0),
        newest?.skipped ?? 0,
      );
      if (skippedTasks > 0)
        warnings.push(
          'task records from BotCity could not be read and were skipped: no host is stopped and no session closed while they last (one might be a busy task)',
        );
      if (machines?.skipped)
        warnings.push(
          'runner records from BotCity could not be read and were skipped: those runners are unknown',
        );
      this.lastFailure = undefined;
      const upcoming = upcomingRuns(this.schedules?.list ?? [], now, this.options.scheduleHorizonMs);
      warnings.push(...upcoming.warnings);
      const pools = await this.readPools(queued.tasks, now);
      return {
        complete: true,
        tasks: normalize(queued.tasks, busy, now),
        runnersOnline: machines?.online ?? {},
        upcoming: upcoming.runs satisfies ScheduledRun[],
        requests: this.http.requests - before,
        skipped: {
          tasks: skippedTasks,
          runners: machines?.skipped ?? 0,
          schedules: this.schedules?.skipped ?? 0,
        },
        ...(this.refusedStates.size > 0 ? { refusedStates: [...this.refusedStates] } : {}),
        ...(machines && Object.keys(machines.types).length > 0 ? { runnerTypes: machines.types } : {}),
        ...(Object.keys(pools).length > 0 ? { pools } : {}),
        ...(warnings.length ? { warnings } : {}),
      };
    } catch (error) {
      this.lastFailure = error instanceof BotCityError ? error : undefined;
      if (error instanceof BotCityError && error.kind === 'rate-limited' && error.details.retryAfterMs)
        this.quietUntil = now + error.details.retryAfterMs;
      return failed(describeFailure(error));
    }
  }

  /** The tasks in one busy state; a stateFilter the server refuses (HTTP 400) is remembered. */
  private async listBusy(state: string, warnings: string[]): Promise<TaskListing | undefined> {
    try {
      return await listTasks(this.session, state, this.options);
    } catch (error) {
      if (!(error instanceof BotCityError) || error.details.status !== 400) throw error;
      this.refusedStates.add(state);
      warnings.push(
        `the server refuses stateFilter=${state}; tasks in ${state} are found in the newest tasks and re-read by id instead`,
      );
      return undefined;
    }
  }

  /** Tasks of states not listed yet (from the unfiltered read): busy now, and listed from the next tick. */
  private learnStates(newest: BotCityTask[], busy: BotCityTask[]): BotCityTask[] {
    const listed = new Set(busy.map((task) => task.id));
    const learned: BotCityTask[] = [];
    for (const task of newest) {
      if (classify(task.state) !== 'busy' || listed.has(task.id)) continue;
      if (!this.busyStates.has(task.state) && !this.refusedStates.has(task.state))
        this.busyStates.add(task.state);
      learned.push(task);
      listed.add(task.id);
    }
    return learned;
  }

  /**
   * A task that was busy and is in no listing now either finished or moved to a state not listed:
   * it is read by id, and stays busy (its state learned) unless it is finished.
   */
  private async rereadVanished(queued: BotCityTask[], busy: BotCityTask[]): Promise<BotCityTask[]> {
    const seen = new Set([...queued, ...busy].map((task) => task.id));
    const vanished = [...this.busyBefore.keys()].filter((id) => !seen.has(id)).slice(0, MAX_REREADS);
    const still: BotCityTask[] = [];
    for (const id of vanished) {
      const task = await taskById(this.session, id);
      if (!task || classify(task.state) !== 'busy') continue;
      if (!this.refusedStates.has(task.state)) this.busyStates.add(task.state);
      still.push(task);
    }
    this.busyBefore = new Map([...busy, ...still].map((task) => [task.id, task]));
    return still;
  }

  /** Linked runners of the automations of unassigned queued tasks (cached; unknown when not exposed). */
  private async readPools(queued: BotCityTask[], now: number): Promise<Record<string, string[]>> {
    const labels = new Set(
      queued.filter((task) => !task.machineId && task.activityLabel).map((t) => t.activityLabel!),
    );
    const pools: Record<string, string[]> = {};
    for (const label of labels) {
      let cached = this.pools.get(label);
      if (!cached || now - cached.readAt >= POOL_REFRESH_MS) {
        cached = { runners: await linkedRunners(this.session, label).catch(() => undefined), readAt: now };
        this.pools.set(label, cached);
      }
      if (cached.runners && cached.runners.length > 0) pools[label] = cached.runners;
    }
    return pools;
  }

  async alert(alert: OrchestratorAlert): Promise<void> {
    await sendAlert(this.session, alert);
  }
}

/** In words for the operator; never a secret (BotCityError messages carry none). */
function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `Cannot read the BotCity queue: ${text}`;
}

/**
 * Maestro tasks → core's ObservedTask: START is queued, the others busy (finished ones are never
 * listed). A task seen in both lists (it started between reads) counts as busy. Every task gets every field (undefined where Maestro has none): one object shape for tens of
 * thousands of tasks keeps the reconciler's loops over them fast.
 */
export function normalize(queued: BotCityTask[], busy: BotCityTask[], now: number): ObservedTask[] {
  const byId = new Map<string, ObservedTask>();
  const observe = (task: BotCityTask, state: ObservedTask['state']): ObservedTask => ({
    id: task.id,
    state,
    status: task.state,
    runnerId: task.machineId,
    activity: task.activityLabel,
    createdAt: task.dateCreation ?? now,
    notBefore: state === 'queued' ? (task.minExecutionDate ?? undefined) : undefined,
    startedAt: state === 'busy' ? (task.dateStartRunning ?? undefined) : undefined,
    priority: Math.min(10, Math.max(0, Math.round(task.priority ?? 0))),
  });
  for (const task of queued) byId.set(task.id, observe(task, 'queued'));
  for (const task of busy) byId.set(task.id, observe(task, 'busy'));
  return [...byId.values()];
}
