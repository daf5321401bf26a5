/**
 * Several instances sharing one fleet: each host is held by one instance at a time through a lease
 * with an expiry, kept in the database they share (docs/scale-out.md). Only the holder starts, stops
 * or opens sessions for a host; an instance that cannot renew its leases stops acting on them before
 * they expire, so another can take them over without two ever acting at once.
 */

/** What one heartbeat tells the board about this instance. */
export interface BeatInput {
  /** Every configured host (the fleet: the same config on every instance). */
  hostIds: readonly string[];
  /** Held hosts with nothing running and no session wanted: they may move to balance the fleet. */
  idleHostIds: ReadonlySet<string>;
  /** Sessions this instance keeps open, for the fleet's view. */
  sessions: number;
  /** Held cloud hosts this instance sees on, starting or unknown: they count against the budget cap. */
  onHostIds: ReadonlySet<string>;
  /** Epoch ms of the observation `onHostIds` comes from (a start reserved after it still counts). */
  observedAt?: number;
}

/** What this instance holds after a heartbeat. */
export interface Holding {
  hosts: ReadonlySet<string>;
  /** Instances alive now (this one included). */
  instances: number;
  /** Cloud hosts on that other instances hold (or held: a host is counted until someone sees it off). */
  othersOn: number;
  /**
   * Monotonic ms (the board's clock) until which the leases are surely still this instance's: the
   * database's expiry less a margin, counted from before the heartbeat was sent.
   */
  validUntil: number;
}

/** Who holds each host, and who is alive: the fleet as any instance reads it. */
export interface FleetLeases {
  leases: { hostId: string; holder: string; expiresAt: number; epoch: number; on: boolean }[];
  instances: { id: string; heartbeatAt: number; sessions: number }[];
}

export type CoordinationErrorKind = 'unreachable' | 'auth-failed' | 'error';

/** A heartbeat or read that did not reach the database or was refused: its kind and the driver's words. */
export class CoordinationError extends Error {
  constructor(
    readonly kind: CoordinationErrorKind,
    readonly detail: string,
  ) {
    super(`coordination database ${kind}: ${detail}`);
    this.name = 'CoordinationError';
  }
}

export interface LeaseBoard {
  readonly instanceId: string;
  /** Renews this instance's heartbeat and leases, claims free ones up to its share. */
  beat(input: BeatInput): Promise<Holding>;
  fleet(): Promise<FleetLeases>;
  /**
   * Counts a held host as on, if the fleet's hosts on stay within `cap`: under one lock, so two
   * instances never both take the last place. False: the cap is reached, or the lease is not held.
   */
  reserveStart(hostId: string, cap: number): Promise<boolean>;
  /**
   * Shares what this instance shows of the hosts it holds (any JSON) and reads what the other live
   * instances shared, as stored (to be checked by the reader).
   */
  share(part: object): Promise<Array<{ instanceId: string; part: unknown }>>;
  /** Gives every lease back (a clean stop): others take the hosts at their next heartbeat. */
  release(): Promise<void>;
  close(): Promise<void>;
}
