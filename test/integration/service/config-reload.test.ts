import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src-main/config/schema.js';
import { runCli, tempConfigPath } from '../../helpers/cli.js';
import { startServiceProcess, type ServiceProcess } from '../../helpers/service-process.js';
import { eventually } from '../../helpers/eventually.js';
import { callsFor, defaultPolicy, startWorld, type HostSpec, type ServiceWorld } from './world.js';

/**
 * The config file edited on disk while `run local` runs: a good edit takes effect without a restart; a
 * broken one (bad JSON, or a field that fails validation) is refused and reported as config.rejected,
 * the file is left as the user wrote it, and the last good config keeps working.
 */

const first: HostSpec = { id: 'reload-01', instanceId: 'i-0e10000000000e001', runnerId: 'reload-runner-1' };
const second: HostSpec = { id: 'reload-02', instanceId: 'i-0e10000000000e002', runnerId: 'reload-runner-2' };

describe('run local: config edits on disk', () => {
  let world: ServiceWorld;
  let service: ServiceProcess;
  let good: Config;

  beforeAll(async () => {
    world = await startWorld('reload');
    await world.addInstances([first.instanceId, second.instanceId]);
    world.writeConfig([first]);
    service = await startServiceProcess({ configPath: world.configPath, env: world.env });
    await until(
      async () => (await service.api.getState()).orchestrator.status === 'ok',
      'the first observation',
    );
  }, 180_000);

  const until = <T>(
    check: () => Promise<T | false | undefined> | T | false | undefined,
    what: string,
    timeoutMs = 60_000,
  ) => eventually(check, what, { timeoutMs, detail: () => service.diagnose() });

  afterAll(async () => {
    await service?.stop();
    await world?.stop();
  });

  const rejections = async () =>
    (await service.api.listEvents({ limit: 1000 })).filter((event) => event.kind === 'config.rejected');

  it('takes a new host and runner into service when the file gains them', { timeout: 120_000 }, async () => {
    expect((await service.api.getState()).hosts.map((h) => h.id)).toEqual([first.id]);
    const reloadsBefore = (await service.api.listEvents({ limit: 1000 })).filter(
      (e) => e.kind === 'config.reloaded',
    ).length;

    good = world.writeConfig([first, second]);

    const state = await until(async () => {
      const view = await service.api.getState();
      return (
        view.hosts.some((h) => h.id === second.id) &&
        view.runners.some((r) => r.id === second.runnerId) &&
        view
      );
    }, 'the new host and runner in the API state');
    expect(state.hosts.find((h) => h.id === second.id)?.runners).toEqual([second.runnerId]);
    const reloads = (await service.api.listEvents({ limit: 1000 })).filter(
      (e) => e.kind === 'config.reloaded',
    );
    expect(reloads.length).toBeGreaterThan(reloadsBefore);

    // And the new runner is served: its work powers its host on.
    await world.queueTask(second.runnerId!);
    await until(
      async () => callsFor(await world.ec2Calls(), 'StartInstances', second.instanceId).length > 0,
      'StartInstances for the new host',
    );
  });

  it(
    'refuses a broken edit, reports it, leaves the file alone and keeps the last good config working',
    { timeout: 120_000 },
    async () => {
      // A field that fails validation: the runner points at a host that does not exist.
      const invalid = structuredClone(good) as unknown as { runners: Array<{ host: string }> };
      invalid.runners[1]!.host = 'no-such-host';
      const invalidText = `${JSON.stringify(invalid, null, 2)}\n`;
      writeFileSync(world.configPath, invalidText);

      const rejected = await until(
        async () => (await rejections()).find((event) => event.message.includes('runners.1.host')),
        'config.rejected',
      );
      expect(rejected.severity).toBe('error');
      expect(rejected.message).toContain('runners.1.host');
      expect(rejected.message).toContain('no-such-host');

      // Bad JSON is refused the same way.
      writeFileSync(world.configPath, '{ "version": 1, "hosts": [');
      await until(
        async () =>
          (await rejections()).some(
            (event) => event.id > rejected.id && event.message.includes('not valid JSON'),
          ),
        'config.rejected for bad JSON',
      );

      // The file is what the user wrote (never overwritten), and the service runs on the last good config.
      expect(readFileSync(world.configPath, 'utf8')).toBe('{ "version": 1, "hosts": [');
      const state = await service.api.getState();
      expect(state.hosts.map((h) => h.id).sort()).toEqual([first.id, second.id]);
      expect(state.runners.find((r) => r.id === second.runnerId)?.hostId).toBe(second.id);
      const ticks = state.ticks;
      await until(async () => (await service.api.getState()).ticks > ticks + 1, 'ticks to go on');

      await world.queueTask(first.runnerId!);
      await until(
        async () => callsFor(await world.ec2Calls(), 'StartInstances', first.instanceId).length > 0,
        'StartInstances under the last good config',
      );

      // A corrected file is taken again.
      world.writeConfig([first, second], { policy: { ...defaultPolicy, maxHostsOn: 7 } });
      await until(
        async () => (await service.api.getState()).maxHostsOn === 7,
        'the corrected config in force',
      );
    },
  );

  it('`session-manager status` reads the running service: text for people, the whole state with --json', async () => {
    const text = await runCli(['status'], { configPath: world.configPath });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Service       ${service.url}`);
    expect(text.stdout).toMatch(/^Orchestrator {2}reachable, read \d+ s ago; \d+ queued, \d+ running$/m);
    expect(text.stdout).toMatch(/^Hosts {9}\d+ on of at most 7, 2 configured/m);
    const json = await runCli(['status', '--json'], { configPath: world.configPath });
    expect(JSON.parse(json.stdout)).toMatchObject({ maxHostsOn: 7, orchestrator: { status: 'ok' } });

    const elsewhere = await runCli(['status', '--json'], { configPath: tempConfigPath() });
    expect(elsewhere.code).toBe(4);
    expect(JSON.parse(elsewhere.stdout)).toMatchObject({ ok: false, error: { exitCode: 4 } });
  });

  it('`session-manager console --json` prints the token the running service accepts', async () => {
    const result = await runCli(['console', '--json'], { configPath: world.configPath });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { token: string; url: string; serviceRunning: boolean };
    expect(printed.token).toBe(service.token);
    // The port the running service listens on, not the config's default.
    expect(printed).toMatchObject({ url: service.url, serviceRunning: true });
    expect((await service.get('/api/state')).status).toBe(200);
    expect((await fetch(`${service.url}/api/state`)).status).toBe(401);
  });
});
