import type { PowerErrorKind, PowerState } from './power-driver.js';
import type { CoordinationView } from './fleet-scope.js';
import type { ScreenActivity } from './memory.js';
import type { SessionHealthState, SessionStatus } from './session-driver.js';

/** The current state of everything, as one object: served by the API, IPC, the UI and the tray. */

/** Boot stages shown as progress: powering on → RDP answering → logged in → runner online. */
export const HOST_STAGES = [
  'off',
  'powering-on',
  'rdp-answering',
  'logged-in',
  'runner-online',
  'stopping',
  'failed',
] as const;
export type HostStage = (typeof HOST_STAGES)[number];

export interface HostView {
  id: string;
  name: string;
  protocol: 'rdp' | 'aws-ec2' | 'azure-vm';
  address: string;
  power: PowerState;
  managed: boolean;
  stage: HostStage;
  /** Epoch ms the current power-on began (for the progress bar's elapsed time). */
  bootStartedAt?: number;
  /** Epoch ms at which the host will be powered off if it stays idle. */
  idleDeadline?: number;
  /** Learned start → session-ready time of its next start, ms (a resume when it is hibernated). */
  bootLeadMs?: number;
  /** Its last stop hibernated it: it resumes with its memory and its Windows sessions. */
  hibernated?: boolean;
  failed: boolean;
  lastError?: string;
  /** Why the power state cannot be read: the cloud's error, its kind, and what to do about it. */
  cloudError?: { kind: PowerErrorKind; message: string; hint: string };
  maxSessions: number;
  runners: string[];
  /** Why the host is in its state now, in words ("runner fin-01 has 2 running tasks"). */
  reason?: string;
  /** Consecutive complete idle observations while draining before a stop. */
  drainCount?: number;
}

export interface RunnerView {
  id: string;
  hostId: string;
  queued: number;
  /** Busy tasks: running, timed out, or in a state the client does not know to be finished. */
  running: number;
  /** Of those, tasks in TIMEOUT (past their automation's time limit; the bot may still be running). */
  timedOut?: number;
  /** Of those, tasks in a state other than RUNNING or TIMEOUT, by state. */
  otherBusy?: Record<string, number>;
  online?: boolean;
  oldestQueuedAt?: number;
  sessionMode: 'rdp' | 'console';
  /** Desktop (needs an interactive session) or Background (gets none), where the orchestrator says. */
  type?: 'desktop' | 'background';
  /** Epoch ms of its last queued, running or scheduled work. */
  lastBusyAt?: number;
}

/** A session as the API shows it: the driver's status, its error in words. */
export interface SessionView extends Omit<SessionStatus, 'error'> {
  error?: string;
  /** Set when the session waits for the operator (authentication failure, changed certificate...). */
  blocked?: string;
  /** Whether its desktop is usable, why not, and since when (epoch ms). */
  health?: { state: SessionHealthState; reason: string; since: number };
  /** While a task runs on it: how often its screen changed between looks (the busy signal). */
  busy?: ScreenActivity;
}

export interface MonthlyBudgetView {
  /** `2026-12` (UTC) */
  month: string;
  used: number;
  amount: number;
  unit: 'money' | 'vm-hours';
  /** For a money budget. */
  currency: string;
  /** used / amount */
  fraction: number;
  whenSpent: 'notify' | 'hold-starts';
  /** Starts are held now (spent, with hold-starts) for tasks below this priority. */
  holdingBelowPriority?: number;
  unpricedHosts: number;
}

export interface ManagerState {
  /** Epoch ms of this view. */
  at: number;
  paused: boolean;
  orchestrator: {
    status: 'ok' | 'unreachable' | 'unconfigured';
    problem?: string;
    lastObservedAt?: number;
    /** Records of the last observation that could not be read and were skipped, by kind. */
    skipped?: { tasks: number; runners: number; schedules: number };
  };
  queueDepth: number;
  /** The monthly budget, when one is set and the history says what was spent. */
  monthlyBudget?: MonthlyBudgetView;
  hostsOn: number;
  maxHostsOn: number;
  /** Cloud hosts whose power state cannot be read now (not counted in hostsOn). */
  hostsUnknown: number;
  hosts: HostView[];
  runners: RunnerView[];
  sessions: SessionView[];
  ticks: number;
  lastTickAt?: number;
  /**
   * Several instances sharing the fleet (config `coordination`): this one's name, whether it reaches
   * the shared database, and who holds each host. `hosts` lists the hosts this instance holds.
   */
  coordination?: CoordinationView;
}
