import path from 'node:path';

/**
 * Start at login, decided per platform (pure): Windows and macOS through Electron's
 * app.setLoginItemSettings, Linux through an XDG autostart entry
 * (https://specifications.freedesktop.org/autostart-spec/latest/). Started at login, the app opens
 * in the tray only (`--hidden`).
 */

export const hiddenFlag = '--hidden';
const autostartFileName = 'session-manager.desktop';

export interface LoginItemEnv {
  platform: NodeJS.Platform;
  /** process.execPath: the app's executable (the Electron binary when not packaged). */
  execPath: string;
  /** Set when not packaged: the app folder Electron must be given (`electron <appPath>`). */
  appPath?: string;
  /** $APPIMAGE: an AppImage runs from a temporary mount, so the entry must point at the file itself. */
  appImage?: string;
  homeDir: string;
  /** $XDG_CONFIG_HOME (used only when absolute, as the spec says). */
  xdgConfigHome?: string;
}

/** What app.setLoginItemSettings receives. */
export interface ElectronLoginItemSettings {
  openAtLogin: boolean;
  path?: string;
  args?: string[];
}

type LoginItemPlan =
  | { kind: 'electron'; settings: ElectronLoginItemSettings }
  /** `content` undefined: remove the entry. */
  | { kind: 'xdg'; file: string; content?: string };

export function loginItemPlan(enabled: boolean, env: LoginItemEnv): LoginItemPlan {
  const args = [...(env.appPath ? [env.appPath] : []), hiddenFlag];
  switch (env.platform) {
    case 'win32':
      // Path and args also name the Run key entry, so turning it off must pass the same ones.
      return { kind: 'electron', settings: { openAtLogin: enabled, path: env.execPath, args } };
    case 'darwin':
      // macOS 13+ registers the app bundle itself (SMAppService); it cannot pass arguments, so the
      // app checks wasOpenedAtLogin instead of --hidden.
      return { kind: 'electron', settings: { openAtLogin: enabled } };
    default: {
      const file = autostartFile(env);
      if (!enabled) return { kind: 'xdg', file };
      const command = [env.appImage ?? env.execPath, ...args];
      return { kind: 'xdg', file, content: desktopEntry(command) };
    }
  }
}

export function autostartFile(env: Pick<LoginItemEnv, 'homeDir' | 'xdgConfigHome'>): string {
  const configHome =
    env.xdgConfigHome && path.isAbsolute(env.xdgConfigHome)
      ? env.xdgConfigHome
      : path.join(env.homeDir, '.config');
  return path.join(configHome, 'autostart', autostartFileName);
}

export function desktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.5',
    'Name=Session Manager',
    "Comment=Powers on your RPA runners' hosts and keeps their sessions connected",
    `Exec=${command.map(execArgument).join(' ')}`,
    'Icon=session-manager',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

// Desktop Entry spec, "The Exec key": reserved characters force quoting; inside quotes " ` $ \ take
// a backslash; the value is then a string value, where each \ is written \\; a literal % is %%.
const reserved = /[\s"'\\><~|&;$*?#()`]/;

export function execArgument(arg: string): string {
  if (/[\n\r]/.test(arg)) throw new Error('an autostart command cannot contain a line break');
  if (arg === '') return '""';
  const quoted = reserved.test(arg) ? `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"` : arg;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}
