import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyLoginItem } from '../../../src-main/app/login-item/apply-login-item.js';
import {
  autostartFile,
  desktopEntry,
  execArgument,
  loginItemPlan,
  type ElectronLoginItemSettings,
  type LoginItemEnv,
} from '../../../src-main/app/login-item/login-item.js';
import {
  autostartEntryEnabled,
  writeAutostartEntry,
} from '../../../src-main/app/login-item/xdg-autostart.js';

const windows: LoginItemEnv = {
  platform: 'win32',
  execPath: 'C:\\Program Files\\Session Manager\\Session Manager.exe',
  homeDir: 'C:\\Users\\ana',
};
const mac: LoginItemEnv = {
  platform: 'darwin',
  execPath: '/Applications/Session Manager.app/Contents/MacOS/Session Manager',
  homeDir: '/Users/ana',
};

describe('login item on Windows and macOS: app.setLoginItemSettings', () => {
  async function settingsFor(enabled: boolean, env: LoginItemEnv) {
    const calls: ElectronLoginItemSettings[] = [];
    const writes: string[] = [];
    await applyLoginItem(enabled, env, {
      setLoginItemSettings: (settings) => calls.push(settings),
      writeAutostart: async (file) => void writes.push(file),
    });
    expect(writes).toEqual([]);
    return calls;
  }

  it('Windows: the packaged executable, started hidden; turned off with the same path and args', async () => {
    expect(await settingsFor(true, windows)).toEqual([
      { openAtLogin: true, path: windows.execPath, args: ['--hidden'] },
    ]);
    expect(await settingsFor(false, windows)).toEqual([
      { openAtLogin: false, path: windows.execPath, args: ['--hidden'] },
    ]);
  });

  it('Windows, not packaged: electron is given the app folder first', async () => {
    const dev = {
      ...windows,
      execPath: 'C:\\repo\\node_modules\\electron\\dist\\electron.exe',
      appPath: 'C:\\repo',
    };
    expect(await settingsFor(true, dev)).toEqual([
      { openAtLogin: true, path: dev.execPath, args: ['C:\\repo', '--hidden'] },
    ]);
  });

  it('macOS: only openAtLogin (the app bundle registers itself; no arguments there)', async () => {
    expect(await settingsFor(true, mac)).toEqual([{ openAtLogin: true }]);
    expect(await settingsFor(false, mac)).toEqual([{ openAtLogin: false }]);
  });
});

describe('login item on Linux: an XDG autostart entry', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('lives in $XDG_CONFIG_HOME/autostart, or ~/.config/autostart when that is unset or relative', () => {
    expect(autostartFile({ homeDir: '/home/ana' })).toBe(
      '/home/ana/.config/autostart/session-manager.desktop',
    );
    expect(autostartFile({ homeDir: '/home/ana', xdgConfigHome: '/cfg' })).toBe(
      '/cfg/autostart/session-manager.desktop',
    );
    expect(autostartFile({ homeDir: '/home/ana', xdgConfigHome: 'relative/cfg' })).toBe(
      '/home/ana/.config/autostart/session-manager.desktop',
    );
  });

  it('a deb install: runs the installed binary hidden', () => {
    const plan = loginItemPlan(true, {
      platform: 'linux',
      execPath: '/opt/Session Manager/session-manager',
      homeDir: '/home/ana',
    });
    expect(plan).toEqual({
      kind: 'xdg',
      file: '/home/ana/.config/autostart/session-manager.desktop',
      content: [
        '[Desktop Entry]',
        'Type=Application',
        'Version=1.5',
        'Name=Session Manager',
        "Comment=Powers on your RPA runners' hosts and keeps their sessions connected",
        'Exec="/opt/Session Manager/session-manager" --hidden',
        'Icon=session-manager',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    });
  });

  it('an AppImage: the entry points at the AppImage file, not its temporary mount', () => {
    const plan = loginItemPlan(true, {
      platform: 'linux',
      execPath: '/tmp/.mount_SessioXYZ/session-manager',
      appImage: '/home/ana/Apps/Session-Manager-0.1.0.AppImage',
      homeDir: '/home/ana',
    });
    expect(plan.kind === 'xdg' && plan.content).toContain(
      'Exec=/home/ana/Apps/Session-Manager-0.1.0.AppImage --hidden\n',
    );
  });

  it('turning it off removes the entry', () => {
    expect(loginItemPlan(false, { platform: 'linux', execPath: '/x', homeDir: '/home/ana' })).toEqual({
      kind: 'xdg',
      file: '/home/ana/.config/autostart/session-manager.desktop',
    });
  });

  it.each([
    ['/usr/bin/session-manager', '/usr/bin/session-manager'],
    ['/opt/My App/app', '"/opt/My App/app"'],
    ['/opt/a"b/app', '"/opt/a\\\\"b/app"'],
    ['/opt/$HOME/app', '"/opt/\\\\$HOME/app"'],
    ['/opt/100%/app', '/opt/100%%/app'],
    ['C:\\x', '"C:\\\\\\\\x"'],
    ['', '""'],
  ])('quotes %j for the Exec key as %s', (arg, quoted) => {
    expect(execArgument(arg)).toBe(quoted);
  });

  it('refuses a path with a line break (it would inject keys)', () => {
    expect(() => desktopEntry(['/opt/x\nHidden=true'])).toThrow(/line break/);
  });

  it('writes, reads back and removes the entry on disk', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'sm-autostart-'));
    dirs.push(home);
    const env: LoginItemEnv = { platform: 'linux', execPath: '/usr/bin/session-manager', homeDir: home };
    const deps = { setLoginItemSettings: () => expect.unreachable('no Electron call on Linux') };
    const file = path.join(home, '.config', 'autostart', 'session-manager.desktop');

    await applyLoginItem(true, env, deps);
    expect(readFileSync(file, 'utf8')).toContain('Exec=/usr/bin/session-manager --hidden\n');
    expect(await autostartEntryEnabled(file)).toBe(true);

    await applyLoginItem(false, env, deps);
    expect(existsSync(file)).toBe(false);
    expect(await autostartEntryEnabled(file)).toBe(false);
    await applyLoginItem(false, env, deps); // removing twice is fine
  });

  it('sees an entry another tool disabled as off', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sm-autostart-'));
    dirs.push(dir);
    const file = path.join(dir, 'autostart', 'session-manager.desktop');
    await writeAutostartEntry(file, desktopEntry(['/usr/bin/session-manager']));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${readFileSync(file, 'utf8')}Hidden=true\n`);
    expect(await autostartEntryEnabled(file)).toBe(false);
  });
});
