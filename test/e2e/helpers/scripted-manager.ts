import { apiTrustOperation, CertificateTrust } from '../../../src-main/service/certificate-trust.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { emptyHistory, type HistoryRecords } from '../../../src-main/history/history-store.js';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import {
  type CheckResult,
  type HostCheck,
  type ManagerCounters,
  type ManagerPort,
  type NotificationSinkName,
  type SecretReader,
  type SinkResult,
  zeroCounters,
} from '../../../src-main/api/manager-port.js';
import { ConfigStore } from '../../../src-main/config/config-store.js';
import { parseAddress, type HostConfig } from '../../../src-main/config/schema.js';
import type { ManagerEvent, NewEvent } from '../../../src-main/core/events.js';
import type { HostView, ManagerState, SessionView } from '../../../src-main/core/state.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';
import { portAnswers } from '../../helpers/rdp-servers.js';

/**
 * A ManagerPort whose live state the test scripts step by step (a host going through its boot stages,
 * tasks queued and finished), over a real config file, so the UI is exercised through the real API
 * server. Hosts and runners come from the config the UI writes.
 */

type Live = Pick<
  HostView,
  'power' | 'stage' | 'bootStartedAt' | 'idleDeadline' | 'lastError' | 'reason' | 'cloudError'
>;

/** The one instance id the scripted cloud knows; any other "does not exist". */
export const knownInstanceId = 'i-0123456789abcdef0';

export class ScriptedManager implements ManagerPort {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'sm-ui-'));
  readonly configStore = new ConfigStore(path.join(this.dir, 'config.json'));
  readonly secrets = new MemorySecrets();
  now = Date.UTC(2026, 10, 23, 9, 0, 0);
  paused = false;
  /** Set by a test: this instance shares its fleet with others. */
  coordination: ManagerState['coordination'];
  readonly hosts = new Map<string, Live>();
  readonly demand = new Map<string, { queued: number; running: number }>();
  readonly sessions = new Map<string, SessionView>();
  readonly notified: string[] = [];
  /** Every host a connection test asked the cloud about (secrets as refs). */
  readonly cloudChecks: HostConfig[] = [];
  /** Set by a test to answer the cloud check itself (e.g. for Azure); otherwise the scripted EC2 answers. */
  scriptCloudCheck?: (host: HostConfig, secrets: SecretReader) => Promise<CheckResult>;
  /** Set by a test to deliver test notifications itself (e.g. through the real sinks). */
  scriptTestNotification?: (sink?: NotificationSinkName) => Promise<SinkResult[]>;
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

  emit(event: NewEvent): void {
    const full: ManagerEvent = { ...event, id: this.nextId++, at: event.at ?? this.now };
    this.log.push(full);
    for (const listener of this.listeners) listener(full);
  }

  advance(ms: number): void {
    this.now += ms;
  }

  private live(id: string): Live {
    return this.hosts.get(id) ?? { power: 'off', stage: 'off' };
  }

  setHost(id: string, change: Partial<Live>): void {
    this.hosts.set(id, { ...this.live(id), ...change });
  }

  state(): ManagerState {
    const config = this.configStore.load();
    const hosts: HostView[] = config.hosts.map((host) => {
      const live =
        host.protocol === 'rdp' ? { ...this.live(host.id), power: 'on' as const } : this.live(host.id);
      return {
        id: host.id,
        name: host.name ?? host.id,
        protocol: host.protocol,
        address: host.address,
        managed: host.protocol !== 'rdp',
        failed: live.stage === 'failed',
        maxSessions: host.maxSessions,
        runners: config.runners.filter((r) => r.host === host.id).map((r) => r.id),
        bootLeadMs: 95_000,
        ...live,
      };
    });
    const runners = config.runners.map((runner) => ({
      id: runner.id,
      hostId: runner.host,
      sessionMode: runner.sessionMode,
      online: this.live(runner.host).stage === 'runner-online',
      ...(this.demand.get(runner.id) ?? { queued: 0, running: 0 }),
    }));
    return {
      at: this.now,
      paused: this.paused,
      orchestrator: { status: 'ok', lastObservedAt: this.now },
      queueDepth: runners.reduce((sum, r) => sum + r.queued, 0),
      hostsOn: hosts.filter((h) => h.power === 'on' || h.power === 'starting').length,
      maxHostsOn: config.policy.maxHostsOn,
      hostsUnknown: hosts.filter((h) => h.protocol !== 'rdp' && h.power === 'unknown').length,
      hosts,
      runners,
      sessions: [...this.sessions.values()],
      ticks: this.log.length,
      lastTickAt: this.now,
      ...(this.coordination ? { coordination: this.coordination } : {}),
    };
  }

  counters(): ManagerCounters {
    return zeroCounters();
  }
  /** Host ids the operator retried, in order. */
  retried: string[] = [];
  async retry(hostIds: readonly string[]) {
    this.retried.push(...hostIds);
    for (const hostId of hostIds) {
      this.setHost(hostId, { stage: 'off', lastError: undefined });
      this.emit({ kind: 'info', severity: 'info', hostId, message: `Retry requested for ${hostId}` });
    }
    return [...hostIds];
  }

  async pause() {
    this.paused = true;
    this.emit({ kind: 'service.paused', severity: 'warning', message: 'Paused by the operator' });
  }
  async resume() {
    this.paused = false;
    this.emit({ kind: 'service.resumed', severity: 'info', message: 'Resumed by the operator' });
  }
  async tickNow() {}

  /** What history() answers, whatever the period (the API filters nothing itself); a test sets it. */
  historyRecords: HistoryRecords = emptyHistory();

  async history(): Promise<HistoryRecords> {
    return this.historyRecords;
  }

  async thumbnail(sessionKey: string, maxWidth: number): Promise<Uint8Array | undefined> {
    const session = this.sessions.get(sessionKey);
    if (!session || session.state !== 'open') return undefined;
    return picture(session, maxWidth);
  }

  /** Events that say they keep a screen have one: the session's picture, as it is now. */
  async eventScreen(eventId: number): Promise<Uint8Array | undefined> {
    const event = this.log.find((e) => e.id === eventId && e.data?.screen === true);
    const session = event?.sessionKey ? this.sessions.get(event.sessionKey) : undefined;
    return session ? picture(session, 640) : undefined;
  }

  /** The logon passes when something answers on the host's port (this fake has no RDP servers). */
  async checkHost(host: HostConfig, secrets: SecretReader): Promise<HostCheck> {
    const address = parseAddress(host.address);
    const answers = address !== undefined && (await portAnswers(address.port, address.host));
    const rdp: CheckResult = answers
      ? { ok: true, security: 'nla', logon: 'nla', detail: `logged on as ${host.user} (scripted)` }
      : { ok: false, kind: 'unreachable', error: `nothing answers at ${host.address}` };
    return { rdp, cloud: await this.checkCloud(host, secrets) };
  }

  private async checkCloud(host: HostConfig, secrets: SecretReader): Promise<CheckResult> {
    this.cloudChecks.push(structuredClone(host));
    if (this.scriptCloudCheck) return this.scriptCloudCheck(host, secrets);
    if (!host.aws) return { ok: true, skipped: true };
    if (host.aws.credentials === 'keychain' && !(await secrets.get(host.aws.secretAccessKey ?? '')))
      return { ok: false, error: 'no secret access key' };
    if (host.aws.instanceId !== knownInstanceId)
      return {
        ok: false,
        error: `InvalidInstanceID.NotFound: the instance ${host.aws.instanceId} does not exist in ${host.aws.region ?? 'the default region'}`,
      };
    return { ok: true, detail: `instance ${host.aws.instanceId} is stopped` };
  }

  async sendTestNotification(sink?: NotificationSinkName): Promise<SinkResult[]> {
    this.notified.push(sink ?? 'all');
    if (this.scriptTestNotification) return this.scriptTestNotification(sink);
    const config = this.configStore.load();
    const configured: NotificationSinkName[] = [];
    if (config.notifications.webhook) configured.push('webhook');
    if (config.notifications.email) configured.push('email');
    return (sink ? [sink] : configured).map((name) =>
      name === 'email'
        ? { sink: name, ok: false, error: 'SMTP server 127.0.0.1:1 refused the connection' }
        : { sink: name, ok: true },
    );
  }

  readonly trustCertificate = apiTrustOperation(new CertificateTrust(this.configStore), () =>
    this.configChanged(),
  );
  configChanged(): void {}

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A desktop-like picture of the session's screen (a gradient and a taskbar), at most maxWidth wide. */
function picture(session: { width: number; height: number }, maxWidth: number): Uint8Array {
  const width = Math.min(maxWidth, session.width);
  const height = Math.round((width * session.height) / session.width);
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const taskbar = y > height * 0.93;
      png.data[i] = taskbar ? 30 : 0;
      png.data[i + 1] = taskbar ? 30 : Math.round(90 + (80 * y) / height);
      png.data[i + 2] = taskbar ? 40 : Math.round(150 + (100 * x) / width);
      png.data[i + 3] = 255;
    }
  return new Uint8Array(PNG.sync.write(png));
}
