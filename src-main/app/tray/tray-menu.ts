import type { ManagerState } from '../../core/state.js';
import { traySummary, type TrayStatus } from './tray-status.js';

/**
 * The tray menu as data (pure): built from the manager's state and the app's settings; the Electron
 * adapter turns it into a Menu and routes clicks to `TrayCommand`s.
 */

export type TrayCommand =
  'open' | 'pause' | 'resume' | 'tick-now' | 'retry-all' | 'toggle-start-at-login' | 'quit';

export type TrayMenuItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; command: TrayCommand; label: string; enabled: boolean }
  | { kind: 'checkbox'; command: TrayCommand; label: string; checked: boolean; enabled: boolean };

export interface TrayModel {
  status: TrayStatus;
  tooltip: string;
  menu: TrayMenuItem[];
}

export interface TrayMenuInput {
  /** Undefined while the service is not running. */
  state: ManagerState | undefined;
  /** Why the service is not running. */
  problem?: string;
  startAtLogin: boolean;
  /** True once the user chose Quit: the loop is being stopped. */
  quitting?: boolean;
}

export function trayModel(input: TrayMenuInput): TrayModel {
  const { state } = input;
  const summary = traySummary(state, input.problem);
  const running = state !== undefined && !input.quitting;
  const paused = state?.paused ?? false;
  const waiting = state ? waitingForRetry(state) : 0;
  const menu: TrayMenuItem[] = [
    { kind: 'label', label: input.quitting ? 'Stopping… (nothing is powered off)' : summary.headline },
    { kind: 'separator' },
    { kind: 'action', command: 'open', label: 'Open Session Manager', enabled: !input.quitting },
    paused
      ? { kind: 'action', command: 'resume', label: 'Resume', enabled: running }
      : { kind: 'action', command: 'pause', label: 'Pause', enabled: running },
    { kind: 'action', command: 'tick-now', label: 'Tick now', enabled: running && !paused },
    // The operator's Retry, shown only while something waits for it.
    ...(waiting > 0
      ? [
          {
            kind: 'action' as const,
            command: 'retry-all' as const,
            label: `Retry failed hosts (${waiting})`,
            enabled: running,
          },
        ]
      : []),
    { kind: 'separator' },
    {
      kind: 'checkbox',
      command: 'toggle-start-at-login',
      label: 'Start at login',
      checked: input.startAtLogin,
      enabled: !input.quitting,
    },
    { kind: 'separator' },
    { kind: 'action', command: 'quit', label: 'Quit Session Manager', enabled: !input.quitting },
  ];
  return { status: summary.status, tooltip: `Session Manager: ${summary.headline}`, menu };
}

/** Hosts that wait for the operator: failed, or with a session blocked (e.g. a refused password). */
function waitingForRetry(state: ManagerState): number {
  const blocked = new Set(
    state.sessions.filter((session) => session.blocked).map((session) => session.hostId),
  );
  return state.hosts.filter((host) => host.failed || blocked.has(host.id)).length;
}
