import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operationNames } from '../../../src-main/api/contract.js';
import { createSessionManagerApi } from '../../../src-main/api/handlers.js';
import {
  allowedChannels,
  eventChannels,
  ipcReplySchema,
  operationChannels,
} from '../../../src-main/app/ipc/channels.js';
import { registerIpcHandlers, type IpcHandlers } from '../../../src-main/app/ipc/ipc-handlers.js';
import { isOurPage, senderProblem } from '../../../src-main/app/ipc/sender.js';
import { FakeIpc, FakeManager, type FakeFrame } from './fakes.js';

const pageUrl = 'file:///opt/Session%20Manager/resources/app.asar/dist-renderer/index.html';
const ours: FakeFrame = { webContentsId: 1, url: pageUrl, parent: null };

describe('sender check', () => {
  const trusted = { webContentsId: 1, pageUrl };
  const event = (id: number, url: string, parent: unknown = null) => ({
    sender: { id },
    senderFrame: { url, parent },
  });

  it('accepts our main frame on our page, whatever the route in the fragment', () => {
    expect(senderProblem(event(1, pageUrl), trusted)).toBeUndefined();
    expect(senderProblem(event(1, `${pageUrl}#/hosts/bot-01`), trusted)).toBeUndefined();
  });

  it.each([
    ['another window', event(2, pageUrl), 'the sender is not the app window'],
    ['a subframe', event(1, pageUrl, { url: pageUrl }), 'the sender is a subframe'],
    ['a remote page', event(1, 'https://evil.example/index.html'), 'the sender is not showing the app page'],
    ['another local file', event(1, 'file:///tmp/index.html'), 'the sender is not showing the app page'],
    ['a path trick', event(1, `${pageUrl}/../../x.html`), 'the sender is not showing the app page'],
    ['a gone frame', { sender: { id: 1 }, senderFrame: null }, 'the sending frame is gone'],
  ])('refuses %s', (_name, sent, reason) => {
    expect(senderProblem(sent, trusted)).toBe(reason);
  });

  it('refuses everything while no window is open', () => {
    expect(senderProblem(event(1, pageUrl), undefined)).toBe('the app window is not open');
  });

  it('compares file URLs by path only', () => {
    expect(isOurPage('file:///a/index.html?x=1#y', 'file:///a/index.html')).toBe(true);
    expect(isOurPage('http://a/index.html', 'file:///a/index.html')).toBe(false);
    expect(isOurPage('not a url', 'file:///a/index.html')).toBe(false);
  });
});

describe('IPC handlers', () => {
  let manager: FakeManager;
  let ipc: FakeIpc;
  let handlers: IpcHandlers;
  let refused: string[];
  let after: string[];

  beforeEach(() => {
    manager = new FakeManager();
    ipc = new FakeIpc();
    refused = [];
    after = [];
    handlers = registerIpcHandlers({
      ipcMain: ipc,
      api: createSessionManagerApi(manager),
      trustedSender: () => ({ webContentsId: 1, pageUrl }),
      onRefused: (channel, reason) => refused.push(`${channel}: ${reason}`),
      afterOperation: (name) => after.push(name),
      maxSubscriptions: 2,
    });
  });
  afterEach(() => {
    handlers.dispose();
    manager.dispose();
  });

  it('registers exactly one handler per operation of the contract, plus the event stream', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(
      [...operationNames.map((name) => operationChannels[name]), eventChannels.subscribe].sort(),
    );
    expect([...ipc.listeners.keys()]).toEqual([eventChannels.close]);
    expect(new Set(allowedChannels)).toEqual(new Set([...ipc.handlers.keys(), ...ipc.listeners.keys()]));
  });

  it('answers our window with the operation result', async () => {
    const reply = ipcReplySchema.parse(await ipc.renderer(ours).invoke(operationChannels.pause));
    expect(reply).toEqual({ ok: true, value: { paused: true } });
    expect(manager.calls).toEqual(['pause']);
    expect(after).toEqual(['pause']);
  });

  it.each([
    ['another window', { webContentsId: 7, url: pageUrl, parent: null }],
    ['a subframe of our window', { webContentsId: 1, url: pageUrl, parent: {} }],
    ['our window showing another page', { webContentsId: 1, url: 'https://example.com/', parent: null }],
  ])('refuses %s with "forbidden" and never reaches the manager', async (_name, frame) => {
    const page = ipc.renderer(frame);
    for (const name of ['pause', 'tickNow', 'getState', 'listHosts'] as const) {
      const reply = ipcReplySchema.parse(await page.invoke(operationChannels[name]));
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.error).toBe('forbidden');
    }
    const subscribe = ipcReplySchema.parse(await page.invoke(eventChannels.subscribe, 'abc', {}));
    expect(subscribe.ok).toBe(false);
    expect(manager.calls).toEqual([]);
    expect(manager.listenerCount()).toBe(0);
    expect(refused).toHaveLength(5);
  });

  it('refuses bad arguments with the field and reason, before the manager sees them', async () => {
    const page = ipc.renderer(ours);
    const cases: [string, unknown[], string][] = [
      [operationChannels.pause, [{ force: true }], '(root)'],
      [operationChannels.removeHost, [{ id: '../etc' }], 'id'],
      [operationChannels.removeHost, [{}], 'id'],
      [operationChannels.listEvents, [{ limit: 5000 }], 'limit'],
      [operationChannels.thumbnail, [{ sessionKey: 'k', maxWidth: 'big' }], 'maxWidth'],
      [operationChannels.addHost, [{ id: 'h', address: 'not an address!', protocol: 'rdp' }], 'address'],
      [operationChannels.getState, ['a string'], '(root)'],
    ];
    for (const [channel, args, path] of cases) {
      const reply = ipcReplySchema.parse(await page.invoke(channel, ...args));
      expect(reply.ok, channel).toBe(false);
      if (reply.ok) continue;
      expect(reply.error.error).toBe('bad-request');
      expect(reply.error.issues?.map((issue) => issue.path)).toContain(path);
    }
    const extra = ipcReplySchema.parse(await page.invoke(operationChannels.pause, {}, {}));
    expect(extra).toMatchObject({ ok: false, error: { error: 'bad-request' } });
    expect(manager.calls).toEqual([]);
    expect(after).toEqual([]);
  });

  it('returns failures as the contract error shape, never a throw', async () => {
    const reply = ipcReplySchema.parse(
      await ipc.renderer(ours).invoke(operationChannels.removeHost, { id: 'nope' }),
    );
    expect(reply).toEqual({ ok: false, error: { error: 'not-found', message: 'no host with id "nope"' } });
  });

  it('streams events to the subscribing window and stops when it closes the stream', async () => {
    manager.emit({ kind: 'host.started', severity: 'info', message: 'old', hostId: 'h1' });
    const page = ipc.renderer(ours);
    const reply = ipcReplySchema.parse(await page.invoke(eventChannels.subscribe, 's1', { afterId: 0 }));
    expect(reply).toEqual({ ok: true, value: { subscribed: 's1' } });
    manager.emit({ kind: 'host.stopped', severity: 'info', message: 'new', hostId: 'h1' });
    expect(
      page.received.map(([channel, id, event]) => [channel, id, (event as { message: string }).message]),
    ).toEqual([
      [eventChannels.item, 's1', 'old'],
      [eventChannels.item, 's1', 'new'],
    ]);
    page.send(eventChannels.close, 's1');
    expect(handlers.subscriptionCount()).toBe(0);
    manager.emit({ kind: 'info', severity: 'info', message: 'after close' });
    expect(page.received).toHaveLength(2);
  });

  it('bounds the streams per window and ends them when the window is gone', async () => {
    const page = ipc.renderer(ours);
    for (const id of ['a', 'b']) await page.invoke(eventChannels.subscribe, id, {});
    const third = ipcReplySchema.parse(await page.invoke(eventChannels.subscribe, 'c', {}));
    expect(third).toMatchObject({ ok: false, error: { error: 'conflict' } });
    expect(manager.listenerCount()).toBe(2);
    page.destroyed = true;
    manager.emit({ kind: 'info', severity: 'info', message: 'nobody listens' });
    expect(handlers.subscriptionCount()).toBe(0);
    expect(manager.listenerCount()).toBe(0);
  });

  it('ignores a close from a foreign sender', async () => {
    const page = ipc.renderer(ours);
    await page.invoke(eventChannels.subscribe, 'mine', {});
    ipc.renderer({ webContentsId: 9, url: pageUrl, parent: null }).send(eventChannels.close, 'mine');
    expect(handlers.subscriptionCount()).toBe(1);
    handlers.closeSubscriptions(1);
    expect(handlers.subscriptionCount()).toBe(0);
  });

  it('removes every handler on dispose', () => {
    handlers.dispose();
    expect(ipc.handlers.size).toBe(0);
    expect(ipc.listeners.get(eventChannels.close)?.size).toBe(0);
  });
});
