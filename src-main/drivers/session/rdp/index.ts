import type { SessionDriver } from '../../../core/session-driver.js';
import type { SecretStore } from '../../../secrets/secret-store.js';
import { checkRdpLogon, type LogonCheck, type LogonTarget } from './logon-check.js';
import { RdpSessionDriver, type RdpDriverOptions } from './rdp-session-driver.js';

/** The product's session driver: RDP through IronRDP in this process, passwords from the keychain. */
export function createRdpSessionDriver(
  secrets: SecretStore,
  options?: Partial<RdpDriverOptions>,
): SessionDriver {
  return new RdpSessionDriver({ secrets, ...(options ? { options } : {}) });
}

/** The connection test's logon, with the session's own timeouts. */
export function testRdpLogon(target: LogonTarget): Promise<LogonCheck> {
  return checkRdpLogon(target, { timeoutMs: 30_000, logonSettleMs: 3_000 });
}
