import { z } from 'zod';

/**
 * What `plan` remembers between ticks: plain values in Maps (fast to look up at thousands of hosts;
 * `memoryToJson` / `memoryFromJson` persist it). `plan` never mutates the memory it is given, it
 * returns a new one.
 */

export interface HostMemory {
  /** Epoch ms of our latest powerOn (the current boot attempt); cleared when the host stops. */
  startedAt?: number;
  /** Epoch ms the current boot first answered RDP (or showed a running task / online runner). */
  readyAt?: number;
  /** Learned start → session-ready time, ms (moving average over boots). */
  bootLeadMs?: number;
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
  };
  /** Epoch ms the block was lifted: failures the driver reported before it are about old credentials. */
  unblockedAt?: number;
  lastError?: string;
}

export interface PlanMemory {
  hosts: ReadonlyMap<string, HostMemory>;
  runners: ReadonlyMap<string, RunnerMemory>;
  sessions: ReadonlyMap<string, SessionMemory>;
  /** Last announced orchestrator status, so the change is announced once. */
  orchestrator: 'ok' | 'unreachable' | 'unknown';
  /** The budget cap held back a start on the previous tick. */
  budgetBlocked: boolean;
}

export function emptyMemory(): PlanMemory {
  return {
    hosts: new Map(),
    runners: new Map(),
    sessions: new Map(),
    orchestrator: 'unknown',
    budgetBlocked: false,
  };
}

export function freshHostMemory(): HostMemory {
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
    });
  const sessions = new Map<string, SessionMemory>();
  for (const [key, session] of memory.sessions)
    sessions.set(key, key.startsWith(`${hostId}/`) ? { attempts: 0, unblockedAt: now } : session);
  return { ...memory, hosts, sessions };
}

/** The memory as JSON-safe data (to keep learned boot leads across restarts). */
export function memoryToJson(memory: PlanMemory): object {
  return {
    hosts: Object.fromEntries(memory.hosts),
    runners: Object.fromEntries(memory.runners),
    sessions: Object.fromEntries(memory.sessions),
    orchestrator: memory.orchestrator,
    budgetBlocked: memory.budgetBlocked,
  };
}

const hostMemorySchema = z.object({
  startedAt: z.number().optional(),
  readyAt: z.number().optional(),
  bootLeadMs: z.number().nonnegative().optional(),
  leadLearned: z.boolean().optional(),
  attempts: z.number().int().nonnegative(),
  retryAt: z.number().optional(),
  failed: z.object({ at: z.number(), reason: z.string() }).optional(),
  drainCount: z.number().int().nonnegative(),
  drainSince: z.number().optional(),
  lastError: z.string().optional(),
  restartPending: z.boolean().optional(),
});
const sessionMemorySchema = z.object({
  attempts: z.number().int().nonnegative(),
  retryAt: z.number().optional(),
  blocked: z.object({ at: z.number(), reason: z.string(), credentials: z.string() }).optional(),
  unblockedAt: z.number().optional(),
  lastError: z.string().optional(),
});
const memoryJsonSchema = z.object({
  hosts: z.record(z.string(), hostMemorySchema).default({}),
  runners: z
    .record(z.string(), z.object({ lastBusyAt: z.number().optional(), idleSince: z.number().optional() }))
    .default({}),
  sessions: z.record(z.string(), sessionMemorySchema).default({}),
  orchestrator: z.enum(['ok', 'unreachable', 'unknown']).default('unknown'),
  budgetBlocked: z.boolean().default(false),
});

/** Reads memory saved by `memoryToJson`; anything malformed gives an empty memory. */
export function memoryFromJson(value: unknown): PlanMemory {
  const parsed = memoryJsonSchema.safeParse(value);
  if (!parsed.success) return emptyMemory();
  return {
    hosts: new Map(Object.entries(parsed.data.hosts)),
    runners: new Map(Object.entries(parsed.data.runners)),
    sessions: new Map(Object.entries(parsed.data.sessions)),
    orchestrator: parsed.data.orchestrator,
    budgetBlocked: parsed.data.budgetBlocked,
  };
}
