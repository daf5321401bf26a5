import type { Config } from '../config/schema.js';
import type { CoordinationView, FleetScope } from '../core/fleet-scope.js';
import { fleetView, sharedPartOf, type SharedPart } from '../core/fleet-view.js';
import type { ManagerState } from '../core/state.js';
import { readSharedPart } from './shared-part.js';
import type { BeatInput, CoordinationError, FleetLeases, Holding, LeaseBoard } from './lease-board.js';

interface CoordinatorOptions {
  board: LeaseBoard;
  /** Heartbeats are sent this often (a third of the lease). */
  beatEveryMs: number;
  /** What this instance tells the board at each heartbeat. */
  input: () => BeatInput;
  /** The fleet-wide budget cap (policy.maxHostsOn of the current config). */
  cap: () => number;
  /** Monotonic clock, the board's. */
  monotonic?: () => number;
  /** A heartbeat failed after working, or worked again after failing: said once each way. */
  onConnection?: (connected: boolean, error?: CoordinationError) => void;
  /** Hosts this instance holds that it did not before: act on them now, not at the next poll. */
  onGained?: (hostIds: string[]) => void;
  /** What another instance shared has records that do not read (said once per instance and count). */
  onUnreadable?: (instanceId: string, skipped: number) => void;
}

/** Sends the heartbeats on its own timer (a long tick must not let the leases run out). */
export class Coordinator implements FleetScope {
  private holding: Holding | undefined;
  private fleet: FleetLeases | undefined;
  private error: CoordinationError | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly monotonic: () => number;
  /** Hosts with a driver call under way (a count: calls may overlap), never given back meanwhile. */
  private readonly busy = new Map<string, number>();
  /** Hosts whose start took a place under the cap, and when (epoch ms): on until seen off after it. */
  private readonly reserved = new Map<string, number>();
  /** Hosts offered back in the heartbeat under way. */
  private leaving: ReadonlySet<string> = new Set();
  /** What this instance last showed of its hosts, shared at each heartbeat; and what the others shared. */
  private own: SharedPart | undefined;
  private others: SharedPart[] = [];
  private readonly unreadable = new Map<string, number>();
  private sharing: Promise<void> | undefined;

  constructor(private readonly options: CoordinatorOptions) {
    this.monotonic = options.monotonic ?? (() => performance.now());
  }

  /** The first heartbeat, awaited (so the first tick knows its hosts), then one every interval. */
  async start(): Promise<void> {
    await this.beatNow();
    this.schedule();
  }

  /**
   * Stops the heartbeats and gives the leases back, so others take the hosts at once. Without
   * `release` the leases are left to run out, as when the process is killed.
   */
  async stop({ release = true } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.sharing;
    if (release) await this.options.board.release().catch(() => undefined);
    await this.options.board.close();
  }

  /** One heartbeat now; a failure is kept (and said), never thrown. */
  beatNow(): Promise<void> {
    this.running ??= this.beat().finally(() => (this.running = undefined));
    return this.running;
  }

  hosts(): ReadonlySet<string> {
    return this.valid() ? this.holding!.hosts : new Set();
  }

  begin(hostId: string): (() => void) | undefined {
    if (!this.mayAct(hostId)) return undefined;
    this.busy.set(hostId, (this.busy.get(hostId) ?? 0) + 1);
    return () => {
      const left = (this.busy.get(hostId) ?? 1) - 1;
      if (left > 0) this.busy.set(hostId, left);
      else this.busy.delete(hostId);
    };
  }

  /** Held, surely still, and not being offered back in a heartbeat under way. */
  private mayAct(hostId: string): boolean {
    return this.valid() && this.holding!.hosts.has(hostId) && !this.leaving.has(hostId);
  }

  /**
   * Whether this instance writes the tasks into the shared history: the live instance first by name
   * (every instance sees the same queue; one writes it). Briefly two may think so as instances come
   * and go: a task row written twice is the same row.
   */
  writesTasks(): boolean {
    return this.valid() && this.fleet?.instances[0]?.id === this.options.board.instanceId;
  }

  othersOn(): number {
    return this.holding?.othersOn ?? 0;
  }

  reserveStart(hostId: string): Promise<boolean> {
    if (!this.mayAct(hostId)) return Promise.resolve(false);
    const at = Date.now();
    return this.options.board.reserveStart(hostId, this.options.cap()).then(
      (granted) => {
        if (granted) this.reserved.set(hostId, at);
        return granted;
      },
      () => false,
    );
  }

  view(): CoordinationView {
    const holders: Record<string, string> = {};
    for (const lease of this.fleet?.leases ?? []) holders[lease.hostId] = lease.holder;
    return {
      instanceId: this.options.board.instanceId,
      connected: this.error === undefined,
      ...(this.error ? { problem: this.error.message } : {}),
      instances: this.fleet?.instances.length ?? this.holding?.instances ?? 1,
      holders,
    };
  }

  show(own: ManagerState, config: Config): ManagerState {
    this.own = sharedPartOf(this.options.board.instanceId, own);
    return fleetView(own, this.valid() ? this.others : [], config);
  }

  /** Shares this instance's part and reads the others'; a failure keeps the last read (the beat says it). */
  private async share(): Promise<void> {
    if (!this.own) return;
    const shared = await this.options.board.share(this.own).catch(() => undefined);
    if (!shared) return;
    this.others = shared.map(({ instanceId, part }) => {
      const read = readSharedPart(instanceId, part);
      if (read.skipped > 0 && this.unreadable.get(instanceId) !== read.skipped)
        this.options.onUnreadable?.(instanceId, read.skipped);
      this.unreadable.set(instanceId, read.skipped);
      return read.part;
    });
  }

  /**
   * Started hosts the last observation has not seen yet (it was taken before the start): they stay
   * counted as on, or a heartbeat would free their place under the cap for another start.
   */
  private stillReserved(input: BeatInput): string[] {
    for (const [hostId, at] of this.reserved) {
      const seenSince = input.observedAt !== undefined && input.observedAt > at;
      if (seenSince || !this.holding?.hosts.has(hostId)) this.reserved.delete(hostId);
    }
    return [...this.reserved.keys()];
  }

  private valid(): boolean {
    return this.holding !== undefined && this.monotonic() < this.holding.validUntil;
  }

  private async beat(): Promise<void> {
    const before = this.valid() ? this.holding!.hosts : new Set<string>();
    const input = this.options.input();
    // A host with a call under way is neither idle nor off; a host offered back is not acted on
    // until the heartbeat is answered (it may be another's by then).
    const idle = new Set([...input.idleHostIds].filter((hostId) => !this.busy.has(hostId)));
    const on = new Set([...input.onHostIds, ...this.busy.keys(), ...this.stillReserved(input)]);
    this.leaving = idle;
    try {
      this.holding = await this.options.board.beat({ ...input, idleHostIds: idle, onHostIds: on });
      this.fleet = await this.options.board.fleet();
      if (this.error) {
        this.error = undefined;
        this.options.onConnection?.(true);
      }
    } catch (error) {
      const failure = error as CoordinationError;
      if (!this.error) this.options.onConnection?.(false, failure);
      this.error = failure;
      return;
    } finally {
      this.leaving = new Set();
    }
    // Not awaited: a slow share never delays the next heartbeat (the leases' renewal).
    this.sharing ??= this.share().finally(() => (this.sharing = undefined));
    const gained = [...this.holding.hosts].filter((hostId) => !before.has(hostId));
    if (gained.length > 0) this.options.onGained?.(gained);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.beatNow().finally(() => this.schedule());
    }, this.options.beatEveryMs);
    this.timer.unref?.();
  }
}
