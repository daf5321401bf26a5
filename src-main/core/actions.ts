import type { EventKind, Severity } from './events.js';
import type { SessionHealthState, SessionSpec } from './session-driver.js';

/**
 * What `plan` asks the reconciler to do. Every action says why in words the operator reads
 * ("Starting bot-01: runner fin-01 has 3 queued tasks, oldest 42 s"); that sentence becomes the event.
 * Actions for one host run in the order given; different hosts run concurrently.
 */

interface ActionBase {
  hostId: string;
  reason: string;
}

/** Power a cloud host on (the driver tags it as managed). */
export interface PowerOnAction extends ActionBase {
  kind: 'powerOn';
}

/**
 * Why a host is powered off: `idle` (drained after the grace period), `restart` (boot timed out:
 * stop it and start again after a back-off), `failed` (gave up: stop paying for it).
 */
export type PowerOffCause = 'idle' | 'restart' | 'failed';

/** Power a cloud host off (Azure: deallocate). Re-checked against a fresh queue just before it runs. */
export interface PowerOffAction extends ActionBase {
  kind: 'powerOff';
  cause: PowerOffCause;
  /** Runners whose demand the re-check looks at. */
  runnerIds: string[];
}

/** Open (or keep open) the session of one Windows user on a host. */
export interface OpenSessionAction extends ActionBase {
  kind: 'openSession';
  spec: SessionSpec;
  runnerIds: string[];
}

/** Close one session. Re-checked against a fresh queue just before it runs. */
export interface CloseSessionAction extends ActionBase {
  kind: 'closeSession';
  key: string;
  runnerIds: string[];
  /** Set when the close is part of stopping the host: it is then re-checked like that stop. */
  forStop?: PowerOffCause;
  /**
   * Set when the close repairs an unhealthy desktop (it is opened again at the next look): re-checked
   * for a running task unless the screen is unusable anyway (a login window, a blank screen).
   */
  forRepair?: SessionHealthState;
}

/** The host (or one of its sessions) is given up on until the operator retries. */
export interface MarkFailedAction extends ActionBase {
  kind: 'markFailed';
  sessionKey?: string;
}

/** Tell the operator: an event plus the orchestrator's alert and external notifications. */
export interface AlertAction {
  kind: 'alert';
  event: EventKind;
  severity: Severity;
  title: string;
  reason: string;
  hostId?: string;
  runnerId?: string;
  sessionKey?: string;
}

/** Record a decision or a change as an event only (no notification). */
export interface NoteAction {
  kind: 'note';
  event: EventKind;
  severity: Severity;
  reason: string;
  hostId?: string;
  runnerId?: string;
  sessionKey?: string;
}

export type Action =
  | PowerOnAction
  | PowerOffAction
  | OpenSessionAction
  | CloseSessionAction
  | MarkFailedAction
  | AlertAction
  | NoteAction;

/** Actions that take something away; they are re-checked just before they run and never run on stale data. */
export function isDestructive(action: Action): action is PowerOffAction | CloseSessionAction {
  return action.kind === 'powerOff' || action.kind === 'closeSession';
}
