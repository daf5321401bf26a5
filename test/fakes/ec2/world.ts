/** The fake EC2's state: instances that move between states as (injected) time passes, tags, and failures to inject. */

export type Ec2StateName = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';

export const stateCodes: Record<Ec2StateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface FakeInstance {
  id: string;
  state: Ec2StateName;
  tags: Record<string, string>;
  publicIp?: string;
  privateIp?: string;
  /** When the current transitional state (pending, stopping, shutting-down) ends, in clock ms. */
  settlesAt?: number;
  /** Launched with HibernationOptions.Configured: StopInstances may hibernate it. */
  hibernationConfigured?: boolean;
  /** Its last stop hibernated it. */
  hibernated?: boolean;
}

export interface InjectedFailure {
  /** Action name (StartInstances...) or '*' for every action. */
  action: string;
  code: string;
  message?: string;
  /** How many calls fail; Infinity for a storm until cleared. */
  remaining: number;
}

export interface CallRecord {
  action: string;
  /** StopInstances asked to hibernate. */
  hibernate?: boolean;
  at: number;
  keyId: string;
  instanceIds: string[];
  error?: string;
}

export interface Clock {
  now(): number;
}

export class ManualClock implements Clock {
  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface Ec2WorldOptions {
  clock?: Clock;
  /** How long pending and stopping last. */
  transitionMs?: number;
}

const settled: Partial<Record<Ec2StateName, Ec2StateName>> = {
  pending: 'running',
  stopping: 'stopped',
  'shutting-down': 'terminated',
};

export class Ec2World {
  readonly instances = new Map<string, FakeInstance>();
  readonly calls: CallRecord[] = [];
  failures: InjectedFailure[] = [];
  readonly clock: Clock;
  transitionMs: number;

  constructor(options: Ec2WorldOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.transitionMs = options.transitionMs ?? 5_000;
  }

  addInstance(instance: Omit<FakeInstance, 'tags'> & { tags?: Record<string, string> }): FakeInstance {
    const created: FakeInstance = { ...instance, tags: { ...(instance.tags ?? {}) } };
    if (settled[created.state] && created.settlesAt === undefined)
      created.settlesAt = this.clock.now() + this.transitionMs;
    this.instances.set(created.id, created);
    return created;
  }

  /** Reads an instance after letting time move it on. */
  get(id: string): FakeInstance | undefined {
    const instance = this.instances.get(id);
    if (instance) this.settle(instance);
    return instance;
  }

  private settle(instance: FakeInstance): void {
    const next = settled[instance.state];
    if (next && instance.settlesAt !== undefined && this.clock.now() >= instance.settlesAt) {
      instance.state = next;
      delete instance.settlesAt;
    }
  }

  transition(instance: FakeInstance, state: Ec2StateName): void {
    instance.state = state;
    if (settled[state]) instance.settlesAt = this.clock.now() + this.transitionMs;
    else delete instance.settlesAt;
  }

  fail(action: string, code: string, times = 1, message?: string): void {
    this.failures.push({ action, code, remaining: times, ...(message ? { message } : {}) });
  }

  clearFailures(): void {
    this.failures = [];
  }

  /** The injected failure this call meets, if any (used up one by one). */
  takeFailure(action: string): InjectedFailure | undefined {
    const failure = this.failures.find(
      (item) => item.remaining > 0 && (item.action === action || item.action === '*'),
    );
    if (failure) failure.remaining -= 1;
    return failure;
  }

  callCount(action?: string): number {
    return action ? this.calls.filter((call) => call.action === action).length : this.calls.length;
  }
}
