/** Where secrets live. The product's only implementation is the OS keychain; tests may use an in-memory one for logic that is not about the keychain. */
export interface SecretStore {
  get(ref: string): Promise<string | undefined>;
  set(ref: string, value: string): Promise<void>;
  delete(ref: string): Promise<void>;
  /**
   * Throws SecretStoreUnavailableError unless the store can be written now. A read alone does not
   * prove it: with no Secret Service reachable, a keychain library may answer "no such entry".
   */
  assertAvailable?(): Promise<void>;
}

export class SecretStoreUnavailableError extends Error {
  readonly exitCode = 3;
  constructor(cause: unknown) {
    super(
      `The OS keychain is not available (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'Session Manager stores secrets only there: start a keychain (on Linux a Secret Service such as gnome-keyring in a D-Bus session) and try again.',
    );
    this.name = 'SecretStoreUnavailableError';
  }
}

export class MissingSecretError extends Error {
  constructor(readonly ref: string) {
    super(`No secret is stored in the keychain for ${ref}; set it again with the CLI or the UI.`);
    this.name = 'MissingSecretError';
  }
}
