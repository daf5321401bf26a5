import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsReplySchema } from '../../../src-main/api/config-schemas.js';
import { settingsReply } from '../../../src-main/api/redact.js';
import { ConfigStore } from '../../../src-main/config/config-store.js';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';
import { runCli, tempConfigPath } from '../../helpers/cli.js';
import { startPostgres, type Postgres } from '../../helpers/postgres.js';

// The real keychain, under a service of this test's own (run with scripts/with-keychain.sh).
const secrets = new KeychainStore(`session-manager-test-cli-coordination-${process.pid}`);
const REF = 'coordination-password:main';
let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await secrets.delete(REF);
  await pg?.destroy();
});

describe('coordination set / test / remove', { timeout: 60_000 }, () => {
  it('keeps the URL in the config and the password in the keychain, reaches the database with it, and removes both', async () => {
    const configPath = tempConfigPath();
    const set = await runCli(['coordination', 'set', '--url', pg.url, '--password-stdin', '--json'], {
      configPath,
      stdin: `${pg.password}\n`,
      secrets,
    });
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(set.stdout)).toEqual({
      url: pg.url,
      leaseSeconds: 10,
      passwordStored: true,
      passwordRef: REF,
    });
    expect(await secrets.get(REF)).toBe(pg.password);
    const file = readFileSync(configPath, 'utf8');
    expect(file).not.toContain(pg.password);
    expect(JSON.parse(file).coordination).toEqual({
      postgres: { url: pg.url, password: REF },
      leaseSeconds: 10,
    });
    // The settings API's reply says a password is stored, never what it is.
    const reply = settingsReplySchema.parse(settingsReply(new ConfigStore(configPath).load()));
    expect(reply.coordination).toEqual({
      postgres: { url: pg.url, hasPassword: true },
      leaseSeconds: 10,
    });

    const tested = await runCli(['coordination', 'test', '--json'], { configPath, secrets });
    expect(tested).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(tested.stdout)).toEqual({ ok: true, instances: [], leases: 0 });

    // Only the lease time changes: the password is kept.
    const lease = await runCli(['coordination', 'set', '--lease-seconds', '5'], { configPath, secrets });
    expect(lease.code).toBe(0);
    expect(lease.stdout).toContain(`the password is kept in the keychain (${REF})`);
    expect(JSON.parse(readFileSync(configPath, 'utf8')).coordination.leaseSeconds).toBe(5);

    // A wrong password: said as such, with its exit code.
    const wrong = await runCli(['coordination', 'set'], {
      configPath,
      env: { SESSION_MANAGER_COORDINATION_PASSWORD: 'not-the-password' },
      secrets,
    });
    expect(wrong.code).toBe(0);
    const refused = await runCli(['coordination', 'test'], { configPath, secrets });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('auth-failed');

    const removed = await runCli(['coordination', 'remove'], { configPath, secrets });
    expect(removed.code).toBe(0);
    expect(await secrets.get(REF)).toBeUndefined();
    expect(JSON.parse(readFileSync(configPath, 'utf8')).coordination).toBeUndefined();
    for (const run of [set, tested, lease, wrong, refused, removed])
      expect(run.stdout + run.stderr).not.toContain(pg.password);
  });

  it('refuses a URL with a password in it, and writes nothing', async () => {
    const configPath = tempConfigPath();
    const withPassword = pg.url.replace('sm@', 'sm:CANARY-secret@');
    const refused = await runCli(['coordination', 'set', '--url', withPassword, '--password-stdin'], {
      configPath,
      stdin: 'whatever\n',
      secrets,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('without a password');
    expect(refused.stdout + refused.stderr).not.toContain('CANARY');
    expect(await secrets.get(REF)).toBeUndefined();
  });
});
