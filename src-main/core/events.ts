/** Everything the user reads about what happened: decisions, actions, outcomes, errors. */

export type Severity = 'info' | 'warning' | 'error';

export type EventKind =
  | 'host.starting'
  | 'host.started'
  | 'host.ready'
  | 'host.stopping'
  | 'host.stopped'
  | 'host.hibernate-refused'
  | 'host.failed'
  | 'host.drain'
  | 'host.cloud-error'
  | 'host.cloud-error-cleared'
  | 'session.opening'
  | 'session.opened'
  | 'session.closed'
  | 'session.lost'
  | 'session.restored'
  | 'session.failed'
  | 'session.unhealthy'
  | 'session.healthy'
  | 'session.repair-failed'
  | 'orchestrator.unreachable'
  | 'orchestrator.restored'
  /** Several instances: the shared database cannot be reached (this instance acts on no host), and back. */
  | 'coordination.unreachable'
  | 'coordination.restored'
  | 'budget.reached'
  | 'budget.month-warning'
  | 'budget.month-spent'
  | 'certificate.pinned'
  | 'certificate.changed'
  | 'config.reloaded'
  | 'config.rejected'
  | 'service.started'
  | 'service.stopping'
  | 'service.paused'
  | 'service.resumed'
  | 'action.failed'
  | 'info';

export interface ManagerEvent {
  /** Increasing sequence number; SSE replays from it. */
  id: number;
  /** Epoch ms. */
  at: number;
  kind: EventKind;
  severity: Severity;
  message: string;
  hostId?: string;
  /** The runner, when the event concerns exactly one. */
  runnerId?: string;
  /** Every runner the event concerns: a session's runners, or a host's (see event-concern.ts). */
  runnerIds?: string[];
  /** The session (`<hostId>/<user>`) the event is about. */
  sessionKey?: string;
  /** Small structured detail (never a secret). */
  data?: Record<string, string | number | boolean | null>;
}

export type NewEvent = Omit<ManagerEvent, 'id' | 'at'> & { at?: number };
