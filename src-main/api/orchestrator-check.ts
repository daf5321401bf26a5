import type { Config } from '../config/schema.js';
import { computeDemand } from '../core/demand.js';
import type { ObservedTask } from '../core/orchestrator.js';
import { BotCityError, createBotCityOrchestrator } from '../orchestrators/botcity/index.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { OrchestratorReport } from './orchestrator-report.js';

export interface OrchestratorCheckOptions {
  timeoutMs: number;
  now?: () => number;
}

/**
 * The orchestrator check behind the API's testOrchestrator and the CLI's `orchestrator test`: asks the
 * server's version, logs in, reads the queue once, and counts it per configured runner. Never throws
 * for what the server does: a failed step is in the report (`step`, `kind`, `reason`).
 */
export async function checkOrchestrator(
  config: Config,
  secrets: SecretStore,
  options: OrchestratorCheckOptions,
): Promise<OrchestratorReport | undefined> {
  const settings = config.orchestrator;
  if (!settings) return undefined;
  const now = options.now ?? Date.now;
  const client = createBotCityOrchestrator(settings, secrets, {
    timeoutMs: options.timeoutMs,
    maxAttempts: 2,
    now,
  });
  const report: OrchestratorReport = { ok: false, server: settings.server, login: settings.login };
  const failed = (step: NonNullable<OrchestratorReport['step']>, error: unknown): OrchestratorReport => ({
    ...report,
    step,
    kind: error instanceof BotCityError ? error.kind : 'http',
    reason: error instanceof Error ? error.message : String(error),
  });

  try {
    report.version = await client.version();
  } catch (error) {
    return failed('version', error);
  }
  try {
    report.organization = await client.connect();
  } catch (error) {
    return failed('login', error);
  }
  const observation = await client.observe(now());
  if (!observation.complete)
    return failed(
      'queue',
      client.lastFailure ?? new BotCityError('http', observation.problem ?? 'incomplete'),
    );

  const demand = computeDemand(observation.tasks, { runners: config.runners, leadFor: () => 0, now: now() });
  const busy = observation.tasks.filter((task) => task.state === 'busy');
  const count = (tasks: ObservedTask[], runnerId: string | undefined, status: (status: string) => boolean) =>
    tasks.filter((task) => (runnerId === undefined || task.runnerId === runnerId) && status(task.status))
      .length;
  const isRunning = (status: string) => status === 'RUNNING';
  const isTimedOut = (status: string) => status === 'TIMEOUT';
  const isOther = (status: string) => !isRunning(status) && !isTimedOut(status);
  return {
    ...report,
    ok: true,
    runners: config.runners.map((runner) => {
      const queue = demand.byRunner.get(runner.id);
      return {
        id: runner.id,
        online: observation.runnersOnline[runner.id] ?? null,
        type: observation.runnerTypes?.[runner.id] ?? null,
        queued: (queue?.queued ?? 0) + (queue?.deferred ?? 0),
        running: count(busy, runner.id, isRunning),
        timedOut: count(busy, runner.id, isTimedOut),
        otherBusy: count(busy, runner.id, isOther),
      };
    }),
    queuedTotal: demand.queuedTotal,
    runningTotal: count(busy, undefined, isRunning),
    timedOutTotal: count(observation.tasks, undefined, isTimedOut),
    ...(observation.skipped ? { skipped: observation.skipped } : {}),
    ...(observation.refusedStates?.length ? { refusedStates: observation.refusedStates } : {}),
    ...(observation.warnings?.length ? { warnings: observation.warnings } : {}),
  };
}
