import type { ManagerPort } from '../api/manager-port.js';
import type { NotificationSink } from '../notifications/notification.js';

/**
 * What the desktop app needs from the service wiring (src-main/service/): the same function that
 * `run local` uses to build the core from the config and start the loop, so the app holds no copy
 * of that wiring. main.ts passes the real one in.
 */

export interface AppServiceOptions {
  /** The config file (resolveConfigPath()). */
  configPath: string;
  /** The app's rotating log file, in the platform's log dir. */
  logFile?: string;
  /**
   * Sinks the service's notification dispatcher adds to the configured ones: the desktop sink, so
   * desktop notifications go through the same decider and flap suppression as email and webhooks
   * (and sendTestNotification({ sink: 'desktop' }) reaches it).
   */
  extraSinks?: NotificationSink[];
  /** Where the event history is kept; default: the platform's data dir. */
  dataDir?: string;
}

export interface RunningAppService {
  /** The running manager, for the API (IPC), the tray and notifications. */
  port: ManagerPort;
  /** Stops the loop gracefully: in-flight actions finish, nothing is powered off. */
  stop(): Promise<void>;
}

export type CreateAppService = (options: AppServiceOptions) => Promise<RunningAppService>;
