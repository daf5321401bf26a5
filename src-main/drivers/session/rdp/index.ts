import type { SessionDriver } from '../../../core/session-driver.js';
import type { SecretStore } from '../../../secrets/secret-store.js';
import { RdpSessionDriver, type RdpDriverOptions } from './rdp-session-driver.js';

/** The product's session driver: RDP through IronRDP in this process, passwords from the keychain. */
export function createRdpSessionDriver(
  secrets: SecretStore,
  options?: Partial<RdpDriverOptions>,
): SessionDriver {
  return new RdpSessionDriver({ secrets, ...(options ? { options } : {}) });
}
