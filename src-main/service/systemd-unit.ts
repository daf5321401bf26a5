/** The systemd unit for `session-manager run local`. Pure: the caller decides where it goes. */
interface UnitOptions {
  /** Absolute path of node. */
  node: string;
  /** Absolute path of bin/session-manager.js. */
  bin: string;
  config: string;
  /** A system unit runs as this user; a user unit (systemctl --user) runs as its owner. */
  user?: string;
  scope: 'system' | 'user';
  /**
   * `SetCredentialEncrypted=` lines (from systemd-creds): the service's secrets, which systemd decrypts
   * into $CREDENTIALS_DIRECTORY when it starts the service, where no keychain is reachable.
   */
  credentials?: string[];
}

const quote = (value: string) =>
  /^[\w@%+=:,./-]+$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, '\\$1')}"`;

export function systemdUnit(options: UnitOptions): string {
  return [
    '[Unit]',
    'Description=Session Manager: powers RPA hosts on demand and keeps bot sessions connected',
    'Documentation=https://github.com/session-manager/session-manager#readme',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[options.node, options.bin, 'run', 'local', '--config', options.config].map(quote).join(' ')}`,
    ...(options.scope === 'system' && options.user ? [`User=${options.user}`] : []),
    // SIGTERM lets in-flight actions finish; nothing is powered off on the way out.
    'KillSignal=SIGTERM',
    'TimeoutStopSec=90',
    'Restart=on-failure',
    'RestartSec=5',
    'NoNewPrivileges=true',
    'PrivateTmp=true',
    'ProtectSystem=full',
    ...(options.credentials ?? []),
    '',
    '[Install]',
    `WantedBy=${options.scope === 'system' ? 'multi-user.target' : 'default.target'}`,
    '',
  ].join('\n');
}
