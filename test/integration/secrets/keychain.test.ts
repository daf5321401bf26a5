import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';
import { SecretStoreUnavailableError } from '../../../src-main/secrets/secret-store.js';

/** These run against the real Secret Service (gnome-keyring in the private D-Bus session of scripts/with-keychain.sh). */
describe('keychain store (real gnome-keyring)', () => {
  it('needs a D-Bus session: run the tests through npm test', () => {
    expect(
      process.env.DBUS_SESSION_BUS_ADDRESS,
      'no D-Bus session: run through scripts/with-keychain.sh',
    ).toBeTruthy();
  });

  it('stores, reads, overwrites and deletes a secret', async () => {
    const store = new KeychainStore();
    const ref = `host-password:test-${randomUUID().slice(0, 8)}`;
    expect(await store.get(ref)).toBeUndefined();
    await store.set(ref, 'first value ✓');
    expect(await store.get(ref)).toBe('first value ✓');
    await store.set(ref, 'second');
    expect(await store.get(ref)).toBe('second');
    await store.delete(ref);
    expect(await store.get(ref)).toBeUndefined();
    await store.delete(ref); // deleting what is gone is success
  });

  it('is visible to other Secret Service clients under service session-manager', async () => {
    const store = new KeychainStore();
    const ref = `aws-secret:test-${randomUUID().slice(0, 8)}`;
    await store.set(ref, 'seen-by-secret-tool');
    const read = execFileSync('secret-tool', [
      'lookup',
      'service',
      'session-manager',
      'username',
      ref,
    ]).toString();
    expect(read).toBe('seen-by-secret-tool');
    await store.delete(ref);
  });

  it('answers the availability probes of several processes starting together', async () => {
    // Each probe writes and deletes an entry: one entry shared by all made them delete each other's.
    const script = `
      import { KeychainStore } from './src-main/secrets/keychain-store.ts';
      try { for (let i = 0; i < 5; i++) await new KeychainStore().assertAvailable(); console.log('ok'); }
      catch (e) { console.log(e.name); }
    `;
    const probe = () =>
      new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', script],
          (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
        ),
      );
    expect(await Promise.all(Array.from({ length: 8 }, probe))).toEqual(Array(8).fill('ok'));
  });

  it('fails closed without a keychain (no plain-text fallback)', () => {
    const script = `
      import { KeychainStore } from './src-main/secrets/keychain-store.ts';
      try { await new KeychainStore().set('host-password:x', 'v'); console.log('stored'); }
      catch (e) { console.log(e.name); }
    `;
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env,
    }).toString();
    expect(out.trim()).toBe(SecretStoreUnavailableError.name);
  });
});
