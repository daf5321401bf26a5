import type { ManagerState } from '../../core/state.js';
import { plural } from '../../core/words.js';

/**
 * What the tray icon says, from the manager's state alone (pure). Worst first:
 * - error: the service could not start, a host is marked failed, or a session waits for the operator
 *   (refused certificate, rejected credentials);
 * - attention: paused, no orchestrator configured, the orchestrator cannot be read (unknown is not
 *   idle), stops held because task records could not be read, a session's desktop is not usable
 *   (session health), or queued work waits because the budget cap binds;
 * - active: something is powered on, starting, stopping, connected, or work is queued;
 * - idle: nothing to do and nothing running.
 */

export const trayStatuses = ['idle', 'active', 'attention', 'error'] as const;
export type TrayStatus = (typeof trayStatuses)[number];

interface TraySummary {
  status: TrayStatus;
  /** One line for the tooltip and the menu's first item. */
  headline: string;
}

/** `state` is undefined when the service is not running; `problem` says why. */
export function traySummary(state: ManagerState | undefined, problem?: string): TraySummary {
  if (!state) return { status: 'error', headline: `Not running: ${problem ?? 'the service did not start'}` };

  const failedHosts = state.hosts.filter((host) => host.failed || host.stage === 'failed');
  if (failedHosts.length > 0)
    return {
      status: 'error',
      headline: `${plural(failedHosts.length, 'host')} failed: ${names(failedHosts)}`,
    };
  const blocked = state.sessions.filter((session) => session.blocked !== undefined);
  if (blocked.length > 0)
    return {
      status: 'error',
      headline: `${plural(blocked.length, 'session')} waiting for you: ${blocked[0]!.blocked}`,
    };

  if (state.paused) return { status: 'attention', headline: 'Paused: nothing is started or stopped' };
  if (state.orchestrator.status === 'unconfigured')
    return { status: 'attention', headline: 'No orchestrator configured' };
  if (state.orchestrator.status === 'unreachable')
    return {
      status: 'attention',
      headline: `Orchestrator unreachable${state.orchestrator.problem ? `: ${state.orchestrator.problem}` : ''}`,
    };
  const skippedTasks = state.orchestrator.skipped?.tasks ?? 0;
  if (skippedTasks > 0)
    return {
      status: 'attention',
      headline: `Stops held: ${plural(skippedTasks, 'task record')} from the orchestrator could not be read`,
    };
  const unusable = state.sessions.filter(
    (session) => session.health !== undefined && session.health.state !== 'ok',
  );
  if (unusable.length > 0)
    return {
      status: 'attention',
      headline: `${plural(unusable.length, 'desktop')} not usable: ${unusable[0]!.key} (${unusable[0]!.health!.state})`,
    };
  const counted = state.hostsOn + state.hostsUnknown;
  if (state.queueDepth > 0 && state.maxHostsOn > 0 && counted >= state.maxHostsOn)
    return {
      status: 'attention',
      headline: `Budget reached: ${state.hostsOn} of ${state.maxHostsOn} hosts on${state.hostsUnknown ? ` and ${state.hostsUnknown} unknown` : ''}, ${plural(state.queueDepth, 'task')} queued`,
    };

  const busyHosts = state.hosts.filter(
    (host) => host.power !== 'off' && host.power !== 'gone' && host.power !== 'unknown',
  );
  const liveSessions = state.sessions.filter(
    (session) => session.state !== 'closed' && session.state !== 'failed',
  );
  if (busyHosts.length > 0 || liveSessions.length > 0 || state.queueDepth > 0)
    return {
      status: 'active',
      headline: `${plural(busyHosts.length, 'host')} on, ${plural(liveSessions.length, 'session')}, ${plural(state.queueDepth, 'task')} queued`,
    };

  return { status: 'idle', headline: `Idle: ${plural(state.hosts.length, 'host')} off` };
}

function names(hosts: readonly { name: string }[]): string {
  const shown = hosts.slice(0, 3).map((host) => host.name);
  return hosts.length > 3 ? `${shown.join(', ')}…` : shown.join(', ');
}
