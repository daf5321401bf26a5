import type { HostMemory, PlanMemory, RunnerMemory, SessionMemory } from './memory.js';
import { freshHostMemory } from './memory.js';
import type { PlanContext } from './plan-context.js';

/**
 * Copy-on-write view of the memory during one plan: reads fall through to the old memory, the first
 * write to an entry copies it; `finish` assembles the new memory. The old memory is never mutated.
 */
export class MemoryDraft {
  orchestrator: PlanMemory['orchestrator'];
  budgetBlocked: boolean;
  private readonly hosts = new Map<string, HostMemory>();
  private readonly runners = new Map<string, RunnerMemory>();
  private readonly sessions = new Map<string, SessionMemory | undefined>();

  constructor(private readonly base: PlanMemory) {
    this.orchestrator = base.orchestrator;
    this.budgetBlocked = base.budgetBlocked;
  }

  peekHost(id: string): HostMemory | undefined {
    return this.hosts.get(id) ?? this.base.hosts.get(id);
  }

  /** A writable copy of the host's memory. */
  host(id: string): HostMemory {
    let host = this.hosts.get(id);
    if (!host) {
      host = { ...(this.base.hosts.get(id) ?? freshHostMemory()) };
      this.hosts.set(id, host);
    }
    return host;
  }

  peekRunner(id: string): RunnerMemory | undefined {
    return this.runners.get(id) ?? this.base.runners.get(id);
  }

  setRunner(id: string, value: RunnerMemory): void {
    this.runners.set(id, value);
  }

  peekSession(key: string): SessionMemory | undefined {
    return this.sessions.has(key) ? this.sessions.get(key) : this.base.sessions.get(key);
  }

  session(key: string): SessionMemory {
    let session = this.sessions.get(key);
    if (!session) {
      session = { ...(this.base.sessions.get(key) ?? { attempts: 0 }) };
      this.sessions.set(key, session);
    }
    return session;
  }

  /** The new memory, without entries of hosts, runners and sessions no longer configured. */
  finish(context: PlanContext): PlanMemory {
    const hosts = new Map<string, HostMemory>();
    for (const host of context.hosts) {
      const value = this.peekHost(host.id);
      if (value) hosts.set(host.id, value);
    }
    const runners = new Map<string, RunnerMemory>();
    for (const runner of context.runners) {
      const value = this.peekRunner(runner.id);
      if (value) runners.set(runner.id, value);
    }
    const sessions = new Map<string, SessionMemory>();
    for (const key of context.groupByKey.keys()) {
      const value = this.peekSession(key);
      if (value) sessions.set(key, value);
    }
    return { hosts, runners, sessions, orchestrator: this.orchestrator, budgetBlocked: this.budgetBlocked };
  }
}
