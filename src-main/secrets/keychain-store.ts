import { randomBytes } from 'node:crypto';
import { AsyncEntry } from '@napi-rs/keyring';
import { SecretStoreUnavailableError, type SecretStore } from './secret-store.js';

const KEYCHAIN_SERVICE = 'session-manager';
/** One probe entry per process: two processes probing one entry at once would undo each other's. */
const availabilityProbeRef = () => `availability-probe:${process.pid}-${randomBytes(4).toString('hex')}`;

/** The OS keychain through @napi-rs/keyring. Fails closed: any keychain error becomes SecretStoreUnavailableError. */
export class KeychainStore implements SecretStore {
  constructor(private readonly service = KEYCHAIN_SERVICE) {}

  async get(ref: string): Promise<string | undefined> {
    try {
      return (await new AsyncEntry(this.service, ref).getPassword()) ?? undefined;
    } catch (error) {
      throw new SecretStoreUnavailableError(error);
    }
  }

  async set(ref: string, value: string): Promise<void> {
    if (value.length === 0) throw new Error(`Refusing to store an empty secret for ${ref}.`);
    try {
      await new AsyncEntry(this.service, ref).setPassword(value);
    } catch (error) {
      throw new SecretStoreUnavailableError(error);
    }
  }

  /** Writes and removes a probe entry: only a reachable, unlocked keychain lets both through. */
  async assertAvailable(): Promise<void> {
    const ref = availabilityProbeRef();
    await this.set(ref, 'probe');
    await this.delete(ref);
  }

  async delete(ref: string): Promise<void> {
    try {
      await new AsyncEntry(this.service, ref).deleteCredential();
    } catch (error) {
      // Deleting what is already gone is success.
      if (/no (matching )?entry|not found|NoEntry/i.test(String(error))) return;
      throw new SecretStoreUnavailableError(error);
    }
  }
}
