import type { SessionErrorKind } from '../../../core/session-driver.js';
import { connectRdp, type Connector, type LogonEvidence } from './rdp-connection.js';
import { SessionFailure } from './session-errors.js';

export interface LogonTarget {
  host: string;
  port: number;
  user: string;
  domain?: string;
  password: string;
  /** The host's pinned certificate: a different one fails the check, as it would fail the session. */
  pinnedCertificate?: string;
}

/** A connection test's answer: whether the user could log on, and how we know. */
export interface LogonCheck {
  ok: boolean;
  detail?: string;
  error?: string;
  /** Why it failed, as the session driver names it (logon-failure, unreachable, certificate-changed…). */
  kind?: SessionErrorKind;
  security?: 'nla' | 'tls';
  logon?: LogonEvidence;
}

const evidence: Record<LogonEvidence, string> = {
  nla: 'the host accepted the user name and password',
  notification: 'the host confirmed the logon',
  desktop: 'the first frames show a desktop, not a login screen',
  unconfirmed: '',
};

/**
 * "Test connection" for RDP: logs on as the session would (same connector, same certificate rule),
 * says what proves it, and logs off again at once. Never passes on an open port alone: a TLS-only
 * host that neither confirms the logon nor shows a picture is reported as unconfirmed.
 */
export async function checkRdpLogon(
  target: LogonTarget,
  options: { timeoutMs: number; logonSettleMs: number; connect?: Connector },
): Promise<LogonCheck> {
  const connect = options.connect ?? connectRdp;
  const user = target.domain ? `${target.domain}\\${target.user}` : target.user;
  try {
    const connection = await connect({
      ...target,
      width: 1024,
      height: 768,
      timeoutMs: options.timeoutMs,
      logonSettleMs: options.logonSettleMs,
    });
    await connection.close(2_000);
    const how = { security: connection.security, logon: connection.logon };
    const certificate = connection.firstUse
      ? `; its certificate (SHA-256 ${connection.fingerprint}) is pinned at the first logon`
      : '';
    if (connection.logon === 'unconfirmed')
      return {
        ok: false,
        ...how,
        error: `connected to ${target.host}:${target.port} over TLS, but the host neither confirmed the logon of ${user} nor showed a picture: could not tell a desktop from a login screen`,
      };
    return {
      ok: true,
      ...how,
      detail: `logged on as ${user} over ${connection.security.toUpperCase()}: ${evidence[connection.logon]}${certificate}`,
    };
  } catch (error) {
    const failure =
      error instanceof SessionFailure
        ? error
        : new SessionFailure('protocol', error instanceof Error ? error.message : String(error));
    return { ok: false, kind: failure.kind, error: failure.message };
  }
}
