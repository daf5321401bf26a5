import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { repoRoot, startServiceProcess, type ServiceProcess } from '../../helpers/service-process.js';
import { callsFor, startWorld, type ServiceWorld } from '../service/world.js';

/**
 * Node 22 is supported besides Node 24 (package.json's engines): the npm registry's `node@22` package
 * gives this test its binary (cached by npm after the first run), and the compiled CLI and the service
 * run on it. The rest of the suite runs on Node 24, the project's own devDependency.
 */
function node22(): string {
  const execPath = execFileSync(
    'npm',
    ['exec', '--yes', '--package=node@22', '--', 'node', '-p', 'process.execPath'],
    // Outside the project, so its own node (24) is not the one found first.
    { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } },
  ).trim();
  return execPath;
}

describe('on Node 22', () => {
  let node: string;
  let world: ServiceWorld;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    node = node22();
    world = await startWorld('node22');
    await world.addInstances(['i-0fa1000000000a022']);
    world.writeConfig([{ id: 'n22-01', instanceId: 'i-0fa1000000000a022', runnerId: 'n22-runner' }]);
  }, 240_000);

  afterAll(async () => {
    await service?.stop();
    await world?.stop();
  });

  it('the binary is Node 22', () => {
    expect(spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^v22\./);
  });

  it('the installed CLI answers and checks a config', () => {
    const cli = (args: string[]) =>
      spawnSync(
        node,
        [path.join(repoRoot, 'bin/session-manager.js'), '--config', world.configPath, ...args],
        {
          encoding: 'utf8',
        },
      );
    expect(cli(['--version']).status).toBe(0);
    const validate = cli(['config', 'validate']);
    expect(validate.status, validate.stderr).toBe(0);
  });

  it('the service starts a host for a queued task', { timeout: 240_000 }, async () => {
    service = await startServiceProcess({
      configPath: world.configPath,
      env: world.env,
      entry: 'bundle',
      node,
    });
    expect((await service.api.getState()).orchestrator.status).not.toBe('unconfigured');
    await world.queueTask('n22-runner');
    await eventually(
      async () =>
        callsFor(await world.ec2Calls(), 'StartInstances', 'i-0fa1000000000a022').length > 0 || undefined,
      'the host to be started',
      60_000,
    );
    expect(await service.stop()).toEqual({ code: 0, signal: null });
    service = undefined;
  });
});
