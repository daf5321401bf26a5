import type { TraceTask } from './trace.js';

/** A runner working through its tasks one at a time, oldest-highest-priority first, as BotCity does. */
export class RunnerQueue {
  /** Tasks not started, sorted by arrival. */
  private readonly pending: TraceTask[];
  running?: { task: TraceTask; startedAt: number; endsAt: number };
  readonly waits: number[] = [];
  /** [start, end] of every task started. */
  readonly runs: [number, number][] = [];
  done = 0;
  interrupted = 0;

  constructor(tasks: readonly TraceTask[]) {
    this.pending = tasks.slice().sort((a, b) => a.arriveAt - b.arriveAt || (a.id < b.id ? -1 : 1));
  }

  /** A task handed to this runner now (a pool's task Maestro assigned to it). */
  add(task: TraceTask): void {
    const at = this.pending.findIndex((other) => other.arriveAt > task.arriveAt);
    this.pending.splice(at === -1 ? this.pending.length : at, 0, task);
  }

  /** Free: nothing running and nothing waiting that may start at `t`. */
  isFreeAt(t: number): boolean {
    return !this.running && this.pickAt(t) === undefined;
  }

  /** Tasks visible to the orchestrator at `t` (arrived, not started). */
  queuedAt(t: number): TraceTask[] {
    const out: TraceTask[] = [];
    for (const task of this.pending) {
      if (task.arriveAt > t) break;
      out.push(task);
    }
    return out;
  }

  /**
   * Works from `from` to `to` while the runner can work (its session is usable from `usableFrom`).
   * Finished tasks leave; a task still running at `to` stays in `running`.
   */
  work(from: number, to: number, usableFrom: number | undefined): void {
    let cursor = from;
    for (;;) {
      if (this.running) {
        if (this.running.endsAt > to) return;
        cursor = Math.max(cursor, this.running.endsAt);
        this.running = undefined;
        this.done++;
      }
      if (usableFrom === undefined) return;
      cursor = Math.max(cursor, usableFrom);
      if (cursor >= to) return;
      const next = this.pickAt(cursor);
      if (next) {
        this.pending.splice(this.pending.indexOf(next), 1);
        this.waits.push(cursor - Math.max(next.arriveAt, next.notBefore ?? 0));
        this.running = { task: next, startedAt: cursor, endsAt: cursor + next.durationMs };
        this.runs.push([cursor, cursor + next.durationMs]);
        continue;
      }
      const eligibleAt = this.nextEligibleAfter(cursor);
      if (eligibleAt === undefined || eligibleAt >= to) return;
      cursor = eligibleAt;
    }
  }

  /** The running task is killed (its host went away): counted as an interruption. */
  interrupt(): void {
    if (!this.running) return;
    this.running = undefined;
    this.interrupted++;
  }

  /** Waits of tasks never started, counted until `end`. */
  unstartedWaits(end: number): number[] {
    return this.pending.map((task) => Math.max(0, end - Math.max(task.arriveAt, task.notBefore ?? 0)));
  }

  private pickAt(t: number): TraceTask | undefined {
    let best: TraceTask | undefined;
    for (const task of this.pending) {
      if (task.arriveAt > t) break;
      if ((task.notBefore ?? 0) > t) continue;
      if (!best || task.priority > best.priority) best = task;
    }
    return best;
  }

  private nextEligibleAfter(t: number): number | undefined {
    let earliest: number | undefined;
    for (const task of this.pending) {
      const at = Math.max(task.arriveAt, task.notBefore ?? 0);
      if (at > t && (earliest === undefined || at < earliest)) earliest = at;
      if (task.arriveAt > t && earliest !== undefined && task.arriveAt >= earliest) break;
    }
    return earliest;
  }
}
