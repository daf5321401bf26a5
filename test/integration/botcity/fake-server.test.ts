import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecrets } from '../../helpers/memory-secrets.js';
import { createBotCityOrchestrator } from '../../../src-main/orchestrators/botcity/index.js';

const root = path.resolve(import.meta.dirname, '../../..');
let child: ChildProcess | undefined;
let url = '';

async function control(method: string, route: string, body?: unknown) {
  const response = await fetch(`${url}/__control/${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/fakes/botcity/server.ts',
      '--port',
      '0',
      '--login',
      'demo',
      '--key',
      'demo-key',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.setEncoding('utf8');
  while (!/listening on (http:\/\/127\.0\.0\.1:\d+)\n/.test(out)) {
    const [chunk] = (await Promise.race([once(child.stdout!, 'data'), once(child, 'exit')])) as [string];
    if (child.exitCode !== null) throw new Error(`the fake exited: ${out}`);
    out += chunk;
  }
  url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

describe('the fake as a standalone process, driven through /__control/', () => {
  it('prints its URL, serves the API and obeys the control API', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await control('POST', 'tasks', {
      tasks: [
        { activityLabel: 'a', machineId: 'bot-01', priority: 5 },
        { activityLabel: 'b', minExecutionDate: '2030-01-01T00:00:00Z' },
      ],
    });
    expect(created.status).toBe(201);
    const [first] = created.body.tasks as Array<{ id: number }>;
    expect((await control('POST', `tasks/${first!.id}/start`, {})).status).toBe(200);
    expect((await control('POST', 'machines/bot-01', { isOnline: true })).status).toBe(200);
    expect((await control('POST', 'schedules', { cron: '0 * * * * ?', activityLabel: 'a' })).status).toBe(
      201,
    );

    const secrets = new MemorySecrets();
    await secrets.set('orchestrator-key:botcity', 'demo-key');
    const client = createBotCityOrchestrator(
      { kind: 'botcity', server: url, login: 'demo', key: 'orchestrator-key:botcity', pollSeconds: 15 },
      secrets,
      { sleep: async () => {}, random: () => 0 },
    );
    const observation = await client.observe(Date.now());
    expect(observation.complete).toBe(true);
    expect(observation.tasks.map((t) => t.state).sort()).toEqual(['busy', 'queued']);
    expect(observation.runnersOnline).toEqual({ 'bot-01': true });
    expect(observation.upcoming.length).toBeGreaterThan(0);

    // Failures and token expiry through the control API.
    await control('POST', 'failure', {
      mode: { kind: 'server-error', status: 500 },
      route: 'GET /api/v2/task',
    });
    expect((await client.observe(Date.now())).complete).toBe(false);
    await control('DELETE', 'failure');
    await control('POST', 'expire-tokens');
    expect((await client.observe(Date.now())).complete).toBe(true);

    const requests = await control('GET', 'requests');
    expect((requests.body.byRoute as Record<string, number>)['POST /api/v2/workspace/login']).toBe(2);
    await client.alert({ title: 't', message: 'm', type: 'INFO' });
    expect((await control('GET', 'alerts')).body).toEqual([
      expect.objectContaining({ title: 't', type: 'INFO' }),
    ]);
  });

  it('answers bad control input with 400 and unknown routes with 404', async () => {
    expect((await control('POST', 'tasks', { machineId: 'x' })).status).toBe(400);
    expect((await control('POST', 'failure', { mode: { kind: 'nonsense' } })).status).toBe(400);
    expect((await control('POST', 'tasks/999/start', {})).status).toBe(409);
    expect((await control('GET', 'nothing')).status).toBe(404);
  });
});
