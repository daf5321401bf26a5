import type { ObservedTask } from './orchestrator.js';

/** The demand columns queued tasks add to (see DemandIndex in ./demand.ts). */
export interface QueuedColumns {
  deferred: Int32Array;
  addQueued(position: number, count: number, oldest: number, priority: number): void;
}

/**
 * Unassigned queued tasks of one activity whose notBefore is in the future. Each runner of the
 * activity counts those due within its host's boot lead, and hosts have different leads. Sorted by
 * notBefore with running minimum/maximum, one runner costs a binary search instead of a pass over
 * the tasks (5,000 runners sharing 50 activities made that pass the largest cost of `plan`).
 */
export class FutureTasks {
  private readonly tasks: ObservedTask[] = [];
  private notBefore: number[] = [];
  /** oldestCreated[i]: oldest createdAt among the first i + 1 tasks in notBefore order. */
  private oldestCreated: number[] = [];
  /** maxPriority[i]: highest priority among the first i + 1 tasks in notBefore order. */
  private maxPriority: number[] = [];
  private sorted = true;

  /** A task whose notBefore is set. */
  add(task: ObservedTask): void {
    this.tasks.push(task);
    this.sorted = false;
  }

  /**
   * Adds to the runner at `position` of `into` the tasks that count at `now` for a host with boot lead
   * `lead` (those with notBefore − lead ≤ now); the others are deferred. Same result as counting them
   * one by one.
   */
  countInto(into: QueuedColumns, position: number, lead: number, now: number): void {
    if (this.tasks.length === 0) return;
    this.prepare();
    // The first position whose task is still deferred (notBefore − lead > now): monotonic in notBefore.
    let low = 0;
    let high = this.notBefore.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.notBefore[middle]! - lead > now) high = middle;
      else low = middle + 1;
    }
    const counted = low;
    into.deferred[position]! += this.notBefore.length - counted;
    if (counted === 0) return;
    into.addQueued(position, counted, this.oldestCreated[counted - 1]!, this.maxPriority[counted - 1]!);
  }

  private prepare(): void {
    if (this.sorted) return;
    const tasks = this.tasks.slice().sort((a, b) => a.notBefore! - b.notBefore!);
    this.notBefore = new Array<number>(tasks.length);
    this.oldestCreated = new Array<number>(tasks.length);
    this.maxPriority = new Array<number>(tasks.length);
    let oldest = Infinity;
    let priority = -Infinity;
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[i]!;
      this.notBefore[i] = task.notBefore!;
      if (task.createdAt < oldest) oldest = task.createdAt;
      if (task.priority > priority) priority = task.priority;
      this.oldestCreated[i] = oldest;
      this.maxPriority[i] = priority;
    }
    this.sorted = true;
  }
}
