import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ManagerPort } from '../api/manager-port.js';
import { startApiServer, type RunningApiServer } from '../api/server.js';
import { getOrCreateApiToken } from '../api/token.js';
import { ConfigStore, platformPaths } from '../config/config-store.js';
import type { Config } from '../config/schema.js';
import { EventLog } from '../core/event-log.js';
import { createTcpProbe } from '../core/readiness.js';
import { Reconciler } from '../core/reconciler.js';
import type { SessionDriver } from '../core/session-driver.js';
import { createPowerDriver, type PowerDriverDeps } from '../drivers/power/index.js';
import { createRdpSessionDriver } from '../drivers/session/rdp/index.js';
import { buildSinks } from '../notifications/build-sinks.js';
import { NotificationDispatcher } from '../notifications/dispatcher.js';
import type { NotificationSink } from '../notifications/notification.js';
import { openSecretStore } from '../secrets/open-secret-store.js';
import { HistoryStore } from '../history/history-store.js';
import { MonthSpendTracker, monthSpend, noSpend } from '../history/month-spend.js';
import { secretVersions } from '../secrets/secret-version.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { ConfigWatcher } from './config-watcher.js';
import { Counters, countingOrchestrator, countingPowerDriver } from './counters.js';
import { createLogger } from './logger.js';
import { CertificateTrust } from './certificate-trust.js';
import { PlanMemoryFile } from './plan-memory-file.js';
import { removeServiceFile, writeServiceFile } from './service-file.js';
import { createManagerPort } from './manager-port.js';
import { startCoordination } from './coordination.js';
import { OrchestratorSlot } from './orchestrator-slot.js';
import { ScreenEvidence } from './screen-evidence.js';

interface ServiceOptions {
  /** The config file (resolveConfigPath()). */
  configPath: string;
  /** Rotating log file; default: the platform's log dir. */
  logFile?: string;
  /** Also log to stdout (the service's journal). Default true. */
  logToStdout?: boolean;
  /** Where the event history is kept; default: the platform's data dir. */
  dataDir?: string;
  /** Serve the HTTP API and web console (config api.bind/port). Default true. */
  api?: boolean;
  /** Overrides config api.port (0 = any free port). */
  apiPort?: number;
  /** The web console's built files; default dist-renderer/ beside the sources, when built. */
  consoleDir?: string;
  /** Sinks added to the configured ones (the desktop app's notifier). */
  extraSinks?: NotificationSink[];
  /** Replaced only by tests that are not about the keychain or RDP. */
  secrets?: SecretStore;
  sessions?: SessionDriver;
  powerDeps?: Omit<PowerDriverDeps, 'secrets'>;
  logger?: Logger;
  /** Tick interval; default the orchestrator's pollSeconds. */
  intervalMs?: number;
}

export interface RunningService {
  port: ManagerPort;
  reconciler: Reconciler;
  api?: RunningApiServer;
  logger: Logger;
  /** Finishes in-flight actions and stops: nothing is powered off, sessions stay logged in on the hosts. */
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const defaultConsoleDir = () => path.resolve(import.meta.dirname ?? '.', '../../dist-renderer');

/**
 * Builds the whole core from the config and starts it: the one wiring used by `run local`, the demo
 * and the desktop app. On start it observes first, so busy runners' sessions reopen at once.
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const store = new ConfigStore(options.configPath);
  let config: Config = store.load(); // a broken file stops the start with ConfigError
  const dirs = platformPaths();
  const dataDir = options.dataDir ?? dirs.data;
  mkdirSync(dataDir, { recursive: true });
  const logger =
    options.logger ??
    createLogger({
      file: options.logFile ?? path.join(dirs.log, 'session-manager.log'),
      stdout: options.logToStdout ?? true,
    });
  const secrets = options.secrets ?? openSecretStore();
  // Fail closed before anything runs: without its secret store no secret can be read and the API has no token.
  await secrets.assertAvailable?.();
  const apiToken = await getOrCreateApiToken(secrets);
  const counters = new Counters();
  const events = await EventLog.open({
    file: path.join(dataDir, 'events.jsonl'),
    logger: logger.child({ module: 'events' }),
  });

  // Several instances sharing the fleet (config `coordination`): the hosts this one holds, known
  // before the first tick. The reconciler, made below, is reached through `late`.
  const late: { reconciler?: Reconciler } = {};
  const coordination = await startCoordination({
    config: () => config,
    secrets,
    state: () => late.reconciler?.state(),
    emit: (event) => events.append(event),
    tickNow: () => void late.reconciler?.tickNow(),
    takeUp: (taken) => late.reconciler?.takeUpMemory(taken),
    report: (problem) => events.append({ kind: 'info', severity: 'warning', message: problem }),
  }).catch(async (error: unknown) => {
    await events.flush();
    throw error;
  });

  const orchestrator = new OrchestratorSlot(secrets, (o) => countingOrchestrator(o, counters));
  orchestrator.configure(config.orchestrator);
  const powerDeps: PowerDriverDeps = { secrets, ...options.powerDeps };
  const powerDrivers = (['aws-ec2', 'azure-vm'] as const).map((protocol) =>
    countingPowerDriver(createPowerDriver(protocol, powerDeps), counters),
  );
  const sessions = options.sessions ?? createRdpSessionDriver(secrets);

  const dispatcher = new NotificationDispatcher({
    sinks: [...buildSinks(config.notifications, { secrets, orchestrator }), ...(options.extraSinks ?? [])],
    report: (event) => events.append(event),
  });
  // Pin on first use: the certificate a host presented at its first logon, unless one is pinned by then.
  const trust = new CertificateTrust(store);
  const pinOnFirstUse = (hostId: string, fingerprint: string) => {
    try {
      trust.pin(hostId, fingerprint, { onlyIfUnpinned: true });
    } catch (error) {
      logger.error({ hostId, err: error }, 'could not save the pinned certificate');
    }
  };
  events.subscribe((event) => {
    counters.onEvent(event);
    void dispatcher.handle(event);
    if (event.kind === 'certificate.pinned' && event.hostId && typeof event.data?.fingerprint === 'string')
      pinOnFirstUse(event.hostId, event.data.fingerprint);
  });

  const memoryFile = new PlanMemoryFile(options.configPath, (problem) =>
    events.append({ kind: 'info', severity: 'warning', message: problem }),
  );
  const memory = memoryFile.load();
  // The history of power, sessions and tasks (cost, what-if): one SQLite file beside the event log,
  // or, for several instances, the PostgreSQL they share (each writes what it holds).
  const history = coordination
    ? await HistoryStore.openPostgres(coordination.postgres).catch(async (error: unknown) => {
        await coordination.stop();
        await events.flush();
        throw error;
      })
    : await HistoryStore.openFile(path.join(dataDir, 'history.sqlite'));
  const pruneHistory = () =>
    history
      .prune(Date.now() - config.history.retentionDays * DAY_MS)
      .catch((error: unknown) => logger.error({ err: error }, 'could not prune the history'));
  void pruneHistory();
  const pruneTimer = setInterval(() => void pruneHistory(), HOUR_MS);
  pruneTimer.unref();
  events.subscribe((event) => {
    history
      .recordEvent(event)
      .catch((error: unknown) => logger.error({ err: error }, 'could not record an event in the history'));
  });
  // This month's spend for the monthly budget: read from the history once a budget is set (at start if
  // it is, not on every start), then kept per state.
  const pricesOf = (of: Config) =>
    new Map(
      of.hosts.flatMap((host) =>
        host.hourlyPrice === undefined ? [] : [[host.id, host.hourlyPrice] as const],
      ),
    );
  let spend: MonthSpendTracker | undefined;
  let spendRead: Promise<void> | undefined;
  const startSpend = () =>
    (spendRead ??= (async () => {
      const now = Date.now();
      const initial = await monthSpend(history, config, now).catch((error: unknown) => {
        logger.error({ err: error }, "could not read this month's spend from the history; counting from now");
        return noSpend(now);
      });
      spend = new MonthSpendTracker(initial, pricesOf(config));
    })());
  if (config.policy.monthlyBudget) await startSpend();
  // The screens kept with events about a desktop's health, beside the event log.
  const screens = new ScreenEvidence(path.join(dataDir, 'screens'), (problem) =>
    logger.error({ module: 'screens' }, problem),
  );
  const reconciler = new Reconciler({
    config,
    keepScreen: (eventId, png) => screens.save(eventId, png),
    ...(coordination ? { scope: coordination.coordinator } : {}),
    spend: () => {
      if (!config.policy.monthlyBudget) return undefined;
      void startSpend(); // a budget set since the start: its spend counts from the next ticks
      return spend?.current();
    },
    ...(memory ? { memory } : {}),
    onTick: async (tick) => {
      // Awaited: a save still running when the process stops would fail unseen and crash it.
      await memoryFile.save(tick.memory);
      await coordination?.saveMemory(tick.memory, config);
      await history.recordTick(
        { now: tick.at, snapshot: tick.snapshot, actions: tick.actions },
        coordination?.historyScope(),
      );
    },
    secretVersions: (refs) => secretVersions(secrets, refs),
    orchestrator,
    powerDrivers,
    sessions,
    readiness: createTcpProbe(),
    events,
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
  });
  late.reconciler = reconciler;
  // What the previous holders learned of the hosts this instance holds from the start.
  await coordination?.takeUpMemory([...coordination.coordinator.hosts()]);
  reconciler.onState((state) => {
    counters.onState(state);
    spend?.onState(state);
  });

  counters.setPrices(pricesOf(config));
  const applyConfig = (next: Config) => {
    config = next;
    counters.setPrices(pricesOf(next));
    spend?.setPrices(pricesOf(next));
    orchestrator.configure(next.orchestrator);
    dispatcher.setSinks([
      ...buildSinks(next.notifications, { secrets, orchestrator }),
      ...(options.extraSinks ?? []),
    ]);
    reconciler.setConfig(next);
  };
  const watcher = new ConfigWatcher(
    store,
    {
      changed: (next) => {
        applyConfig(next); // the reconciler reports the reload as an event
        void reconciler.tickNow();
      },
      rejected: (error) =>
        events.append({
          kind: 'config.rejected',
          severity: 'error',
          message: `The config file was changed but is invalid; the last good config stays in force. ${error.problems.join('; ')}`,
        }),
    },
    200,
    config,
  );
  watcher.start();

  const port = createManagerPort({
    reconciler,
    history,
    events,
    counters,
    sessions,
    screens,
    secrets,
    store,
    dispatcher,
    powerDeps,
    onConfigChanged: () => watcher.reload(),
  });
  let api: RunningApiServer | undefined;
  if (options.api ?? true) {
    const consoleDir = options.consoleDir ?? defaultConsoleDir();
    try {
      api = await startApiServer({
        port,
        token: apiToken,
        bind: config.api.bind,
        listenPort: options.apiPort ?? config.api.port,
        ...(existsSync(path.join(consoleDir, 'index.html')) ? { staticDir: consoleDir } : {}),
      });
    } catch (error) {
      // E.g. the port is taken: nothing may be left running (the loop has not started yet).
      watcher.stop();
      clearInterval(pruneTimer);
      dispatcher.dispose();
      await sessions.dispose();
      await orchestrator.close();
      await coordination?.stop();
      await events.flush();
      await history.close();
      throw error;
    }
    logger.info({ url: api.url }, 'HTTP API listening');
    writeServiceFile(options.configPath, api.url);
  }
  // The loop starts once everything it reports to is up.
  reconciler.start();

  let stopping: Promise<void> | undefined;
  return {
    port,
    reconciler,
    api,
    logger,
    stop: () =>
      (stopping ??= (async () => {
        // The reconciler records the stop itself ("finishing actions in flight; hosts are left as they are").
        watcher.stop();
        await api?.close();
        if (api) removeServiceFile(options.configPath);
        await reconciler.stop();
        await coordination?.stop(); // its leases given back: another instance takes the hosts at once
        clearInterval(pruneTimer);
        dispatcher.dispose();
        await sessions.dispose();
        await orchestrator.close();
        await events.flush();
        await spendRead;
        await history.close();
        logger.flush?.();
      })()),
  };
}

/** Trust on first use: the fingerprint the driver pinned goes into the config, unless one is there already. */
