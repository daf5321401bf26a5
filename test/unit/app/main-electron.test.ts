import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventChannels, ipcReplySchema, operationChannels } from '../../../src-main/app/ipc/channels.js';
import { execArgument } from '../../../src-main/app/login-item/login-item.js';
import { FakeIpc, FakeManager } from './fakes.js';

/**
 * main.ts with `electron` mocked at the outermost edge (no Electron binary runs here): the real
 * shell, tray model, IPC handlers and security rules, wired by main.ts to fake Electron objects.
 */

interface WindowRecord {
  options: BrowserWindowConstructorOptions;
  loaded: string[];
  shown: number;
  contents: EventEmitter & { id: number };
  emitter: EventEmitter;
}
interface TrayRecord {
  images: string[];
  tooltips: string[];
  menus: MenuItemConstructorOptions[][];
}
type Headers = Record<string, string[]>;

const fake = vi.hoisted(() => {
  // Plain values only here: vi.hoisted runs before the imports.
  return {
    lock: true,
    root: '',
    windows: [] as WindowRecord[],
    trays: [] as TrayRecord[],
    loginItemCalls: [] as unknown[],
    quitCalls: 0,
    stops: 0,
    manager: undefined as FakeManager | undefined,
    ipc: undefined as FakeIpc | undefined,
    app: undefined as EventEmitter | undefined,
    permission: undefined as
      undefined | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
    beforeRequest: undefined as
      undefined | ((details: { url: string }, callback: (response: { cancel: boolean }) => void) => void),
    headers: undefined as
      | undefined
      | ((
          details: { responseHeaders?: Headers },
          callback: (response: { responseHeaders: Headers }) => void,
        ) => void),
    opened: [] as string[],
  };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { FakeIpc: Ipc } = await import('./fakes.js');
  const app = Object.assign(new Emitter(), {
    requestSingleInstanceLock: () => fake.lock,
    quit: () => {
      fake.quitCalls++;
      let prevented = false;
      app.emit('before-quit', { preventDefault: () => (prevented = true) });
      if (!prevented) app.emit('will-quit');
    },
    whenReady: () => Promise.resolve(),
    getAppPath: () => fake.root,
    isPackaged: false,
    setLoginItemSettings: (settings: unknown) => fake.loginItemCalls.push(settings),
    getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
  });
  fake.app = app;
  fake.ipc = new Ipc();
  let nextId = 1;
  class BrowserWindow extends Emitter {
    webContents: WindowRecord['contents'];
    record: WindowRecord;
    constructor(options: BrowserWindowConstructorOptions) {
      super();
      const contents = Object.assign(new Emitter(), { id: nextId++ });
      this.webContents = contents;
      this.record = { options, loaded: [], shown: 0, contents, emitter: this };
      fake.windows.push(this.record);
    }
    loadFile(file: string) {
      this.record.loaded.push(file);
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    show() {
      this.record.shown++;
    }
    focus() {}
    hide() {}
    restore() {}
  }
  class Tray extends Emitter {
    record: TrayRecord = { images: [], tooltips: [], menus: [] };
    constructor(image: { path: string }) {
      super();
      this.record.images.push(image.path);
      fake.trays.push(this.record);
    }
    setImage(image: { path: string }) {
      this.record.images.push(image.path);
    }
    setToolTip(text: string) {
      this.record.tooltips.push(text);
    }
    setContextMenu(menu: MenuItemConstructorOptions[]) {
      this.record.menus.push(menu);
    }
    destroy() {}
  }
  class Notification extends Emitter {
    static isSupported() {
      return true;
    }
    show() {}
  }
  return {
    app,
    ipcMain: fake.ipc,
    BrowserWindow,
    Tray,
    Notification,
    Menu: { buildFromTemplate: (template: unknown) => template },
    nativeImage: { createFromPath: (file: string) => ({ path: file }) },
    shell: { openExternal: async (url: string) => void fake.opened.push(url) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: typeof fake.permission) => (fake.permission = handler),
        setPermissionCheckHandler: () => undefined,
        webRequest: {
          onBeforeRequest: (handler: typeof fake.beforeRequest) => (fake.beforeRequest = handler),
          onHeadersReceived: (handler: typeof fake.headers) => (fake.headers = handler),
        },
      },
    },
  };
});

vi.mock('../../../src-main/app/service-wiring.js', () => ({
  createAppService: async () => ({ port: fake.manager, stop: async () => void fake.stops++ }),
}));

vi.mock('../../../src-main/service/logger.js', () => ({
  createLogger: () => ({ info: () => undefined, warn: () => undefined, error: () => undefined }),
}));

describe('Electron main (electron mocked)', () => {
  const saved = { ...process.env };
  let home: string;

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'sm-main-'));
    fake.root = path.join(home, 'app');
    // Never touch the real autostart folder or config.
    process.env.XDG_CONFIG_HOME = path.join(home, 'config');
    process.env.SESSION_MANAGER_CONFIG = path.join(home, 'config.json');
    fake.manager = new FakeManager();
    (fake.manager as FakeManager).configStore.update((config) => ({
      ...config,
      app: { startAtLogin: true },
    }));
    await import('../../../src-main/app/main.js');
    // Start-up reads the config and writes the login item: wait for its window and tray, however slow.
    await vi.waitFor(
      () => {
        if (fake.windows.length === 0 || fake.trays.length === 0)
          throw new Error('the app has not started yet');
      },
      { timeout: 30_000, interval: 20 },
    );
  });
  afterAll(() => {
    process.env = saved;
    fake.manager?.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  const pageUrl = () => pathToFileURL(path.join(fake.root, 'dist-renderer', 'index.html')).href;

  it('opens one secure window on our page with the bundled preload', () => {
    expect(fake.windows).toHaveLength(1);
    const [window] = fake.windows;
    expect(window!.loaded).toEqual([path.join(fake.root, 'dist-renderer', 'index.html')]);
    expect(window!.options.webPreferences).toMatchObject({
      preload: path.join(fake.root, 'dist-app', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    window!.emitter.emit('ready-to-show');
    expect(window!.shown).toBe(1);
  });

  it('shows the tray with its state, tooltip and menu', () => {
    expect(fake.trays).toHaveLength(1);
    const [tray] = fake.trays;
    expect(tray!.images[0]).toBe(path.join(fake.root, 'assets', 'tray-idle.png'));
    expect(tray!.tooltips.at(-1)).toBe('Session Manager: Idle: 0 hosts off');
    const labels = (tray!.menus.at(-1) as { label?: string }[]).map((item) => item.label).filter(Boolean);
    expect(labels).toEqual([
      'Idle: 0 hosts off',
      'Open Session Manager',
      'Pause',
      'Tick now',
      'Start at login',
      'Quit Session Manager',
    ]);
  });

  it('applies start at login from the config at start (Linux: the XDG entry; elsewhere: Electron)', () => {
    const entry = path.join(home, 'config', 'autostart', 'session-manager.desktop');
    if (process.platform === 'linux') {
      expect(fake.loginItemCalls).toEqual([]);
      // Not packaged: the Electron binary is given the app folder, then --hidden.
      expect(readFileSync(entry, 'utf8')).toContain(
        `${execArgument(process.execPath)} ${execArgument(fake.root)} --hidden\n`,
      );
    } else {
      expect(fake.loginItemCalls).toEqual([expect.objectContaining({ openAtLogin: true })]);
    }
    const menu = fake.trays[0]!.menus.at(-1) as { label?: string; checked?: boolean }[];
    expect(menu.find((item) => item.label === 'Start at login')?.checked).toBe(true);
  });

  it('serves the API over IPC to our window only', async () => {
    const ipc = fake.ipc as FakeIpc;
    const contentsId = fake.windows[0]!.contents.id as number;
    const ours = ipc.renderer({ webContentsId: contentsId, url: pageUrl(), parent: null });
    expect(ipcReplySchema.parse(await ours.invoke(operationChannels.pause))).toEqual({
      ok: true,
      value: { paused: true },
    });
    expect(fake.trays[0]!.tooltips.at(-1)).toMatch(/Paused/);
    const foreign = ipc.renderer({ webContentsId: contentsId + 1, url: pageUrl(), parent: null });
    expect(ipcReplySchema.parse(await foreign.invoke(operationChannels.resume))).toMatchObject({
      ok: false,
      error: { error: 'forbidden' },
    });
    expect(ipc.handlers.has(eventChannels.subscribe)).toBe(true);
  });

  it('hardens the session: no permissions, no remote requests, our CSP on responses', () => {
    let granted: boolean | undefined;
    fake.permission!(undefined, 'notifications', (answer: boolean) => (granted = answer));
    expect(granted).toBe(false);
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      fake.beforeRequest!({ url }, (response: { cancel: boolean }) => (cancel = response.cancel));
      return cancel;
    };
    expect(decide('https://cdn.example.com/app.js')).toBe(true);
    expect(decide(pathToFileURL(path.join(fake.root, 'dist-renderer', 'assets', 'a.js')).href)).toBe(false);
    let headers: Record<string, string[]> | undefined;
    fake.headers!(
      { responseHeaders: {} },
      (response: { responseHeaders: Record<string, string[]> }) => (headers = response.responseHeaders),
    );
    expect(headers?.['Content-Security-Policy']?.[0]).toMatch(/^default-src 'none'/);
  });

  it('hardens every webContents: no new windows, no navigation away', () => {
    const contents = Object.assign(new EventEmitter(), {
      openHandler: undefined as undefined | ((details: { url: string }) => unknown),
      setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
        this.openHandler = handler;
      },
    });
    fake.app!.emit('web-contents-created', {}, contents);
    expect(contents.openHandler?.({ url: 'https://github.com/' })).toEqual({ action: 'deny' });
    let prevented = false;
    contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    expect(fake.opened).toEqual(['https://github.com/']);
  });

  it('closing the window hides it; a second instance shows it again', () => {
    const window = fake.windows[0]!;
    let prevented = false;
    window.emitter.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    fake.app!.emit('second-instance');
    expect(window.shown).toBeGreaterThanOrEqual(2);
    expect(fake.windows).toHaveLength(1);
  });

  it('quit from the tray stops the loop, then quits; nothing is powered off', async () => {
    const menu = fake.trays[0]!.menus.at(-1) as { label?: string; click?: () => void }[];
    menu.find((item) => item.label === 'Quit Session Manager')!.click!();
    await vi.waitFor(() => expect(fake.quitCalls).toBe(2));
    expect(fake.stops).toBe(1);
    expect(fake.manager!.calls).toEqual(['pause']); // only what the IPC test asked for
    let prevented = false;
    fake.windows[0]!.emitter.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false); // quitting: the window really closes
  });

  it('a second copy started while this one runs quits at once and opens nothing', async () => {
    const before = { windows: fake.windows.length, trays: fake.trays.length, quits: fake.quitCalls };
    fake.lock = false;
    vi.resetModules();
    await import('../../../src-main/app/main.js');
    await vi.waitFor(() => expect(fake.quitCalls).toBe(before.quits + 1));
    expect(fake.windows).toHaveLength(before.windows);
    expect(fake.trays).toHaveLength(before.trays);
  });
});
