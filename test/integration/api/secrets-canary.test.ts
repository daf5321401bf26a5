import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refsInUse } from '../../../src-main/api/config-writes.js';
import type { SessionManagerApi } from '../../../src-main/api/contract.js';
import { createHttpClient } from '../../../src-main/api/http-client.js';
import { EVENTS_STREAM_PATH, httpRoutes } from '../../../src-main/api/http-routes.js';
import { startApiServer, type RunningApiServer } from '../../../src-main/api/server.js';
import { FakeManager } from './fake-manager.js';
import { readSse, request } from './http.js';

const canary = (name: string) => `canary-${name}-9c1e57d2`;
const CANARIES = ['host', 'aws', 'azure', 'runner', 'orch', 'smtp', 'edit', 'webhook', 'candidate'].map(
  canary,
);
const TOKEN = 'canary-test-token';

let manager: FakeManager;
let server: RunningApiServer;
let client: SessionManagerApi;
let host: string;
const writeReplies: string[] = [];

beforeAll(async () => {
  manager = new FakeManager();
  server = await startApiServer({ port: manager, token: TOKEN });
  host = new URL(server.url).host;
  // Record every raw reply the client sees, writes included.
  client = createHttpClient({
    baseUrl: server.url,
    token: TOKEN,
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      if (!String(url).includes(EVENTS_STREAM_PATH)) writeReplies.push(await response.clone().text());
      return response;
    },
  });
});

afterAll(async () => {
  await server?.close();
  await manager?.dispose(refsInUse(manager.configStore.load()));
});

describe('secrets never leave the keychain through the API', () => {
  it('stores secrets given to every write, and no reply, stream, metric or config file contains them', async () => {
    await client.addHost({
      id: 'rdp-01',
      address: '127.0.0.1',
      protocol: 'rdp',
      user: 'bot',
      password: canary('host'),
    });
    await client.addHost({
      id: 'ec2-01',
      address: 'ec2.example.com',
      protocol: 'aws-ec2',
      user: 'bot',
      password: canary('host'),
      aws: {
        instanceId: 'i-0123456789abcdef0',
        region: 'eu-west-1',
        credentials: 'keychain',
        accessKeyId: 'AKIAABCDEFGHIJKLMNOP',
        secretAccessKey: canary('aws'),
      },
    });
    await client.addHost({
      id: 'az-01',
      address: 'az.example.com',
      protocol: 'azure-vm',
      user: 'bot',
      password: canary('host'),
      azure: {
        subscriptionId: '00000000-0000-0000-0000-000000000001',
        resourceGroup: 'rg',
        vmName: 'vm1',
        auth: 'client-secret',
        tenantId: '00000000-0000-0000-0000-000000000002',
        clientId: '00000000-0000-0000-0000-000000000003',
        clientSecret: canary('azure'),
      },
    });
    await client.attachRunner({
      id: 'finance-01',
      host: 'rdp-01',
      user: 'finance',
      password: canary('runner'),
    });
    await client.editHost({ id: 'rdp-01', password: canary('edit') });
    const settings = await client.updateSettings({
      orchestrator: { server: 'https://developers.botcity.dev', login: 'acme', key: canary('orch') },
      notifications: {
        email: {
          host: 'smtp.example.com',
          user: 'alerts',
          password: canary('smtp'),
          from: 'sm@example.com',
          to: ['ops@example.com'],
        },
        webhook: { url: `https://hooks.slack.com/services/T0/B0/${canary('webhook')}`, format: 'slack' },
      },
    });
    expect(settings.orchestrator).toMatchObject({ hasKey: true, login: 'acme' });
    expect(settings.notifications.email).toMatchObject({ hasPassword: true });
    expect(settings.notifications.webhook).toEqual({
      format: 'slack',
      target: 'https://hooks.slack.com/…',
      hasUrl: true,
    });

    // The values are in the keychain under refs, and the config holds only the refs.
    const config = manager.configStore.load();
    expect(await manager.secrets.get('host-password:rdp-01')).toBe(canary('edit'));
    expect(await manager.secrets.get('host-password:ec2-01')).toBe(canary('host'));
    expect(await manager.secrets.get('aws-secret:AKIAABCDEFGHIJKLMNOP')).toBe(canary('aws'));
    expect(await manager.secrets.get('azure-secret:az-01')).toBe(canary('azure'));
    expect(await manager.secrets.get('runner-password:finance-01')).toBe(canary('runner'));
    expect(await manager.secrets.get('orchestrator-key:default')).toBe(canary('orch'));
    expect(await manager.secrets.get('smtp-password:default')).toBe(canary('smtp'));
    expect(await manager.secrets.get('webhook-url:default')).toBe(
      `https://hooks.slack.com/services/T0/B0/${canary('webhook')}`,
    );
    expect(config.orchestrator?.key).toBe('orchestrator-key:default');
    expect(config.notifications.email?.password).toBe('smtp-password:default');
    expect(config.notifications.webhook).toEqual({ url: 'webhook-url:default', format: 'slack' });

    // Changing only the format keeps the stored URL; a new URL replaces it under the same ref.
    expect(
      (await client.updateSettings({ notifications: { webhook: { format: 'json' } } })).notifications.webhook,
    ).toEqual({ format: 'json', target: 'https://hooks.slack.com/…', hasUrl: true });
    await client.updateSettings({
      notifications: { webhook: { url: `https://hooks.slack.com/services/T1/B1/${canary('webhook')}` } },
    });
    expect(await manager.secrets.get('webhook-url:default')).toBe(
      `https://hooks.slack.com/services/T1/B1/${canary('webhook')}`,
    );
    expect(manager.configStore.load().notifications.webhook).toEqual({
      url: 'webhook-url:default',
      format: 'json',
    });

    // A candidate host's secrets reach the logon and cloud checks for the test only.
    let seenByCheck: (string | undefined)[] = [];
    manager.hostCheck = async (candidate, secrets) => {
      seenByCheck = [
        await secrets.get(candidate.password!),
        await secrets.get(candidate.aws!.secretAccessKey!),
      ];
      return {
        rdp: { ok: false, kind: 'unreachable', error: 'nothing answers at 127.0.0.1:1' },
        cloud: { ok: true, detail: 'instance found' },
      };
    };
    const tested = await client.testHostConnection({
      host: {
        id: 'ec2-02',
        address: '127.0.0.1:1',
        protocol: 'aws-ec2',
        user: 'bot',
        password: canary('candidate'),
        aws: {
          instanceId: 'i-0123456789abcdef1',
          credentials: 'keychain',
          accessKeyId: 'AKIAABCDEFGHIJKLMNOP',
          secretAccessKey: canary('candidate'),
        },
      },
    });
    expect(seenByCheck).toEqual([canary('candidate'), canary('candidate')]);
    expect(tested.cloud).toEqual({ ok: true, detail: 'instance found' });
    expect(tested.rdp.ok).toBe(false);
    // The candidate's secret was used for the test only: the stored one for that key id is unchanged.
    expect(await manager.secrets.get('aws-secret:AKIAABCDEFGHIJKLMNOP')).toBe(canary('aws'));

    // A refused write does not echo the secret it carried.
    const refused = await request(`${server.url}/api/hosts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, host, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'bad!', address: '!', protocol: 'x', user: '', password: canary('host') }),
    });
    expect(refused.status).toBe(400);
    writeReplies.push(refused.text);

    // Events mentioning the hosts, then scan everything readable.
    manager.emit({ kind: 'host.started', severity: 'info', message: 'Started ec2-01', hostId: 'ec2-01' });
    const readable: string[] = [...writeReplies];
    const headers = { authorization: `Bearer ${TOKEN}`, host };
    for (const route of Object.values(httpRoutes).filter((r) => r.method === 'GET' && !r.png))
      readable.push((await request(`${server.url}${route.path}`, { headers })).text);
    readable.push((await request(`${server.url}/metrics`, { headers })).text);
    readable.push((await request(`${server.url}/health`, { headers })).text);
    readable.push((await readSse(`${server.url}${EVENTS_STREAM_PATH}?after=0`, headers, 1)).raw);
    expect(readable.length).toBeGreaterThan(15);
    for (const text of readable) for (const secret of CANARIES) expect(text).not.toContain(secret);
    // The config file holds refs only: the webhook URL is a secret like the others.
    const file = readFileSync(manager.configStore.path, 'utf8');
    for (const secret of CANARIES) expect(file).not.toContain(secret);
    expect(file).not.toContain('hooks.slack.com');
  });

  it('removes a released runner’s and a removed host’s secrets from the keychain', async () => {
    await client.releaseRunner({ id: 'finance-01' });
    expect(await manager.secrets.get('runner-password:finance-01')).toBeUndefined();
    await client.removeHost({ id: 'ec2-01' });
    expect(await manager.secrets.get('host-password:ec2-01')).toBeUndefined();
    expect(await manager.secrets.get('aws-secret:AKIAABCDEFGHIJKLMNOP')).toBeUndefined();
    await client.updateSettings({ notifications: { email: null } });
    expect(await manager.secrets.get('smtp-password:default')).toBeUndefined();
    await client.updateSettings({ notifications: { webhook: null } });
    expect(await manager.secrets.get('webhook-url:default')).toBeUndefined();
    expect(manager.configStore.load().notifications.webhook).toBeUndefined();
    expect(await manager.secrets.get('orchestrator-key:default')).toBe(canary('orch'));
  });
});
