import { startService } from '../service/service.js';
import type { CreateAppService } from './service-factory.js';

/**
 * The desktop app's service: startService, the same wiring as `run local` (no copy of it here).
 * The window speaks IPC, so the app starts no HTTP API (no port to collide with a headless service
 * on the same machine) and logs to its file only.
 */
export const createAppService: CreateAppService = async (options) => {
  const service = await startService({
    configPath: options.configPath,
    api: false,
    logToStdout: false,
    ...(options.logFile !== undefined ? { logFile: options.logFile } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.extraSinks !== undefined ? { extraSinks: options.extraSinks } : {}),
  });
  return { port: service.port, stop: () => service.stop() };
};
