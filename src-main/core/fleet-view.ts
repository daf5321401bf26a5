import type { Config } from '../config/schema.js';
import type { HostView, ManagerState, RunnerView, SessionView } from './state.js';

/** What one instance shares of the hosts it holds: their views, their runners' and their sessions'. */
export interface SharedPart {
  instanceId: string;
  hosts: HostView[];
  runners: RunnerView[];
  sessions: SessionView[];
}

export const sharedPartOf = (instanceId: string, own: ManagerState): SharedPart => ({
  instanceId,
  hosts: own.hosts,
  runners: own.runners,
  sessions: own.sessions,
});

/**
 * Pure: the fleet as any instance shows it: its own state, and the hosts other instances hold as they
 * last shared them. A host is shown from its holder's part only (by the leases), so a host that moves
 * is never shown twice; the counts and the cap are the whole fleet's.
 */
export function fleetView(own: ManagerState, others: readonly SharedPart[], config: Config): ManagerState {
  const holders = own.coordination?.holders ?? {};
  const shown = new Set(own.hosts.map((host) => host.id));
  const theirs: HostView[] = [];
  const runners = [...own.runners];
  const sessions = [...own.sessions];
  for (const part of others) {
    if (part.instanceId === own.coordination?.instanceId) continue;
    const held = part.hosts.filter((host) => holders[host.id] === part.instanceId && !shown.has(host.id));
    const ids = new Set(held.map((host) => host.id));
    for (const id of ids) shown.add(id);
    theirs.push(...held);
    runners.push(...part.runners.filter((runner) => ids.has(runner.hostId)));
    sessions.push(...part.sessions.filter((session) => ids.has(session.hostId)));
  }
  const hostOrder = orderOf(config.hosts.map((host) => host.id));
  const runnerOrder = orderOf(config.runners.map((runner) => runner.id));
  const cloud = theirs.filter((host) => host.protocol !== 'rdp');
  return {
    ...own,
    hosts: [...own.hosts, ...theirs].sort((a, b) => hostOrder(a.id) - hostOrder(b.id)),
    runners: runners.sort((a, b) => runnerOrder(a.id) - runnerOrder(b.id)),
    sessions: sessions.sort(
      (a, b) => hostOrder(a.hostId) - hostOrder(b.hostId) || a.key.localeCompare(b.key),
    ),
    // As the instance's own counts: a host starting counts as on, one not readable apart.
    hostsOn: own.hostsOn + cloud.filter((host) => host.power === 'on' || host.power === 'starting').length,
    hostsUnknown: own.hostsUnknown + cloud.filter((host) => host.power === 'unknown').length,
    maxHostsOn: config.policy.maxHostsOn,
  };
}

/**
 * The instance holding a host, when it is another than the one showing this state: its plans for the
 * host (a Retry, say) are made there, not here.
 */
export function heldElsewhere(state: ManagerState, hostId: string): string | undefined {
  const holder = state.coordination?.holders[hostId];
  return holder !== undefined && holder !== state.coordination?.instanceId ? holder : undefined;
}

/** Position in the config (what is not in it last). */
function orderOf(ids: readonly string[]): (id: string) => number {
  const index = new Map(ids.map((id, i) => [id, i]));
  return (id) => index.get(id) ?? ids.length;
}
