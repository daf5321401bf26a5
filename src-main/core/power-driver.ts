import type { HostConfig } from '../config/schema.js';

/** Power states every cloud maps into. `gone` = terminated/deleted: the host needs the operator. */
export type PowerState = 'on' | 'starting' | 'stopping' | 'off' | 'gone' | 'unknown';

export interface HostPower {
  hostId: string;
  state: PowerState;
  /** Carries the `session-manager:managed` tag: Session Manager started it and may stop it. */
  managed: boolean;
  /** The address RDP should use now, when the host's address follows the instance (AWS addressFrom). */
  address?: string;
  /** The cloud's own word for the state, for the operator ("stopped", "PowerState/deallocated"). */
  detail?: string;
}

export type PowerErrorKind =
  | 'throttled' // retry after back-off
  | 'capacity' // the cloud has no capacity now: retry later
  | 'incorrect-state' // e.g. start while stopping: retry later
  | 'not-found' // instance/VM gone
  | 'auth' // credentials missing, wrong or not allowed
  | 'not-managed' // refused: stopping a host Session Manager does not own
  | 'timeout'
  | 'other';

export type PowerResult =
  | { ok: true; detail?: string }
  | { ok: false; error: PowerErrorKind; message: string; retryAfterMs?: number };

export interface PowerObservation {
  /** One entry per host asked about; hosts whose state could not be read are `unknown`. */
  hosts: Map<string, HostPower>;
  /** Cloud calls this observation cost. */
  calls: number;
  /** Problems met (throttling, auth), in words, for events and metrics. */
  problems: string[];
}

/**
 * One driver per power protocol. Every call is idempotent: starting a running host or stopping a
 * stopped one is success. Drivers never throw for cloud errors: they return typed results.
 */
export interface PowerDriver {
  readonly protocol: HostConfig['protocol'];
  /** Reads many hosts at once: batched per region/subscription, never one call per host. */
  observe(hosts: readonly HostConfig[]): Promise<PowerObservation>;
  /** Powers the host on and tags it as managed. */
  start(host: HostConfig): Promise<PowerResult>;
  /** Powers the host off (Azure: deallocate). Refuses an unmanaged host unless host.powerOffUnmanaged. */
  stop(host: HostConfig): Promise<PowerResult>;
}

/**
 * A host whose power Session Manager manages through a cloud. An `rdp` host is always on: it has no
 * power to read, start or stop, and it never counts against the budget cap.
 */
export function isCloudHost(host: { protocol: HostConfig['protocol'] }): boolean {
  return host.protocol !== 'rdp';
}
