import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';
import { runCli, tempConfigPath } from '../../helpers/cli.js';

// The real keychain, under a service of this test's own (run with scripts/with-keychain.sh).
const secrets = new KeychainStore(`session-manager-test-cli-webhook-${process.pid}`);
const REF = 'webhook-url:default';
const URL_1 = 'https://hooks.slack.com/services/T0/B0/CANARY-webhook-1f2e';
const URL_2 = 'https://hooks.slack.com/services/T1/B1/CANARY-webhook-9a8b';

afterAll(async () => {
  await secrets.delete(REF);
});

describe('notifications webhook set / remove', () => {
  it('stores the URL in the keychain only, keeps it when only the format changes, and removes it', async () => {
    const configPath = tempConfigPath();
    const set = await runCli(
      ['notifications', 'webhook', 'set', '--format', 'slack', '--url-stdin', '--json'],
      {
        configPath,
        stdin: `${URL_1}\n`,
        secrets,
      },
    );
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(set.stdout)).toEqual({
      format: 'slack',
      target: 'https://hooks.slack.com/…',
      urlStored: true,
      urlRef: REF,
    });
    expect(await secrets.get(REF)).toBe(URL_1);
    const file = readFileSync(configPath, 'utf8');
    expect(file).not.toContain('hooks.slack.com');
    expect(JSON.parse(file).notifications.webhook).toEqual({ url: REF, format: 'slack' });

    const formatOnly = await runCli(['notifications', 'webhook', 'set', '--format', 'teams'], {
      configPath,
      secrets,
    });
    expect(formatOnly.code).toBe(0);
    expect(formatOnly.stdout).toBe(
      `Webhook set: teams to https://hooks.slack.com/…; the URL is kept in the keychain (${REF}).\n`,
    );
    expect(await secrets.get(REF)).toBe(URL_1);

    const replaced = await runCli(['notifications', 'webhook', 'set'], {
      configPath,
      env: { SESSION_MANAGER_WEBHOOK_URL: URL_2 },
      secrets,
    });
    expect(replaced.code).toBe(0);
    expect(await secrets.get(REF)).toBe(URL_2);
    expect(JSON.parse(readFileSync(configPath, 'utf8')).notifications.webhook).toEqual({
      url: REF,
      format: 'teams',
    });

    const removed = await runCli(['notifications', 'webhook', 'remove'], { configPath, secrets });
    expect(removed).toMatchObject({
      code: 0,
      stdout: 'Webhook removed; its URL was deleted from the keychain.\n',
    });
    expect(await secrets.get(REF)).toBeUndefined();
    expect(JSON.parse(readFileSync(configPath, 'utf8')).notifications.webhook).toBeUndefined();

    for (const run of [set, formatOnly, replaced, removed])
      expect(run.stdout + run.stderr).not.toContain('CANARY');
  });

  it('refuses a URL that is not http(s) without repeating it, and writes nothing', async () => {
    const configPath = tempConfigPath();
    const refused = await runCli(['notifications', 'webhook', 'set', '--url-stdin'], {
      configPath,
      stdin: 'ftp://example.com/CANARY-path',
      secrets,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('error: webhook URL: an http:// or https:// URL\n');
    expect(await secrets.get(REF)).toBeUndefined();
    expect(() => readFileSync(configPath)).toThrow(/ENOENT/);
  });

  it('reports a file that still holds a plain webhook URL, naming the field and what to do', async () => {
    const configPath = tempConfigPath();
    const old = JSON.stringify({ version: 1, notifications: { webhook: { url: URL_1, format: 'slack' } } });
    writeFileSync(configPath, old);
    const run = await runCli(['notifications', 'webhook', 'set', '--url-stdin'], {
      configPath,
      stdin: URL_2,
      secrets,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('notifications.webhook.url: holds a plain URL');
    expect(run.stderr).toContain('Delete "webhook" from "notifications" in this file');
    expect(run.stderr).not.toContain('CANARY');
    expect(readFileSync(configPath, 'utf8')).toBe(old);
    expect(await secrets.get(REF)).toBeUndefined();
  });
});
