/**
 * What the reconciler needs from an orchestrator (BotCity Maestro first; one folder per orchestrator
 * under src-main/orchestrators/ implements this).
 */

/**
 * A task that is not finished: waiting for a runner (`queued`, BotCity `START`) or `busy`: running,
 * timed out (its bot may still be running), or in any state the client does not know to be finished.
 * Unknown is not idle: a busy task blocks every close and stop, as a running one does.
 */
export interface ObservedTask {
  id: string;
  state: 'queued' | 'busy';
  /** The orchestrator's own word for the state (BotCity: START, RUNNING, TIMEOUT, or one never seen). */
  status: string;
  /** The runner (BotCity machine id), when the orchestrator has assigned one. */
  runnerId?: string;
  /** BotCity activity label: lets a runner claim unassigned tasks of its activities. */
  activity?: string;
  /** Epoch ms the task was created. */
  createdAt: number;
  /** Epoch ms before which the task must not run (BotCity `minExecutionDate`). */
  notBefore?: number;
  /** Epoch ms the task started running. */
  startedAt?: number;
  /** 0 (lowest) to 10 (highest). */
  priority: number;
}

/** The next fire of a schedule, so hosts can be pre-warmed. */
export interface ScheduledRun {
  activity: string;
  runnerId?: string;
  /** Epoch ms. */
  at: number;
}

export interface QueueObservation {
  /** False when any read failed or returned something unexpected: then nothing here means "idle". */
  complete: boolean;
  /** Why the observation is incomplete, in words for the operator. */
  problem?: string;
  tasks: ObservedTask[];
  /** Runner id → online. A runner missing here is unknown. */
  runnersOnline: Record<string, boolean>;
  upcoming: ScheduledRun[];
  /** Requests this observation cost (for metrics and benchmarks). */
  requests: number;
  /** Things that did not make the observation incomplete but the operator should know (e.g. an unreadable schedule). */
  warnings?: string[];
  /**
   * Records the orchestrator sent that failed their schema and were skipped, by kind. A skipped task
   * might be a busy one, so a tick with skipped task records closes and stops nothing (starts go on).
   */
  skipped?: { tasks: number; runners: number; schedules: number };
  /** Task states the server refused as a `stateFilter` (remembered, not asked again every tick). */
  refusedStates?: string[];
  /** Runner id → Desktop (needs an interactive session) or Background (does not), where the server says. */
  runnerTypes?: Record<string, 'desktop' | 'background'>;
  /**
   * Automation (activity) label → the runners linked to it, where the server says: an unassigned
   * task of that automation goes to the first free one of them.
   */
  pools?: Record<string, string[]>;
}

export interface OrchestratorAlert {
  title: string;
  message: string;
  type: 'INFO' | 'WARN' | 'ERROR';
  taskId?: string;
}

export interface Orchestrator {
  observe(now: number): Promise<QueueObservation>;
  alert(alert: OrchestratorAlert): Promise<void>;
  close?(): Promise<void>;
}
