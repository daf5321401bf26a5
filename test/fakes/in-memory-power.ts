import type { HostConfig } from '../../src-main/config/schema.js';
import type {
  HostPower,
  PowerDriver,
  PowerErrorKind,
  PowerObservation,
  PowerResult,
  PowerState,
} from '../../src-main/core/power-driver.js';

/** One recorded call, for `seed → tick() → assert calls` tests. */
export interface PowerCall {
  op: 'observe' | 'start' | 'stop';
  hostIds: string[];
  at: number;
}

interface FakeHost {
  state: PowerState;
  managed: boolean;
  /** Epoch ms of the last transition (boot and stop delays count from it). */
  since: number;
  address?: string;
}

export interface InMemoryPowerOptions {
  protocol?: HostConfig['protocol'];
  /** The fake clock (epoch ms). */
  now: () => number;
  /** starting → on after this long. */
  bootDelayMs?: number;
  /** stopping → off after this long. */
  stopDelayMs?: number;
}

/**
 * A cloud in memory: hosts move off → starting → on and on → stopping → off as the injected clock
 * passes the boot and stop delays. Records every call; `failNext` makes the next call of a kind fail.
 * Unknown hosts read as off and unmanaged.
 */
export class InMemoryPowerDriver implements PowerDriver {
  readonly protocol: HostConfig['protocol'];
  readonly calls: PowerCall[] = [];
  private readonly hosts = new Map<string, FakeHost>();
  private readonly failures: { op: PowerCall['op']; result: PowerResult | Error }[] = [];
  private readonly now: () => number;
  private readonly bootDelayMs: number;
  private readonly stopDelayMs: number;
  private readonly hibernation = new Map<string, { resumeDelayMs: number; refuse: boolean }>();
  private readonly hibernated = new Set<string>();

  constructor(options: InMemoryPowerOptions) {
    this.protocol = options.protocol ?? 'aws-ec2';
    this.now = options.now;
    this.bootDelayMs = options.bootDelayMs ?? 60_000;
    this.stopDelayMs = options.stopDelayMs ?? 30_000;
  }

  /** Puts a host in a state, as if found so in the cloud. */
  seed(hostId: string, state: PowerState, managed = true, address?: string): void {
    this.hosts.set(hostId, { state, managed, since: this.now(), ...(address ? { address } : {}) });
  }

  /** The host is set up to hibernate: it resumes in `resumeDelayMs`; with `refuse`, the cloud refuses to. */
  hibernates(hostId: string, resumeDelayMs: number, refuse = false): void {
    this.hibernation.set(hostId, { resumeDelayMs, refuse });
  }

  /** The host's state now (after the delays), without recording a call. */
  stateOf(hostId: string): PowerState {
    return this.advance(hostId).state;
  }

  managed(hostId: string): boolean {
    return this.advance(hostId).managed;
  }

  /** The next call of `op` returns this error result (observe: throws the Error, or marks all unknown). */
  failNext(
    op: PowerCall['op'],
    result: { error: PowerErrorKind; message: string; retryAfterMs?: number } | Error,
  ): void {
    this.failures.push({ op, result: result instanceof Error ? result : { ok: false, ...result } });
  }

  callsOf(op: PowerCall['op']): PowerCall[] {
    return this.calls.filter((call) => call.op === op);
  }

  async observe(hosts: readonly HostConfig[]): Promise<PowerObservation> {
    const at = this.now();
    this.calls.push({ op: 'observe', hostIds: hosts.map((host) => host.id), at });
    const failure = this.takeFailure('observe');
    if (failure instanceof Error) throw failure;
    const result = new Map<string, HostPower>();
    for (const host of hosts) {
      if (failure) {
        result.set(host.id, { hostId: host.id, state: 'unknown', managed: false });
        continue;
      }
      const fake = this.advance(host.id);
      result.set(host.id, {
        hostId: host.id,
        state: fake.state,
        managed: fake.managed,
        ...(fake.address ? { address: fake.address } : {}),
      });
    }
    return { hosts: result, calls: 1, problems: failure ? [failure.ok ? '' : failure.message] : [] };
  }

  async start(host: HostConfig): Promise<PowerResult> {
    this.calls.push({ op: 'start', hostIds: [host.id], at: this.now() });
    const failure = this.takeFailure('start');
    if (failure instanceof Error) throw failure;
    if (failure) return failure;
    const fake = this.advance(host.id);
    if (fake.state === 'gone') return { ok: false, error: 'not-found', message: `${host.id} not found` };
    if (fake.state === 'stopping')
      return {
        ok: false,
        error: 'incorrect-state',
        message: `${host.id} is stopping`,
        retryAfterMs: this.stopDelayMs,
      };
    if (fake.state === 'on' || fake.state === 'starting') return { ok: true, detail: 'already on' };
    this.hosts.set(host.id, { ...fake, state: 'starting', managed: true, since: this.now() });
    return { ok: true };
  }

  async stop(host: HostConfig): Promise<PowerResult> {
    this.calls.push({ op: 'stop', hostIds: [host.id], at: this.now() });
    const failure = this.takeFailure('stop');
    if (failure instanceof Error) throw failure;
    if (failure) return failure;
    const fake = this.advance(host.id);
    if (fake.state === 'gone') return { ok: true, detail: 'already gone' };
    if (!fake.managed && !host.powerOffUnmanaged)
      return { ok: false, error: 'not-managed', message: `${host.id} is not managed by Session Manager` };
    if (fake.state === 'off' || fake.state === 'stopping') return { ok: true, detail: 'already off' };
    if (fake.state === 'starting')
      return {
        ok: false,
        error: 'incorrect-state',
        message: `${host.id} is starting`,
        retryAfterMs: this.bootDelayMs,
      };
    this.hosts.set(host.id, { ...fake, state: 'stopping', since: this.now() });
    const hibernation = this.hibernation.get(host.id);
    if (!hibernation) return { ok: true };
    if (hibernation.refuse) {
      this.hibernated.delete(host.id);
      return { ok: true, hibernateRefused: 'UnsupportedOperation: not ready to hibernate yet' };
    }
    this.hibernated.add(host.id);
    return { ok: true, hibernated: true };
  }

  private takeFailure(op: PowerCall['op']): PowerResult | Error | undefined {
    const index = this.failures.findIndex((failure) => failure.op === op);
    if (index < 0) return undefined;
    return this.failures.splice(index, 1)[0]!.result;
  }

  private advance(hostId: string): FakeHost {
    const fake = this.hosts.get(hostId) ?? { state: 'off' as const, managed: false, since: this.now() };
    const now = this.now();
    let next = fake;
    const startMs = this.hibernated.has(hostId)
      ? this.hibernation.get(hostId)!.resumeDelayMs
      : this.bootDelayMs;
    if (fake.state === 'starting' && now - fake.since >= startMs)
      next = { ...fake, state: 'on', since: fake.since + startMs };
    else if (fake.state === 'stopping' && now - fake.since >= this.stopDelayMs)
      next = { ...fake, state: 'off', since: fake.since + this.stopDelayMs };
    this.hosts.set(hostId, next);
    return next;
  }
}
