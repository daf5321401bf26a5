import type {
  ObservedTask,
  Orchestrator,
  OrchestratorAlert,
  QueueObservation,
  ScheduledRun,
} from '../../core/orchestrator.js';
import { sendAlert } from './alerts.js';
import { BotCityError } from './errors.js';
import type { HttpClient } from './http.js';
import { listMachinesOnline } from './machines.js';
import { listSchedules, upcomingRuns } from './schedules.js';
import type { BotCitySchedule, BotCityTask } from './schemas.js';
import type { BotCitySession } from './session.js';
import { listTasks } from './tasks.js';
import { getVersion } from './version.js';

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
  private schedules?: { list: BotCitySchedule[]; readAt: number };
  /** After a long Retry-After, no request is sent before this time. */
  private quietUntil = 0;
  /** Why the last observation was incomplete (its kind tells network from auth from malformed). */
  lastFailure?: BotCityError;

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
      const [queued, running, online, schedules] = await Promise.all([
        listTasks(this.session, 'START', this.options),
        listTasks(this.session, 'RUNNING', this.options),
        listMachinesOnline(this.session, this.options),
        scheduleRead,
      ]);
      if (scheduleRead) {
        if (schedules === undefined && !this.schedules)
          warnings.push('this server has no schedules listing (HTTP 404): no pre-warming for schedules');
        this.schedules = { list: schedules ?? [], readAt: now };
      }
      if (online === undefined)
        warnings.push('this server has no machine listing (HTTP 404): runners online are unknown');
      for (const listing of [queued, running]) {
        if (listing.otherStates > 0)
          warnings.push(
            `the server ignored stateFilter: ${listing.otherStates} tasks in other states were dropped`,
          );
        if (listing.shifted)
          warnings.push('the task list changed while it was read; it was read twice and merged');
      }
      this.lastFailure = undefined;
      const upcoming = upcomingRuns(this.schedules?.list ?? [], now, this.options.scheduleHorizonMs);
      warnings.push(...upcoming.warnings);
      return {
        complete: true,
        tasks: normalize(queued.tasks, running.tasks, now),
        runnersOnline: online ?? {},
        upcoming: upcoming.runs satisfies ScheduledRun[],
        requests: this.http.requests - before,
        ...(warnings.length ? { warnings } : {}),
      };
    } catch (error) {
      this.lastFailure = error instanceof BotCityError ? error : undefined;
      if (error instanceof BotCityError && error.kind === 'rate-limited' && error.details.retryAfterMs)
        this.quietUntil = now + error.details.retryAfterMs;
      return failed(describeFailure(error));
    }
  }

  async alert(alert: OrchestratorAlert): Promise<void> {
    await sendAlert(this.session, alert);
  }
}

/** In words for the operator; never a secret (BotCityError messages carry none). */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `Cannot read the BotCity queue: ${text}`;
}

/**
 * Maestro tasks → core's ObservedTask. A task seen in both lists (it started between reads) counts as
 * busy. Every task gets every field (undefined where Maestro has none): one object shape for tens of
 * thousands of tasks keeps the reconciler's loops over them fast.
 */
export function normalize(queued: BotCityTask[], running: BotCityTask[], now: number): ObservedTask[] {
  const byId = new Map<string, ObservedTask>();
  const observe = (task: BotCityTask, state: ObservedTask['state']): ObservedTask => ({
    id: task.id,
    state,
    status: task.state,
    runnerId: task.machineId || undefined,
    activity: task.activityLabel || undefined,
    createdAt: task.dateCreation ?? now,
    notBefore: state === 'queued' ? (task.minExecutionDate ?? undefined) : undefined,
    startedAt: state === 'busy' ? (task.dateStartRunning ?? undefined) : undefined,
    priority: Math.min(10, Math.max(0, Math.round(task.priority ?? 0))),
  });
  for (const task of queued) byId.set(task.id, observe(task, 'queued'));
  for (const task of running) byId.set(task.id, observe(task, 'busy'));
  return [...byId.values()];
}
