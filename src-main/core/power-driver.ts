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
  /** Why the state is `unknown`: the cloud's error while reading it (absent when it was read). */
  error?: PowerReadError;
}

/** A cloud error met while reading a host's power state: its kind and the cloud's words. */
export interface PowerReadError {
  kind: PowerErrorKind;
  message: string;
}

export const POWER_ERROR_KINDS = [
  'throttled', // retry after back-off
  'capacity', // the cloud has no capacity now: retry later
  'incorrect-state', // e.g. start while stopping: retry later
  'not-found', // instance/VM gone
  'auth', // credentials missing or wrong (authentication)
  'permission', // the identity is known but not allowed (IAM policy, role assignment)
  'unreachable', // the cloud's endpoint does not answer (DNS, refused, network)
  'not-managed', // refused: stopping a host Session Manager does not own
  'timeout',
  'other',
] as const;
export type PowerErrorKind = (typeof POWER_ERROR_KINDS)[number];

export type PowerResult =
  | {
      ok: true;
      detail?: string;
      /** The stop hibernated the host: it resumes with its memory and its Windows sessions. */
      hibernated?: boolean;
      /** The host is set up to hibernate, but the cloud refused (the cloud's words): it was stopped instead. */
      hibernateRefused?: string;
    }
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
  /**
   * Powers the host off (Azure: deallocate), hibernating it when the cloud says it is set up for that
   * (EC2 HibernationOptions.Configured, Azure hibernationEnabled); a refused hibernation falls back to
   * a normal stop. Refuses an unmanaged host unless host.powerOffUnmanaged.
   */
  stop(host: HostConfig): Promise<PowerResult>;
}

/**
 * A host whose power Session Manager manages through a cloud. An `rdp` host is always on: it has no
 * power to read, start or stop, and it never counts against the budget cap.
 */
/** On, starting or stopping: what a cloud bills for (Azure until the VM is deallocated). */
export function isBilledState(state: string): boolean {
  return state === 'on' || state === 'starting' || state === 'stopping';
}

export function isCloudHost(host: { protocol: HostConfig['protocol'] }): boolean {
  return host.protocol !== 'rdp';
}
