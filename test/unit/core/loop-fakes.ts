import type { Config } from '../../../src-main/config/schema.js';
import { EventLog } from '../../../src-main/core/event-log.js';
import type {
  ObservedTask,
  Orchestrator,
  OrchestratorAlert,
  QueueObservation,
} from '../../../src-main/core/orchestrator.js';
import type { ProbeTarget, ReadinessProbe } from '../../../src-main/core/readiness.js';
import { Reconciler } from '../../../src-main/core/reconciler.js';
import type { Clock, Timer } from '../../../src-main/core/clock.js';
import { InMemoryPowerDriver } from '../../fakes/in-memory-power.js';
import { InMemorySessionDriver } from '../../fakes/in-memory-sessions.js';
import { T0 } from './world.js';

/** A clock that moves only when told. */
export class FakeClock implements Clock {
  constructor(public time = T0) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Timers that fire only when the test runs them. */
export class FakeTimer implements Timer {
  private next = 1;
  readonly pending = new Map<number, { at: number; callback: () => void }>();
  constructor(private readonly clock: FakeClock) {}
  set(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.clock.now() + ms, callback });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Fires every timer due at the clock's time. */
  fireDue(): number {
    let fired = 0;
    for (const [id, entry] of [...this.pending]) {
      if (entry.at > this.clock.now()) continue;
      this.pending.delete(id);
      entry.callback();
      fired++;
    }
    return fired;
  }
}

/** An orchestrator whose queue the test edits; can fail or hold its next reads. */
export class FakeOrchestrator implements Orchestrator {
  tasks: ObservedTask[] = [];
  online: Record<string, boolean> = {};
  /** Warnings every read reports (e.g. records it skipped). */
  warnings: string[] = [];
  readonly alerts: OrchestratorAlert[] = [];
  observeCalls = 0;
  concurrent = 0;
  maxConcurrent = 0;
  /** Answers for the next reads, in order, before falling back to `tasks`. */
  readonly scripted: (QueueObservation | Error)[] = [];
  /** When set, reads wait for it. */
  gate: Promise<void> | undefined;

  async observe(): Promise<QueueObservation> {
    this.observeCalls++;
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    try {
      if (this.gate) await this.gate;
      const next = this.scripted.shift();
      if (next instanceof Error) throw next;
      return (
        next ?? {
          complete: true,
          tasks: [...this.tasks],
          runnersOnline: { ...this.online },
          upcoming: [],
          requests: 1,
          ...(this.warnings.length > 0 ? { warnings: [...this.warnings] } : {}),
        }
      );
    } finally {
      this.concurrent--;
    }
  }

  async alert(alert: OrchestratorAlert): Promise<void> {
    this.alerts.push(alert);
  }
}

/** RDP answers on hosts the power fake reports on, and on the `alwaysOn` ones (rdp hosts). */
export function probeFrom(
  power: InMemoryPowerDriver,
  alwaysOn: ReadonlySet<string> = new Set(),
): ReadinessProbe {
  return {
    async probe(targets: readonly ProbeTarget[]) {
      return new Map(
        targets.map((t) => [t.hostId, alwaysOn.has(t.hostId) || power.stateOf(t.hostId) === 'on']),
      );
    },
  };
}

export interface Loop {
  clock: FakeClock;
  timer: FakeTimer;
  orchestrator: FakeOrchestrator;
  power: InMemoryPowerDriver;
  sessions: InMemorySessionDriver;
  events: EventLog;
  reconciler: Reconciler;
}

export async function makeLoop(
  config: Config,
  options: { bootDelayMs?: number; eventsFile?: string } = {},
): Promise<Loop> {
  const clock = new FakeClock();
  const timer = new FakeTimer(clock);
  const orchestrator = new FakeOrchestrator();
  const power = new InMemoryPowerDriver({
    now: () => clock.now(),
    bootDelayMs: options.bootDelayMs ?? 60_000,
    stopDelayMs: 30_000,
  });
  const sessions = new InMemorySessionDriver(() => clock.now());
  const events = await EventLog.open({
    now: () => clock.now(),
    ...(options.eventsFile ? { file: options.eventsFile } : {}),
  });
  const reconciler = new Reconciler({
    config,
    orchestrator,
    powerDrivers: [power],
    sessions,
    readiness: probeFrom(power),
    events,
    clock,
    timer,
    intervalMs: 15_000,
  });
  return { clock, timer, orchestrator, power, sessions, events, reconciler };
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
