import type { Config, HostConfig, KeepWarmWindow, RunnerConfig } from '../config/schema.js';
import { parseAddress } from '../config/schema.js';
import { windowAppliesTo } from './policies/keep-warm.js';
import { hostTimers, type HostTimers } from './policies/effective-policy.js';

/** One RDP session wanted per distinct Windows user of a host's `rdp`-mode runners. */
export interface SessionGroup {
  key: string;
  hostId: string;
  user: string;
  domain?: string;
  passwordRef: string;
  width: number;
  height: number;
  /** In the order the operator configured them. */
  runnerIds: string[];
  /** Identifies the credentials and pinned certificate: when it changes, a blocked session may retry. */
  credentials: string;
}

/** One configured host with what the planner looks up about it. */
export interface FleetHost {
  host: HostConfig;
  /** Its runners, in the order the operator configured them. */
  runners: readonly RunnerConfig[];
  runnerIds: readonly string[];
  /** Its session groups (empty for hosts whose runners all use the console). */
  groups: readonly SessionGroup[];
  timers: HostTimers;
  /** The keep-warm windows that apply to it. */
  keepWarm: readonly KeepWarmWindow[];
  /** Where its RDP port is, from the config (a cloud driver may report a newer address). */
  address: { host: string; port: number };
}

/** The config as the planner reads it: hosts in config order, each with its runners and sessions. */
export interface Fleet {
  hosts: readonly FleetHost[];
  hostById: ReadonlyMap<string, FleetHost>;
  /** Runners whose host is configured, in config order. */
  runners: readonly RunnerConfig[];
  groupByKey: ReadonlyMap<string, SessionGroup>;
}

/** The Windows user whose RDP session a runner works in; undefined for a console-mode runner. */
function sessionUser(runner: RunnerConfig, host: HostConfig): string | undefined {
  return runner.sessionMode === 'rdp' ? (runner.user ?? host.user) : undefined;
}

function sessionKey(hostId: string, user: string): string {
  return `${hostId}/${user}`;
}

// Configs are replaced, never mutated: the fleet of one config is worked out once.
const cache = new WeakMap<Config, Fleet>();

export function fleetOf(config: Config): Fleet {
  const cached = cache.get(config);
  if (cached) return cached;
  const configured = new Set(config.hosts.map((host) => host.id));
  const runners = config.runners.filter((runner) => configured.has(runner.host));
  const groupByKey = new Map<string, SessionGroup>();
  const hosts = config.hosts.map((host): FleetHost => {
    const own = runners.filter((runner) => runner.host === host.id);
    const groups: SessionGroup[] = [];
    for (const runner of own) {
      const user = sessionUser(runner, host);
      if (user === undefined) continue;
      const key = sessionKey(host.id, user);
      const existing = groupByKey.get(key);
      if (existing) existing.runnerIds.push(runner.id);
      else {
        const group = sessionGroup(host, runner, user);
        groupByKey.set(key, group);
        groups.push(group);
      }
    }
    return {
      host,
      runners: own,
      runnerIds: own.map((runner) => runner.id),
      groups,
      timers: hostTimers(host, config.policy),
      keepWarm: config.policy.keepWarm.filter((window) => windowAppliesTo(window, host.id)),
      address: parseAddress(host.address) ?? { host: host.address, port: 3389 },
    };
  });
  const fleet: Fleet = {
    hosts,
    hostById: new Map(hosts.map((entry) => [entry.host.id, entry])),
    runners,
    groupByKey,
  };
  cache.set(config, fleet);
  return fleet;
}

/** The session of `user` on `host`, with the settings of the first runner (in config order) that uses it. */
function sessionGroup(host: HostConfig, runner: RunnerConfig, user: string): SessionGroup {
  const domain = runner.user ? runner.domain : (runner.domain ?? host.domain);
  // A runner's own password goes with its own user only; without one it logs on as the host's user,
  // with the host's password (a password left over from an earlier user is never sent with another).
  // The config refuses an RDP runner with neither (see rdpRunnersHavePasswords): '' only in theory.
  const passwordRef = (runner.user ? (runner.password ?? host.password) : host.password) ?? '';
  return {
    key: sessionKey(host.id, user),
    hostId: host.id,
    user,
    ...(domain !== undefined ? { domain } : {}),
    passwordRef,
    width: runner.width,
    height: runner.height,
    runnerIds: [runner.id],
    credentials: [user, domain ?? '', passwordRef, host.certificate ?? ''].join('|'),
  };
}
