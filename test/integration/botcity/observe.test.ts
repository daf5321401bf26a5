import { afterEach, describe, expect, it } from 'vitest';
import type { FakeBotCity } from '../../fakes/botcity/fake-botcity.js';
import { setup } from './harness.js';

let fake: FakeBotCity | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('BotCity client against the fake: success paths', () => {
  it('reads the server version without logging in', async () => {
    const env = await setup();
    fake = env.fake;
    await expect(env.client.version()).resolves.toBe('2.99.0-fake');
    expect(env.fake.countsByRoute()).toEqual({ 'GET /api/v2/maestro/version': 1 });
  });

  it('observes queued (assigned and by activity), running, runners online and upcoming schedules', async () => {
    const env = await setup();
    fake = env.fake;
    const now = env.clock.now();
    const assigned = env.fake.createTask({ activityLabel: 'invoices', machineId: 'bot-01', priority: 8 });
    const unassigned = env.fake.createTask({ activityLabel: 'reports', minExecutionDate: now + 3_600_000 });
    const running = env.fake.createTask({ activityLabel: 'invoices', machineId: 'bot-02' });
    env.fake.startTask(running.id);
    const done = env.fake.createTask({ activityLabel: 'invoices', machineId: 'bot-01' });
    env.fake.finishTask(done.id);
    const canceled = env.fake.createTask({ activityLabel: 'invoices' });
    env.fake.cancelTask(canceled.id);
    env.fake.setOnline('bot-01', false);
    env.fake.setOnline('bot-02', true);
    env.fake.addSchedule({ cron: '0 30 10 ? * MON-FRI', activityLabel: 'invoices', machineId: 'bot-01' });

    const observation = await env.client.observe(now);

    expect(observation.complete).toBe(true);
    expect(observation.problem).toBeUndefined();
    expect(observation.tasks.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      {
        id: String(assigned.id),
        state: 'queued',
        status: 'START',
        runnerId: 'bot-01',
        activity: 'invoices',
        createdAt: assigned.dateCreation,
        priority: 8,
      },
      {
        id: String(unassigned.id),
        state: 'queued',
        status: 'START',
        activity: 'reports',
        createdAt: unassigned.dateCreation,
        priority: 0,
        notBefore: now + 3_600_000,
      },
      {
        id: String(running.id),
        state: 'busy',
        status: 'RUNNING',
        runnerId: 'bot-02',
        activity: 'invoices',
        createdAt: running.dateCreation,
        priority: 0,
        startedAt: now,
      },
    ]);
    expect(observation.runnersOnline).toEqual({ 'bot-01': false, 'bot-02': true });
    // 2026-01-05 10:00 UTC is a Monday: the next run is at 10:30 the same day.
    expect(observation.upcoming[0]).toEqual({
      activity: 'invoices',
      runnerId: 'bot-01',
      at: Date.parse('2026-01-05T10:30:00Z'),
    });
    expect(observation.warnings).toBeUndefined();
    // Login + START + RUNNING + TIMEOUT + the newest tasks in any state (to learn states never listed)
    // + machines + schedules + the linked runners of the automation of the unassigned task.
    expect(observation.requests).toBe(8);
    expect(env.fake.requestCount()).toBe(8);
  });

  it('follows the tasks as they start and finish, tick after tick', async () => {
    const env = await setup();
    fake = env.fake;
    const task = env.fake.createTask({ activityLabel: 'a', machineId: 'bot-01' });
    expect((await env.client.observe(env.clock.now())).tasks.map((t) => t.state)).toEqual(['queued']);
    env.fake.startTask(task.id);
    expect((await env.client.observe(env.clock.now())).tasks.map((t) => t.state)).toEqual(['busy']);
    env.fake.finishTask(task.id);
    const last = await env.client.observe(env.clock.now());
    expect(last).toMatchObject({ complete: true, tasks: [] });
  });

  it('reads a 1,000-task queue across 500 runners in 4 requests per tick with size=1000 pages', async () => {
    const env = await setup();
    fake = env.fake;
    for (let i = 0; i < 1000; i++) {
      const runner = `bot-${String(i % 500).padStart(3, '0')}`;
      env.fake.createTask({ activityLabel: 'a', machineId: runner });
      if (i < 500) env.fake.setOnline(runner, i % 2 === 0);
    }
    await env.client.observe(env.clock.now()); // first tick: login and schedules too
    env.fake.clearRequests();
    env.clock.advance(15_000);

    const observation = await env.client.observe(env.clock.now());

    expect(observation.complete).toBe(true);
    expect(observation.tasks).toHaveLength(1000);
    expect(new Set(observation.tasks.map((t) => t.runnerId)).size).toBe(500);
    expect(Object.keys(observation.runnersOnline)).toHaveLength(500);
    expect(env.fake.requestCount()).toBeLessThanOrEqual(4);
    expect(observation.requests).toBe(env.fake.requestCount());
    // START, RUNNING and TIMEOUT listings, and the machines.
    expect(env.fake.countsByRoute()).toEqual({ 'GET /api/v2/task': 3, 'GET /api/v2/machine/pagination': 1 });
    expect(
      env.fake.requests
        .filter((r) => r.route === 'GET /api/v2/task')
        .map((r) => new URL(r.url, 'http://x').searchParams.get('size')),
    ).toEqual(['1000', '1000', '1000']);
  });

  it('follows pages until the last one (2,500 queued → 3 pages)', async () => {
    const env = await setup();
    fake = env.fake;
    for (let i = 0; i < 2500; i++) env.fake.createTask({ activityLabel: 'a', machineId: `bot-${i % 7}` });
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(true);
    expect(observation.tasks).toHaveLength(2500);
    const pages = env.fake.requests
      .filter((r) => r.url.includes('stateFilter=START'))
      .map((r) => new URL(r.url, 'http://x').searchParams.get('page'));
    expect(pages).toEqual(['0', '1', '2']);
  });

  it('a page that changes between two reads (a task inserted in front) is not double counted', async () => {
    const env = await setup();
    fake = env.fake;
    for (let i = 0; i < 1500; i++) env.fake.createTask({ activityLabel: 'a', machineId: 'bot-01' });
    env.fake.setFailure({
      mode: { kind: 'page-shift', change: 'insert' },
      route: 'GET /api/v2/task',
      query: { stateFilter: 'START' },
      times: 2,
    });

    const observation = await env.client.observe(env.clock.now());

    const ids = observation.tasks.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length); // no task twice
    const inFake = [...env.fake.state.tasks.values()]
      .filter((t) => t.state === 'START')
      .map((t) => String(t.id));
    expect(inFake).toHaveLength(1502);
    expect(ids.sort()).toEqual(inFake.sort()); // every task once, the two that appeared mid-read included
    expect(observation.complete).toBe(true);
    expect(observation.warnings).toEqual([expect.stringMatching(/changed while it was read/)]);
    // Read twice: 2 pages, 2 pages.
    expect(env.fake.requests.filter((r) => r.url.includes('stateFilter=START'))).toHaveLength(4);
  });

  it('a task that leaves the list between two page reads does not make another one vanish', async () => {
    const env = await setup();
    fake = env.fake;
    for (let i = 0; i < 1500; i++) env.fake.createTask({ activityLabel: 'a', machineId: 'bot-01' });
    env.fake.setFailure({
      mode: { kind: 'page-shift', change: 'remove' },
      route: 'GET /api/v2/task',
      query: { stateFilter: 'START' },
      times: 1,
    });

    const observation = await env.client.observe(env.clock.now());

    const ids = observation.tasks.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Without the second read, the task that slid from page 1 onto page 0 would be missing here.
    const stillQueued = [...env.fake.state.tasks.values()].filter((t) => t.state === 'START');
    expect(stillQueued).toHaveLength(1499);
    for (const task of stillQueued) expect(ids).toContain(String(task.id));
    const taken = [...env.fake.state.tasks.values()].find((t) => t.state === 'RUNNING')!;
    expect(observation.tasks.filter((t) => t.id === String(taken.id))).toHaveLength(1); // once, queued or running
    expect(observation.complete).toBe(true);
  });

  it('filters by state client-side when the server ignores stateFilter', async () => {
    const env = await setup({ ignoreStateFilter: true });
    fake = env.fake;
    const queued = env.fake.createTask({ activityLabel: 'a', machineId: 'bot-01' });
    const finished = env.fake.createTask({ activityLabel: 'a', machineId: 'bot-01' });
    env.fake.finishTask(finished.id);
    const observation = await env.client.observe(env.clock.now());
    expect(observation.tasks).toEqual([expect.objectContaining({ id: String(queued.id), state: 'queued' })]);
    expect(observation.complete).toBe(true);
    expect(observation.warnings?.join(' ')).toMatch(/ignored stateFilter/);
  });

  it('a server without machine or schedule listings (404) stays complete, with warnings', async () => {
    const env = await setup({ missingRoutes: ['GET /api/v2/machine/pagination', 'GET /api/v2/scheduling'] });
    fake = env.fake;
    env.fake.createTask({ activityLabel: 'a', machineId: 'bot-01' });
    const observation = await env.client.observe(env.clock.now());
    expect(observation).toMatchObject({ complete: true, runnersOnline: {}, upcoming: [] });
    expect(observation.tasks).toHaveLength(1);
    expect(observation.warnings).toEqual([
      expect.stringMatching(/no schedules listing/),
      expect.stringMatching(/no machine listing/),
    ]);
  });

  it('re-reads schedules only after the refresh interval', async () => {
    const env = await setup({}, { scheduleRefreshMs: 60_000 });
    fake = env.fake;
    await env.client.observe(env.clock.now());
    env.fake.addSchedule({ cron: '0 0 11 * * ?', activityLabel: 'late' });
    env.clock.advance(30_000);
    expect((await env.client.observe(env.clock.now())).upcoming).toEqual([]);
    env.clock.advance(30_000);
    expect((await env.client.observe(env.clock.now())).upcoming).toEqual([
      { activity: 'late', at: Date.parse('2026-01-05T11:00:00Z') },
    ]);
    expect(env.fake.requestCount('GET /api/v2/scheduling')).toBe(2);
  });

  it('sends alerts to POST /api/v2/alerts with the organization header', async () => {
    const env = await setup();
    fake = env.fake;
    await env.client.alert({
      title: 'Host failed to start',
      message: 'bot-01: boot timeout',
      type: 'ERROR',
      taskId: '17',
    });
    await env.client.alert({ title: 'Info', message: 'no task', type: 'INFO' });
    expect(env.fake.alerts).toEqual([
      {
        taskId: 17,
        title: 'Host failed to start',
        message: 'bot-01: boot timeout',
        type: 'ERROR',
        organization: 'fake-org',
        at: env.clock.now(),
      },
      { title: 'Info', message: 'no task', type: 'INFO', organization: 'fake-org', at: env.clock.now() },
    ]);
  });
});
