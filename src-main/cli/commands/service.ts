import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../lib/package-root.js';
import { systemdUnit } from '../../service/systemd-unit.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import type { CredentialSource } from '../service-credentials.js';

const UNIT = 'session-manager.service';
/** The installed CLI's script, found from the package's folder (this module may be bundled anywhere in it). */
function binPath(): string {
  const root = packageRoot();
  if (!root) throw new CliError('cannot find the session-manager package folder', ExitCode.failure);
  return path.join(root.dir, 'bin/session-manager.js');
}

/** The Windows recipe: Node is not a service binary, so a maintained wrapper (WinSW) hosts it. */
export function windowsRecipe(bin: string, config: string): string {
  return [
    'On Windows, run Session Manager as a service with WinSW (https://github.com/winsw/winsw):',
    '  1. Download WinSW-x64.exe, rename it to session-manager-service.exe, put it in a folder of its own.',
    '  2. Beside it, write session-manager-service.xml:',
    '       <service>',
    '         <id>session-manager</id>',
    '         <name>Session Manager</name>',
    '         <description>Powers RPA hosts on demand and keeps bot sessions connected</description>',
    `         <executable>${process.execPath}</executable>`,
    `         <arguments>"${bin}" run local --config "${config}"</arguments>`,
    '         <stoptimeout>90 sec</stoptimeout>',
    '         <onfailure action="restart" delay="5 sec"/>',
    '         <serviceaccount><username>.\\BOTADMIN</username><allowservicelogon>true</allowservicelogon></serviceaccount>',
    '       </service>',
    '  3. As administrator: session-manager-service.exe install, then session-manager-service.exe start.',
    'The service account must be the user whose Credential Manager holds the secrets (log in as it once and run the CLI).',
  ].join('\n');
}

interface InstallOptions extends UnitScopeOptions {
  runAs?: string;
  credentials?: string;
}

/** A system unit carries its secrets unless told not to; a user unit reaches its owner's keychain. */
function credentialSource(option: string | undefined, scope: 'system' | 'user'): CredentialSource | 'none' {
  const source = option ?? (scope === 'system' ? 'keychain' : 'none');
  if (source !== 'keychain' && source !== 'stdin' && source !== 'none')
    throw new CliError(`--credentials takes keychain, stdin or none, not ${source}`, ExitCode.usage);
  if (scope === 'user' && source !== 'none')
    throw new CliError(
      'systemd credentials need a system unit (only root can use the machine key that encrypts them): run `sudo session-manager service install --system --run-as <user>`',
      ExitCode.usage,
    );
  return source;
}

interface UnitScopeOptions {
  user?: boolean;
  system?: boolean;
  unitDir?: string;
}

/** A system unit as root, a user unit otherwise, unless a flag says which; the standard directory of each. */
function unitLocation(options: UnitScopeOptions): { scope: 'system' | 'user'; dir: string } {
  if (options.user && options.system) throw new CliError('give --user or --system, not both', ExitCode.usage);
  const scope = options.system
    ? 'system'
    : options.user
      ? 'user'
      : process.getuid?.() === 0
        ? 'system'
        : 'user';
  const dir =
    options.unitDir ??
    (scope === 'system' ? '/etc/systemd/system' : path.join(homedir(), '.config/systemd/user'));
  return { scope, dir };
}

export function registerService(program: Command, ctx: CliContext): void {
  const service = program
    .command('service')
    .description('run Session Manager as a system service (systemd; Windows recipe)');
  service
    .command('install')
    .option('--user', 'a user unit (systemctl --user), the default when not root')
    .option('--system', 'a system unit in /etc/systemd/system, the default as root')
    .option('--unit-dir <dir>', 'write the unit here instead of the standard directory')
    .option('--run-as <user>', 'the user a system unit runs as')
    .option(
      '--credentials <source>',
      "where a system unit gets its secrets for a headless server, encrypted into the unit as systemd credentials: keychain (this shell's keychain, or the installed unit's credentials for root), stdin (lines ref=value over those), or none (the service uses a keychain at run time)",
    )
    .description('write the service definition and say how to enable it')
    .action(async (options: InstallOptions) => {
      const config = ctx.configStore().path;
      if (process.platform === 'win32') {
        ctx.print(windowsRecipe(binPath(), config));
        return;
      }
      if (process.platform !== 'linux')
        throw new CliError(
          'service install supports Linux (systemd) and prints the Windows recipe; on macOS use the desktop app with start at login.',
          ExitCode.usage,
        );
      const { scope, dir } = unitLocation(options);
      const source = credentialSource(options.credentials, scope);
      const credentials =
        source === 'none'
          ? undefined
          : await (await import('../service-credentials.js')).serviceCredentials(ctx, source);
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, UNIT);
      writeFileSync(
        file,
        systemdUnit({
          node: process.execPath,
          bin: binPath(),
          config,
          scope,
          user: options.runAs ?? userInfo().username,
          ...(credentials && { credentials: credentials.lines }),
        }),
      );
      const systemctl = scope === 'system' ? 'systemctl' : 'systemctl --user';
      ctx.print(
        [
          `Wrote ${file}`,
          ...(credentials
            ? [
                `with ${credentials.lines.length} secrets as encrypted systemd credentials (only this machine can read them).`,
                ...(credentials.newApiToken
                  ? ['A new API token was made for it: `session-manager console` as root prints the link.']
                  : []),
              ]
            : []),
          'Enable and start it with:',
          `  ${systemctl} daemon-reload && ${systemctl} enable --now session-manager`,
        ].join('\n'),
      );
    });
  service
    .command('uninstall')
    .option('--user', 'the user unit')
    .option('--system', 'the system unit')
    .option('--unit-dir <dir>', 'the directory the unit was written to')
    .description('remove the service definition (stop it first)')
    .action((options: { user?: boolean; system?: boolean; unitDir?: string }) => {
      if (process.platform === 'win32') {
        ctx.print(
          'As administrator: session-manager-service.exe stop, then session-manager-service.exe uninstall.',
        );
        return;
      }
      const { scope, dir } = unitLocation(options);
      const file = path.join(dir, UNIT);
      if (!existsSync(file)) throw new CliError(`no unit at ${file}`, ExitCode.usage);
      rmSync(file);
      const systemctl = scope === 'system' ? 'systemctl' : 'systemctl --user';
      ctx.print(
        `Removed ${file}\nRun: ${systemctl} disable --now session-manager; ${systemctl} daemon-reload`,
      );
    });
}
