/**
 * The fake Maestro's data: tasks in any state (START, RUNNING, TIMEOUT, FINISHED, CANCELED, or one the
 * client has never seen), machines, automations with linked runners, schedules, alerts received, and
 * odd raw records real data can carry (served as they are, next to the regular ones).
 */

export type FakeTaskState = 'START' | 'RUNNING' | 'TIMEOUT' | 'FINISHED' | 'CANCELED' | (string & {});

export interface FakeTask {
  id: number;
  state: FakeTaskState;
  machineId: string | null;
  activityLabel: string;
  dateCreation: number;
  dateStartRunning: number | null;
  dateLastModified: number;
  minExecutionDate: number | null;
  priority: number;
  interrupted: boolean;
  killed: boolean;
  finishStatus: 'SUCCESS' | 'FAILED' | 'PARTIALLY_COMPLETED' | null;
  parameters: Record<string, unknown>;
}

export interface NewFakeTask {
  activityLabel: string;
  machineId?: string | null;
  state?: FakeTaskState;
  priority?: number;
  /** Epoch ms. */
  minExecutionDate?: number | null;
  /** Epoch ms; defaults to the fake's clock (plus a sequence so creation order is total). */
  dateCreation?: number;
  parameters?: Record<string, unknown>;
}

export interface FakeMachine {
  machineId: string;
  name: string;
  isOnline: boolean;
  /** BotCity runner type: DESKTOP needs an interactive session, BACKGROUND does not. */
  type?: 'DESKTOP' | 'BACKGROUND';
}

export interface FakeSchedule {
  id: number;
  cron: string;
  activityLabel: string;
  machineId: string | null;
  parameters: Record<string, unknown>;
}

export interface ReceivedAlert {
  taskId?: number | string;
  title: string;
  message: string;
  type: string;
  organization: string;
  at: number;
}

export class FakeState {
  readonly tasks = new Map<number, FakeTask>();
  readonly machines = new Map<string, FakeMachine>();
  readonly schedules: FakeSchedule[] = [];
  readonly alerts: ReceivedAlert[] = [];
  /** Automation label → its linked runners (machine ids). */
  readonly activities = new Map<string, string[]>();
  /** Raw records served as they are at the end of every task, machine or schedule listing. */
  readonly raw = { tasks: [] as unknown[], machines: [] as unknown[], schedules: [] as unknown[] };
  private nextTaskId = 1;
  private nextScheduleId = 1;
  private sequence = 0;

  constructor(private readonly now: () => number) {}

  createTask(input: NewFakeTask): FakeTask {
    const at = this.now();
    const task: FakeTask = {
      id: this.nextTaskId++,
      state: input.state ?? 'START',
      machineId: input.machineId ?? null,
      activityLabel: input.activityLabel,
      // A creation time that always increases, so "newest first" is well defined even within one ms.
      dateCreation: input.dateCreation ?? at + this.sequence++,
      // A task created busy (RUNNING, TIMEOUT, ...) has started; a queued or finished one has not.
      dateStartRunning: input.state && !['START', 'FINISHED', 'CANCELED'].includes(input.state) ? at : null,
      dateLastModified: at,
      minExecutionDate: input.minExecutionDate ?? null,
      priority: input.priority ?? 0,
      interrupted: false,
      killed: false,
      finishStatus: null,
      parameters: input.parameters ?? {},
    };
    this.tasks.set(task.id, task);
    return task;
  }

  private task(id: number): FakeTask {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`no task ${id}`);
    return task;
  }

  /** A runner takes a queued task: START → RUNNING on that machine. */
  startTask(id: number, machineId?: string): FakeTask {
    const task = this.task(id);
    if (task.state !== 'START') throw new Error(`task ${id} is ${task.state}, not START`);
    task.state = 'RUNNING';
    task.machineId = machineId ?? task.machineId;
    if (!task.machineId) throw new Error(`task ${id} has no machine to run on`);
    task.dateStartRunning = this.now();
    task.dateLastModified = this.now();
    return task;
  }

  /** Moves a task to any state (TIMEOUT, or a state the client has never seen). */
  setTaskState(id: number, state: FakeTaskState): FakeTask {
    const task = this.task(id);
    task.state = state;
    task.dateLastModified = this.now();
    return task;
  }

  finishTask(id: number, status: FakeTask['finishStatus'] = 'SUCCESS'): FakeTask {
    const task = this.task(id);
    task.state = 'FINISHED';
    task.finishStatus = status;
    task.dateLastModified = this.now();
    return task;
  }

  cancelTask(id: number): FakeTask {
    const task = this.task(id);
    task.state = 'CANCELED';
    task.dateLastModified = this.now();
    return task;
  }

  setOnline(machineId: string, isOnline: boolean): FakeMachine {
    const machine = this.machines.get(machineId) ?? { machineId, name: machineId, isOnline };
    machine.isOnline = isOnline;
    this.machines.set(machineId, machine);
    return machine;
  }

  addSchedule(input: { cron: string; activityLabel: string; machineId?: string | null }): FakeSchedule {
    const schedule: FakeSchedule = {
      id: this.nextScheduleId++,
      cron: input.cron,
      activityLabel: input.activityLabel,
      machineId: input.machineId ?? null,
      parameters: {},
    };
    this.schedules.push(schedule);
    return schedule;
  }

  reset(): void {
    this.activities.clear();
    this.raw.tasks.length = 0;
    this.raw.machines.length = 0;
    this.raw.schedules.length = 0;
    this.tasks.clear();
    this.machines.clear();
    this.schedules.length = 0;
    this.alerts.length = 0;
  }
}
