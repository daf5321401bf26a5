import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { refsInUse } from '../../../src-main/api/config-writes.js';
import type { SessionManagerApi } from '../../../src-main/api/contract.js';
import { ApiError } from '../../../src-main/api/errors.js';
import { createHttpClient } from '../../../src-main/api/http-client.js';
import { startApiServer, type RunningApiServer } from '../../../src-main/api/server.js';
import type { ManagerEvent } from '../../../src-main/core/events.js';
import { FakeManager } from './fake-manager.js';

const TOKEN = 'client-test-token';
let manager: FakeManager;
let server: RunningApiServer;
let client: SessionManagerApi;

beforeAll(async () => {
  manager = new FakeManager();
  server = await startApiServer({ port: manager, token: TOKEN });
  client = createHttpClient({ baseUrl: server.url, token: TOKEN, retryMs: 10 });
});

afterAll(async () => {
  await server?.close();
  await manager?.dispose(refsInUse(manager.configStore.load()));
});

describe('the HTTP client', () => {
  it('runs every kind of operation against the server and returns contract-shaped replies', async () => {
    expect((await client.getState()).paused).toBe(false);
    const host = await client.addHost({
      id: 'bot-01',
      address: '127.0.0.1:3389',
      protocol: 'rdp',
      user: 'bot',
      password: 'pw-client',
    });
    expect(host).toMatchObject({ id: 'bot-01', hasPassword: true, powerOffUnmanaged: false });
    expect((await client.editHost({ id: 'bot-01', name: 'Finance bot' })).name).toBe('Finance bot');
    expect(await client.listHosts()).toHaveLength(1);
    expect(await client.attachRunner({ id: 'r1', host: 'bot-01', width: 1280, height: 720 })).toMatchObject({
      width: 1280,
      hasPassword: false,
    });
    expect((await client.editRunner({ id: 'r1', activities: ['invoices'] })).activities).toEqual([
      'invoices',
    ]);
    expect(await client.listRunners()).toHaveLength(1);
    const settings = await client.updateSettings({ policy: { idleGraceMinutes: 5, keepWarm: [] } });
    expect(settings.policy.idleGraceMinutes).toBe(5);
    // Unset: the billed first minute (docs/policies.md).
    expect(settings.policy.minUptimeMinutes).toBeUndefined();
    expect((await client.getSettings()).api.bind).toBe('127.0.0.1');
    expect(await client.pause()).toEqual({ paused: true });
    expect(await client.resume()).toEqual({ paused: false });
    expect(await client.tickNow()).toEqual({ ok: true });
    expect(await client.sendTestNotification({ sink: 'webhook' })).toEqual({
      results: [{ sink: 'webhook', ok: true }],
    });
    manager.thumbnails.set('bot-01/bot', Uint8Array.from([1, 2, 3]));
    expect([...(await client.thumbnail({ sessionKey: 'bot-01/bot', maxWidth: 100 }))]).toEqual([1, 2, 3]);
    const fingerprint = 'ab'.repeat(32);
    manager.presented.set('bot-01', fingerprint);
    expect(await client.trustCertificate({ hostId: 'bot-01' })).toEqual({ hostId: 'bot-01', fingerprint });
    expect(manager.configStore.load().hosts[0]!.certificate).toBe(fingerprint);
    const tested = await client.testHostConnection({ hostId: 'bot-01' });
    expect(tested.cloud).toMatchObject({ ok: true, skipped: true });
    expect(typeof tested.rdp.ok).toBe('boolean');
    manager.emit({ kind: 'info', severity: 'info', message: 'hello' });
    expect((await client.listEvents({ limit: 1 })).map((e) => e.message)).toEqual(['hello']);
    expect(await client.releaseRunner({ id: 'r1' })).toEqual({ released: 'r1' });
    expect(await client.removeHost({ id: 'bot-01' })).toEqual({ removed: 'bot-01' });
  });

  it('throws ApiError with the field and reason', async () => {
    const error = await client.attachRunner({ id: 'r 1', host: 'bot-01' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).issues?.[0]?.path).toBe('id');
  });

  it('streams events with replay from an id, and stops when closed', async () => {
    const first = manager.emit({ kind: 'host.starting', severity: 'info', message: 'one', hostId: 'h' });
    manager.emit({ kind: 'host.started', severity: 'info', message: 'two', hostId: 'h' });
    const received: ManagerEvent[] = [];
    const subscription = client.subscribeEvents({ afterId: first.id }, (event) => received.push(event));
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(1));
    manager.emit({ kind: 'host.ready', severity: 'info', message: 'three', hostId: 'h' });
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(2));
    expect(received.map((e) => e.message)).toEqual(['two', 'three']);
    subscription.close();
    await vi.waitFor(() => expect(manager.listenerCount()).toBe(0));
  });

  it('reports a wrong token on the stream once and does not retry', async () => {
    const errors: Error[] = [];
    const bad = createHttpClient({ baseUrl: server.url, token: 'wrong', retryMs: 1 });
    const subscription = bad.subscribeEvents(
      {},
      () => undefined,
      (error) => errors.push(error),
    );
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect((errors[0] as ApiError).code).toBe('unauthorized');
    // A whole round trip later (far longer than retryMs), the stream has still not been retried.
    await expect(bad.getState()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(errors).toHaveLength(1);
    subscription.close();
  });
});
