import { mkdtempSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigStore, resolveConfigPath } from '../../../src-main/config/config-store.js';
import { emptyConfig } from '../../../src-main/config/schema.js';
import { migrate } from '../../../src-main/config/migrations.js';

function tempFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'sm-store-')), 'config.json');
}

const host = {
  id: 'bot-01',
  address: '127.0.0.1',
  protocol: 'rdp',
  user: 'botuser',
  password: 'host-password:bot-01',
} as const;

describe('config store', () => {
  it('loads the empty config from a missing file without writing it', () => {
    const file = tempFile();
    expect(new ConfigStore(file).load()).toEqual(emptyConfig());
    expect(readdirSync(path.dirname(file))).toEqual([]);
  });

  it('writes atomically, readable only by its owner, and reads back what it wrote', () => {
    const file = tempFile();
    const store = new ConfigStore(file);
    const saved = store.update((config) => ({
      ...config,
      hosts: [{ ...emptyConfig().hosts, ...host, maxSessions: 1, powerOffUnmanaged: false }],
    }));
    expect(new ConfigStore(file).load()).toEqual(saved);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // No temporary files are left beside it.
    expect(readdirSync(path.dirname(file))).toEqual(['config.json']);
  });

  it('refuses to write an invalid config and leaves the file as it was', () => {
    const file = tempFile();
    const store = new ConfigStore(file);
    store.save(emptyConfig());
    const before = readFileSync(file, 'utf8');
    expect(() =>
      store.update((config) => ({
        ...config,
        runners: [
          { id: 'r', host: 'missing', sessionMode: 'rdp', width: 1920, height: 1080, activities: [] },
        ],
      })),
    ).toThrow(/runners\.0\.host: no host with id "missing"/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('never overwrites a broken file; the error names the file, the field and the reason', () => {
    const file = tempFile();
    const broken = JSON.stringify({ version: 1, hosts: [{ ...host, address: 'no such:port' }] });
    writeFileSync(file, broken);
    const store = new ConfigStore(file);
    let error: unknown;
    try {
      store.load();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(file);
    expect((error as ConfigError).problems.join('\n')).toMatch(
      /hosts\.0\.address: a host name or IP address/,
    );
    expect(() => store.save(emptyConfig())).toThrow(ConfigError);
    expect(readFileSync(file, 'utf8')).toBe(broken);
  });

  it('reports a webhook URL kept in plain text (a file from before it moved to the keychain), untouched', () => {
    const file = tempFile();
    const old = JSON.stringify({
      version: 1,
      notifications: { webhook: { url: 'https://hooks.slack.com/services/T0/B0/SECRET', format: 'slack' } },
    });
    writeFileSync(file, old);
    const store = new ConfigStore(file);
    let error: unknown;
    try {
      store.load();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'notifications.webhook.url: holds a plain URL, but a webhook URL is a credential and lives only in the ' +
        'OS keychain. Delete "webhook" from "notifications" in this file, then set the URL again in the UI ' +
        '(Settings → Notifications) or with `session-manager notifications webhook set`',
    ]);
    // The value itself is never repeated, and the file is left for the person to fix.
    expect((error as ConfigError).message).not.toContain('SECRET');
    expect(() => store.save(emptyConfig())).toThrow(ConfigError);
    expect(readFileSync(file, 'utf8')).toBe(old);
  });

  it('reports a file that is not JSON without touching it', () => {
    const file = tempFile();
    writeFileSync(file, '{ "version": 1, ');
    expect(() => new ConfigStore(file).load()).toThrow(/not valid JSON/);
    expect(() => new ConfigStore(file).save(emptyConfig())).toThrow(ConfigError);
    expect(readFileSync(file, 'utf8')).toBe('{ "version": 1, ');
  });

  it('migrates an unversioned file and refuses a newer version', () => {
    expect(migrate({ hosts: [] })).toEqual({ config: { hosts: [], version: 1 }, migrated: true });
    expect(migrate({ version: 1 })).toEqual({ config: { version: 1 }, migrated: false });
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ hosts: [host] }));
    expect(new ConfigStore(file).load().hosts[0]!.id).toBe('bot-01');
    writeFileSync(file, JSON.stringify({ version: 99 }));
    expect(() => new ConfigStore(file).load()).toThrow(/newer than this Session Manager understands/);
  });

  it('chooses the file from --config, then SESSION_MANAGER_CONFIG, then the platform dir', () => {
    expect(resolveConfigPath('/a/b.json', { SESSION_MANAGER_CONFIG: '/c/d.json' })).toBe('/a/b.json');
    expect(resolveConfigPath(undefined, { SESSION_MANAGER_CONFIG: '/c/d.json' })).toBe('/c/d.json');
    expect(resolveConfigPath(undefined, {})).toMatch(/session-manager[/\\]config\.json$/);
  });
});
