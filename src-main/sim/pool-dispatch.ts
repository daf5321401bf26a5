import type { RunnerQueue } from './runner-queue.js';
import type { Trace, TraceTask } from './trace.js';

/**
 * Tasks of an automation with no runner assigned, handed out as Maestro does: each goes to the first
 * free runner of its pool (one listing the activity, in the trace's order) whose session can work.
 */
export class PoolDispatch {
  /** Not handed out yet, most urgent first (priority, then arrival). */
  private readonly waiting: TraceTask[];

  constructor(
    tasks: readonly TraceTask[],
    private readonly runners: Trace['runners'],
  ) {
    this.waiting = tasks
      .filter((task) => task.activity !== undefined)
      .sort((a, b) => b.priority - a.priority || a.arriveAt - b.arriveAt || (a.id < b.id ? -1 : 1));
  }

  /** Tasks visible to the orchestrator at `t` and not yet taken by a runner. */
  queuedAt(t: number): TraceTask[] {
    return this.waiting.filter((task) => task.arriveAt <= t);
  }

  /**
   * Hands the tasks eligible at `t` to free runners: `canTake(runnerId)` says whether a runner is
   * free and able to work now.
   */
  dispatch(
    t: number,
    queues: ReadonlyMap<string, RunnerQueue>,
    canTake: (runnerId: string) => boolean,
  ): void {
    const taken = new Set<string>();
    for (const task of [...this.waiting]) {
      if (task.arriveAt > t || (task.notBefore ?? 0) > t) continue;
      const runner = this.runners.find(
        (candidate) =>
          (candidate.activities ?? []).includes(task.activity!) &&
          !taken.has(candidate.id) &&
          canTake(candidate.id),
      );
      if (!runner) continue;
      taken.add(runner.id);
      queues.get(runner.id)!.add(task);
      this.waiting.splice(this.waiting.indexOf(task), 1);
    }
  }

  /** Whether tasks are still waiting for a runner. */
  get pending(): boolean {
    return this.waiting.length > 0;
  }

  /** The next moment after `t` a waiting task becomes eligible (it arrives, or its notBefore passes). */
  nextEligibleAfter(t: number): number | undefined {
    let next: number | undefined;
    for (const task of this.waiting) {
      const at = Math.max(task.arriveAt, task.notBefore ?? 0);
      if (at > t && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /** Waits of tasks never handed out, counted until `end`. */
  unstartedWaits(end: number): number[] {
    return this.waiting.map((task) => Math.max(0, end - Math.max(task.arriveAt, task.notBefore ?? 0)));
  }
}
