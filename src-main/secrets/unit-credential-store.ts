import { readFileSync } from 'node:fs';
import { ReadOnlySecretStoreError, SecretStoreUnavailableError, type SecretStore } from './secret-store.js';
import { decryptCredential, unitEncryptedCredentials } from './systemd-creds.js';
import { credentialName } from './systemd-credential-store.js';

/**
 * The secrets of the installed system unit, read by root at a headless server's shell (the CLI's
 * `console`, `status`, and `service install` again to change one secret): each is decrypted from the
 * unit's `SetCredentialEncrypted=` line with systemd-creds, as systemd does when it starts the service.
 * Read-only, like the service's own view of them.
 */
export class UnitCredentialStore implements SecretStore {
  constructor(readonly unitFile: string) {}

  /** Whether `unitFile` holds any credentials (a unit written without them is not a store). */
  static holdsCredentials(unitFile: string): boolean {
    try {
      return unitEncryptedCredentials(readFileSync(unitFile, 'utf8')).size > 0;
    } catch {
      return false;
    }
  }

  async get(ref: string): Promise<string | undefined> {
    const name = credentialName(ref);
    let encrypted: string | undefined;
    try {
      encrypted = unitEncryptedCredentials(readFileSync(this.unitFile, 'utf8')).get(name);
    } catch (error) {
      throw new SecretStoreUnavailableError(error, 'systemd-credentials');
    }
    if (encrypted === undefined) return undefined;
    try {
      return await decryptCredential(name, encrypted);
    } catch (error) {
      throw new SecretStoreUnavailableError(error, 'systemd-credentials');
    }
  }

  set(ref: string, _value: string): Promise<void> {
    return Promise.reject(new ReadOnlySecretStoreError(ref, this.unitFile));
  }

  delete(ref: string): Promise<void> {
    return Promise.reject(new ReadOnlySecretStoreError(ref, this.unitFile));
  }
}
