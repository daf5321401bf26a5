/** What the reconciler needs from the RDP session driver. */

export interface SessionSpec {
  /** Stable key of the session: `<hostId>/<user>` (one session per Windows user per host). */
  key: string;
  hostId: string;
  /** Host name or IP to connect to. */
  host: string;
  port: number;
  user: string;
  domain?: string;
  /** Keychain reference of the password; the driver reads it itself, so it never crosses the core. */
  passwordRef: string;
  width: number;
  height: number;
  /** Pinned SHA-256 fingerprint (lowercase hex) of the host's TLS certificate; absent = pin on first use. */
  certificate?: string;
}

export const SESSION_STATES = ['connecting', 'open', 'reconnecting', 'closed', 'failed'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** A session that is connecting, open or reconnecting: it holds the Windows user's desktop. */
export function isActiveSession(session: { state: SessionState }): boolean {
  return session.state === 'connecting' || session.state === 'open' || session.state === 'reconnecting';
}

export type SessionErrorKind =
  | 'logon-failure' // wrong user or password
  // The host closed the connection during NLA without an error code: a wrong password to some hosts,
  // a dropped connection to others. Tried once more after UNCONFIRMED_LOGON_RETRY_MS, then taken as
  // a logon failure.
  | 'logon-unconfirmed'
  | 'account-locked'
  | 'account-disabled'
  | 'password-expired'
  | 'password-must-change'
  | 'logon-type-not-granted' // not allowed to log on through Remote Desktop
  | 'account-restricted'
  | 'nla-required'
  | 'unreachable'
  | 'tls'
  | 'certificate-changed'
  | 'taken-over' // another connection took the session over
  | 'logged-off' // someone logged the user off, or an admin disconnected it
  | 'missing-secret'
  | 'timeout'
  | 'protocol';

/**
 * How long to wait before the one retry after 'logon-unconfirmed': long enough that a dropped network
 * is back, and a single extra try with a wrong password stays far below any lockout threshold.
 */
export const UNCONFIRMED_LOGON_RETRY_MS = 5 * 60_000;

/** Errors that must not be retried with the same credentials or without the operator. */
export const AUTH_ERRORS: readonly SessionErrorKind[] = [
  'logon-failure',
  'account-locked',
  'account-disabled',
  'password-expired',
  'password-must-change',
  'logon-type-not-granted',
  'account-restricted',
  'missing-secret',
];

export interface SessionError {
  kind: SessionErrorKind;
  message: string;
  /** certificate-changed: the SHA-256 fingerprint the host presented (lowercase hex). */
  presentedFingerprint?: string;
}

/** Whether a session's desktop is usable by its bot (core/policies/session-health.ts), problems in order. */
export const SESSION_HEALTH_STATES = [
  'ok',
  'login-screen',
  'lock-screen',
  'blank',
  'wrong-size',
  'frozen',
  'runner-offline',
] as const;
export type SessionHealthState = (typeof SESSION_HEALTH_STATES)[number];

export const SCREEN_READINGS = ['blank', 'login-screen', 'lock-screen', 'desktop'] as const;
export type ScreenReading = (typeof SCREEN_READINGS)[number];

/** What the session's screen shows, from the frames the driver already receives (no extra connection). */
export interface ScreenFacts {
  /** The desktop's real size (a server may ignore the size asked for). */
  width: number;
  height: number;
  /** Uniform (black), a login window (xrdp's, Windows' sign-in), Windows' lock screen, or a desktop. */
  reading: ScreenReading;
  /** Epoch ms the picture last changed (a region drawn), or the session opened. */
  changedAt: number;
  /** Epoch ms the picture was first read as it reads now (a lock screen's clock changes it every minute). */
  readingSince: number;
}

export interface SessionStatus {
  key: string;
  hostId: string;
  user: string;
  state: SessionState;
  /** Epoch ms of the last state change. */
  since: number;
  /** Epoch ms the session was last logged in. */
  connectedAt?: number;
  reconnects: number;
  width: number;
  height: number;
  error?: SessionError;
  /** For an open session whose frames have arrived. */
  screen?: ScreenFacts;
}

export type OpenResult =
  | {
      ok: true;
      status: SessionStatus;
      /** Set when a certificate was pinned on first use. */ pinnedCertificate?: string;
    }
  | { ok: false; error: SessionError };

export interface SessionDriver {
  /** Opens (or finds open) the session; resolves once logged in. Idempotent. */
  open(spec: SessionSpec): Promise<OpenResult>;
  /** Disconnects; closing a closed session is a no-op. */
  close(key: string): Promise<void>;
  /** The driver's own view of its sessions, including ones it is reconnecting. */
  list(): SessionStatus[];
  /** PNG of the session's screen, scaled to at most maxWidth; undefined when there is none. */
  thumbnail(key: string, maxWidth: number): Promise<Uint8Array | undefined>;
  /** State changes the driver makes on its own (drops, reconnects, takeovers). Returns an unsubscribe. */
  onChange(listener: (status: SessionStatus) => void): () => void;
  /** Closes everything (shutdown of the process; Windows keeps the logged-in sessions). */
  dispose(): Promise<void>;
}
