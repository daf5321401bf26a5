import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN_REF } from '../../../src-main/api/token.js';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';
import { openSecretStore } from '../../../src-main/secrets/open-secret-store.js';
import { ReadOnlySecretStoreError } from '../../../src-main/secrets/secret-store.js';
import {
  decryptCredential,
  encryptCredential,
  unitEncryptedCredentials,
} from '../../../src-main/secrets/systemd-creds.js';
import {
  SystemdCredentialStore,
  credentialName,
} from '../../../src-main/secrets/systemd-credential-store.js';
import { UnitCredentialStore } from '../../../src-main/secrets/unit-credential-store.js';
import { ec2HostFlags, runCli, tempConfigPath } from '../../helpers/cli.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';

/**
 * Headless secrets with the real systemd-creds (Debian's systemd). Its host key is a throw-away file
 * named by $SYSTEMD_CREDENTIAL_SECRET, systemd's own override, so the machine's key is never touched.
 */
beforeAll(() => {
  process.env.SYSTEMD_CREDENTIAL_SECRET = path.join(
    mkdtempSync(path.join(tmpdir(), 'sm-credkey-')),
    'credential.secret',
  );
});

describe('the systemd credentials store', () => {
  it('reads each secret from its file in $CREDENTIALS_DIRECTORY and can only be read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sm-creds-'));
    writeFileSync(path.join(dir, 'host-password.bot-01'), 'pw with spaces\n', { mode: 0o400 });
    const store = new SystemdCredentialStore(dir);
    await store.assertAvailable();
    expect(await store.get('host-password:bot-01')).toBe('pw with spaces\n');
    expect(await store.get('host-password:bot-02')).toBeUndefined();
    await expect(store.set('host-password:bot-01', 'x')).rejects.toBeInstanceOf(ReadOnlySecretStoreError);
    await expect(store.delete('host-password:bot-01')).rejects.toBeInstanceOf(ReadOnlySecretStoreError);
    const gone = new SystemdCredentialStore(path.join(dir, 'missing'));
    await expect(gone.assertAvailable()).rejects.toMatchObject({
      name: 'SecretStoreUnavailableError',
      store: 'systemd-credentials',
    });
  });

  it('names a credential after its ref, with the first colon as a dot', () => {
    expect(credentialName('aws-secret:AKIA.x:y')).toBe('aws-secret.AKIA.x:y');
    expect(credentialName('api-token:default')).toBe('api-token.default');
  });

  it('is what the service uses when systemd gives it credentials, and the keychain otherwise', () => {
    expect(openSecretStore({ CREDENTIALS_DIRECTORY: '/run/credentials/x' })).toBeInstanceOf(
      SystemdCredentialStore,
    );
    expect(openSecretStore({})).toBeInstanceOf(KeychainStore);
  });
});

describe('systemd-creds', () => {
  it('encrypts a secret into a unit line and decrypts it back, only under its own name', async () => {
    const line = await encryptCredential('host-password.bot-01', 'pässword=1');
    expect(line).toMatch(/^SetCredentialEncrypted=host-password\.bot-01: /);
    expect(line).not.toContain('pässword');
    const unit = `[Service]\nExecStart=/bin/true\n${line}\n`;
    const encrypted = unitEncryptedCredentials(unit).get('host-password.bot-01')!;
    expect(await decryptCredential('host-password.bot-01', encrypted)).toBe('pässword=1');
    await expect(decryptCredential('host-password.bot-02', encrypted)).rejects.toThrow(/decrypt failed/);
  });

  it("lets root read the installed unit's secrets, read-only", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sm-unit-'));
    const unitFile = path.join(dir, 'session-manager.service');
    writeFileSync(unitFile, `[Service]\n${await encryptCredential('api-token.default', 'tok')}\n`);
    expect(UnitCredentialStore.holdsCredentials(unitFile)).toBe(true);
    expect(UnitCredentialStore.holdsCredentials(path.join(dir, 'none.service'))).toBe(false);
    const store = new UnitCredentialStore(unitFile);
    expect(await store.get(API_TOKEN_REF)).toBe('tok');
    expect(await store.get('host-password:bot-01')).toBeUndefined();
    await expect(store.set(API_TOKEN_REF, 'new')).rejects.toThrow(/service install --credentials stdin/);
  });
});

describe('service install --system: the secrets go into the unit as encrypted credentials', () => {
  async function configWithHost() {
    const configPath = tempConfigPath();
    const secrets = new MemorySecrets();
    const added = await runCli(['host', 'add', ...ec2HostFlags('bot-01'), '--password-stdin'], {
      configPath,
      secrets,
      stdin: 'keychain-pw',
    });
    expect(added.code, added.stderr).toBe(0);
    const unitDir = mkdtempSync(path.join(tmpdir(), 'sm-units-'));
    const install = (args: string[], stdin?: string, scope = '--system') =>
      runCli(['service', 'install', scope, '--run-as', 'rpa', '--unit-dir', unitDir, ...args], {
        configPath,
        secrets,
        env: { SYSTEMD_CREDENTIAL_SECRET: process.env.SYSTEMD_CREDENTIAL_SECRET },
        ...(stdin !== undefined ? { stdin } : {}),
      });
    const unitSecrets = async () => {
      const unit = readFileSync(path.join(unitDir, 'session-manager.service'), 'utf8');
      const values: Record<string, string> = {};
      for (const [name, encrypted] of unitEncryptedCredentials(unit))
        values[name] = await decryptCredential(name, encrypted);
      return values;
    };
    return { secrets, install, unitSecrets };
  }

  it('from the keychain: every secret the config names, and the API token', async () => {
    const { secrets, install, unitSecrets } = await configWithHost();
    await secrets.set(API_TOKEN_REF, 'the-token');
    const result = await install([]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('with 2 secrets as encrypted systemd credentials');
    expect(await unitSecrets()).toEqual({
      'host-password.bot-01': 'keychain-pw',
      'api-token.default': 'the-token',
    });
  });

  it('from standard input, over the keychain; a missing API token is made', async () => {
    const { install, unitSecrets } = await configWithHost();
    const result = await install(['--credentials', 'stdin'], '# changed\nhost-password:bot-01=new=pw\n');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('A new API token was made');
    const values = await unitSecrets();
    expect(values['host-password.bot-01']).toBe('new=pw');
    expect(values['api-token.default']).toMatch(/^[\w-]{43}$/);
  });

  it('refuses a missing secret, a ref the config does not use, a bad line, and a user unit', async () => {
    const { secrets, install } = await configWithHost();
    await secrets.delete('host-password:bot-01');
    const missing = await install(['--credentials', 'keychain']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no value for host-password:bot-01');
    const unknown = await install(['--credentials', 'stdin'], 'host-password:bot-09=x\n');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('the config uses no host-password:bot-09');
    const bad = await install(['--credentials', 'stdin'], 'host-password:bot-01 hunter2\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('line 1: expected ref=value');
    expect(bad.stderr).not.toContain('hunter2');
    const user = await install(['--credentials', 'stdin'], 'host-password:bot-01=x\n', '--user');
    expect(user.code).toBe(2);
    expect(user.stderr).toContain('systemd credentials need a system unit');
  });
});
