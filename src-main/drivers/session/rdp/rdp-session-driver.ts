import { createHash } from 'node:crypto';
import {
  UNCONFIRMED_LOGON_RETRY_MS,
  type OpenResult,
  type ScreenFacts,
  type SessionDriver,
  type SessionError,
  type SessionSpec,
  type SessionStatus,
} from '../../../core/session-driver.js';
import type { SecretStore } from '../../../secrets/secret-store.js';
import { backoffDelay, defaultBackoff, realTimers, type BackoffPolicy, type Timers } from './backoff.js';
import { connectRdp, type Connector, type RdpConnection } from './rdp-connection.js';
import { isAuthKind, isOperatorKind, SessionFailure } from './session-errors.js';
import type { Framebuffer } from './framebuffer.js';
import { readScreen } from './screen-reading.js';
import { encodeThumbnail } from './thumbnail.js';

export interface RdpDriverOptions {
  openTimeoutMs: number;
  closeTimeoutMs: number;
  /** TLS-only hosts: wait this long for a logon notification before counting the session as logged in. */
  logonSettleMs: number;
  /** Dropped connections (host restart, network blip). */
  backoff: BackoffPolicy;
  /** After a takeover or a logoff: wait this long before trying again, so a person is not fought over. */
  operatorBackoffMs: number;
  /** After a logon the host ended without saying why: wait this long before the one more try. */
  unconfirmedLogonRetryMs: number;
}

const defaultRdpDriverOptions: RdpDriverOptions = {
  openTimeoutMs: 45_000,
  closeTimeoutMs: 5_000,
  logonSettleMs: 3_000,
  backoff: defaultBackoff,
  operatorBackoffMs: 15 * 60_000,
  unconfirmedLogonRetryMs: UNCONFIRMED_LOGON_RETRY_MS,
};

interface RdpDriverDependencies {
  secrets: SecretStore;
  options?: Partial<RdpDriverOptions>;
  /** Replaced in tests of the keep-connected logic. */
  connect?: Connector;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
}

interface Entry {
  spec: SessionSpec;
  status: SessionStatus;
  connection?: RdpConnection;
  /** The certificate fingerprint this session trusts (the spec's, or the one pinned on first use). */
  pin?: string;
  /** The password that failed authentication (as SHA-256) and why: that password is never sent again. */
  rejected?: { hash: string; failure: SessionFailure };
  /** The password (as SHA-256) of a logon the host ended without saying why: a second such end rejects it. */
  unconfirmed?: string;
  retry?: unknown;
  attempt: number;
  closing: boolean;
  /** The last reading of the screen, and the update count it was read at (a still screen is not read again). */
  screen?: { facts: ScreenFacts; framebuffer: Framebuffer; updates: number };
  opening?: Promise<OpenResult>;
}

const hashSecret = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Holds RDP sessions open: opens them, keeps them connected (reconnecting with back-off after a
 * drop), names failures, and never retries an authentication failure with the same password or
 * fights a person who took the session over. Sessions are independent: each has its own connection,
 * endpoint and timers, and one failing never touches another.
 */
export class RdpSessionDriver implements SessionDriver {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(status: SessionStatus) => void>();
  private readonly options: RdpDriverOptions;
  private readonly connect: Connector;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: RdpDriverDependencies) {
    this.options = { ...defaultRdpDriverOptions, ...deps.options };
    this.connect = deps.connect ?? connectRdp;
    this.timers = deps.timers ?? realTimers;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  async open(spec: SessionSpec): Promise<OpenResult> {
    const existing = this.entries.get(spec.key);
    if (existing?.opening) return existing.opening;
    if (existing && (existing.status.state === 'open' || existing.status.state === 'reconnecting')) {
      if (sameTarget(existing.spec, spec)) return { ok: true, status: { ...existing.status } };
      await this.close(spec.key); // a changed target (address, user, size): start over
    }
    const entry: Entry =
      existing?.status.state === 'failed' && sameTarget(existing.spec, spec) ? existing : this.newEntry(spec);
    entry.spec = spec;
    if (spec.certificate !== undefined) entry.pin = spec.certificate;
    this.entries.set(spec.key, entry);
    entry.opening = this.firstOpen(entry).finally(() => (entry.opening = undefined));
    return entry.opening;
  }

  private newEntry(spec: SessionSpec): Entry {
    return {
      spec,
      attempt: 0,
      closing: false,
      status: {
        key: spec.key,
        hostId: spec.hostId,
        user: spec.user,
        state: 'connecting',
        since: this.now(),
        reconnects: 0,
        width: spec.width,
        height: spec.height,
      },
    };
  }

  private async firstOpen(entry: Entry): Promise<OpenResult> {
    this.setState(entry, 'connecting');
    const result = await this.attempt(entry);
    if (result instanceof SessionFailure) {
      this.setState(entry, 'failed', result.toSessionError());
      return { ok: false, error: result.toSessionError() };
    }
    const pinned = result.firstUse && entry.spec.certificate === undefined ? result.fingerprint : undefined;
    return { ok: true, status: { ...entry.status }, ...(pinned ? { pinnedCertificate: pinned } : {}) };
  }

  /** One connection attempt; on success the entry is open and watched. */
  private async attempt(entry: Entry): Promise<RdpConnection | SessionFailure> {
    const password = await this.password(entry);
    if (password instanceof SessionFailure) return password;
    const hash = hashSecret(password);
    if (entry.rejected?.hash === hash) {
      const { failure } = entry.rejected;
      return new SessionFailure(
        failure.kind,
        `not retrying with the password the host rejected (${failure.message}); store a new one to try again`,
      );
    }
    let connection: RdpConnection;
    try {
      connection = await this.connect({
        host: entry.spec.host,
        port: entry.spec.port,
        user: entry.spec.user,
        ...(entry.spec.domain ? { domain: entry.spec.domain } : {}),
        password,
        width: entry.spec.width,
        height: entry.spec.height,
        ...(entry.pin ? { pinnedCertificate: entry.pin } : {}),
        timeoutMs: this.options.openTimeoutMs,
        logonSettleMs: this.options.logonSettleMs,
      });
    } catch (error) {
      let failure =
        error instanceof SessionFailure
          ? error
          : new SessionFailure('protocol', error instanceof Error ? error.message : String(error));
      if (failure.kind === 'logon-unconfirmed') {
        if (entry.unconfirmed === hash)
          failure = new SessionFailure(
            'logon-failure',
            'the host closed the connection during NLA authentication twice without saying why: taken as a wrong user name or password',
          );
        else entry.unconfirmed = hash;
      }
      if (isAuthKind(failure.kind)) entry.rejected = { hash, failure };
      return failure;
    }
    if (entry.closing) {
      await connection.close(this.options.closeTimeoutMs);
      return new SessionFailure('protocol', 'closed while connecting');
    }
    entry.rejected = undefined;
    entry.unconfirmed = undefined;
    entry.pin ??= connection.fingerprint;
    entry.connection = connection;
    entry.attempt = 0;
    entry.status.connectedAt = this.now();
    this.setState(entry, 'open');
    void connection.ended.then((failure) => this.onEnded(entry, connection, failure));
    return connection;
  }

  private async password(entry: Entry): Promise<string | SessionFailure> {
    try {
      const value = await this.deps.secrets.get(entry.spec.passwordRef);
      if (value) return value;
      return new SessionFailure(
        'missing-secret',
        `no password is stored in the keychain for ${entry.spec.passwordRef}`,
      );
    } catch (error) {
      return new SessionFailure('missing-secret', error instanceof Error ? error.message : String(error));
    }
  }

  private onEnded(entry: Entry, connection: RdpConnection, failure: SessionFailure | undefined): void {
    if (entry.connection !== connection) return;
    entry.connection = undefined;
    if (entry.closing || this.entries.get(entry.spec.key) !== entry) return;
    const reason = failure ?? new SessionFailure('unreachable', 'the connection ended');
    this.afterFailure(entry, reason);
  }

  /** Decides what a failure while kept connected means: give up, wait long, or retry with back-off. */
  private afterFailure(entry: Entry, failure: SessionFailure): void {
    if (isAuthKind(failure.kind) || failure.kind === 'certificate-changed') {
      this.setState(entry, 'failed', failure.toSessionError());
      return;
    }
    const delay = isOperatorKind(failure.kind)
      ? this.options.operatorBackoffMs
      : failure.kind === 'logon-unconfirmed'
        ? this.options.unconfirmedLogonRetryMs
        : backoffDelay(this.options.backoff, entry.attempt, this.random);
    entry.attempt++;
    this.setState(entry, 'reconnecting', failure.toSessionError());
    entry.retry = this.timers.setTimeout(() => void this.reconnect(entry), delay);
  }

  private async reconnect(entry: Entry): Promise<void> {
    entry.retry = undefined;
    if (entry.closing || this.entries.get(entry.spec.key) !== entry) return;
    const result = await this.attempt(entry);
    if (!(result instanceof SessionFailure)) {
      entry.status.reconnects++;
      entry.status.error = undefined;
      this.emit(entry);
      return;
    }
    if (entry.closing) return;
    this.afterFailure(entry, result);
  }

  async close(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.closing = true;
    if (entry.retry !== undefined) this.timers.clearTimeout(entry.retry);
    entry.retry = undefined;
    await entry.opening?.catch(() => undefined);
    const connection = entry.connection;
    entry.connection = undefined;
    await connection?.close(this.options.closeTimeoutMs);
    if (this.entries.get(key) === entry) this.entries.delete(key);
    this.setState(entry, 'closed');
  }

  list(): SessionStatus[] {
    return [...this.entries.values()].map((entry) => {
      const screen = entry.status.state === 'open' ? this.screenOf(entry) : undefined;
      return { ...entry.status, ...(screen && { screen }) };
    });
  }

  /** The screen's facts, read again only when frames arrived since the last reading. */
  private screenOf(entry: Entry): ScreenFacts | undefined {
    const framebuffer = entry.connection?.framebuffer;
    if (!framebuffer || framebuffer.updates === 0) return undefined;
    if (entry.screen?.framebuffer === framebuffer && entry.screen.updates === framebuffer.updates)
      return entry.screen.facts;
    const now = this.now();
    const reading = readScreen(framebuffer);
    const before = entry.screen?.facts;
    const facts: ScreenFacts = {
      width: framebuffer.width,
      height: framebuffer.height,
      reading,
      changedAt: now,
      readingSince: before?.reading === reading ? before.readingSince : now,
    };
    entry.screen = { facts, framebuffer, updates: framebuffer.updates };
    return facts;
  }

  async thumbnail(key: string, maxWidth: number): Promise<Uint8Array | undefined> {
    const framebuffer = this.entries.get(key)?.connection?.framebuffer;
    return framebuffer && framebuffer.updates > 0 ? encodeThumbnail(framebuffer, maxWidth) : undefined;
  }

  /** The live framebuffer's size and update count (for tests and the live view). */
  framebufferInfo(key: string): { width: number; height: number; updates: number } | undefined {
    const framebuffer = this.entries.get(key)?.connection?.framebuffer;
    return framebuffer
      ? { width: framebuffer.width, height: framebuffer.height, updates: framebuffer.updates }
      : undefined;
  }

  onChange(listener: (status: SessionStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((key) => this.close(key)));
    this.listeners.clear();
  }

  private setState(entry: Entry, state: SessionStatus['state'], error?: SessionError): void {
    entry.status.state = state;
    entry.status.since = this.now();
    if (error) entry.status.error = error;
    else if (state === 'open' || state === 'connecting' || state === 'closed') entry.status.error = undefined;
    this.emit(entry);
  }

  private emit(entry: Entry): void {
    const snapshot = { ...entry.status };
    for (const listener of this.listeners) {
      try {
        listener(snapshot);
      } catch {
        // a listener's failure is not the session's
      }
    }
  }
}

/** Same host, port, user and size: an open session for it can be reused as is. */
function sameTarget(a: SessionSpec, b: SessionSpec): boolean {
  return (
    a.host === b.host &&
    a.port === b.port &&
    a.user === b.user &&
    a.domain === b.domain &&
    a.width === b.width &&
    a.height === b.height &&
    a.passwordRef === b.passwordRef
  );
}
