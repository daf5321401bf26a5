import type { NewEvent } from './events.js';
import type { PowerErrorKind, PowerReadError } from './power-driver.js';
import type { Snapshot } from './snapshot.js';

/**
 * What went wrong while observing, said once: a problem when it first appears, a host's cloud error
 * when it begins and when it clears. The snapshot keeps every problem each tick (for the plan and the
 * view); this remembers the last tick's, so a cloud that stays unreadable is one event, not one a tick.
 */
export class ProblemReports {
  private problemsSeen = new Set<string>();
  /** Hosts whose power state could not be read last tick, and why. */
  private cloudErrors = new Map<string, PowerErrorKind>();

  report(snapshot: Snapshot, emit: (event: NewEvent) => void): void {
    this.reportProblems(snapshot, emit);
    this.reportCloudErrors(snapshot, emit);
  }

  /**
   * A problem met while observing, as an event when it first appears (the snapshot keeps them all, for
   * the plan and the view): a cloud that stays unreadable is one event, not one per tick.
   */
  private reportProblems(snapshot: Snapshot, emit: (event: NewEvent) => void): void {
    const hostErrors = new Set([...snapshot.power.values()].map((power) => power.error?.message));
    const seen = new Set([
      // A problem a host's cloud error already says is said once, by reportCloudErrors.
      ...snapshot.problems.map((problem) => problem.message).filter((message) => !hostErrors.has(message)),
      ...(snapshot.queue.warnings ?? []).map((warning) => `Orchestrator: ${warning}`),
    ]);
    for (const message of seen)
      if (!this.problemsSeen.has(message)) emit({ kind: 'info', severity: 'warning', message });
    this.problemsSeen = seen;
  }

  /** A host's cloud error as two facts: when it begins (or changes kind), and when it clears. */
  private reportCloudErrors(snapshot: Snapshot, emit: (event: NewEvent) => void): void {
    const current = new Map<string, PowerReadError>();
    for (const [hostId, power] of snapshot.power) if (power.error) current.set(hostId, power.error);
    for (const [hostId, error] of current)
      if (this.cloudErrors.get(hostId) !== error.kind)
        emit({
          kind: 'host.cloud-error',
          severity: 'error',
          hostId,
          message: `The power state of ${hostId} cannot be read (${error.kind}): ${error.message}`,
          data: { errorKind: error.kind },
        });
    for (const [hostId, kind] of this.cloudErrors) {
      const power = snapshot.power.get(hostId);
      if (!current.has(hostId) && power && power.state !== 'unknown')
        emit({
          kind: 'host.cloud-error-cleared',
          severity: 'info',
          hostId,
          message: `The power state of ${hostId} is read again (${power.state}); the ${kind} error has cleared`,
          data: { errorKind: kind },
        });
    }
    this.cloudErrors = new Map([...current].map(([hostId, error]) => [hostId, error.kind]));
  }
}
