import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refsInUse } from '../../../src-main/api/config-writes.js';
import type { SessionManagerApi } from '../../../src-main/api/contract.js';
import { ApiError } from '../../../src-main/api/errors.js';
import { createHttpClient } from '../../../src-main/api/http-client.js';
import { startApiServer, type RunningApiServer } from '../../../src-main/api/server.js';
import { FakeBotCity } from '../../fakes/botcity/fake-botcity.js';
import { FakeManager } from '../api/fake-manager.js';

/** Runs under the real keychain (the key is stored there by updateSettings). */
const KEY = 'CANARY-api-check-key-7d1c!';
let fake: FakeBotCity;
let manager: FakeManager;
let server: RunningApiServer;
let api: SessionManagerApi;

beforeAll(async () => {
  fake = new FakeBotCity({ login: 'ws-api', key: KEY });
  await fake.listen();
  manager = new FakeManager();
  server = await startApiServer({ port: manager, token: 'test-token-api-check' });
  api = createHttpClient({ baseUrl: server.url, token: 'test-token-api-check' });
});

afterAll(async () => {
  await server?.close();
  await manager?.dispose(refsInUse(manager.configStore.load()));
  await fake?.close();
});

describe('testOrchestrator (the API operation behind `orchestrator test`)', () => {
  it('answers not-found while no orchestrator is configured', async () => {
    await expect(api.testOrchestrator({})).rejects.toMatchObject({ code: 'not-found' });
  });

  it('reports the version, the organization and the queue per configured runner', async () => {
    await api.addHost({ id: 'h1', address: '127.0.0.1', protocol: 'rdp', user: 'bot', password: 'pw' });
    await api.attachRunner({ id: 'bot-01', host: 'h1' });
    await api.updateSettings({
      orchestrator: { kind: 'botcity', server: fake.url, login: 'ws-api', key: KEY },
    });
    fake.createTask({ activityLabel: 'invoices', machineId: 'bot-01' });
    fake.startTask(fake.createTask({ activityLabel: 'invoices', machineId: 'bot-01' }).id);
    fake.setOnline('bot-01', true);

    const report = await api.testOrchestrator({ timeoutSeconds: 5 });
    expect(report).toMatchObject({
      ok: true,
      server: fake.url,
      login: 'ws-api',
      organization: 'fake-org',
      queuedTotal: 1,
      runningTotal: 1,
      runners: [{ id: 'bot-01', online: true, queued: 1, running: 1, timedOut: 0, otherBusy: 0 }],
    });
  });

  it('names the failed step and its kind when the key is refused, without throwing', async () => {
    await api.updateSettings({ orchestrator: { key: 'not-the-key' } });
    const report = await api.testOrchestrator({ timeoutSeconds: 5 });
    expect(report).toMatchObject({ ok: false, step: 'login', kind: 'auth' });
    expect(JSON.stringify(report)).not.toContain('not-the-key');
  });

  it('refuses a timeout out of range with the field named', async () => {
    const error = await api.testOrchestrator({ timeoutSeconds: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).issues?.[0]?.path).toBe('timeoutSeconds');
  });
});
