import { KeychainStore } from './keychain-store.js';
import type { SecretStore } from './secret-store.js';
import { SystemdCredentialStore } from './systemd-credential-store.js';
import { UnitCredentialStore } from './unit-credential-store.js';

/** Where `service install --system` writes the unit, and so where root's CLI finds its credentials. */
export const SYSTEM_UNIT_FILE = '/etc/systemd/system/session-manager.service';

/**
 * The service's secret store, chosen by what the platform offers: the credentials systemd hands a
 * unit ($CREDENTIALS_DIRECTORY) when it runs as one, otherwise the OS keychain (on Windows the
 * Credential Manager of the account the service runs as). Never a plain file.
 */
export function openSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  if (env.CREDENTIALS_DIRECTORY) return new SystemdCredentialStore(env.CREDENTIALS_DIRECTORY);
  return new KeychainStore();
}

/**
 * The CLI's: the service's choice, except that root at a headless Linux shell (no D-Bus session, so
 * no keychain) reads the installed system unit's credentials, as the service does.
 */
export function openCliSecretStore(
  env: NodeJS.ProcessEnv = process.env,
  unitFile = SYSTEM_UNIT_FILE,
): SecretStore {
  const headlessRoot =
    process.platform === 'linux' && process.getuid?.() === 0 && !env.DBUS_SESSION_BUS_ADDRESS;
  if (!env.CREDENTIALS_DIRECTORY && headlessRoot && UnitCredentialStore.holdsCredentials(unitFile))
    return new UnitCredentialStore(unitFile);
  return openSecretStore(env);
}
