import type { ManagerEvent, NewEvent } from '../core/events.js';
import {
  decide,
  defaultDeciderOptions,
  flush,
  nextFlushAt,
  type DeciderMemory,
  type DeciderOptions,
} from './decider.js';
import { testNotification, type Notification, type NotificationSink, type SinkName } from './notification.js';

interface SinkResult {
  sink: SinkName;
  ok: boolean;
  error?: string;
}

/** A timer the tests can drive; the default is setTimeout. Returns a cancel function. */
export type Schedule = (run: () => void, delayMs: number) => () => void;

interface DispatcherOptions {
  sinks: NotificationSink[];
  /** Where delivery failures go (the service's event log). Never called with a secret. */
  report: (event: NewEvent) => void;
  now?: () => number;
  schedule?: Schedule;
  decider?: Partial<DeciderOptions>;
  /** Upper bound on one sink's delivery. */
  sendTimeoutMs?: number;
}

const realSchedule: Schedule = (run, delayMs) => {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}

/**
 * Feeds every manager event through the decider and fans each notification out to all sinks at once.
 * Never throws: a sink that fails or hangs is reported as an `action.failed` event and the others still
 * deliver.
 */
export class NotificationDispatcher {
  private memory: DeciderMemory = {};
  private sinks: NotificationSink[];
  private readonly now: () => number;
  private readonly schedule: Schedule;
  private readonly options: DeciderOptions;
  private cancelTimer: (() => void) | undefined;
  private timerAt: number | undefined;

  constructor(private readonly config: DispatcherOptions) {
    this.sinks = config.sinks;
    this.now = config.now ?? Date.now;
    this.schedule = config.schedule ?? realSchedule;
    this.options = { ...defaultDeciderOptions, ...config.decider };
  }

  setSinks(sinks: NotificationSink[]): void {
    this.sinks = sinks;
  }

  /** Decides and delivers; resolves when every sink has answered (callers need not wait). */
  async handle(event: ManagerEvent): Promise<void> {
    try {
      const decision = decide(this.memory, event, this.now(), this.options);
      this.memory = decision.memory;
      this.arm();
      await Promise.all(decision.notify.map((notification) => this.deliver(notification, this.sinks)));
    } catch (error) {
      this.reportFailure('dispatcher', error);
    }
  }

  /** Delivers held-back changes whose quiet interval has passed (the timer calls this). */
  async flush(): Promise<void> {
    try {
      const decision = flush(this.memory, this.now(), this.options);
      this.memory = decision.memory;
      this.arm();
      await Promise.all(decision.notify.map((notification) => this.deliver(notification, this.sinks)));
    } catch (error) {
      this.reportFailure('dispatcher', error);
    }
  }

  /** Sends a test notification to one sink or to all, and says how each went. */
  async sendTest(sinkName?: SinkName): Promise<SinkResult[]> {
    const chosen = sinkName ? this.sinks.filter((sink) => sink.name === sinkName) : this.sinks;
    if (sinkName && chosen.length === 0) return [{ sink: sinkName, ok: false, error: 'not configured' }];
    return this.deliver(testNotification(this.now()), chosen);
  }

  dispose(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private arm(): void {
    const due = nextFlushAt(this.memory, this.options);
    if (due === this.timerAt) return;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerAt = due;
    if (due === undefined) return;
    this.cancelTimer = this.schedule(
      () => {
        this.timerAt = undefined;
        void this.flush();
      },
      Math.max(0, due - this.now()),
    );
  }

  private async deliver(notification: Notification, sinks: NotificationSink[]): Promise<SinkResult[]> {
    const timeoutMs = this.config.sendTimeoutMs ?? 30_000;
    return Promise.all(
      sinks.map(async (sink): Promise<SinkResult> => {
        let cancel = () => {};
        try {
          await Promise.race([
            Promise.resolve().then(() => sink.send(notification)),
            new Promise<never>((_, reject) => {
              cancel = realSchedule(
                () => reject(new Error(`no answer within ${timeoutMs / 1000} s`)),
                timeoutMs,
              );
            }),
          ]);
          return { sink: sink.name, ok: true };
        } catch (error) {
          this.reportFailure(sink.name, error, notification);
          return { sink: sink.name, ok: false, error: describe(error) };
        } finally {
          cancel();
        }
      }),
    );
  }

  private reportFailure(sink: string, error: unknown, notification?: Notification): void {
    try {
      this.config.report({
        kind: 'action.failed',
        severity: 'warning',
        message: `Notification "${notification?.title ?? '?'}" by ${sink} failed: ${describe(error)}`,
        ...(notification?.hostId ? { hostId: notification.hostId } : {}),
        data: { sink, notification: notification?.kind ?? null },
      });
    } catch {
      // Reporting must not throw into the service either.
    }
  }
}
