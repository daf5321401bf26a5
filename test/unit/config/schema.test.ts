import { describe, expect, it } from 'vitest';
import { configSchema, describeIssues, emptyConfig, parseAddress } from '../../../src-main/config/schema.js';

const host = {
  id: 'bot-01',
  address: '10.0.0.5',
  protocol: 'aws-ec2',
  user: 'botuser',
  password: 'host-password:bot-01',
  aws: { instanceId: 'i-0123456789abcdef0', region: 'eu-west-1' },
};

describe('config schema', () => {
  it('fills the documented defaults into an empty config', () => {
    const config = emptyConfig();
    expect(config.policy).toMatchObject({
      strategy: 'balanced',
      bootTimeoutMinutes: 15,
      maxHostsOn: 10,
      timeZone: 'UTC',
    });
    // Unset: break-even idle and the billed minute (docs/policies.md).
    expect(config.policy.idleGraceMinutes).toBeUndefined();
    expect(config.policy.minUptimeMinutes).toBeUndefined();
    expect(config.api).toEqual({ bind: '127.0.0.1', port: 7870 });
    expect(config.hosts).toEqual([]);
  });

  it('accepts a full host and runner and applies their defaults', () => {
    const config = configSchema.parse({
      version: 1,
      hosts: [host],
      runners: [{ id: 'fin-01', host: 'bot-01' }],
    });
    expect(config.hosts[0]).toMatchObject({ maxSessions: 1, powerOffUnmanaged: false });
    expect(config.hosts[0]!.aws).toMatchObject({ credentials: 'default', addressFrom: 'config' });
    expect(config.runners[0]).toMatchObject({
      width: 1920,
      height: 1080,
      sessionMode: 'rdp',
      activities: [],
    });
  });

  it.each([
    [{ ...host, aws: { instanceId: 'x-123' } }, 'hosts.0.aws.instanceId'],
    [{ ...host, address: 'bad host:99999' }, 'hosts.0.address'],
    [{ ...host, password: 'my plain password' }, 'hosts.0.password'],
    [{ ...host, protocol: 'azure-vm', aws: undefined }, 'hosts.0.azure'],
  ])('names the field of a bad host (%#)', (bad, field) => {
    const result = configSchema.safeParse({ version: 1, hosts: [bad] });
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!).join('\n')).toContain(field);
  });

  it('keeps a webhook only as a keychain reference', () => {
    const parse = (url: string) =>
      configSchema.safeParse({ version: 1, notifications: { webhook: { url, format: 'teams' } } });
    expect(parse('webhook-url:default').data?.notifications.webhook).toEqual({
      url: 'webhook-url:default',
      format: 'teams',
    });
    expect(describeIssues(parse('not a ref').error!)).toEqual([
      'notifications.webhook.url: a keychain reference like webhook-url:default',
    ]);
    expect(describeIssues(parse('http://127.0.0.1/hook').error!).join('\n')).toMatch(
      /^notifications\.webhook\.url: holds a plain URL, but a webhook URL is a credential/,
    );
  });

  it('refuses a runner attached to a missing host and duplicate ids', () => {
    const result = configSchema.safeParse({
      version: 1,
      hosts: [host, host],
      runners: [{ id: 'r', host: 'nope' }],
    });
    const text = describeIssues(result.error!).join('\n');
    expect(text).toContain('hosts.1.id: duplicate host id "bot-01"');
    expect(text).toContain('runners.0.host: no host with id "nope"');
  });

  it('parses addresses with and without ports', () => {
    expect(parseAddress('bot.example.com')).toEqual({ host: 'bot.example.com', port: 3389 });
    expect(parseAddress('127.0.0.1:3390')).toEqual({ host: '127.0.0.1', port: 3390 });
    expect(parseAddress('[::1]:3391')).toEqual({ host: '::1', port: 3391 });
    expect(parseAddress('host:0')).toBeUndefined();
    expect(parseAddress('-bad-')).toBeUndefined();
  });
});
