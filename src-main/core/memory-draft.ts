import type { HostMemory, PlanMemory, RunnerMemory, SessionMemory } from './memory.js';
import { freshHostMemory } from './memory.js';
import type { PlanContext } from './plan-context.js';

export interface MemoryByPosition {
  hosts: readonly (HostMemory | undefined)[];
  runners: readonly (RunnerMemory | undefined)[];
}

/**
 * Copy-on-write view of the memory during one plan: reads fall through to the old memory, the first
 * write to an entry copies it; `finish` assembles the new memory. The old memory is never mutated.
 *
 * Hosts and runners are kept by their position in the PlanContext (arrays, not Maps), and an entry
 * is copied only when something in it changes: at thousands of hosts, copying every entry every
 * tick was most of what `plan` allocated.
 */
export class MemoryDraft {
  orchestrator: PlanMemory['orchestrator'];
  budgetBlocked: boolean;
  /** Each configured host's memory, by position: looked up once, then the copy once it changes. */
  private readonly hosts: (HostMemory | undefined)[];
  /** Positions whose entry in `hosts` is a copy of this plan (writable). */
  private readonly copied: Uint8Array;
  private hostWrites = 0;
  private readonly runners: (RunnerMemory | undefined)[];
  private readonly sessions = new Map<string, SessionMemory>();

  constructor(
    private readonly base: PlanMemory,
    private readonly context: PlanContext,
  ) {
    this.orchestrator = base.orchestrator;
    this.budgetBlocked = base.budgetBlocked;
    const configured = context.hosts;
    this.hosts = new Array<HostMemory | undefined>(configured.length);
    for (let position = 0; position < configured.length; position++)
      this.hosts[position] = base.hosts.get(configured[position]!.id);
    this.copied = new Uint8Array(configured.length);
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

  /**
   * After `finish`: the new memory's host and runner entries by position in the PlanContext, so the
   * view reads arrays instead of looking thousands of ids up again.
   */
  byPosition(): MemoryByPosition {
    return { hosts: this.hosts, runners: this.runners };
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
    return this.runners[position] ?? this.base.runners.get(this.context.runners[position]!.id);
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
    const configured = this.context.hosts;
    // Nothing changed and the old Map holds exactly the configured hosts, in order: share it (memories
    // are never mutated), instead of rebuilding a Map of thousands of entries.
    if (this.hostWrites === 0 && this.base.hosts.size === configured.length) {
      let position = 0;
      let same = true;
      for (const id of this.base.hosts.keys()) if (id !== configured[position++]!.id) same = false;
      if (same) return this.base.hosts;
    }
    const hosts = new Map<string, HostMemory>();
    for (let position = 0; position < configured.length; position++) {
      const id = configured[position]!.id;
      // A host never seen gets an entry too (as if `hostAt` had been called for every host).
      const value = (this.hosts[position] ??= freshHostMemory());
      hosts.set(id, value);
    }
    return hosts;
  }

  private finishRunners(): ReadonlyMap<string, RunnerMemory> {
    const runners = new Map<string, RunnerMemory>();
    const configured = this.context.runners;
    for (let position = 0; position < configured.length; position++) {
      const value = this.peekRunnerAt(position);
      this.runners[position] = value;
      if (value) runners.set(configured[position]!.id, value);
    }
    return runners;
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
