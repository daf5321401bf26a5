import type { ManagerPort, NotificationSinkName } from '../api/manager-port.js';
import type { ConfigStore } from '../config/config-store.js';
import type { EventLog } from '../core/event-log.js';
import type { HistoryStore } from '../history/history-store.js';
import type { Reconciler } from '../core/reconciler.js';
import type { SessionDriver } from '../core/session-driver.js';
import type { PowerDriverDeps } from '../drivers/power/index.js';
import type { NotificationDispatcher } from '../notifications/dispatcher.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { apiTrustOperation, CertificateTrust } from './certificate-trust.js';
import { checkHost } from './connection-checks.js';
import type { Counters } from './counters.js';
import type { ScreenEvidence } from './screen-evidence.js';

interface ManagerPortParts {
  reconciler: Reconciler;
  history: HistoryStore;
  events: EventLog;
  counters: Counters;
  sessions: SessionDriver;
  screens: ScreenEvidence;
  secrets: SecretStore;
  store: ConfigStore;
  dispatcher: NotificationDispatcher;
  powerDeps: PowerDriverDeps;
  /** Replaced by tests whose hosts are not real RDP servers. */
  checkHost?: typeof checkHost;
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
    history: (from, to) => parts.history.read(from, to),
    thumbnail: (key, maxWidth) => parts.sessions.thumbnail(key, maxWidth),
    eventScreen: (eventId) => parts.screens.read(eventId),
    checkHost: (host, secrets) => (parts.checkHost ?? checkHost)(host, secrets, parts.powerDeps),
    sendTestNotification: (sink?: NotificationSinkName) => parts.dispatcher.sendTest(sink),
    trustCertificate: apiTrustOperation(trust, () => parts.onConfigChanged()),
    configStore: parts.store,
    secrets: parts.secrets,
    // A saved change resets nothing by itself: a changed credential or pinned certificate unblocks
    // what used it because plan compares them (see policies/sessions.ts).
    configChanged: () => parts.onConfigChanged(),
  };
}
