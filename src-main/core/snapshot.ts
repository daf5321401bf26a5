import type { Action } from './actions.js';
import type { QueueObservation } from './orchestrator.js';
import type { HostPower } from './power-driver.js';
import type { SessionStatus } from './session-driver.js';

/** How an action of the previous tick ended, fed back to `plan` so it can count failures and back off. */
export type ActionOutcome =
  | {
      action: Action;
      ok: true;
      at: number;
      /** A stop that hibernated the host (its next start is a resume). */
      hibernated?: boolean;
    }
  | {
      action: Action;
      ok: false;
      at: number;
      /** The reconciler's re-check found new demand and did not run it. */
      canceled?: boolean;
      /** PowerErrorKind or SessionErrorKind, when the driver said. */
      errorKind?: string;
      message: string;
      retryAfterMs?: number;
    };

/** A read that failed or came back partial while observing: kept, so nothing is silently dropped. */
export interface ObservationProblem {
  source: 'power' | 'readiness' | 'sessions';
  /** The power protocol whose read it was. */
  protocol?: string;
  message: string;
}

/** What the fleet has spent in the current calendar month (UTC), from the history. */
export interface MonthSpend {
  /** `2026-12` */
  month: string;
  vmHours: number;
  /** Money, from the hosts that have a price. */
  cost: number;
  /** Hosts billed this month without a price (their money is not in `cost`). */
  unpricedHosts: number;
}

/** Everything one tick saw. `plan` reads only this, the config and its memory. */
export interface Snapshot {
  /** Epoch ms the observation finished. */
  now: number;
  queue: QueueObservation;
  /** Host id → power. A cloud host missing here is unknown; `rdp` hosts need no entry (always on). */
  power: ReadonlyMap<string, HostPower>;
  /** The session driver's own list. */
  sessions: readonly SessionStatus[];
  /** Host id → its RDP port accepted a TCP connection. Missing = not probed (treated as not answering). */
  readiness: ReadonlyMap<string, boolean>;
  /** Outcomes of the actions run since the previous plan. */
  outcomes: readonly ActionOutcome[];
  /** Reads that failed or were partial (power, readiness, sessions); the queue has its own `problem`. */
  problems: readonly ObservationProblem[];
  /**
   * Secret reference → version (a short hash, never the value) of the passwords of sessions that
   * failed or wait for the operator: a changed password unblocks what used it. Absent = unknown.
   */
  secretVersions?: ReadonlyMap<string, string>;
  /** This month's spend so far; absent when there is no history to read it from. */
  spend?: MonthSpend;
}
