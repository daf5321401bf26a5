/**
 * Where secrets live: the OS keychain, or on a headless Linux server the systemd credentials its unit
 * hands the service (read-only). Never a plain file. Tests may use an in-memory one for logic that is
 * not about the store.
 */
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
  constructor(
    cause: unknown,
    readonly store: 'keychain' | 'systemd-credentials' = 'keychain',
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      store === 'keychain'
        ? `The OS keychain is not available (${reason}). ` +
            'Session Manager stores secrets only there or, on a headless Linux server, in systemd credentials: start a keychain (on Linux a Secret Service such as gnome-keyring in a D-Bus session) or install the service with `session-manager service install --system`, and try again.'
        : `The systemd credentials of this service cannot be read (${reason}). ` +
            'Install the unit again with `session-manager service install --system`, then restart it.',
    );
    this.name = 'SecretStoreUnavailableError';
  }
}

/** A store that can only be read (systemd credentials): a change is made where the secrets come from. */
export class ReadOnlySecretStoreError extends Error {
  readonly exitCode = 3;
  constructor(
    readonly ref: string,
    readonly source: string,
  ) {
    super(
      `Cannot change ${ref}: this service reads its secrets from ${source}. ` +
        'Change the secret where they come from and run `session-manager service install --credentials stdin` again (then restart the service).',
    );
    this.name = 'ReadOnlySecretStoreError';
  }
}

export class MissingSecretError extends Error {
  constructor(readonly ref: string) {
    super(`No secret is stored in the keychain for ${ref}; set it again with the CLI or the UI.`);
    this.name = 'MissingSecretError';
  }
}
