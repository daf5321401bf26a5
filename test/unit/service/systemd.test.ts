import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemdUnit } from '../../../src-main/service/systemd-unit.js';
import { windowsRecipe } from '../../../src-main/cli/commands/service.js';
import { runCli, tempConfigPath } from '../../helpers/cli.js';

describe('service install', () => {
  it('writes a system unit that runs `run local` with the chosen config and stops gracefully', () => {
    const unit = systemdUnit({
      node: '/usr/bin/node',
      bin: '/opt/sm/bin/session-manager.js',
      config: '/etc/sm/my config.json',
      user: 'rpa',
      scope: 'system',
    });
    expect(unit).toContain(
      'ExecStart=/usr/bin/node /opt/sm/bin/session-manager.js run local --config "/etc/sm/my config.json"',
    );
    expect(unit).toContain('User=rpa');
    expect(unit).toContain('KillSignal=SIGTERM');
    expect(unit).toContain('WantedBy=multi-user.target');
  });

  it('a user unit has no User= line and belongs to default.target', () => {
    const unit = systemdUnit({
      node: '/usr/bin/node',
      bin: '/b.js',
      config: '/c.json',
      user: 'rpa',
      scope: 'user',
    });
    expect(unit).not.toContain('User=');
    expect(unit).toContain('WantedBy=default.target');
  });

  it('install and uninstall write and remove the unit in the given directory', async () => {
    const configPath = tempConfigPath();
    const unitDir = mkdtempSync(path.join(tmpdir(), 'sm-units-'));
    const install = await runCli(['service', 'install', '--user', '--unit-dir', unitDir], { configPath });
    expect(install.code, install.stderr).toBe(0);
    const file = path.join(unitDir, 'session-manager.service');
    expect(readFileSync(file, 'utf8')).toContain(`--config ${configPath}`);
    expect(install.stdout).toContain(
      'systemctl --user daemon-reload && systemctl --user enable --now session-manager',
    );
    const uninstall = await runCli(['service', 'uninstall', '--user', '--unit-dir', unitDir], { configPath });
    expect(uninstall.code).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(
      (await runCli(['service', 'uninstall', '--user', '--unit-dir', unitDir], { configPath })).code,
    ).toBe(2);
  });

  it('documents the Windows service recipe with WinSW', () => {
    const recipe = windowsRecipe('C:\\sm\\bin\\session-manager.js', 'C:\\sm\\config.json');
    expect(recipe).toContain(
      '<arguments>"C:\\sm\\bin\\session-manager.js" run local --config "C:\\sm\\config.json"</arguments>',
    );
    expect(recipe).toContain('session-manager-service.exe install');
  });
});
