import { AUTH_ERRORS, type SessionError, type SessionErrorKind } from '../../../core/session-driver.js';

/** Turns what hosts report into SessionErrorKind values and messages an operator can act on. */

export class SessionFailure extends Error {
  constructor(
    readonly kind: SessionErrorKind,
    message: string,
    /** certificate-changed: the fingerprint the host presented, as a field (never read from the message). */
    readonly presentedFingerprint?: string,
  ) {
    super(message);
    this.name = 'SessionFailure';
  }
  toSessionError(): SessionError {
    return {
      kind: this.kind,
      message: this.message,
      ...(this.presentedFingerprint !== undefined ? { presentedFingerprint: this.presentedFingerprint } : {}),
    };
  }
}

/** NTSTATUS codes a CredSSP server puts in TSRequest.errorCode (MS-CSSP 2.2.1, version 3+). */
const ntStatus: Record<number, [SessionErrorKind, string]> = {
  0xc000006d: ['logon-failure', 'the host rejected the user name or password (logon failure)'],
  0xc000006a: ['logon-failure', 'the host rejected the password (wrong password)'],
  0xc0000064: ['logon-failure', 'the host does not know this user'],
  0xc0000234: ['account-locked', 'the account is locked out; an administrator must unlock it'],
  0xc0000072: ['account-disabled', 'the account is disabled on the host or domain'],
  0xc0000193: ['account-disabled', 'the account has expired'],
  0xc0000071: ['password-expired', 'the password has expired; set a new one and store it again'],
  0xc0000224: ['password-must-change', 'the password must be changed before the next logon'],
  0xc000015b: [
    'logon-type-not-granted',
    'the user is not allowed to log on through Remote Desktop (add it to "Remote Desktop Users")',
  ],
  0xc000006e: ['account-restricted', 'an account restriction (logon hours, workstation) prevents the logon'],
  0xc000006f: ['account-restricted', 'the account may not log on at this time of day'],
  0xc0000070: ['account-restricted', 'the account may not log on from this computer'],
};

export function fromNtStatus(code: number): SessionFailure {
  const known = ntStatus[code >>> 0];
  const hex = `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  if (known) return new SessionFailure(known[0], `${known[1]} (NTSTATUS ${hex})`);
  return new SessionFailure('logon-failure', `the host refused the logon (NTSTATUS ${hex})`);
}

/** A logon error from a Save Session Info PDU (MS-RDPBCGR 2.2.10.1.1.4.1); undefined for warnings. */
export function fromLogonError(type: number, data: number): SessionFailure | undefined {
  switch (type >>> 0) {
    case 0: // LOGON_FAILED_BAD_PASSWORD
      return new SessionFailure(
        'logon-failure',
        'the host rejected the user name or password at its logon screen',
      );
    case 1: // LOGON_FAILED_UPDATE_PASSWORD
      return new SessionFailure('password-must-change', 'the host asks for a new password before the logon');
    case 2: // LOGON_FAILED_OTHER
      return data ? fromNtStatus(data) : new SessionFailure('logon-failure', 'the host refused the logon');
    case 0xfffffffa: // LOGON_MSG_NO_PERMISSION
      return new SessionFailure(
        'logon-type-not-granted',
        'the user has no permission to log on to this host',
      );
    default:
      return undefined; // warnings and session-choice messages
  }
}

/** Set Error Info reasons (MS-RDPBCGR 2.2.5.1.1) that say a person or policy ended the session. */
export function fromErrorInfo(code: number): SessionFailure | undefined {
  switch (code) {
    case 0:
      return undefined;
    case 0x5:
      return new SessionFailure(
        'taken-over',
        'another connection took the session over (someone logged on as this user); not reconnecting for a while',
      );
    case 0x1:
    case 0xb:
      return new SessionFailure('logged-off', 'an administrator disconnected the session');
    case 0x2:
      return new SessionFailure('logged-off', 'an administrator logged the user off');
    case 0xc:
      return new SessionFailure('logged-off', 'the user logged off');
    case 0x3:
      return new SessionFailure('logged-off', 'the host ended the session: idle-session time limit reached');
    case 0x4:
      return new SessionFailure(
        'logged-off',
        'the host ended the session: active-session time limit reached',
      );
    default:
      return new SessionFailure(
        'protocol',
        `the host ended the session (error info 0x${code.toString(16).toUpperCase()})`,
      );
  }
}

/** Kinds that a new attempt with the same credentials cannot fix. */
export function isAuthKind(kind: SessionErrorKind): boolean {
  return AUTH_ERRORS.includes(kind);
}

/** Kinds where a person or policy ended the session: back off long, do not fight over it. */
export function isOperatorKind(kind: SessionErrorKind): boolean {
  return kind === 'taken-over' || kind === 'logged-off';
}
