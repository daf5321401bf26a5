import { apiTrustOperation, CertificateTrust } from '../../../src-main/service/certificate-trust.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { emptyHistory, type HistoryRecords } from '../../../src-main/history/history-store.js';
import os from 'node:os';
import path from 'node:path';
import {
  type HostCheck,
  type ManagerCounters,
  type ManagerPort,
  type NotificationSinkName,
  type SinkResult,
  zeroCounters,
} from '../../../src-main/api/manager-port.js';
import { ConfigStore } from '../../../src-main/config/config-store.js';
import type { ManagerEvent, NewEvent } from '../../../src-main/core/events.js';
import type { ManagerState } from '../../../src-main/core/state.js';
import type { IpcEventLike, IpcMainLike } from '../../../src-main/app/ipc/ipc-handlers.js';
import type { IpcRendererLike } from '../../../src-preload/bridge-api.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';

export function baseState(patch: Partial<ManagerState> = {}): ManagerState {
  return {
    at: 1_700_000_000_000,
    paused: false,
    orchestrator: { status: 'ok', lastObservedAt: 1_700_000_000_000 },
    queueDepth: 0,
    hostsOn: 0,
    maxHostsOn: 10,
    hostsUnknown: 0,
    hosts: [],
    runners: [],
    sessions: [],
    ticks: 3,
    ...patch,
  };
}

/** A ManagerPort over a real config file in a temp dir, with state and events set by the test. */
export class FakeManager implements ManagerPort {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'sm-app-'));
  readonly configStore = new ConfigStore(path.join(this.dir, 'config.json'));
  readonly secrets = new MemorySecrets();
  readonly calls: string[] = [];
  current: ManagerState = baseState();
  thumbnails = new Map<string, Uint8Array>();
  eventScreens = new Map<number, Uint8Array>();
  private readonly log: ManagerEvent[] = [];
  private readonly listeners = new Set<(event: ManagerEvent) => void>();
  private nextId = 1;

  readonly events = {
    history: () => this.log,
    subscribe: (listener: (event: ManagerEvent) => void) => {
      this.listeners.add(listener);
      return () => void this.listeners.delete(listener);
    },
  };

  emit(event: NewEvent): ManagerEvent {
    const full: ManagerEvent = {
      ...event,
      id: this.nextId++,
      at: event.at ?? 1_700_000_000_000 + this.nextId,
    };
    this.log.push(full);
    for (const listener of this.listeners) listener(full);
    return full;
  }

  listenerCount(): number {
    return this.listeners.size;
  }
  state(): ManagerState {
    return this.current;
  }
  counters(): ManagerCounters {
    return zeroCounters();
  }
  retried: string[] = [];
  async retry(hostIds: readonly string[]) {
    this.calls.push('retry');
    this.retried.push(...hostIds);
    return [...hostIds];
  }
  async pause() {
    this.calls.push('pause');
    this.current = { ...this.current, paused: true };
  }
  async resume() {
    this.calls.push('resume');
    this.current = { ...this.current, paused: false };
  }
  async tickNow() {
    this.calls.push('tickNow');
  }
  async history(): Promise<HistoryRecords> {
    return emptyHistory();
  }

  async thumbnail(key: string, maxWidth: number) {
    this.calls.push(`thumbnail:${key}:${maxWidth}`);
    return this.thumbnails.get(key);
  }
  async eventScreen(eventId: number) {
    this.calls.push(`eventScreen:${eventId}`);
    return this.eventScreens.get(eventId);
  }
  async checkHost(): Promise<HostCheck> {
    return { rdp: { ok: true, detail: 'logged on' }, cloud: { ok: true, detail: 'checked' } };
  }
  async sendTestNotification(sink?: NotificationSinkName): Promise<SinkResult[]> {
    this.calls.push(`notify:${sink ?? 'all'}`);
    return [{ sink: sink ?? 'desktop', ok: true }];
  }
  readonly trustCertificate = apiTrustOperation(new CertificateTrust(this.configStore), () =>
    this.configChanged(),
  );
  configChanged() {
    this.calls.push('configChanged');
  }
  dispose() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

/** One page in one window, as the handlers see its messages. */
export interface FakeFrame {
  webContentsId: number;
  url: string;
  parent: unknown;
}

/**
 * ipcMain and ipcRenderer joined in memory. Every value crossing is structured-cloned, as Electron's
 * IPC does, so what works here does not depend on sharing objects between processes.
 */
export class FakeIpc implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  readonly listeners = new Map<string, Set<Listener>>();

  handle(channel: string, listener: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener) {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
    return this;
  }
  removeListener(channel: string, listener: Listener) {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }

  /** The renderer side for a page in `frame`. */
  renderer(frame: FakeFrame): IpcRendererLike & { destroyed: boolean; received: unknown[][] } {
    const rendererListeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
    const page = {
      destroyed: false,
      received: [] as unknown[][],
      invoke: async (channel: string, ...args: unknown[]) => {
        const handler = this.handlers.get(channel);
        if (!handler) throw new Error(`Error invoking remote method '${channel}': No handler registered`);
        return structuredClone(await handler(event(), ...structuredClone(args)));
      },
      send: (channel: string, ...args: unknown[]) => {
        for (const listener of this.listeners.get(channel) ?? []) listener(event(), ...structuredClone(args));
      },
      on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
        if (!rendererListeners.has(channel)) rendererListeners.set(channel, new Set());
        rendererListeners.get(channel)!.add(listener);
        return page;
      },
    };
    const sender = {
      id: frame.webContentsId,
      isDestroyed: () => page.destroyed,
      send: (channel: string, ...args: unknown[]) => {
        if (page.destroyed) throw new Error('Object has been destroyed');
        page.received.push([channel, ...args]);
        for (const listener of rendererListeners.get(channel) ?? []) listener({}, ...structuredClone(args));
      },
    };
    const event = (): IpcEventLike => ({ sender, senderFrame: { url: frame.url, parent: frame.parent } });
    return page;
  }
}
