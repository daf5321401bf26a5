import type { SessionManagerApi } from '../api/contract.js';
import { createSessionManagerApi } from '../api/handlers.js';
import type { ManagerEvent } from '../core/events.js';
import { appSettings, type AppSettings } from './app-settings.js';
import { QuitController } from './quit-controller.js';
import type { AppServiceOptions, CreateAppService, RunningAppService } from './service-factory.js';
import { TrayController, type TrayView } from './tray/tray-controller.js';
import type { TrayCommand } from './tray/tray-menu.js';
import { unavailableApi } from './unavailable-api.js';

/**
 * The desktop app's behaviour, without Electron: starts the service through the shared wiring, keeps
 * the tray in step, applies start-at-login from the config, passes events to the desktop
 * notifications, and quits gracefully. main.ts gives it the Electron pieces.
 */

interface ShellLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

interface DesktopShellDeps {
  createService: CreateAppService;
  serviceOptions: AppServiceOptions;
  trayView: TrayView;
  openWindow(): void;
  /** Registers or removes the login item (apply-login-item.ts). */
  applyLoginItem(enabled: boolean): Promise<void>;
  /** app.quit() */
  quitApp(): void;
  log: ShellLog;
  setTimer?(callback: () => void, ms: number): unknown;
  quitGraceMs?: number;
}

export class DesktopShell {
  readonly tray: TrayController;
  readonly quit: QuitController;
  private service: RunningAppService | undefined;
  private problem: string | undefined;
  private settings: AppSettings = { startAtLogin: false, desktopNotifications: true };
  private appliedLoginItem: boolean | undefined;
  private unsubscribe: (() => void) | undefined;
  private apiInstance: SessionManagerApi = unavailableApi('starting');

  constructor(private readonly deps: DesktopShellDeps) {
    this.quit = new QuitController({
      stopService: () => this.stop(),
      quit: deps.quitApp,
      onStopping: () => this.tray.refresh(),
      onError: (error) => deps.log.error(`stopping the service failed: ${message(error)}`),
      ...(deps.setTimer ? { setTimer: deps.setTimer } : {}),
      ...(deps.quitGraceMs !== undefined ? { graceMs: deps.quitGraceMs } : {}),
    });
    this.tray = new TrayController({
      view: deps.trayView,
      input: () => ({
        state: this.service?.port.state(),
        ...(this.problem !== undefined ? { problem: this.problem } : {}),
        startAtLogin: this.settings.startAtLogin,
        quitting: this.quit.quitting,
      }),
      handlers: {
        openWindow: deps.openWindow,
        pause: () => this.api.pause(),
        resume: () => this.api.resume(),
        tickNow: () => this.api.tickNow(),
        retryAll: () => this.api.retryAllHosts(),
        setStartAtLogin: (enabled) => this.setStartAtLogin(enabled),
        quit: deps.quitApp,
      },
      onError: (command: TrayCommand, error) => deps.log.warn(`tray ${command} failed: ${message(error)}`),
    });
  }

  /** The API the window's IPC handlers serve (answers "unavailable" if the service did not start). */
  get api(): SessionManagerApi {
    return this.apiInstance;
  }

  get currentSettings(): AppSettings {
    return this.settings;
  }

  async start(): Promise<void> {
    try {
      this.service = await this.deps.createService(this.deps.serviceOptions);
      this.apiInstance = createSessionManagerApi(this.service.port);
      this.problem = undefined;
    } catch (error) {
      this.problem = message(error);
      this.apiInstance = unavailableApi(this.problem);
      this.deps.log.error(`the service did not start: ${this.problem}`);
    }
    const port = this.service?.port;
    if (port) {
      this.unsubscribe = port.events.subscribe((event) => this.onEvent(event));
      await this.reloadSettings();
    }
    this.tray.refresh();
  }

  /** Re-reads the settings and applies what changed (after updateSettings, a config reload, the tray). */
  async reloadSettings(): Promise<void> {
    const port = this.service?.port;
    if (!port) return;
    try {
      this.settings = appSettings(port.configStore.load());
    } catch (error) {
      // A broken file keeps the last good settings (the service reports the file itself).
      this.deps.log.warn(`settings not reloaded: ${message(error)}`);
      return;
    }
    if (this.appliedLoginItem !== this.settings.startAtLogin) {
      try {
        await this.deps.applyLoginItem(this.settings.startAtLogin);
        this.appliedLoginItem = this.settings.startAtLogin;
      } catch (error) {
        this.deps.log.warn(`start at login not applied: ${message(error)}`);
      }
    }
    this.tray.refresh();
  }

  /** The tray's checkbox: written to the config like any settings change, then applied. */
  async setStartAtLogin(enabled: boolean): Promise<void> {
    await this.api.updateSettings({ app: { startAtLogin: enabled } });
    await this.reloadSettings();
  }

  private onEvent(event: ManagerEvent): void {
    this.tray.refresh();
    if (event.kind === 'config.reloaded') void this.reloadSettings();
  }

  private async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const service = this.service;
    if (service) await service.stop();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
