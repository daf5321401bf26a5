import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, ConfigStore } from '../../src-main/config/config-store.js';
import { configSchema, type ConfigInput } from '../../src-main/config/schema.js';
import { mutate, mutation } from './mutations.js';

/**
 * The config loader against random files: random JSON, random bytes, and valid configs with random
 * mutations. Each load either returns a config that passes the schema or throws a ConfigError whose
 * every problem names a field (or the file, or the root) — never another exception — and loading
 * never changes the file. A write on top of a broken file is refused and leaves it as it was.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'sm-fuzz-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const valid: ConfigInput = {
  version: 1,
  orchestrator: {
    kind: 'botcity',
    server: 'https://example.botcity.dev',
    login: 'ws',
    key: 'orchestrator-key:botcity',
    pollSeconds: 15,
  },
  policy: {
    idleGraceMinutes: 10,
    minUptimeMinutes: 15,
    maxHostsOn: 3,
    keepWarm: [{ days: ['mon'], from: '08:00', to: '18:00', timeZone: 'Europe/Paris' }],
  },
  hosts: [
    { id: 'bot-01', address: '10.0.0.5', protocol: 'rdp', user: 'bot', password: 'host-password:bot-01' },
    {
      id: 'bot-02',
      address: 'bot-02.example.com:3390',
      protocol: 'aws-ec2',
      user: 'bot',
      password: 'host-password:bot-02',
      aws: {
        instanceId: 'i-0123456789abcdef0',
        region: 'eu-west-1',
        credentials: 'keychain',
        accessKeyId: 'AKIAABCDEFGHIJKLMNOP',
        secretAccessKey: 'aws-secret:bot-02',
      },
    },
    {
      id: 'bot-03',
      address: '10.0.0.7',
      protocol: 'azure-vm',
      user: 'bot',
      password: 'host-password:bot-03',
      azure: {
        subscriptionId: '00000000-0000-0000-0000-000000000000',
        resourceGroup: 'rpa',
        vmName: 'bot-03',
      },
    },
  ],
  runners: [
    { id: 'fin-01', host: 'bot-01', width: 1280, height: 800, activities: ['invoices'] },
    { id: 'fin-02', host: 'bot-02', sessionMode: 'console' },
  ],
  notifications: { desktop: true, webhook: { url: 'webhook-url:default', format: 'slack' } },
  api: { bind: '127.0.0.1', port: 7870 },
};

/** A problem names where it is: a dotted field path, "(root)" or "(file)", then a reason. */
const NAMED_PROBLEM = /^(\(root\)|\(file\)|[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*): \S/s;

function checkLoad(content: string): void {
  const file = path.join(dir, `config-${n++}.json`);
  writeFileSync(file, content);
  const store = new ConfigStore(file);
  try {
    const config = store.load();
    expect(configSchema.safeParse(config).success).toBe(true);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.problems.length).toBeGreaterThan(0);
    for (const problem of error.problems) expect(problem).toMatch(NAMED_PROBLEM);
    // A write on a broken file is refused, whatever it is.
    expect(() => store.save(configSchema.parse(valid))).toThrow(ConfigError);
  }
  expect(readFileSync(file, 'utf8')).toBe(content);
}

describe('config loader fuzzing', () => {
  it('the valid base config loads', () => {
    const file = path.join(dir, 'base.json');
    writeFileSync(file, JSON.stringify(valid));
    expect(new ConfigStore(file).load().hosts).toHaveLength(3);
  });

  it('random JSON: a config or a ConfigError naming a field; the file unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => checkLoad(JSON.stringify(value))),
      { numRuns: 300 },
    );
  });

  it('random text: a config or a ConfigError; the file unchanged', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => checkLoad(text)),
      { numRuns: 200 },
    );
  });

  it('mutated valid configs: a config or a ConfigError naming a field; the file unchanged', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) =>
        checkLoad(JSON.stringify(mutate(valid, mutations))),
      ),
      { numRuns: 400 },
    );
  });
});
