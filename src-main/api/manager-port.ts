import type { HistoryRecords } from '../history/history-store.js';
import type { ConfigStore } from '../config/config-store.js';
import type { HostConfig } from '../config/schema.js';
import type { ManagerEvent } from '../core/events.js';
import type { ManagerState } from '../core/state.js';
import type { SecretStore } from '../secrets/secret-store.js';

/**
 * What the API needs from the running service. The service implements it over the reconciler; tests
 * implement it with a small fake. Everything here is already safe to show: no secrets cross it.
 */

export interface EventFeed {
  /** The retained events, oldest first (the service keeps a bounded history). */
  history(): readonly ManagerEvent[];
  /** Calls the listener for each new event, in id order; returns the unsubscribe function. */
  subscribe(listener: (event: ManagerEvent) => void): () => void;
}

export interface CheckResult {
  ok: boolean;
  /** What was checked or found, in words ("instance i-0abc is stopped"). */
  detail?: string;
  /** Why it failed, in words; never a secret. */
  error?: string;
  /** True when there was nothing to check (an `rdp` host has no cloud credentials). */
  skipped?: boolean;
  /** RDP: why the logon failed, as the session driver names it (logon-failure, unreachable…). */
  kind?: string;
  /** RDP: the security the host chose. */
  security?: 'nla' | 'tls';
  /** RDP: what proves the logon (NLA, the host's notification, a desktop in the first frames). */
  logon?: 'nla' | 'notification' | 'desktop' | 'unconfirmed';
}

/** "Test connection": an RDP logon as the host's user, and a read of its cloud instance. */
export interface HostCheck {
  rdp: CheckResult;
  cloud: CheckResult;
}

/** Reads a secret by ref: the keychain, or a candidate's not-yet-stored secrets for a connection test. */
export interface SecretReader {
  get(ref: string): Promise<string | undefined>;
}

export type NotificationSinkName = 'email' | 'webhook' | 'orchestrator' | 'desktop';

export interface SinkResult {
  sink: NotificationSinkName;
  ok: boolean;
  error?: string;
}

/** Monotonic totals since the service started, for /metrics. */
export interface ManagerCounters {
  ticks: number;
  errors: number;
  /** Host-minutes of cloud hosts powered on, by host id. */
  vmMinutes: Record<string, number>;
  /** Money spent on cloud hosts with a price (billed minutes × hourly price), by host id. */
  spend: Record<string, number>;
  orchestratorRequests: number;
  cloudCalls: number;
  backoffs: number;
  /** Cloud errors that began (a host's power state became unreadable), by kind. */
  cloudErrors: Record<string, number>;
}

/** Every total at zero: where the counting starts (the service) and what a fake reports. */
export function zeroCounters(): ManagerCounters {
  return {
    ticks: 0,
    errors: 0,
    vmMinutes: {},
    spend: {},
    orchestratorRequests: 0,
    cloudCalls: 0,
    backoffs: 0,
    cloudErrors: {},
  };
}

export interface ManagerPort {
  state(): ManagerState;
  readonly events: EventFeed;
  counters(): ManagerCounters;

  /** The operator's Retry of these hosts (failure, back-off, blocked sessions); returns those retried. */
  retry(hostIds: readonly string[]): Promise<string[]>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Runs one tick now (observe → plan → act); resolves when it is done. */
  tickNow(): Promise<void>;

  /** The recorded history (power intervals, sessions, tasks, host notes) that overlaps [from, to). */
  history(from: number, to: number): Promise<HistoryRecords>;

  /** PNG of a live session's screen, at most maxWidth wide; undefined when there is no such session. */
  thumbnail(sessionKey: string, maxWidth: number): Promise<Uint8Array | undefined>;
  /** PNG of the screen kept with an event about a desktop's health; undefined when none is kept. */
  eventScreen(eventId: number): Promise<Uint8Array | undefined>;
  /**
   * Tests a host with secrets read from `secrets`: logs on over RDP as its user (and off again), and
   * reads its cloud instance with its credentials (e.g. DescribeInstances). Nothing is stored.
   */
  checkHost(host: HostConfig, secrets: SecretReader): Promise<HostCheck>;
  /** Sends a test notification to one sink or to all configured ones. */
  sendTestNotification(sink?: NotificationSinkName): Promise<SinkResult[]>;
  /**
   * Pins a host's RDP certificate: the given fingerprint, else the one it last presented and that was
   * refused. Throws ApiError not-found (no such host) or conflict (nothing presented yet).
   */
  trustCertificate(request: {
    hostId: string;
    fingerprint?: string;
  }): Promise<{ hostId: string; fingerprint: string }>;

  readonly configStore: ConfigStore;
  readonly secrets: SecretStore;
  /**
   * The API changed the config file: apply it now rather than at the next file-watch event. A saved
   * change resets nothing by itself (start times, back-off and drain clocks stay); a changed credential
   * unblocks what used it because plan sees the change.
   */
  configChanged(): void;
}
