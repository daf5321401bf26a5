import type { HostMemory, PlanMemory, RunnerMemory, SessionMemory } from './memory.js';
import { freshHostMemory } from './memory.js';
import type { PlanContext } from './plan-context.js';
import { PositionalMap } from './positional-map.js';

/**
 * Copy-on-write view of the memory during one plan: reads fall through to the old memory, the first
 * write to an entry copies it; `finish` assembles the new memory. The old memory is never mutated.
 *
 * Hosts and runners are kept by their position in the PlanContext (arrays, not Maps), and an entry
 * is copied only when something in it changes: at thousands of hosts, copying every entry every
 * tick was most of what `plan` allocated. The memory `finish` returns keeps them by position too
 * (PositionalMap), so the next tick with the same config reads them without a lookup.
 */
export class MemoryDraft {
  orchestrator: PlanMemory['orchestrator'];
  budgetBlocked: boolean;
  /** Each configured host's memory, by position: the old entry, then the copy once it changes. */
  private readonly hosts: (HostMemory | undefined)[];
  /** Positions whose entry in `hosts` is a copy of this plan (writable). */
  private readonly copied: Uint8Array;
  private hostWrites = 0;
  /** The old memory's runners by position, and this plan's new entries. */
  private readonly baseRunners: readonly (RunnerMemory | undefined)[];
  private readonly runners: (RunnerMemory | undefined)[];
  private readonly sessions = new Map<string, SessionMemory>();

  constructor(
    private readonly base: PlanMemory,
    private readonly context: PlanContext,
  ) {
    this.orchestrator = base.orchestrator;
    this.budgetBlocked = base.budgetBlocked;
    this.hosts = byPosition(base.hosts, context.hostIds, context.hostIndex).slice();
    this.copied = new Uint8Array(context.hosts.length);
    this.baseRunners = byPosition(base.runners, context.runnerIds, context.runnerIndex.positionOf);
    this.runners = new Array<RunnerMemory | undefined>(context.runners.length);
  }

  /** The host's memory (read-only: call `hostAt` to change it). */
  peekHostAt(position: number): Readonly<HostMemory> | undefined {
    return this.hosts[position];
  }

  /** A writable copy of the host's memory (the same copy for the rest of this plan). */
  hostAt(position: number): HostMemory {
    if (this.copied[position] === 1) return this.hosts[position]!;
    const base = this.hosts[position];
    const host = base ? { ...base } : freshHostMemory();
    this.hosts[position] = host;
    this.copied[position] = 1;
    this.hostWrites++;
    return host;
  }

  peekHost(id: string): Readonly<HostMemory> | undefined {
    const position = this.context.hostIndex.get(id);
    return position === undefined ? this.base.hosts.get(id) : this.peekHostAt(position);
  }

  /** A writable copy of the host's memory; for a host no longer configured, a copy that is dropped. */
  host(id: string): HostMemory {
    const position = this.context.hostIndex.get(id);
    if (position !== undefined) return this.hostAt(position);
    return { ...(this.base.hosts.get(id) ?? freshHostMemory()) };
  }

  peekRunnerAt(position: number): RunnerMemory | undefined {
    return this.runners[position] ?? this.baseRunners[position];
  }

  setRunnerAt(position: number, value: RunnerMemory): void {
    this.runners[position] = value;
  }

  peekSession(key: string): SessionMemory | undefined {
    return this.sessions.get(key) ?? this.base.sessions.get(key);
  }

  session(key: string): SessionMemory {
    let session = this.sessions.get(key);
    if (!session) {
      session = { ...(this.base.sessions.get(key) ?? { attempts: 0 }) };
      this.sessions.set(key, session);
    }
    return session;
  }

  /**
   * The new memory: every configured host (a fresh entry for one never seen), the runners and sessions
   * with an entry, without those no longer configured.
   */
  finish(): PlanMemory {
    return {
      hosts: this.finishHosts(),
      runners: this.finishRunners(),
      sessions: this.finishSessions(),
      orchestrator: this.orchestrator,
      budgetBlocked: this.budgetBlocked,
    };
  }

  private finishHosts(): ReadonlyMap<string, HostMemory> {
    const { hostIds, hostIndex } = this.context;
    // Nothing changed and the old memory holds every configured host by the same positions: share it
    // (memories are never mutated).
    if (this.hostWrites === 0 && this.base.hosts.size === hostIds.length) {
      if (PositionalMap.positionsOf(this.base.hosts, hostIndex)) return this.base.hosts;
    }
    // A host never seen gets an entry too (as if `hostAt` had been called for every host).
    for (let position = 0; position < hostIds.length; position++) this.hosts[position] ??= freshHostMemory();
    return new PositionalMap(hostIds, hostIndex, this.hosts);
  }

  private finishRunners(): ReadonlyMap<string, RunnerMemory> {
    const runners = this.runners;
    for (let position = 0; position < runners.length; position++)
      runners[position] ??= this.baseRunners[position];
    return new PositionalMap(this.context.runnerIds, this.context.runnerIndex.positionOf, runners);
  }

  private finishSessions(): ReadonlyMap<string, SessionMemory> {
    // Usual case at scale: no session has anything to remember.
    if (this.sessions.size === 0 && this.base.sessions.size === 0) return this.base.sessions;
    const sessions = new Map<string, SessionMemory>();
    for (const key of this.context.groupByKey.keys()) {
      const value = this.peekSession(key);
      if (value) sessions.set(key, value);
    }
    return sessions;
  }
}

/** The entries of `map` by position in `ids` (the map's own array when it is kept that way already). */
function byPosition<V>(
  map: ReadonlyMap<string, V>,
  ids: readonly string[],
  positionOf: ReadonlyMap<string, number>,
): readonly (V | undefined)[] {
  const kept = PositionalMap.positionsOf(map, positionOf);
  if (kept) return kept;
  const values = new Array<V | undefined>(ids.length);
  for (let position = 0; position < ids.length; position++) values[position] = map.get(ids[position]!);
  return values;
}
