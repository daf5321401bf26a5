import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, ipcMain, session } from 'electron';
import { platformPaths, resolveConfigPath } from '../config/config-store.js';
import { createLogger } from '../service/logger.js';
import { DesktopShell } from './desktop-shell.js';
import { registerIpcHandlers, type IpcHandlers } from './ipc/ipc-handlers.js';
import { applyLoginItem } from './login-item/apply-login-item.js';
import { hiddenFlag, type LoginItemEnv } from './login-item/login-item.js';
import { DesktopSink } from '../notifications/sinks/desktop.js';
import { settingsGatedNotifier } from './notifications/desktop-notifier.js';
import { electronNotice } from './notifications/electron-notifier.js';
import { externalAllowList } from './security/navigation.js';
import { createAppService } from './service-wiring.js';
import { createElectronTray } from './tray/electron-tray.js';
import { appIconPath } from './tray/tray-icons.js';
import { AppWindow } from './window/app-window.js';
import { hardenSession, hardenWebContents } from './window/harden.js';

/**
 * Electron main: the thin edge. Everything it does is decided in plain modules (desktop-shell.ts,
 * tray/, ipc/, security/, login-item/); this file only hands them Electron's objects.
 */

if (!app.requestSingleInstanceLock()) {
  // Another instance runs the loop already; it opens its window (second-instance below).
  app.quit();
} else {
  start();
}

function start(): void {
  const root = app.getAppPath();
  const assetsDir = path.join(root, 'assets');
  const rendererDir = path.join(root, 'dist-renderer');
  const indexHtml = path.join(rendererDir, 'index.html');
  const pageUrl = pathToFileURL(indexHtml).href;
  const rendererDirUrl = pathToFileURL(rendererDir + path.sep).href;
  const logger = createLogger({
    file: path.join(platformPaths().log, 'desktop.log'),
    stdout: !app.isPackaged,
  });
  const log = {
    info: (message: string) => logger.info(message),
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.error(message),
  };

  let ipc: IpcHandlers | undefined;
  let shell: DesktopShell | undefined;
  const window = new AppWindow({
    indexHtml,
    preloadPath: path.join(root, 'dist-app', 'preload.cjs'),
    iconPath: appIconPath(assetsDir),
    devTools: !app.isPackaged,
    isQuitting: () => shell?.quit.quitting ?? false,
    onContentsGone: (id) => ipc?.closeSubscriptions(id),
  });
  const hardening = {
    pageUrl,
    rendererDirUrl,
    allowList: () => externalAllowList(shell?.currentSettings.orchestratorServer),
    log: log.warn,
  };
  const loginEnv: LoginItemEnv = {
    platform: process.platform,
    execPath: process.execPath,
    ...(app.isPackaged ? {} : { appPath: root }),
    ...(process.env.APPIMAGE ? { appImage: process.env.APPIMAGE } : {}),
    homeDir: os.homedir(),
    ...(process.env.XDG_CONFIG_HOME ? { xdgConfigHome: process.env.XDG_CONFIG_HOME } : {}),
  };

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, hardening));
  app.on('second-instance', () => window.open());
  app.on('activate', () => window.open());
  // The app lives in the tray: closing the window does not quit it.
  app.on('window-all-closed', () => undefined);

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession, hardening);
    const tray = createElectronTray({
      assetsDir,
      platform: process.platform,
      onCommand: (command) => void shell?.tray.run(command),
      onClick: () => window.open(),
    });
    // Desktop notifications go through the service's dispatcher, like email and webhooks.
    const desktopSink = new DesktopSink(
      settingsGatedNotifier(
        electronNotice({ iconPath: appIconPath(assetsDir), onClick: () => window.open() }),
        () => shell?.currentSettings.desktopNotifications ?? false,
      ),
    );
    const desktop = new DesktopShell({
      createService: createAppService,
      serviceOptions: {
        configPath: resolveConfigPath(),
        logFile: path.join(platformPaths().log, 'service.log'),
        extraSinks: [desktopSink],
      },
      trayView: tray,
      openWindow: () => window.open(),
      applyLoginItem: (enabled) =>
        applyLoginItem(enabled, loginEnv, {
          setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
        }),
      quitApp: () => app.quit(),
      log,
    });
    shell = desktop;
    app.on('before-quit', (event) => desktop.quit.beforeQuit(() => event.preventDefault()));
    await desktop.start();
    ipc = registerIpcHandlers({
      ipcMain,
      api: desktop.api,
      trustedSender: () => {
        const id = window.webContentsId;
        return id === undefined ? undefined : { webContentsId: id, pageUrl };
      },
      afterOperation: (name) => {
        if (name === 'updateSettings') void desktop.reloadSettings();
        desktop.tray.refresh();
      },
      onRefused: (channel, reason) => log.warn(`IPC ${channel} refused: ${reason}`),
    });
    // State changes between events (a tick, a countdown) reach the tray within a few seconds.
    setInterval(() => desktop.tray.refresh(), 5_000).unref();
    const openedAtLogin =
      process.argv.includes(hiddenFlag) ||
      (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
    if (!openedAtLogin) window.open();
  });
}
