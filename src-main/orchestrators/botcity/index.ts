import type { OrchestratorConfig } from '../../config/schema.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { BotCityOrchestrator, type ObserveOptions } from './client.js';
import { HttpClient, type HttpOptions } from './http.js';
import { BotCitySession } from './session.js';

export { BotCityError, type BotCityErrorKind } from './errors.js';

export interface BotCityOptions extends Omit<HttpOptions, 'baseUrl'>, Partial<ObserveOptions> {
  /** The clock for token age (tests inject one). */
  now?: () => number;
  maxTokenAgeMs?: number;
  loginRetryMs?: number;
}

/** Builds the BotCity client from the config's orchestrator section; the key is read from `secrets` at login. */
export function createBotCityOrchestrator(
  config: OrchestratorConfig,
  secrets: SecretStore,
  options: BotCityOptions = {},
): BotCityOrchestrator {
  const now = options.now ?? Date.now;
  const http = new HttpClient({ ...options, baseUrl: config.server, now });
  const session = new BotCitySession(http, {
    login: config.login,
    keyRef: config.key,
    secrets,
    now,
    ...(options.maxTokenAgeMs !== undefined ? { maxTokenAgeMs: options.maxTokenAgeMs } : {}),
    ...(options.loginRetryMs !== undefined ? { loginRetryMs: options.loginRetryMs } : {}),
  });
  return new BotCityOrchestrator(http, session, {
    pageSize: options.pageSize ?? 1000,
    maxPages: options.maxPages ?? 200,
    scheduleRefreshMs: options.scheduleRefreshMs ?? 5 * 60_000,
    scheduleHorizonMs: options.scheduleHorizonMs ?? 2 * 60 * 60_000,
  });
}
