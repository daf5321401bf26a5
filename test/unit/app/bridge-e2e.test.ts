import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operationNames, type SessionManagerApi } from '../../../src-main/api/contract.js';
import { ApiError } from '../../../src-main/api/errors.js';
import { createSessionManagerApi } from '../../../src-main/api/handlers.js';
import { bridgeKey } from '../../../src-main/app/ipc/channels.js';
import { registerIpcHandlers, type IpcHandlers } from '../../../src-main/app/ipc/ipc-handlers.js';
import type { ManagerEvent } from '../../../src-main/core/events.js';
import { fromBridge } from '../../../src-renderer/api/from-bridge.js';
import { FakeIpc, FakeManager } from './fakes.js';
import { bundlePreload, runPreload } from './preload-bundle.js';

/**
 * End to end in Node: the bundled preload (as the sandbox runs it) → a fake ipcRenderer/ipcMain pair
 * (structured clone in between) → the real IPC handlers → the API handlers → a fake ManagerPort.
 */

const pageUrl = 'file:///app/dist-renderer/index.html';

let code: string;
beforeAll(async () => {
  code = await bundlePreload();
});

describe('preload bundle', () => {
  it('requires nothing but electron and exposes one object under the bridge key', () => {
    const ipc = new FakeIpc();
    const loaded = runPreload(code, ipc.renderer({ webContentsId: 1, url: pageUrl, parent: null }));
    expect([...new Set(loaded.required)]).toEqual(['electron']);
    expect([...loaded.exposed.keys()]).toEqual([bridgeKey]);
  });

  it('exposes only functions: one per operation plus the event stream, never ipcRenderer', () => {
    const ipc = new FakeIpc();
    const bridge = runPreload(
      code,
      ipc.renderer({ webContentsId: 1, url: pageUrl, parent: null }),
    ).exposed.get(bridgeKey) as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual([...operationNames, 'subscribeEvents'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });
});

describe('preload → IPC → handlers → manager', () => {
  let manager: FakeManager;
  let handlers: IpcHandlers;
  let api: SessionManagerApi;
  let raw: SessionManagerApi;

  beforeEach(() => {
    manager = new FakeManager();
    const ipc = new FakeIpc();
    handlers = registerIpcHandlers({
      ipcMain: ipc,
      api: createSessionManagerApi(manager),
      trustedSender: () => ({ webContentsId: 1, pageUrl }),
    });
    raw = runPreload(
      code,
      ipc.renderer({ webContentsId: 1, url: `${pageUrl}#/hosts`, parent: null }),
    ).exposed.get(bridgeKey) as SessionManagerApi;
    api = fromBridge(raw);
  });
  afterEach(() => {
    handlers.dispose();
    manager.dispose();
  });

  it('round-trips state, pause/resume and tick', async () => {
    expect((await api.getState()).ticks).toBe(3);
    expect(await api.pause()).toEqual({ paused: true });
    expect(await api.resume()).toEqual({ paused: false });
    expect(await api.tickNow()).toEqual({ ok: true });
    expect(manager.calls).toEqual(['pause', 'resume', 'tickNow']);
  });

  it('adds a host: the password goes to the secret store and only a flag comes back', async () => {
    const added = await api.addHost({
      id: 'bot-01',
      address: '10.0.0.5',
      protocol: 'rdp',
      user: 'botuser',
      password: 'S3cret!pw',
    });
    expect(added).toMatchObject({ id: 'bot-01', hasPassword: true });
    expect(JSON.stringify(added)).not.toContain('S3cret!pw');
    expect([...manager.secrets.values.values()]).toEqual(['S3cret!pw']);
    const hosts = await api.listHosts();
    expect(hosts.map((host) => host.id)).toEqual(['bot-01']);
    expect(JSON.stringify(hosts)).not.toContain('S3cret!pw');
    expect(await api.removeHost({ id: 'bot-01' })).toEqual({ removed: 'bot-01' });
  });

  it('carries bytes (a thumbnail) as a Uint8Array', async () => {
    manager.thumbnails.set('bot-01/botuser', new Uint8Array([137, 80, 78, 71]));
    const png = await api.thumbnail({ sessionKey: 'bot-01/botuser' });
    expect(png).toBeInstanceOf(Uint8Array);
    expect([...png]).toEqual([137, 80, 78, 71]);
    expect(manager.calls).toEqual(['thumbnail:bot-01/botuser:320']);
  });

  it('rejects bad input with an ApiError naming the field, restored by fromBridge', async () => {
    const error = await api.removeHost({ id: 'no spaces allowed' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'bad-request', status: 400 });
    expect((error as ApiError).issues?.[0]?.path).toBe('id');
    // What crosses contextBridge is a plain, cloneable object with the same shape.
    const plain = await raw.removeHost({ id: 'no spaces allowed' }).catch((e: unknown) => e);
    expect(structuredClone(plain)).toMatchObject({
      name: 'ApiError',
      error: 'bad-request',
      code: 'bad-request',
      status: 400,
    });
  });

  it('streams events: replay, then live, then nothing after close', async () => {
    manager.emit({ kind: 'host.starting', severity: 'info', message: 'Starting bot-01', hostId: 'bot-01' });
    const seen: ManagerEvent[] = [];
    const subscription = api.subscribeEvents({ afterId: 0 }, (event) => seen.push(event));
    await new Promise((resolve) => setImmediate(resolve));
    manager.emit({ kind: 'host.started', severity: 'info', message: 'bot-01 is on', hostId: 'bot-01' });
    expect(seen.map((event) => event.message)).toEqual(['Starting bot-01', 'bot-01 is on']);
    subscription.close();
    expect(handlers.subscriptionCount()).toBe(0);
    manager.emit({ kind: 'host.stopped', severity: 'info', message: 'bot-01 is off', hostId: 'bot-01' });
    expect(seen).toHaveLength(2);
  });

  it('reports a refused subscription through onError', async () => {
    const errors: Error[] = [];
    api.subscribeEvents(
      { afterId: -1 } as never,
      () => undefined,
      (error) => errors.push(error),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors[0]?.message).toMatch(/afterId/);
    expect(handlers.subscriptionCount()).toBe(0);
  });
});
