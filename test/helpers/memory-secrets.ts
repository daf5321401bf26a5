import type { SecretStore } from '../../src-main/secrets/secret-store.js';

/**
 * A SecretStore in memory, for tests that are not about the keychain (the keychain has its own tests,
 * and the product has no such fallback: it stores secrets only in the OS keychain).
 */
export class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  async get(ref: string): Promise<string | undefined> {
    return this.values.get(ref);
  }
  async set(ref: string, value: string): Promise<void> {
    this.values.set(ref, value);
  }
  async delete(ref: string): Promise<void> {
    this.values.delete(ref);
  }
}
