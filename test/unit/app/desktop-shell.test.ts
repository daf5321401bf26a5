import { afterEach, describe, expect, it } from 'vitest';
import { DesktopShell } from '../../../src-main/app/desktop-shell.js';
import type { AppServiceOptions, RunningAppService } from '../../../src-main/app/service-factory.js';
import type { TrayModel } from '../../../src-main/app/tray/tray-menu.js';
import { baseState, FakeManager } from './fakes.js';

function setup(options: { fail?: string } = {}) {
  const manager = new FakeManager();
  const log: string[] = [];
  const shown: TrayModel[] = [];
  const loginItems: boolean[] = [];
  const created: AppServiceOptions[] = [];
  let stops = 0;
  let quits = 0;
  let windows = 0;
  const timers: (() => void)[] = [];
  const shell = new DesktopShell({
    createService: async (serviceOptions): Promise<RunningAppService> => {
      created.push(serviceOptions);
      if (options.fail) throw new Error(options.fail);
      return { port: manager, stop: async () => void stops++ };
    },
    serviceOptions: { configPath: manager.configStore.path },
    trayView: { show: (model) => shown.push(model) },
    openWindow: () => void windows++,
    applyLoginItem: async (enabled) => void loginItems.push(enabled),
    quitApp: () => {
      quits++;
      shell.quit.beforeQuit(() => undefined);
    },
    log: {
      info: (m) => log.push(`info: ${m}`),
      warn: (m) => log.push(`warn: ${m}`),
      error: (m) => log.push(`error: ${m}`),
    },
    setTimer: (callback) => timers.push(callback),
  });
  return {
    manager,
    shell,
    log,
    shown,
    loginItems,
    created,
    counts: () => ({ stops, quits, windows }),
  };
}

describe('desktop shell', () => {
  const managers: FakeManager[] = [];
  afterEach(() => {
    for (const manager of managers.splice(0)) manager.dispose();
  });

  it('starts the service through the shared wiring and shows its state in the tray', async () => {
    const { shell, manager, shown, created, loginItems } = setup();
    managers.push(manager);
    await shell.start();
    expect(created).toEqual([{ configPath: manager.configStore.path }]);
    expect(shown.at(-1)?.status).toBe('idle');
    // The config says no start at login: the OS is brought in line with it once.
    expect(loginItems).toEqual([false]);
    expect(await shell.api.getState()).toMatchObject({ ticks: 3 });
  });

  it('refreshes the tray on each event', async () => {
    const { shell, manager, shown } = setup();
    managers.push(manager);
    await shell.start();
    manager.current = baseState({ hosts: [], queueDepth: 2 });
    manager.emit({ kind: 'host.starting', severity: 'info', message: 'starting' });
    expect(shown.at(-1)?.status).toBe('active');
  });

  it('tray commands reach the loop: pause, resume, tick now, open', async () => {
    const { shell, manager, shown, counts } = setup();
    managers.push(manager);
    await shell.start();
    await shell.tray.run('pause');
    expect(shown.at(-1)?.status).toBe('attention');
    await shell.tray.run('resume');
    await shell.tray.run('tick-now');
    await shell.tray.run('retry-all');
    await shell.tray.run('open');
    expect(manager.calls).toEqual(['pause', 'resume', 'tickNow', 'retry']);
    expect(counts().windows).toBe(1);
  });

  it('start at login from the tray: written to the config, applied to the OS, checked in the menu', async () => {
    const { shell, manager, shown, loginItems } = setup();
    managers.push(manager);
    await shell.start();
    await shell.tray.run('toggle-start-at-login');
    expect(manager.configStore.load().app.startAtLogin).toBe(true);
    expect(loginItems).toEqual([false, true]);
    const checkbox = shown.at(-1)?.menu.find((item) => item.kind === 'checkbox');
    expect(checkbox).toMatchObject({ checked: true });
    await shell.tray.run('toggle-start-at-login');
    expect(manager.configStore.load().app.startAtLogin).toBe(false);
    expect(loginItems).toEqual([false, true, false]);
  });

  it('a settings change from the UI or a config reload is applied too', async () => {
    const { shell, manager, loginItems } = setup();
    managers.push(manager);
    await shell.start();
    await shell.api.updateSettings({ app: { startAtLogin: true }, notifications: { desktop: false } });
    await shell.reloadSettings();
    expect(shell.currentSettings).toMatchObject({ startAtLogin: true, desktopNotifications: false });
    manager.configStore.update((config) => ({ ...config, app: { startAtLogin: false } }));
    manager.emit({ kind: 'config.reloaded', severity: 'info', message: 'reloaded' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(loginItems).toEqual([false, true, false]);
  });

  it('quit stops the loop gracefully and then quits, powering nothing off', async () => {
    const { shell, manager, counts, shown } = setup();
    managers.push(manager);
    await shell.start();
    await shell.tray.run('quit');
    expect(shown.at(-1)?.menu[0]).toEqual({ kind: 'label', label: 'Stopping… (nothing is powered off)' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(counts()).toMatchObject({ stops: 1 });
    expect(counts().quits).toBe(2); // the tray's Quit, then the real quit once the loop stopped
    expect(manager.calls).toEqual([]); // no pause, no tick, nothing else was asked of the manager
    expect(manager.listenerCount()).toBe(0);
  });

  it('a service that cannot start: error in the tray, every API call "unavailable", quit still works', async () => {
    const { shell, shown, log, loginItems, counts, manager } = setup({ fail: 'Invalid config file /x: bad' });
    managers.push(manager);
    await shell.start();
    expect(shown.at(-1)?.status).toBe('error');
    expect(shown.at(-1)?.tooltip).toContain('Invalid config file /x: bad');
    await expect(shell.api.getState()).rejects.toMatchObject({ code: 'unavailable' });
    expect(log).toEqual(['error: the service did not start: Invalid config file /x: bad']);
    expect(loginItems).toEqual([]);
    await shell.tray.run('quit');
    await new Promise((resolve) => setImmediate(resolve));
    expect(counts()).toMatchObject({ stops: 0, quits: 2 });
  });
});
