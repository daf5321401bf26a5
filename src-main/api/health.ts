import { isCloudHost } from '../core/power-driver.js';
import { isActiveSession } from '../core/session-driver.js';
import type { HostView, ManagerState } from '../core/state.js';

/**
 * The monitoring answer (as the webots session server gives one): can work be taken now?
 * A host can take work when it is not failed or gone and either it is on with a free session slot,
 * or it is off and the budget allows one more host on.
 */
type HealthStatus = 'ok' | 'busy' | 'degraded' | 'paused' | 'unconfigured';

interface Health {
  status: HealthStatus;
  hostsAvailable: number;
  hostsTotal: number;
  hostsFailed: number;
  /** Cloud hosts whose power state could not be read (credentials refused, cloud unreachable...). */
  hostsUnknown: number;
  paused: boolean;
  orchestrator: ManagerState['orchestrator']['status'];
}

function canTakeWork(host: HostView, state: ManagerState): boolean {
  if (host.failed || host.power === 'gone') return false;
  // Unknown after a tick: its cloud could not be read. Before the first tick nothing is read yet.
  if (host.power === 'unknown' && state.lastTickAt !== undefined) return false;
  if (host.power === 'on' || host.power === 'starting') {
    const active = state.sessions.filter((s) => s.hostId === host.id && isActiveSession(s)).length;
    return active < host.maxSessions;
  }
  // An unknown host may be running: the budget counts it as on.
  return state.hostsOn + state.hostsUnknown < state.maxHostsOn;
}

export function computeHealth(state: ManagerState): Health {
  const hostsAvailable = state.hosts.filter((host) => canTakeWork(host, state)).length;
  const hostsFailed = state.hosts.filter((host) => host.failed).length;
  // Before the first tick nothing has been read yet: that is not a failure to read.
  const hostsUnknown =
    state.lastTickAt === undefined
      ? 0
      : state.hosts.filter((host) => isCloudHost(host) && host.power === 'unknown').length;
  const status: HealthStatus = state.paused
    ? 'paused'
    : state.hosts.length === 0
      ? 'unconfigured'
      : state.orchestrator.status === 'unreachable' || hostsUnknown > 0
        ? 'degraded'
        : hostsAvailable > 0
          ? 'ok'
          : hostsFailed > 0
            ? 'degraded'
            : 'busy';
  return {
    status,
    hostsAvailable,
    hostsTotal: state.hosts.length,
    hostsFailed,
    hostsUnknown,
    paused: state.paused,
    orchestrator: state.orchestrator.status,
  };
}

/** 200 while the service can take work or is only busy; 503 otherwise (for load balancers and probes). */
export const healthHttpStatus = (status: HealthStatus) => (status === 'ok' || status === 'busy' ? 200 : 503);
