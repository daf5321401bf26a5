import type { Config } from '../config/schema.js';

/** The settings the desktop shell acts on, read from the config (the one source of truth). */
export interface AppSettings {
  startAtLogin: boolean;
  desktopNotifications: boolean;
  /** The orchestrator's URL: its host may be opened in the browser from the UI. */
  orchestratorServer?: string;
}

export function appSettings(config: Config): AppSettings {
  return {
    startAtLogin: config.app.startAtLogin,
    desktopNotifications: config.notifications.desktop,
    ...(config.orchestrator ? { orchestratorServer: config.orchestrator.server } : {}),
  };
}
