import { apiTrustOperation, CertificateTrust } from '../../../src-main/service/certificate-trust.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { emptyHistory, type HistoryRecords } from '../../../src-main/history/history-store.js';
import os from 'node:os';
import path from 'node:path';
import { ConfigStore } from '../../../src-main/config/config-store.js';
import type { HostConfig } from '../../../src-main/config/schema.js';
import type { ManagerEvent, NewEvent } from '../../../src-main/core/events.js';
import type { ManagerState } from '../../../src-main/core/state.js';
import {
  type HostCheck,
  type ManagerCounters,
  type ManagerPort,
  type NotificationSinkName,
  type SecretReader,
  type SinkResult,
  zeroCounters,
} from '../../../src-main/api/manager-port.js';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';

/** A ManagerPort over a real config file and the real keychain, with state and events set by the test. */
export class FakeManager implements ManagerPort {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'sm-api-'));
  readonly configStore = new ConfigStore(path.join(this.dir, 'config.json'));
  /** A keychain service of its own, so parallel suites never see each other's entries. */
  readonly secrets = new KeychainStore(
    `session-manager-test-${process.pid}-${Math.random().toString(36).slice(2)}`,
  );
  readonly calls: string[] = [];
  configChanges = 0;
  /** "Test connection": a logon that always works, and a cloud check that passes unless replaced. */
  hostCheck: (host: HostConfig, secrets: SecretReader) => Promise<HostCheck> = async (host) => ({
    rdp: { ok: true, security: 'nla', logon: 'nla', detail: 'logged on (fake)' },
    cloud: host.protocol === 'rdp' ? { ok: true, skipped: true } : { ok: true },
  });
  thumbnails = new Map<string, Uint8Array>();
  /** The screens kept with events, by event id. */
  eventScreens = new Map<number, Uint8Array>();
  /** What history() answers (every record, whatever the period: the API filters nothing itself). */
  historyRecords: HistoryRecords = emptyHistory();
  presented = new Map<string, string>();
  counterValues: ManagerCounters = zeroCounters();
  current: ManagerState = {
    at: 0,
    paused: false,
    orchestrator: { status: 'ok' },
    queueDepth: 0,
    hostsOn: 0,
    maxHostsOn: 10,
    hostsUnknown: 0,
    hosts: [],
    runners: [],
    sessions: [],
    ticks: 0,
  };
  private readonly log: ManagerEvent[] = [];
  private readonly listeners = new Set<(event: ManagerEvent) => void>();
  private nextId = 1;

  readonly events = {
    history: () => this.log,
    subscribe: (listener: (event: ManagerEvent) => void) => {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
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
    return this.counterValues;
  }
  retried: string[] = [];
  async retry(hostIds: readonly string[]) {
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
  async history(from: number, to: number) {
    this.calls.push(`history:${from}:${to}`);
    return this.historyRecords;
  }

  async thumbnail(key: string, maxWidth: number) {
    this.calls.push(`thumbnail:${key}:${maxWidth}`);
    return this.thumbnails.get(key);
  }
  async eventScreen(eventId: number) {
    this.calls.push(`eventScreen:${eventId}`);
    return this.eventScreens.get(eventId);
  }
  checkHost(host: HostConfig, secrets: SecretReader) {
    return this.hostCheck(host, secrets);
  }
  async sendTestNotification(sink?: NotificationSinkName): Promise<SinkResult[]> {
    this.calls.push(`notify:${sink ?? 'all'}`);
    return [{ sink: sink ?? 'webhook', ok: true }];
  }
  /** The service's own trust operation, over this fake's config and presented certificates. */
  readonly trustCertificate = apiTrustOperation(
    new CertificateTrust(this.configStore, (hostId) => this.presented.get(hostId)),
    () => this.configChanged(),
  );
  configChanged() {
    this.configChanges++;
  }

  /** Removes every keychain entry the config still names, and the temp dir. */
  async dispose(refs: Iterable<string>) {
    for (const ref of refs) await this.secrets.delete(ref).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
