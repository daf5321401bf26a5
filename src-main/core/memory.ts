import { z } from 'zod';
import type { Fleet } from './fleet.js';
import type { IdleGap } from './policies/break-even.js';
import { SESSION_HEALTH_STATES, type SessionHealthState } from './session-driver.js';

/**
 * What `plan` remembers between ticks, in Maps keyed by id (`memoryToJson` / `memoryFromJson` persist
 * it). `plan` never mutates the memory it is given: it works on a copy and returns that.
 */

export interface HostMemory {
  /** Epoch ms of our latest powerOn (the current boot attempt); cleared when the host stops. */
  startedAt?: number;
  /** Epoch ms the current boot first answered RDP (or showed a running task / online runner). */
  readyAt?: number;
  /** Learned start → session-ready time, ms (moving average over boots). */
  bootLeadMs?: number;
  /** The last stop hibernated it: its next start resumes (learned apart as `resumeLeadMs`). */
  hibernated?: boolean;
  /** Learned start → session-ready time of a resume from hibernation, ms. */
  resumeLeadMs?: number;
  /** Epoch ms our last stop was accepted, until the host is seen off. */
  stoppingAt?: number;
  /** Learned stop → off time, ms (billed: a restart's cost counts it). */
  stopMs?: number;
  /** Set once the current boot's session-ready time has been learned. */
  leadLearned?: boolean;
  /** Failed start attempts in a row (power errors and boot timeouts). */
  attempts: number;
  /** No new start before this epoch ms (exponential back-off). */
  retryAt?: number;
  /** Given up on: no more starts until the operator retries. */
  failed?: { at: number; reason: string };
  /** Consecutive complete observations in which the host was seen idle. */
  drainCount: number;
  /** Epoch ms of the first of those observations. */
  drainSince?: number;
  lastError?: string;
  /** Boot timed out: stop the host, then start it again after the back-off. */
  restartPending?: boolean;
  /** Epoch ms its runners' work ended (complete observations), while no work has come back. */
  unwantedSince?: number;
  /** The most recent idle gaps (ms from work ending to work coming back): break-even idle learns from them. */
  idleGaps?: IdleGap[];
  /** Learned: tasks that come within a boot lead of work coming back (they all wait for a restart). */
  wakeTasks?: number;
  /** Learned: the share of returns of work that nothing foresaw (no schedule, no expectation, no window). */
  unforeseenShare?: number;
  /** The host was wanted by a schedule, an expectation or a window while it had no work. */
  foreseen?: boolean;
  /** Work came back at `since`: the most tasks seen at once since then, until a boot lead has passed. */
  waking?: { since: number; peak: number };
}

export interface RunnerMemory {
  /** Epoch ms the runner last had queued, running or scheduled work (or a keep-warm window). */
  lastBusyAt?: number;
  /** Epoch ms it was first seen idle when it was never seen busy (e.g. after a restart). */
  idleSince?: number;
}

export interface SessionMemory {
  /** Failed opens in a row. */
  attempts: number;
  retryAt?: number;
  /** Needs the operator (authentication failure, changed certificate, or too many failures). */
  blocked?: {
    at: number;
    reason: string;
    /** The credentials it failed with (user, domain, password ref, pinned certificate): a change clears it. */
    credentials: string;
    /** The version of the password it failed with, when known: a new password clears it too. */
    secretVersion?: string;
  };
  /** Epoch ms the block was lifted: failures the driver reported before it are about old credentials. */
  unblockedAt?: number;
  lastError?: string;
  /** Whether its desktop is usable (policies/session-health.ts), and since when. */
  health?: {
    state: SessionHealthState;
    reason: string;
    since: number;
    /** This spell's one repair (a reconnect) was made. */
    repaired?: boolean;
    /** The operator was told the repair did not help. */
    alerted?: boolean;
  };
  /** Epoch ms all its runners were last seen online. */
  runnersOnlineAt?: number;
  /** While a runner of the session runs a task: how alive its screen is (policies/session-health.ts). */
  busy?: ScreenActivity;
}

/** The busy signal: how often the screen changed between looks while a task ran. Never stops anything. */
export interface ScreenActivity {
  /** Epoch ms of the first look with a task running. */
  since: number;
  looks: number;
  /** Looks at which the screen had changed since the look before. */
  changedLooks: number;
  /** Epoch ms the screen last changed, as of the last look. */
  changedAt: number;
}

export interface PlanMemory {
  hosts: ReadonlyMap<string, HostMemory>;
  runners: ReadonlyMap<string, RunnerMemory>;
  sessions: ReadonlyMap<string, SessionMemory>;
  /** Last announced orchestrator status, so the change is announced once. */
  orchestrator: 'ok' | 'unreachable' | 'unknown';
  /** The budget cap held back a start on the previous tick. */
  budgetBlocked: boolean;
  /** The monthly budget's last alert, so each level is said once a month. */
  spendAlert?: { month: string; level: 'warning' | 'spent' };
  /**
   * When work arrived, per runner id and per `pool:<automation>` (forecast/arrival-log.ts): what
   * learned pre-warm predicts from. Arrays are replaced, never changed in place.
   */
  arrivals: ReadonlyMap<string, readonly number[]>;
}

/** A plan's own copy of the memory of the configured fleet: changed in place, then returned. */
export interface WorkingMemory extends PlanMemory {
  hosts: Map<string, HostMemory>;
  runners: Map<string, RunnerMemory>;
  sessions: Map<string, SessionMemory>;
  arrivals: Map<string, readonly number[]>;
}

/**
 * A copy of `memory` for the configured fleet: every configured host has an entry (fresh for a new
 * one); runners and sessions keep theirs; what is no longer configured is dropped.
 */
export function workingCopy(memory: PlanMemory, fleet: Fleet): WorkingMemory {
  const copy = <V extends object>(from: ReadonlyMap<string, V>, ids: Iterable<string>) => {
    const map = new Map<string, V>();
    for (const id of ids) {
      const value = from.get(id);
      if (value) map.set(id, { ...value });
    }
    return map;
  };
  const hosts = new Map(
    fleet.hosts.map(({ host }) => [host.id, { ...(memory.hosts.get(host.id) ?? freshHostMemory()) }]),
  );
  return {
    hosts,
    runners: copy(
      memory.runners,
      fleet.runners.map((runner) => runner.id),
    ),
    sessions: copy(memory.sessions, fleet.groupByKey.keys()),
    arrivals: keptArrivals(memory.arrivals, fleet),
    orchestrator: memory.orchestrator,
    budgetBlocked: memory.budgetBlocked,
    ...(memory.spendAlert && { spendAlert: memory.spendAlert }),
  };
}

/** The arrival logs of configured runners and of every pool (a pool is named by the orchestrator, not the config). */
function keptArrivals(arrivals: ReadonlyMap<string, readonly number[]>, fleet: Fleet) {
  const runners = new Set(fleet.runners.map((runner) => runner.id));
  const kept = new Map<string, readonly number[]>();
  for (const [key, log] of arrivals) if (runners.has(key) || key.startsWith('pool:')) kept.set(key, log);
  return kept;
}

/** The working memory of a session, made on first use. */
export function sessionMemoryOf(memory: WorkingMemory, key: string): SessionMemory {
  let session = memory.sessions.get(key);
  if (!session) memory.sessions.set(key, (session = { attempts: 0 }));
  return session;
}

export function emptyMemory(): PlanMemory {
  return {
    hosts: new Map(),
    runners: new Map(),
    sessions: new Map(),
    arrivals: new Map(),
    orchestrator: 'unknown',
    budgetBlocked: false,
  };
}

function freshHostMemory(): HostMemory {
  return { attempts: 0, drainCount: 0 };
}

/**
 * The operator's "retry": forget the failures of a host and its sessions, so the next tick may start it
 * and open its sessions again. Returns a new memory.
 */
export function clearFailures(memory: PlanMemory, hostId: string, now: number): PlanMemory {
  const hosts = new Map(memory.hosts);
  const host = hosts.get(hostId);
  if (host)
    hosts.set(hostId, {
      attempts: 0,
      drainCount: host.drainCount,
      drainSince: host.drainSince,
      bootLeadMs: host.bootLeadMs,
      hibernated: host.hibernated,
      resumeLeadMs: host.resumeLeadMs,
      stopMs: host.stopMs,
      unwantedSince: host.unwantedSince,
      idleGaps: host.idleGaps,
      wakeTasks: host.wakeTasks,
      unforeseenShare: host.unforeseenShare,
    });
  const sessions = new Map<string, SessionMemory>();
  for (const [key, session] of memory.sessions)
    sessions.set(key, key.startsWith(`${hostId}/`) ? { attempts: 0, unblockedAt: now } : session);
  return { ...memory, hosts, sessions };
}

/** The version of the saved memory's shape; a file with a newer one is reported and ignored. */
const MEMORY_VERSION = 1;

/** The memory as JSON-safe data (saved next to the config, so what plan learned survives a restart). */
export function memoryToJson(memory: PlanMemory): object {
  return {
    version: MEMORY_VERSION,
    hosts: Object.fromEntries(memory.hosts),
    runners: Object.fromEntries(memory.runners),
    sessions: Object.fromEntries(memory.sessions),
    arrivals: Object.fromEntries(memory.arrivals),
    orchestrator: memory.orchestrator,
    budgetBlocked: memory.budgetBlocked,
    ...(memory.spendAlert && { spendAlert: memory.spendAlert }),
  };
}

const hostMemorySchema = z.object({
  startedAt: z.number().optional(),
  readyAt: z.number().optional(),
  bootLeadMs: z.number().nonnegative().optional(),
  hibernated: z.boolean().optional(),
  resumeLeadMs: z.number().nonnegative().optional(),
  stoppingAt: z.number().optional(),
  stopMs: z.number().nonnegative().optional(),
  leadLearned: z.boolean().optional(),
  attempts: z.number().int().nonnegative(),
  retryAt: z.number().optional(),
  failed: z.object({ at: z.number(), reason: z.string() }).optional(),
  drainCount: z.number().int().nonnegative(),
  drainSince: z.number().optional(),
  lastError: z.string().optional(),
  restartPending: z.boolean().optional(),
  unwantedSince: z.number().optional(),
  idleGaps: z
    .array(z.object({ at: z.number(), ms: z.number().nonnegative() }))
    .max(1000)
    .optional(),
  wakeTasks: z.number().positive().optional(),
  unforeseenShare: z.number().min(0).max(1).optional(),
  foreseen: z.boolean().optional(),
  waking: z.object({ since: z.number(), peak: z.number().int().nonnegative() }).optional(),
});
const sessionMemorySchema = z.object({
  attempts: z.number().int().nonnegative(),
  retryAt: z.number().optional(),
  blocked: z
    .object({
      at: z.number(),
      reason: z.string(),
      credentials: z.string(),
      secretVersion: z.string().optional(),
    })
    .optional(),
  unblockedAt: z.number().optional(),
  lastError: z.string().optional(),
  health: z
    .object({
      state: z.enum(SESSION_HEALTH_STATES),
      reason: z.string(),
      since: z.number(),
      repaired: z.boolean().optional(),
      alerted: z.boolean().optional(),
    })
    .optional(),
  runnersOnlineAt: z.number().optional(),
  busy: z
    .object({ since: z.number(), looks: z.number(), changedLooks: z.number(), changedAt: z.number() })
    .optional(),
});
const memoryJsonSchema = z.object({
  version: z.literal(MEMORY_VERSION),
  hosts: z.record(z.string(), hostMemorySchema).default({}),
  runners: z
    .record(z.string(), z.object({ lastBusyAt: z.number().optional(), idleSince: z.number().optional() }))
    .default({}),
  sessions: z.record(z.string(), sessionMemorySchema).default({}),
  arrivals: z.record(z.string(), z.array(z.number().int()).max(10_000)).default({}),
  orchestrator: z.enum(['ok', 'unreachable', 'unknown']).default('unknown'),
  budgetBlocked: z.boolean().default(false),
  spendAlert: z.object({ month: z.string(), level: z.enum(['warning', 'spent']) }).optional(),
});

/** Reads memory saved by `memoryToJson`: the memory, or why it cannot be used (malformed, newer version). */
export function memoryFromJson(value: unknown): { memory: PlanMemory } | { problem: string } {
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > MEMORY_VERSION)
    return { problem: `it was written by a newer Session Manager (memory version ${version})` };
  const parsed = memoryJsonSchema.safeParse(value);
  if (!parsed.success)
    return { problem: `it is malformed (${z.prettifyError(parsed.error).split('\n')[0]})` };
  return {
    memory: {
      hosts: new Map(Object.entries(parsed.data.hosts)),
      runners: new Map(Object.entries(parsed.data.runners)),
      sessions: new Map(Object.entries(parsed.data.sessions)),
      arrivals: new Map(Object.entries(parsed.data.arrivals)),
      orchestrator: parsed.data.orchestrator,
      budgetBlocked: parsed.data.budgetBlocked,
      ...(parsed.data.spendAlert && { spendAlert: parsed.data.spendAlert }),
    },
  };
}

/**
 * The memory a restarted service plans with: what was learned (boot leads, back-off, failed marks,
 * pending starts, blocked sessions, idle gaps, arrivals) is kept; the idle and drain clocks start over, since nothing was
 * observed while the service was down (unknown is not idle).
 */
export function afterRestart(memory: PlanMemory): PlanMemory {
  const hosts = new Map<string, HostMemory>();
  for (const [id, host] of memory.hosts)
    hosts.set(id, { ...host, drainCount: 0, drainSince: undefined, unwantedSince: undefined });
  return { ...memory, hosts, runners: new Map(), orchestrator: 'unknown', budgetBlocked: false };
}
