import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationNames, type SessionManagerApi } from '../../../src-main/api/contract.js';
import { ApiError } from '../../../src-main/api/errors.js';
import { createSessionManagerApi } from '../../../src-main/api/handlers.js';
import { createHttpClient } from '../../../src-main/api/http-client.js';
import { startApiServer, type RunningApiServer } from '../../../src-main/api/server.js';
import { registerIpcHandlers, type IpcHandlers } from '../../../src-main/app/ipc/ipc-handlers.js';
import { createBridgeApi } from '../../../src-preload/bridge-api.js';
import { fromBridge } from '../../../src-renderer/api/from-bridge.js';
import { FakeIpc, FakeManager } from './fakes.js';

/**
 * The IPC-backed API (the preload's bridge, as the renderer sees it through fromBridge) and the
 * HTTP-backed API (http-client.ts against the real server) are the same API: the same methods, the
 * same replies and the same errors for the same calls, and both check replies against the contract.
 */

const pageUrl = 'file:///app/dist-renderer/index.html';

type Step = [name: string, call: (api: SessionManagerApi) => Promise<unknown>];

const steps: Step[] = [
  ['getState', (api) => api.getState()],
  [
    'addHost',
    (api) =>
      api.addHost({ id: 'bot-01', address: '127.0.0.1:9', protocol: 'rdp', user: 'bot', password: 'pw-1!' }),
  ],
  [
    'addHost again',
    (api) => api.addHost({ id: 'bot-01', address: '10.0.0.5', protocol: 'rdp', user: 'bot', password: 'x' }),
  ],
  [
    'addHost bad',
    (api) => api.addHost({ id: 'bot 02', address: '::', protocol: 'rdp', user: 'bot', password: '' }),
  ],
  ['editHost', (api) => api.editHost({ id: 'bot-01', name: 'Finance bot', maxSessions: 2 })],
  ['attachRunner', (api) => api.attachRunner({ id: 'fin-01', host: 'bot-01', width: 1280, height: 720 })],
  ['editRunner', (api) => api.editRunner({ id: 'fin-01', width: 1920, activities: ['invoices'] })],
  ['editRunner bad', (api) => api.editRunner({ id: 'fin-01', width: 10 })],
  ['testHostConnection', (api) => api.testHostConnection({ hostId: 'bot-01' })],
  ['testHostConnection both', (api) => api.testHostConnection({ hostId: 'bot-01', host: {} as never })],
  ['attachRunner to no host', (api) => api.attachRunner({ id: 'fin-02', host: 'nope' })],
  ['listHosts', (api) => api.listHosts()],
  ['listRunners', (api) => api.listRunners()],
  ['getSettings', (api) => api.getSettings()],
  [
    'updateSettings',
    (api) => api.updateSettings({ app: { startAtLogin: true }, policy: { idleGraceMinutes: 5 } }),
  ],
  ['updateSettings bad', (api) => api.updateSettings({ policy: { idleGraceMinutes: -1 } })],
  ['listEvents', (api) => api.listEvents({ limit: 10, severity: 'warning' })],
  ['listEvents search', (api) => api.listEvents({ text: 'failed', kind: 'host', from: 0, to: 9e12 })],
  ['listEvents bad kind', (api) => api.listEvents({ kind: 'nope' })],
  ['exportEvents', (api) => api.exportEvents({ format: 'csv', severity: 'warning' })],
  ['exportEvents jsonl', (api) => api.exportEvents({})],
  ['getCost', (api) => api.getCost({ from: 0, to: 3_600_000, by: 'runner' })],
  ['getCost bad period', (api) => api.getCost({ from: 10, to: 5 })],
  // The fake fleet has no cloud host: nothing to replay, the same conflict on both transports.
  ['whatIf', (api) => api.whatIf({ from: 0, to: 3_600_000, policy: { idleGraceMinutes: 5 } })],
  ['pause', (api) => api.pause()],
  ['resume', (api) => api.resume()],
  ['tickNow', (api) => api.tickNow()],
  ['thumbnail', (api) => api.thumbnail({ sessionKey: 'bot-01/bot', maxWidth: 64 })],
  ['thumbnail missing', (api) => api.thumbnail({ sessionKey: 'none' })],
  ['eventScreen', (api) => api.eventScreen({ eventId: 7 })],
  ['eventScreen missing', (api) => api.eventScreen({ eventId: 8 })],
  ['eventScreen bad', (api) => api.eventScreen({ eventId: 0 })],
  ['sendTestNotification', (api) => api.sendTestNotification({ sink: 'desktop' })],
  ['testOrchestrator bad', (api) => api.testOrchestrator({ timeoutSeconds: -1 })],
  ['testOrchestrator', (api) => api.testOrchestrator({})],
  ['trustCertificate without one', (api) => api.trustCertificate({ hostId: 'bot-01' })],
  ['trustCertificate', (api) => api.trustCertificate({ hostId: 'bot-01', fingerprint: 'AB'.repeat(32) })],
  ['retryHost', (api) => api.retryHost({ hostId: 'bot-01' })],
  ['retryHost unknown', (api) => api.retryHost({ hostId: 'nope' })],
  ['retryAllHosts', (api) => api.retryAllHosts()],
  ['releaseRunner', (api) => api.releaseRunner({ id: 'fin-01' })],
  ['removeHost', (api) => api.removeHost({ id: 'bot-01' })],
  ['removeHost again', (api) => api.removeHost({ id: 'bot-01' })],
];

function outcome(result: PromiseSettledResult<unknown>): unknown {
  if (result.status === 'fulfilled')
    return result.value instanceof Uint8Array ? { bytes: [...result.value] } : result.value;
  const error = result.reason;
  if (!(error instanceof ApiError)) return { notAnApiError: String(error) };
  return { code: error.code, paths: error.issues?.map((issue) => issue.path) };
}

function seed(manager: FakeManager) {
  manager.emit({
    kind: 'host.failed',
    severity: 'error',
    message: 'bot-01 failed to start',
    hostId: 'bot-01',
  });
  manager.emit({ kind: 'info', severity: 'info', message: 'hello' });
  manager.thumbnails.set('bot-01/bot', new Uint8Array([1, 2, 3]));
  manager.eventScreens.set(7, new Uint8Array([4, 5, 6]));
}

describe('IPC-backed and HTTP-backed APIs', () => {
  const ipcManager = new FakeManager();
  const httpManager = new FakeManager();
  let server: RunningApiServer;
  let handlers: IpcHandlers;
  let ipcApi: SessionManagerApi;
  let httpApi: SessionManagerApi;

  beforeAll(async () => {
    seed(ipcManager);
    seed(httpManager);
    const ipc = new FakeIpc();
    handlers = registerIpcHandlers({
      ipcMain: ipc,
      api: createSessionManagerApi(ipcManager),
      trustedSender: () => ({ webContentsId: 1, pageUrl }),
    });
    ipcApi = fromBridge(createBridgeApi(ipc.renderer({ webContentsId: 1, url: pageUrl, parent: null })));
    server = await startApiServer({ port: httpManager, token: 'contract-test-token', listenPort: 0 });
    httpApi = createHttpClient({ baseUrl: server.url, token: 'contract-test-token' });
  });
  afterAll(async () => {
    handlers?.dispose();
    await server?.close();
    ipcManager.dispose();
    httpManager.dispose();
  });

  it('expose the same methods', () => {
    const expected = [...operationNames, 'subscribeEvents'].sort();
    expect(Object.keys(ipcApi).sort()).toEqual(expected);
    expect(Object.keys(httpApi).sort()).toEqual(expected);
    for (const name of expected) {
      expect(typeof ipcApi[name as keyof SessionManagerApi]).toBe('function');
      expect(typeof httpApi[name as keyof SessionManagerApi]).toBe('function');
    }
  });

  it('give the same replies and the same errors, step by step', async () => {
    const covered = new Set<string>();
    const seen = new Map<string, unknown>();
    for (const [name, call] of steps) {
      const [overIpc] = (await Promise.allSettled([call(ipcApi)])).map(outcome);
      const [overHttp] = (await Promise.allSettled([call(httpApi)])).map(outcome);
      expect(overIpc, name).toEqual(overHttp);
      expect(overIpc, name).not.toHaveProperty('notAnApiError');
      covered.add(name.split(' ')[0]!);
      seen.set(name, overIpc);
    }
    // The walk is meaningful: successes and each kind of failure both ways.
    expect(seen.get('addHost')).toMatchObject({ id: 'bot-01', hasPassword: true });
    expect(seen.get('addHost again')).toEqual({ code: 'conflict', paths: ['id'] });
    expect(seen.get('addHost bad')).toMatchObject({ code: 'bad-request' });
    expect(seen.get('updateSettings bad')).toEqual({
      code: 'bad-request',
      paths: ['policy.idleGraceMinutes'],
    });
    expect(seen.get('thumbnail')).toEqual({ bytes: [1, 2, 3] });
    expect(seen.get('thumbnail missing')).toMatchObject({ code: 'not-found' });
    expect(seen.get('eventScreen')).toEqual({ bytes: [4, 5, 6] });
    expect(seen.get('eventScreen missing')).toMatchObject({ code: 'not-found' });
    expect(seen.get('eventScreen bad')).toMatchObject({ code: 'bad-request' });
    expect(seen.get('removeHost again')).toMatchObject({ code: 'not-found' });
    expect(seen.get('listEvents')).toMatchObject([{ kind: 'host.failed' }]);
    // Every operation of the contract is exercised at least once.
    expect([...covered].filter((name) => (operationNames as string[]).includes(name)).sort()).toEqual(
      [...operationNames].sort(),
    );
    expect(ipcManager.calls).toEqual(httpManager.calls);
  });

  it('both check every reply against the same output schema', async () => {
    const bogus = 'not what the contract says';
    const ipcBroken = fromBridge(
      createBridgeApi({
        invoke: async () => ({ ok: true, value: bogus }),
        send: () => undefined,
        on: () => undefined,
      }),
    );
    const httpBroken = createHttpClient({
      baseUrl: 'http://127.0.0.1:9',
      token: 't',
      fetch: async () =>
        new Response(JSON.stringify(bogus), { headers: { 'content-type': 'application/json' } }),
    });
    // Not the screens or exportEvents: over HTTP their reply is the file itself (PNG bytes, text).
    const files = ['thumbnail', 'eventScreen', 'exportEvents'];
    for (const name of operationNames.filter((name) => !files.includes(name))) {
      const input =
        name === 'removeHost' || name === 'editHost' || name === 'releaseRunner' || name === 'editRunner'
          ? { id: 'x' }
          : name === 'trustCertificate' || name === 'retryHost'
            ? { hostId: 'x' }
            : {};
      const calls = [ipcBroken, httpBroken].map((api) =>
        (api[name] as (input: unknown) => Promise<unknown>)(input).then(
          () => 'accepted',
          (error: unknown) => (error instanceof ApiError ? error.code : String(error)),
        ),
      );
      expect(await Promise.all(calls), name).toEqual(['internal', 'internal']);
    }
  });
});
