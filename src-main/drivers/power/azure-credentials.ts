import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import {
  ClientSecretCredential,
  CredentialUnavailableError,
  DefaultAzureCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import type { HostConfig } from '../../config/schema.js';
import { MissingSecretError, type SecretStore } from '../../secrets/secret-store.js';

type AzureSettings = NonNullable<HostConfig['azure']>;

/** Hosts with the same key share one credential (and its token cache). */
export function credentialKey(azure: AzureSettings): string {
  return [azure.auth, azure.tenantId, azure.clientId, azure.clientSecret, azure.authorityHost].join('|');
}

/**
 * The credential a host's settings ask for. A custom authority host (sovereign or private cloud)
 * turns off instance discovery, which would otherwise ask login.microsoftonline.com about it.
 */
export function createAzureCredential(azure: AzureSettings, secrets: SecretStore): TokenCredential {
  const authority = azure.authorityHost
    ? { authorityHost: azure.authorityHost, disableInstanceDiscovery: true }
    : {};
  if (azure.auth === 'managed-identity')
    return azure.clientId
      ? new ManagedIdentityCredential({ clientId: azure.clientId })
      : new ManagedIdentityCredential();
  if (azure.auth === 'default')
    return new DefaultAzureCredential({
      ...authority,
      ...(azure.tenantId ? { tenantId: azure.tenantId } : {}),
      ...(azure.clientId ? { managedIdentityClientId: azure.clientId } : {}),
    });
  return new KeychainClientSecretCredential(
    azure.tenantId,
    azure.clientId,
    azure.clientSecret,
    secrets,
    authority,
  );
}

/** ClientSecretCredential whose secret is read from the keychain when the first token is needed. */
class KeychainClientSecretCredential implements TokenCredential {
  private inner: ClientSecretCredential | undefined;

  constructor(
    private readonly tenantId: string | undefined,
    private readonly clientId: string | undefined,
    private readonly secretRef: string | undefined,
    private readonly secrets: SecretStore,
    private readonly authority: { authorityHost?: string; disableInstanceDiscovery?: boolean },
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    if (!this.inner) {
      // Thrown here, not in the constructor: the driver turns it into a typed 'auth' result.
      if (!this.tenantId || !this.clientId || !this.secretRef)
        throw new CredentialUnavailableError('client-secret auth needs tenantId, clientId and clientSecret');
      const secret = await this.secrets.get(this.secretRef);
      if (!secret) throw new MissingSecretError(this.secretRef);
      this.inner = new ClientSecretCredential(this.tenantId, this.clientId, secret, this.authority);
    }
    return this.inner.getToken(scopes, options);
  }
}
