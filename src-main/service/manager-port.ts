import type { CheckResult, ManagerPort, NotificationSinkName, SecretReader } from '../api/manager-port.js';
import type { ConfigStore } from '../config/config-store.js';
import type { HostConfig } from '../config/schema.js';
import type { EventLog } from '../core/event-log.js';
import type { Reconciler } from '../core/reconciler.js';
import type { SessionDriver } from '../core/session-driver.js';
import { createPowerDriver, type PowerDriverDeps } from '../drivers/power/index.js';
import type { NotificationDispatcher } from '../notifications/dispatcher.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { apiTrustOperation, CertificateTrust } from './certificate-trust.js';
import type { Counters } from './counters.js';

interface ManagerPortParts {
  reconciler: Reconciler;
  events: EventLog;
  counters: Counters;
  sessions: SessionDriver;
  secrets: SecretStore;
  store: ConfigStore;
  dispatcher: NotificationDispatcher;
  powerDeps: PowerDriverDeps;
  onConfigChanged(): void;
}

const HISTORY_LIMIT = 10_000;

/** The running service as the API (HTTP and IPC) sees it. */
export function createManagerPort(parts: ManagerPortParts): ManagerPort {
  // The certificate each host last presented and that was refused, as the session driver says.
  const presented = new Map<string, string>();
  parts.sessions.onChange((status) => {
    if (status.error?.presentedFingerprint) presented.set(status.hostId, status.error.presentedFingerprint);
  });
  const trust = new CertificateTrust(parts.store, (hostId) => presented.get(hostId));

  return {
    state: () => parts.reconciler.state(),
    events: {
      history: () => parts.events.list({ limit: HISTORY_LIMIT }),
      subscribe: (listener) => parts.events.subscribe(listener),
    },
    counters: () => parts.counters.snapshot(),
    retry: async (hostIds) => {
      for (const hostId of hostIds) parts.reconciler.retry(hostId);
      if (hostIds.length > 0) void parts.reconciler.tickNow();
      return [...hostIds];
    },
    pause: async () => parts.reconciler.pause(),
    resume: async () => parts.reconciler.resume(),
    tickNow: async () => {
      await parts.reconciler.tickNow();
    },
    thumbnail: (key, maxWidth) => parts.sessions.thumbnail(key, maxWidth),
    checkCloud: (host, secrets) => checkCloud(host, secrets, parts.powerDeps),
    sendTestNotification: (sink?: NotificationSinkName) => parts.dispatcher.sendTest(sink),
    trustCertificate: apiTrustOperation(trust, () => parts.onConfigChanged()),
    configStore: parts.store,
    secrets: parts.secrets,
    // A saved change resets nothing by itself: a changed credential or pinned certificate unblocks
    // what used it because plan compares them (see policies/sessions.ts).
    configChanged: () => parts.onConfigChanged(),
  };
}

/** Reads the host's instance through its own driver with the candidate secrets: proves credentials and id. */
async function checkCloud(
  host: HostConfig,
  secrets: SecretReader,
  deps: PowerDriverDeps,
): Promise<CheckResult> {
  if (host.protocol === 'rdp')
    return { ok: true, skipped: true, detail: 'an RDP host has no cloud credentials' };
  const store: SecretStore = { get: (ref) => secrets.get(ref), set: async () => {}, delete: async () => {} };
  const driver = createPowerDriver(host.protocol, { ...deps, secrets: store });
  try {
    const observation = await driver.observe([host]);
    const power = observation.hosts.get(host.id);
    if (!power || power.state === 'unknown')
      return { ok: false, error: observation.problems[0] ?? 'the cloud did not report this host' };
    if (power.state === 'gone')
      return {
        ok: false,
        error: `the ${host.protocol === 'aws-ec2' ? 'instance' : 'VM'} does not exist (${power.detail ?? 'gone'})`,
      };
    return {
      ok: true,
      detail: `${host.protocol === 'aws-ec2' ? host.aws?.instanceId : host.azure?.vmName} is ${power.detail ?? power.state}${power.managed ? ' (managed)' : ''}`,
    };
  } finally {
    (driver as { close?: () => void }).close?.();
  }
}
