import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/service-process.js';
import { tempConfigPath } from '../../helpers/cli.js';

/**
 * The installed CLI (`bin/session-manager.js`) runs compiled JavaScript from dist-cli/, built by
 * `npm ci` through the `prepare` script: no TypeScript compiler at run time. The tests' global setup
 * builds it again, so this runs what the sources say now.
 */
describe('the compiled CLI', () => {
  const cli = (args: string[], configPath = tempConfigPath()) =>
    spawnSync(process.execPath, [path.join(repoRoot, 'bin/session-manager.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, SESSION_MANAGER_CONFIG: configPath },
    });

  it('answers --version and config path, and loads no TypeScript tooling', () => {
    const version = (
      JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
    ).version;
    expect(cli(['--version'])).toMatchObject({ status: 0, stdout: `${version}\n` });
    const configPath = tempConfigPath();
    expect(cli(['config', 'path'], configPath)).toMatchObject({ status: 0, stdout: `${configPath}\n` });
    expect(readFileSync(path.join(repoRoot, 'bin/session-manager.js'), 'utf8')).not.toMatch(/tsx|typescript/);
  });

  it('runs a command that reads and writes the config, with its exit codes', () => {
    const configPath = tempConfigPath();
    expect(cli(['config', 'validate'], configPath).status).toBe(2);
    const set = cli(['policy', 'set', 'maxHostsOn', '4', '--json'], configPath);
    expect(set.status, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ maxHostsOn: 4 });
    expect(cli(['config', 'validate'], configPath).status).toBe(0);
  });
});
