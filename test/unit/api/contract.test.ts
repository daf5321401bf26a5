import { describe, expect, it } from 'vitest';
import { mergePatch } from '../../../src-main/api/config-writes.js';
import { hostPatchSchema, settingsPatchSchema } from '../../../src-main/api/config-schemas.js';
import { operations } from '../../../src-main/api/contract.js';
import { computeHealth } from '../../../src-main/api/health.js';
import { hostReply, readWebhookUrl, settingsReply, webhookTarget } from '../../../src-main/api/redact.js';
import { configSchema, hostSchema } from '../../../src-main/config/schema.js';
import type { HostView, ManagerState } from '../../../src-main/core/state.js';

describe('patches', () => {
  it('never fill in defaults over stored values', () => {
    expect(hostPatchSchema.parse({ id: 'bot-01', name: 'x' })).toEqual({ id: 'bot-01', name: 'x' });
    expect(settingsPatchSchema.parse({ policy: { idleGraceMinutes: 3 } })).toEqual({
      policy: { idleGraceMinutes: 3 },
    });
  });

  it('validate each field with the config rule and name it', () => {
    const result = settingsPatchSchema.safeParse({ policy: { maxHostsOn: -1 }, api: { port: 'x' } });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'api.port',
      'policy.maxHostsOn',
    ]);
  });

  it('merge: null removes, objects merge, arrays and values replace', () => {
    expect(
      mergePatch(
        { a: 1, b: { c: 2, d: 3 }, e: [1, 2], f: 'x' },
        { a: null, b: { c: 5 }, e: [3], f: undefined, g: true },
      ),
    ).toEqual({ b: { c: 5, d: 3 }, e: [3], f: 'x', g: true });
  });

  it('the contract takes plain secrets on write and parses a full host', () => {
    const input = operations.addHost.input.parse({
      id: 'bot-01',
      address: 'bot-01.corp:3390',
      protocol: 'rdp',
      user: 'bot',
      password: 'plain',
    });
    expect(input).toMatchObject({ password: 'plain', maxSessions: 1, powerOffUnmanaged: false });
  });
});

describe('replies', () => {
  it('replace secret refs with flags', () => {
    const host = hostSchema.parse({
      id: 'ec2-01',
      address: 'a.example.com',
      protocol: 'aws-ec2',
      user: 'bot',
      password: 'host-password:ec2-01',
      aws: {
        instanceId: 'i-0123456789abcdef0',
        credentials: 'keychain',
        accessKeyId: 'AKIAABCDEFGHIJKLMNOP',
        secretAccessKey: 'aws-secret:ec2-01',
      },
    });
    const reply = hostReply(host);
    expect(JSON.stringify(reply)).not.toContain('host-password');
    expect(JSON.stringify(reply)).not.toContain('aws-secret');
    expect(reply).toMatchObject({
      hasPassword: true,
      aws: { hasSecretAccessKey: true, accessKeyId: 'AKIAABCDEFGHIJKLMNOP' },
    });
    expect(operations.listHosts.output.parse([reply])).toHaveLength(1);
  });

  it('show a webhook only by the origin of the URL the keychain holds', async () => {
    expect(webhookTarget('https://hooks.slack.com/services/T/B/secret')).toBe('https://hooks.slack.com/…');
    expect(webhookTarget('https://example.com/?token=x')).toBe('https://example.com/…');
    expect(webhookTarget('https://example.com')).toBe('https://example.com');
    const config = configSchema.parse({
      version: 1,
      notifications: { webhook: { url: 'webhook-url:default' } },
    });
    const keychain = {
      get: async (ref: string) => (ref === 'webhook-url:default' ? 'https://x.example/hook' : undefined),
    };
    const url = await readWebhookUrl(config, keychain);
    const reply = operations.getSettings.output.parse(settingsReply(config, url));
    expect(reply.notifications.webhook).toEqual({
      format: 'json',
      target: 'https://x.example/…',
      hasUrl: true,
    });
    expect(JSON.stringify(reply)).not.toContain('webhook-url:default');
  });

  it('still show settings when the keychain cannot give the webhook URL back', async () => {
    const config = configSchema.parse({
      version: 1,
      notifications: { webhook: { url: 'webhook-url:default', format: 'slack' } },
    });
    const broken = {
      get: async (): Promise<string | undefined> => {
        throw new Error('keychain locked');
      },
    };
    const url = await readWebhookUrl(config, broken);
    expect(url).toBeUndefined();
    expect(operations.getSettings.output.parse(settingsReply(config, url)).notifications.webhook).toEqual({
      format: 'slack',
      hasUrl: true,
    });
  });

  it('take a webhook URL in settings writes as an http(s) URL, never as a ref', () => {
    const accepts = (url: string) =>
      settingsPatchSchema.safeParse({ notifications: { webhook: { url, format: 'slack' } } }).success;
    expect(accepts('https://hooks.slack.com/services/T0/B0/x')).toBe(true);
    expect(accepts('http://127.0.0.1:8080/hook')).toBe(true);
    expect(accepts('ftp://example.com/hook')).toBe(false);
    expect(accepts('webhook-url:default')).toBe(false);
    expect(accepts('')).toBe(false);
  });
});

describe('health', () => {
  const hostView = (over: Partial<HostView>): HostView => ({
    id: 'h',
    name: 'h',
    protocol: 'aws-ec2',
    address: 'a',
    power: 'off',
    managed: true,
    stage: 'off',
    failed: false,
    maxSessions: 1,
    runners: [],
    ...over,
  });
  const state = (over: Partial<ManagerState>): ManagerState => ({
    at: 0,
    paused: false,
    orchestrator: { status: 'ok' },
    queueDepth: 0,
    hostsOn: 0,
    maxHostsOn: 1,
    hostsUnknown: 0,
    hosts: [],
    runners: [],
    sessions: [],
    ticks: 0,
    ...over,
  });

  it.each([
    ['no hosts', state({}), 'unconfigured'],
    ['an off host under the cap', state({ hosts: [hostView({})] }), 'ok'],
    ['an off host at the cap', state({ hosts: [hostView({})], hostsOn: 1 }), 'busy'],
    ['a failed host only', state({ hosts: [hostView({ failed: true })] }), 'degraded'],
    ['paused', state({ hosts: [hostView({})], paused: true }), 'paused'],
    [
      'a cloud host whose power state cannot be read',
      state({ hosts: [hostView({ power: 'unknown' }), hostView({ id: 'h2' })], lastTickAt: 1 }),
      'degraded',
    ],
    ['unknown before the first tick', state({ hosts: [hostView({ power: 'unknown' })] }), 'ok'],
    [
      'orchestrator unreachable',
      state({ hosts: [hostView({})], orchestrator: { status: 'unreachable' } }),
      'degraded',
    ],
    [
      'an on host with its one session open',
      state({
        hostsOn: 1,
        hosts: [hostView({ power: 'on' })],
        sessions: [
          { key: 'h/u', hostId: 'h', user: 'u', state: 'open', since: 0, reconnects: 0, width: 1, height: 1 },
        ],
      }),
      'busy',
    ],
  ])('%s → %s', (_name, input, status) => {
    expect(computeHealth(input).status).toBe(status);
  });
});
