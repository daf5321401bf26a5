import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ReadOnlySecretStoreError, SecretStoreUnavailableError, type SecretStore } from './secret-store.js';

/**
 * A secret reference as a systemd credential name. `:` separates the name from the path in
 * `LoadCredential=NAME:PATH`, so it becomes `.` (refs hold no `.` before their first `:`).
 */
export function credentialName(ref: string): string {
  return ref.replace(':', '.');
}

/**
 * The secrets a systemd unit hands its service: one file per credential in $CREDENTIALS_DIRECTORY,
 * decrypted by systemd from the unit's `SetCredentialEncrypted=` lines (written by `service install`)
 * and readable only by the service. Read-only: a change is made by installing the unit again.
 */
export class SystemdCredentialStore implements SecretStore {
  constructor(readonly directory: string) {}

  async get(ref: string): Promise<string | undefined> {
    try {
      return await readFile(path.join(this.directory, credentialName(ref)), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SecretStoreUnavailableError(error, 'systemd-credentials');
    }
  }

  set(ref: string, _value: string): Promise<void> {
    return Promise.reject(new ReadOnlySecretStoreError(ref, 'the systemd credentials of its unit'));
  }

  delete(ref: string): Promise<void> {
    return Promise.reject(new ReadOnlySecretStoreError(ref, 'the systemd credentials of its unit'));
  }

  /** Readable is all this store can be; its secrets are checked one by one where they are used. */
  async assertAvailable(): Promise<void> {
    try {
      await readdir(this.directory);
    } catch (error) {
      throw new SecretStoreUnavailableError(error, 'systemd-credentials');
    }
  }
}
