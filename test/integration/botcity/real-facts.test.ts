import { afterEach, describe, expect, it } from 'vitest';
import type { FakeBotCity } from '../../fakes/botcity/fake-botcity.js';
import { setup } from './harness.js';

/**
 * BotCity as its public SDKs and docs describe it, through the real client: the Timeout state and
 * states never seen, odd records, login without organizationLabel, linked runners and runner types.
 */

let fake: FakeBotCity | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('BotCity as it really is', () => {
  it('a task in TIMEOUT is busy, with the orchestrator’s word for it', async () => {
    const env = await setup();
    fake = env.fake;
    const task = env.fake.createTask({ activityLabel: 'invoices', machineId: 'fin-01' });
    env.fake.startTask(task.id);
    env.fake.setTaskState(task.id, 'TIMEOUT');
    const observation = await env.client.observe(env.clock.now());
    expect(observation.tasks).toMatchObject([
      { id: String(task.id), state: 'busy', status: 'TIMEOUT', runnerId: 'fin-01' },
    ]);
  });

  it('a running task moved to a state never seen stays busy (re-read by id), and that state is listed from then on', async () => {
    const env = await setup();
    fake = env.fake;
    const task = env.fake.createTask({ activityLabel: 'invoices', machineId: 'fin-01' });
    env.fake.startTask(task.id);
    expect((await env.client.observe(env.clock.now())).tasks[0]).toMatchObject({ status: 'RUNNING' });
    env.fake.setTaskState(task.id, 'AWAITING_REVIEW');
    env.clock.advance(15_000);
    expect((await env.client.observe(env.clock.now())).tasks).toMatchObject([
      { state: 'busy', status: 'AWAITING_REVIEW' },
    ]);
    expect(env.fake.requestCount('GET /api/v2/task/{id}')).toBe(1);
    env.fake.clearRequests();
    env.clock.advance(15_000);
    const next = await env.client.observe(env.clock.now());
    expect(next.tasks).toMatchObject([{ state: 'busy', status: 'AWAITING_REVIEW' }]);
    const listed = env.fake.requests
      .filter((r) => r.route === 'GET /api/v2/task')
      .map((r) => new URL(r.url, 'http://x').searchParams.get('stateFilter'));
    expect(listed).toContain('AWAITING_REVIEW');
    env.fake.finishTask(task.id);
    env.clock.advance(15_000);
    expect((await env.client.observe(env.clock.now())).tasks).toEqual([]);
  });

  it('skips and counts odd records, never failing their page; numbers are accepted as ids', async () => {
    const env = await setup();
    fake = env.fake;
    env.fake.createTask({ activityLabel: 'invoices', machineId: 'fin-01' });
    env.fake.state.raw.tasks.push(
      {
        id: 9001,
        state: 'START',
        machineId: 42,
        activityLabel: 'invoices',
        dateCreation: '2026-01-05T09:00:00+01:00',
      },
      { state: 'START', machineId: 'fin-02' }, // no id
    );
    env.fake.setOnline('fin-01', true);
    env.fake.state.raw.machines.push(
      { machineId: 'fin-03', name: '', isOnline: false },
      { name: '', isOnline: true },
    );
    env.fake.addSchedule({ cron: '0 0 12 * * ?', activityLabel: 'invoices' });
    env.fake.state.raw.schedules.push({ id: 7, activityLabel: 'calendar-made', type: 'CALENDAR' });
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(true);
    expect(observation.tasks.map((t) => t.runnerId).sort()).toEqual(['42', 'fin-01']);
    expect(observation.tasks.find((t) => t.id === '9001')?.createdAt).toBe(
      Date.parse('2026-01-05T08:00:00Z'),
    );
    expect(observation.runnersOnline).toEqual({ 'fin-01': true, 'fin-03': false });
    expect(observation.skipped).toEqual({ tasks: 1, runners: 1, schedules: 1 });
    expect(observation.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^task records from BotCity could not be read and were skipped: no host is stopped/,
        ),
        expect.stringMatching(/^runner records from BotCity could not be read/),
        expect.stringMatching(/^schedules from BotCity could not be read \(e\.g\. made "by calendar"/),
      ]),
    );
  });

  it('logs in without organizationLabel as the SDKs do: the workspace login is the organization', async () => {
    const env = await setup({ omitOrganizationLabel: true });
    fake = env.fake;
    env.fake.createTask({ activityLabel: 'invoices', machineId: 'fin-01' });
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(true);
    expect(observation.tasks).toHaveLength(1);
    await expect(env.client.connect()).resolves.toBe('ws-login');
  });

  it('remembers a stateFilter the server refuses, and still finds those tasks', async () => {
    const env = await setup({ refusedStateFilters: ['TIMEOUT'] });
    fake = env.fake;
    const task = env.fake.createTask({ activityLabel: 'invoices', machineId: 'fin-01' });
    env.fake.startTask(task.id);
    env.fake.setTaskState(task.id, 'TIMEOUT');
    const first = await env.client.observe(env.clock.now());
    expect(first.complete).toBe(true);
    expect(first.refusedStates).toEqual(['TIMEOUT']);
    expect(first.tasks).toMatchObject([{ state: 'busy', status: 'TIMEOUT' }]);
    env.fake.clearRequests();
    env.clock.advance(15_000);
    const second = await env.client.observe(env.clock.now());
    expect(second.tasks).toMatchObject([{ state: 'busy', status: 'TIMEOUT' }]);
    const filters = env.fake.requests
      .filter((r) => r.route === 'GET /api/v2/task')
      .map((r) => new URL(r.url, 'http://x').searchParams.get('stateFilter'));
    expect(filters).not.toContain('TIMEOUT');
  });

  it('reads the runners linked to the automations of unassigned tasks, and each runner’s type', async () => {
    const env = await setup();
    fake = env.fake;
    env.fake.state.activities.set('invoices', ['fin-01', 'fin-02']);
    env.fake.createTask({ activityLabel: 'invoices' });
    env.fake.createTask({ activityLabel: 'unlinked' });
    env.fake.setOnline('fin-01', true);
    env.fake.state.setOnline('svc-01', true).type = 'BACKGROUND';
    const observation = await env.client.observe(env.clock.now());
    expect(observation.pools).toEqual({ invoices: ['fin-01', 'fin-02'] });
    expect(observation.runnerTypes).toEqual({ 'fin-01': 'desktop', 'svc-01': 'background' });
    expect(observation.tasks.every((t) => t.runnerId === undefined && t.state === 'queued')).toBe(true);
  });
});
