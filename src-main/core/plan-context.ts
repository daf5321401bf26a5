import type { Config, HostConfig, RunnerConfig } from '../config/schema.js';
import { parseAddress } from '../config/schema.js';
import type { HostPower } from './power-driver.js';
import { hostTimers, type HostTimers } from './policies/effective-policy.js';
import { windowsByHost } from './policies/keep-warm.js';
import { indexRunners, type RunnerIndex } from './runner-index.js';

/** One RDP session wanted per distinct Windows user of a host's `rdp`-mode runners. */
export interface SessionGroup {
  key: string;
  hostId: string;
  user: string;
  domain?: string;
  passwordRef: string;
  width: number;
  height: number;
  runnerIds: string[];
  /**
   * Positions of those runners in PlanContext.runners, as a range (runners are grouped by session):
   * runnersFrom (inclusive) to runnersTo (exclusive).
   */
  runnersFrom: number;
  runnersTo: number;
  /** Identifies the credentials and pinned certificate: when it changes, a blocked session may retry. */
  credentials: string;
}

/**
 * One configured host with what `plan` looks up about it. `plan` walks hosts by position, so these
 * come from an array, not from Maps keyed by id (thousands of Map lookups per tick otherwise).
 */
export interface HostEntry {
  host: HostConfig;
  /** Its position in the config's hosts. */
  position: number;
  runners: readonly RunnerConfig[];
  /**
   * Positions of its runners in PlanContext.runners, as a range: runnersFrom (inclusive) to runnersTo
   * (exclusive). Runners are grouped by host, so the per-host loops of `plan` walk the columns
   * without an array of positions.
   */
  runnersFrom: number;
  runnersTo: number;
  /** Its runner ids (frozen: shared by every tick's actions and views). */
  runnerIds: readonly string[];
  /** Its session groups (empty for hosts whose runners all use the console). */
  groups: readonly SessionGroup[];
  timers: HostTimers;
  /** Positions in the policy's keepWarm of the windows that apply to it. */
  keepWarm: readonly number[];
  /** An rdp host's power state: always on, never managed (one frozen object for every tick). */
  alwaysOn?: HostPower;
}

/** The config indexed for `plan`: built once per config object (configs are replaced, never mutated). */
export interface PlanContext {
  hosts: readonly HostConfig[];
  /** The ids of `hosts`, in order (the keys of the memory's hosts). */
  hostIds: readonly string[];
  hostById: ReadonlyMap<string, HostConfig>;
  /** Host id → position in `hosts` (and `entries`). */
  hostIndex: ReadonlyMap<string, number>;
  /** The same as a dictionary object (no prototype): faster than the Map in per-tick loops. */
  hostPositionById: Readonly<Record<string, number>>;
  /** Same order as `hosts`. */
  entries: readonly HostEntry[];
  runners: readonly RunnerConfig[];
  /** The ids of `runners`, in order (the keys of the memory's runners). */
  runnerIds: readonly string[];
  /** "runner fin-01 is" and "runner fin-01 has" for each runner (same order), worded once per config. */
  runnerIs: readonly string[];
  runnerHas: readonly string[];
  runnerIndex: RunnerIndex;
  /** Position in `hosts` of each runner's host (same order as `runners`). */
  hostOfRunner: readonly number[];
  groupByKey: ReadonlyMap<string, SessionGroup>;
  address: ReadonlyMap<string, { host: string; port: number }>;
}

const cache = new WeakMap<Config, PlanContext>();

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The Windows user whose RDP session a runner works in; undefined for a console-mode runner. */
function sessionUser(runner: RunnerConfig, host: HostConfig): string | undefined {
  return runner.sessionMode === 'rdp' ? (runner.user ?? host.user) : undefined;
}

export function sessionKey(hostId: string, user: string): string {
  return `${hostId}/${user}`;
}

export function planContext(config: Config): PlanContext {
  const cached = cache.get(config);
  if (cached) return cached;
  const hostById = new Map(config.hosts.map((host) => [host.id, host]));
  const runnersByHost = new Map<string, RunnerConfig[]>();
  const groupsByHost = new Map<string, SessionGroup[]>();
  const groupByKey = new Map<string, SessionGroup>();
  const hostIndex = new Map(config.hosts.map((host, index) => [host.id, index]));
  // Grouped by host (in the config's order), then by session (the Windows user of rdp-mode runners;
  // console-mode runners last), then by id: the per-host and per-session loops of `plan` then read
  // their runners side by side in the demand columns and the memory, as ranges.
  const runners = config.runners.filter((runner) => hostById.has(runner.host));
  const sessionOrder = (runner: RunnerConfig) => {
    const user = sessionUser(runner, hostById.get(runner.host)!);
    return user === undefined ? '1' : `0${user}`;
  };
  runners.sort(
    (a, b) =>
      hostIndex.get(a.host)! - hostIndex.get(b.host)! ||
      compareText(sessionOrder(a), sessionOrder(b)) ||
      compareText(a.id, b.id),
  );
  const indexOf = new Map(runners.map((runner, index) => [runner.id, index]));
  for (const runner of runners) {
    const host = hostById.get(runner.host)!;
    const list = runnersByHost.get(host.id);
    if (list) list.push(runner);
    else runnersByHost.set(host.id, [runner]);
    const user = sessionUser(runner, host);
    if (user === undefined) continue;
    const key = sessionKey(host.id, user);
    const existing = groupByKey.get(key);
    if (existing) {
      existing.runnerIds.push(runner.id);
      existing.runnersTo = indexOf.get(runner.id)! + 1;
      continue;
    }
    const domain = runner.user ? runner.domain : (runner.domain ?? host.domain);
    // A runner's own password goes with its own user only; without one it logs on as the host's user,
    // with the host's password (a password left over from an earlier user is never sent with another).
    const passwordRef = runner.user ? (runner.password ?? host.password) : host.password;
    const group: SessionGroup = {
      key,
      hostId: host.id,
      user,
      domain,
      passwordRef,
      width: runner.width,
      height: runner.height,
      runnerIds: [runner.id],
      runnersFrom: indexOf.get(runner.id)!,
      runnersTo: indexOf.get(runner.id)! + 1,
      credentials: [user, domain ?? '', passwordRef, host.certificate ?? ''].join('|'),
    };
    groupByKey.set(key, group);
    const groups = groupsByHost.get(host.id);
    if (groups) groups.push(group);
    else groupsByHost.set(host.id, [group]);
  }
  const address = new Map<string, { host: string; port: number }>();
  for (const host of config.hosts) {
    const parsed = parseAddress(host.address);
    if (parsed) address.set(host.id, parsed);
  }
  const hostIds = Object.freeze(config.hosts.map((host) => host.id));
  const hostPositionById = Object.create(null) as Record<string, number>;
  hostIds.forEach((id, position) => (hostPositionById[id] = position));
  const keepWarm = windowsByHost(config.policy.keepWarm, hostIds);
  // Hosts with the same timers share one frozen object: the per-host loop of `plan` then reads one
  // object that stays in the cache instead of thousands of copies.
  const timersByValue = new Map<string, HostTimers>();
  const sharedTimers = (timers: HostTimers): HostTimers => {
    const key = `${timers.graceMs}/${timers.minUptimeMs}/${timers.bootTimeoutMs}`;
    let shared = timersByValue.get(key);
    if (!shared) timersByValue.set(key, (shared = Object.freeze(timers)));
    return shared;
  };
  const entries: HostEntry[] = config.hosts.map((host, position) => {
    const hostRunners = runnersByHost.get(host.id) ?? [];
    const runnersFrom = hostRunners.length > 0 ? indexOf.get(hostRunners[0]!.id)! : 0;
    return {
      host,
      position,
      runners: hostRunners,
      runnersFrom,
      runnersTo: runnersFrom + hostRunners.length,
      runnerIds: Object.freeze(hostRunners.map((runner) => runner.id)),
      groups: groupsByHost.get(host.id) ?? [],
      timers: sharedTimers(hostTimers(host, config.policy)),
      keepWarm: keepWarm[position]!,
      alwaysOn:
        host.protocol === 'rdp'
          ? Object.freeze({ hostId: host.id, state: 'on' as const, managed: false })
          : undefined,
    };
  });
  const context: PlanContext = {
    hosts: config.hosts,
    hostIds,
    hostById,
    hostIndex,
    hostPositionById,
    entries,
    runners,
    runnerIds: Object.freeze(runners.map((runner) => runner.id)),
    runnerIs: runners.map((runner) => `runner ${runner.id} is`),
    runnerHas: runners.map((runner) => `runner ${runner.id} has`),
    runnerIndex: indexRunners(runners),
    hostOfRunner: runners.map((runner) => hostIndex.get(runner.host)!),
    groupByKey,
    address,
  };
  cache.set(config, context);
  return context;
}
