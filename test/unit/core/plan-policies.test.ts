import { describe, expect, it } from 'vitest';
import type { KeepWarmWindow } from '../../../src-main/config/schema.js';
import type { Action } from '../../../src-main/core/actions.js';
import {
  afterRestart,
  clearFailures,
  emptyMemory,
  memoryFromJson,
  memoryToJson,
  type HostMemory,
  type PlanMemory,
  type RunnerMemory,
} from '../../../src-main/core/memory.js';
import { plan } from '../../../src-main/core/plan/plan.js';
import { viewOf } from '../../../src-main/core/view.js';
import {
  answering,
  host,
  kinds,
  makeConfig,
  MIN,
  openSession,
  planWithView,
  power,
  queue,
  runner,
  Scenario,
  snapshot,
  T0,
  task,
} from './world.js';

const oneHost = makeConfig({ hosts: [host('bot-01')], runners: [runner('fin-01', 'bot-01')] });

function memoryWith(
  hosts: Record<string, HostMemory>,
  runners: Record<string, RunnerMemory> = {},
): PlanMemory {
  return {
    ...emptyMemory(),
    orchestrator: 'ok',
    hosts: new Map(Object.entries(hosts)),
    runners: new Map(Object.entries(runners)),
  };
}

/** Memory of a host that has drained long enough to be stopped. */
const drained: PlanMemory = memoryWith(
  { 'bot-01': { attempts: 0, drainCount: 5, drainSince: T0 - 30 * MIN } },
  { 'fin-01': { lastBusyAt: T0 - 30 * MIN } },
);

function reasons(actions: Action[]): string[] {
  return actions.map((action) => action.reason);
}

describe('demand-driven power', () => {
  it.each([
    {
      name: 'queued work on an off host starts it',
      snap: { queue: queue([task({ runnerId: 'fin-01' })]), power: power({ 'bot-01': 'off' }) },
      expected: ['powerOn bot-01'],
    },
    {
      name: 'an unassigned task of one of the runner’s activities starts it',
      config: makeConfig({
        hosts: [host('bot-01')],
        runners: [runner('fin-01', 'bot-01', { activities: ['invoices'] })],
      }),
      snap: { queue: queue([task({ activity: 'invoices' })]), power: power({ 'bot-01': 'off' }) },
      expected: ['powerOn bot-01'],
    },
    {
      name: 'a task of another runner does not',
      snap: { queue: queue([task({ runnerId: 'other' })]), power: power({ 'bot-01': 'off' }) },
      expected: [],
    },
    {
      name: 'no work, off host: nothing',
      snap: { power: power({ 'bot-01': 'off' }) },
      expected: [],
    },
    {
      name: 'an already starting host is not started again',
      snap: { queue: queue([task({ runnerId: 'fin-01' })]), power: power({ 'bot-01': 'starting' }) },
      expected: [],
    },
  ])('$name', ({ snap, expected, config }) => {
    const result = plan(snapshot(snap), config ?? oneHost, emptyMemory(), T0);
    expect(kinds(result).filter((kind) => !kind.startsWith('note') && !kind.startsWith('alert'))).toEqual(
      expected,
    );
  });

  it('says why in words the operator reads', () => {
    const result = planWithView(
      snapshot({
        queue: queue([
          task({ runnerId: 'fin-01', createdAt: T0 - 42_000 }),
          task({ runnerId: 'fin-01', createdAt: T0 - 10_000 }),
          task({ runnerId: 'fin-01', createdAt: T0 - 5_000 }),
        ]),
        power: power({ 'bot-01': 'off' }),
      }),
      oneHost,
      emptyMemory(),
      T0,
    );
    expect(reasons(result.actions)).toEqual([
      'Starting bot-01: runner fin-01 has 3 queued tasks, oldest 42 s',
    ]);
    expect(result.view.hosts[0]).toMatchObject({ stage: 'powering-on', bootStartedAt: T0 });
  });

  it('a future notBefore counts only from notBefore minus the boot lead', () => {
    const lead = 3 * MIN;
    const memory = memoryWith({ 'bot-01': { attempts: 0, drainCount: 0, bootLeadMs: lead } });
    const far = snapshot({
      queue: queue([task({ runnerId: 'fin-01', notBefore: T0 + lead + MIN })]),
      power: power({ 'bot-01': 'off' }),
    });
    const near = snapshot({
      queue: queue([task({ runnerId: 'fin-01', notBefore: T0 + lead - MIN })]),
      power: power({ 'bot-01': 'off' }),
    });
    expect(kinds(plan(far, oneHost, memory, T0))).toEqual([]);
    expect(kinds(plan(near, oneHost, memory, T0))).toEqual(['powerOn bot-01']);
  });
});

describe('reasons name runners in the order the operator configured them', () => {
  const config = makeConfig({
    hosts: [host('bot-01')],
    runners: [
      runner('zeta', 'bot-01', { user: 'zed', password: 'pw:zed', width: 1280, height: 720 }),
      runner('alpha', 'bot-01', { user: 'zed', width: 1920, height: 1080 }),
      runner('mid', 'bot-01', { sessionMode: 'console' }),
    ],
  });

  it("in the start reason, and the shared session takes the first configured runner's settings", () => {
    const tasks = ['alpha', 'mid', 'zeta'].map((runnerId) => task({ runnerId, createdAt: T0 - MIN }));
    const off = plan(
      snapshot({ queue: queue(tasks), power: power({ 'bot-01': 'off' }) }),
      config,
      emptyMemory(),
      T0,
    );
    expect(off.actions[0]).toMatchObject({
      kind: 'powerOn',
      reason: 'Starting bot-01: runners zeta, alpha, mid have 3 queued tasks, oldest 60 s',
    });
    const on = plan(
      snapshot({ queue: queue(tasks), power: power({ 'bot-01': 'on' }), readiness: answering('bot-01') }),
      config,
      emptyMemory(),
      T0,
    );
    const open = on.actions.find((action) => action.kind === 'openSession');
    expect(open).toMatchObject({
      runnerIds: ['zeta', 'alpha'],
      reason: 'Opening bot-01/zed: runners zeta, alpha: 2 queued tasks, oldest 60 s',
      spec: { user: 'zed', width: 1280, height: 720, passwordRef: 'pw:zed' },
    });
  });
});

describe('never interrupt', () => {
  it.each([
    { name: 'drained host with a running task', mem: drained },
    {
      name: 'host far past its grace and uptime',
      mem: memoryWith({ 'bot-01': { attempts: 0, drainCount: 99, drainSince: T0 - 600 * MIN } }),
    },
  ])('$name: no power-off and no close', ({ mem }) => {
    const result = planWithView(
      snapshot({
        queue: queue([task({ runnerId: 'fin-01', state: 'busy', startedAt: T0 - 60 * MIN })]),
        power: power({ 'bot-01': 'on' }),
        sessions: [openSession('bot-01')],
        readiness: answering('bot-01'),
      }),
      oneHost,
      mem,
      T0,
    );
    expect(result.actions.filter((a) => a.kind === 'powerOff' || a.kind === 'closeSession')).toEqual([]);
    expect(result.view.hosts[0]!.reason).toBe('runner fin-01 is running 1 task');
  });

  it('a runner sharing the session user with a running runner keeps the session open', () => {
    const config = makeConfig({
      hosts: [host('bot-01')],
      runners: [runner('a', 'bot-01'), runner('b', 'bot-01')],
      policy: { idleGraceMinutes: 0 },
    });
    const result = plan(
      snapshot({
        queue: queue([task({ runnerId: 'a', state: 'busy' })]),
        power: power({ 'bot-01': 'on' }),
        sessions: [openSession('bot-01')],
        readiness: answering('bot-01'),
      }),
      config,
      memoryWith({}, { b: { lastBusyAt: T0 - 60 * MIN } }),
      T0,
    );
    expect(result.actions.filter((a) => a.kind === 'closeSession')).toEqual([]);
  });
});

describe('drain before stop', () => {
  it('stops only after N consecutive complete idle observations spanning the grace period', () => {
    const scenario = new Scenario(
      makeConfig({
        hosts: [host('bot-01')],
        runners: [runner('fin-01', 'bot-01')],
        policy: { idleGraceMinutes: 1, minUptimeMinutes: 0, drainObservations: 3 },
      }),
    );
    const idle = { power: power({ 'bot-01': 'on' }) };
    const stops: number[] = [];
    for (let i = 0; i < 8; i++) {
      const result = scenario.tick(idle, 15_000);
      if (result.actions.some((a) => a.kind === 'powerOff')) stops.push(i);
    }
    // Ticks every 15 s: observations 1..5 span 60 s at the 5th (index 4).
    expect(stops[0]).toBe(4);
  });

  it('new demand while draining cancels the drain', () => {
    const scenario = new Scenario(
      makeConfig({
        hosts: [host('bot-01')],
        runners: [runner('fin-01', 'bot-01')],
        policy: { idleGraceMinutes: 1, minUptimeMinutes: 0 },
      }),
    );
    scenario.tick({ power: power({ 'bot-01': 'on' }) });
    scenario.tick({ power: power({ 'bot-01': 'on' }) });
    expect(scenario.memory.hosts.get('bot-01')!.drainCount).toBe(2);
    scenario.tick({ power: power({ 'bot-01': 'on' }), queue: queue([task({ runnerId: 'fin-01' })]) });
    expect(scenario.memory.hosts.get('bot-01')!.drainCount).toBe(0);
    expect(scenario.memory.hosts.get('bot-01')!.drainSince).toBeUndefined();
  });

  it('closes the sessions first, then powers off, with the reason', () => {
    const result = plan(
      snapshot({
        power: power({ 'bot-01': 'on' }),
        sessions: [openSession('bot-01')],
        readiness: answering('bot-01'),
      }),
      oneHost,
      drained,
      T0,
    );
    expect(kinds(result)).toEqual(['closeSession bot-01', 'powerOff bot-01']);
    expect(result.actions[1]).toMatchObject({ cause: 'idle', runnerIds: ['fin-01'] });
    expect(result.actions[1]!.reason).toMatch(/^Stopping bot-01: idle for 30 min/);
  });

  it('a session on a host it stops is not also repaired (the repair would be spent on the stop)', () => {
    const small = {
      ...openSession('bot-01'),
      screen: {
        width: 800,
        height: 600,
        reading: 'desktop' as const,
        changedAt: T0 - MIN,
        readingSince: T0 - MIN,
      },
    };
    const result = plan(
      snapshot({ power: power({ 'bot-01': 'on' }), sessions: [small], readiness: answering('bot-01') }),
      oneHost,
      drained,
      T0,
    );
    expect(kinds(result)).toEqual(['closeSession bot-01', 'powerOff bot-01']);
    expect(result.memory.sessions.get('bot-01/bot')?.health).toBeUndefined();
  });

  it('a power-off canceled by the re-check restarts the drain', () => {
    const off = {
      kind: 'powerOff' as const,
      hostId: 'bot-01',
      cause: 'idle' as const,
      runnerIds: ['fin-01'],
      reason: 'x',
    };
    const result = plan(
      snapshot({
        power: power({ 'bot-01': 'on' }),
        outcomes: [{ action: off, ok: false, canceled: true, at: T0, message: 'new work' }],
      }),
      oneHost,
      drained,
      T0,
    );
    expect(result.actions.filter((a) => a.kind === 'powerOff')).toEqual([]);
    expect(result.memory.hosts.get('bot-01')!.drainCount).toBe(1);
  });
});

describe('unknown is not idle', () => {
  const incomplete = queue([], { complete: false, problem: 'HTTP 503' });

  it('an incomplete observation stops nothing and closes nothing', () => {
    const result = plan(
      snapshot({
        queue: incomplete,
        power: power({ 'bot-01': 'on' }),
        sessions: [openSession('bot-01')],
        readiness: answering('bot-01'),
      }),
      oneHost,
      drained,
      T0,
    );
    expect(result.actions.filter((a) => a.kind !== 'alert' && a.kind !== 'note')).toEqual([]);
    expect(result.memory.hosts.get('bot-01')!.drainCount).toBe(0);
  });

  it('starts nothing on stale data, and says so once', () => {
    const scenario = new Scenario(oneHost);
    const first = scenario.tick({
      queue: { ...incomplete, tasks: [task({ runnerId: 'fin-01' })] },
      power: power({ 'bot-01': 'off' }),
    });
    expect(kinds(first)).toEqual(['alert']);
    expect(first.actions[0]!.reason).toContain('HTTP 503');
    const second = scenario.tick({ queue: incomplete, power: power({ 'bot-01': 'off' }) });
    expect(kinds(second)).toEqual([]);
    const restored = scenario.tick({ queue: queue([]), power: power({ 'bot-01': 'off' }) });
    expect(restored.actions).toMatchObject([{ kind: 'note', event: 'orchestrator.restored' }]);
  });

  it('an unknown power state: nothing is done to that host, whatever the demand', () => {
    const result = planWithView(
      snapshot({ queue: queue([task({ runnerId: 'fin-01' })]), power: power({ 'bot-01': 'unknown' }) }),
      oneHost,
      drained,
      T0,
    );
    expect(kinds(result)).toEqual([]);
    expect(result.view.hosts[0]!.reason).toContain('unknown');
  });

  it('a host missing from the power observation is unknown', () => {
    const result = plan(
      snapshot({ queue: queue([task({ runnerId: 'fin-01' })]) }),
      oneHost,
      emptyMemory(),
      T0,
    );
    expect(kinds(result)).toEqual([]);
  });
});

describe('minimum uptime', () => {
  it.each([
    { startedMinAgo: 5, stops: false },
    { startedMinAgo: 20, stops: true },
  ])('started $startedMinAgo min ago (min uptime 15): stops=$stops', ({ startedMinAgo, stops }) => {
    const memory = memoryWith(
      {
        'bot-01': {
          attempts: 0,
          drainCount: 10,
          drainSince: T0 - 11 * MIN,
          startedAt: T0 - startedMinAgo * MIN,
          readyAt: T0 - startedMinAgo * MIN + MIN,
        },
      },
      { 'fin-01': { lastBusyAt: T0 - 11 * MIN } },
    );
    const config = makeConfig({
      hosts: [host('bot-01')],
      runners: [runner('fin-01', 'bot-01')],
      policy: { minUptimeMinutes: 15 },
    });
    const result = planWithView(snapshot({ power: power({ 'bot-01': 'on' }) }), config, memory, T0);
    expect(result.actions.some((a) => a.kind === 'powerOff')).toBe(stops);
    if (!stops) expect(result.view.hosts[0]!.reason).toContain('minimum uptime');
  });
});

describe('boot timeout, back-off and failure', () => {
  const config = makeConfig({
    hosts: [host('bot-01')],
    runners: [runner('fin-01', 'bot-01')],
    policy: { bootTimeoutMinutes: 5, maxStartAttempts: 3 },
  });
  const work = () => queue([task({ runnerId: 'fin-01' })]);

  it('restarts after a boot timeout, backs off, and fails after maxStartAttempts, never in a hot loop', () => {
    const scenario = new Scenario(config);
    const log: string[] = [];
    let state: 'off' | 'starting' | 'on' = 'off';
    for (let i = 0; i < 400; i++) {
      const result = scenario.tick({ queue: work(), power: power({ 'bot-01': state }) }, 15_000);
      for (const action of result.actions) {
        if (action.kind === 'powerOn') state = 'on';
        if (action.kind === 'powerOff') state = 'off';
        if (action.kind !== 'note')
          log.push(
            `${Math.round((scenario.now - 15_000 - T0) / 1000)}s ${action.kind}${action.kind === 'powerOff' ? ` ${action.cause}` : ''}`,
          );
      }
    }
    // RDP never answers: start; after the 5 min timeout stop, retry after 1 min, then 2 min; the third timeout fails it.
    expect(log).toEqual([
      '0s powerOn',
      '300s powerOff restart',
      '360s powerOn',
      '660s powerOff restart',
      '780s powerOn',
      '1080s markFailed',
      '1080s alert',
      '1080s powerOff failed',
    ]);
    expect(scenario.memory.hosts.get('bot-01')!.failed?.reason).toMatch(/did not answer RDP/);
  });

  it('a host that answers RDP in time resets the attempts and is ready', () => {
    const scenario = new Scenario(config);
    scenario.tick({ queue: work(), power: power({ 'bot-01': 'off' }) });
    const ready = scenario.tick({
      queue: work(),
      power: power({ 'bot-01': 'on' }),
      readiness: answering('bot-01'),
    });
    expect(ready.actions.map((a) => a.kind)).toEqual(['openSession', 'note']);
    expect(scenario.memory.hosts.get('bot-01')).toMatchObject({ attempts: 0, readyAt: T0 + 15_000 });
  });

  it.each([
    { errorKind: 'throttled', failed: false },
    { errorKind: 'capacity', failed: false },
    { errorKind: 'not-found', failed: true },
    { errorKind: 'auth', failed: true },
  ])('a start that fails with $errorKind: failed=$failed', ({ errorKind, failed }) => {
    const powerOn = { kind: 'powerOn' as const, hostId: 'bot-01', reason: 'x' };
    const result = plan(
      snapshot({
        queue: work(),
        power: power({ 'bot-01': 'off' }),
        outcomes: [{ action: powerOn, ok: false, at: T0, errorKind, message: 'no' }],
      }),
      config,
      memoryWith({ 'bot-01': { attempts: 0, drainCount: 0, startedAt: T0 - 15_000 } }),
      T0,
    );
    expect(result.memory.hosts.get('bot-01')!.failed !== undefined).toBe(failed);
    expect(result.actions.some((a) => a.kind === 'powerOn')).toBe(false);
    if (!failed) expect(result.memory.hosts.get('bot-01')!.retryAt).toBe(T0 + 60_000);
    else expect(kinds(result)).toEqual(['markFailed bot-01', 'alert bot-01']);
  });

  it('a failed host waits for the operator; clearFailures lets it start again', () => {
    const memory = memoryWith({
      'bot-01': { attempts: 3, drainCount: 0, failed: { at: T0 - MIN, reason: 'boom' } },
    });
    const snap = snapshot({ queue: work(), power: power({ 'bot-01': 'off' }) });
    expect(kinds(plan(snap, config, memory, T0))).toEqual([]);
    expect(kinds(plan(snap, config, clearFailures(memory, 'bot-01', T0), T0))).toEqual(['powerOn bot-01']);
  });

  it('a host gone from the cloud is marked failed once', () => {
    const scenario = new Scenario(config);
    expect(kinds(scenario.tick({ queue: work(), power: power({ 'bot-01': 'gone' }) }))).toEqual([
      'markFailed bot-01',
      'alert bot-01',
    ]);
    expect(kinds(scenario.tick({ queue: work(), power: power({ 'bot-01': 'gone' }) }))).toEqual([]);
  });
});

describe('budget cap', () => {
  const config = makeConfig({
    hosts: [host('a'), host('b'), host('c')],
    runners: [runner('ra', 'a'), runner('rb', 'b'), runner('rc', 'c')],
    policy: { maxHostsOn: 1 },
  });

  it.each([
    {
      name: 'higher priority first',
      tasks: [
        task({ runnerId: 'ra', priority: 2, createdAt: T0 - 9 * MIN }),
        task({ runnerId: 'rb', priority: 8, createdAt: T0 - MIN }),
      ],
      powerStates: { a: 'off', b: 'off', c: 'off' } as const,
      started: ['b'],
    },
    {
      name: 'same priority: oldest task first',
      tasks: [
        task({ runnerId: 'ra', priority: 5, createdAt: T0 - MIN }),
        task({ runnerId: 'rb', priority: 5, createdAt: T0 - 9 * MIN }),
      ],
      powerStates: { a: 'off', b: 'off', c: 'off' } as const,
      started: ['b'],
    },
    {
      name: 'cap already used by a host that is on',
      tasks: [task({ runnerId: 'ra' })],
      powerStates: { a: 'off', b: 'off', c: 'on' } as const,
      started: [],
    },
    {
      name: 'an unknown host counts as on',
      tasks: [task({ runnerId: 'ra' })],
      powerStates: { a: 'off', b: 'off', c: 'unknown' } as const,
      started: [],
    },
    {
      name: 'a stopping host does not count',
      tasks: [task({ runnerId: 'ra' })],
      powerStates: { a: 'off', b: 'off', c: 'stopping' } as const,
      started: ['a'],
    },
  ])('$name', ({ tasks, powerStates, started }) => {
    const result = plan(
      snapshot({ queue: queue(tasks), power: power(powerStates) }),
      config,
      emptyMemory(),
      T0,
    );
    expect(result.actions.filter((a) => a.kind === 'powerOn').map((a) => a.hostId)).toEqual(started);
  });

  it('announces the cap once and says why a host waits', () => {
    const scenario = new Scenario(config);
    const tasks = [task({ runnerId: 'ra' }), task({ runnerId: 'rb' })];
    const first = scenario.tick({ queue: queue(tasks), power: power({ a: 'off', b: 'off', c: 'off' }) });
    expect(first.actions.filter((a) => a.kind === 'note').map((a) => 'event' in a && a.event)).toEqual([
      'budget.reached',
    ]);
    expect(first.view.hosts.find((h) => h.id === 'b')!.reason).toContain('budget cap of 1');
    const second = scenario.tick({
      queue: queue(tasks),
      power: power({ a: 'starting', b: 'off', c: 'off' }),
    });
    expect(second.actions.filter((a) => a.kind === 'note')).toEqual([]);
  });
});

describe('sessions', () => {
  const twoUsers = makeConfig({
    hosts: [host('srv', { maxSessions: 1 })],
    runners: [
      runner('low', 'srv', { user: 'u1' }),
      runner('high', 'srv', { user: 'u2' }),
      runner('con', 'srv', { sessionMode: 'console' }),
    ],
  });

  it('opens one session per distinct user, most urgent first, within maxSessions; console runners get none', () => {
    const result = plan(
      snapshot({
        queue: queue([
          task({ runnerId: 'low', priority: 1 }),
          task({ runnerId: 'high', priority: 9 }),
          task({ runnerId: 'con' }),
        ]),
        power: power({ srv: 'on' }),
        readiness: answering('srv'),
      }),
      twoUsers,
      emptyMemory(),
      T0,
    );
    const opens = result.actions.filter((a) => a.kind === 'openSession');
    expect(opens.map((a) => a.kind === 'openSession' && a.spec.key)).toEqual(['srv/u2']);
    expect(opens[0]).toMatchObject({
      spec: {
        user: 'u2',
        host: 'srv.example.com',
        port: 3389,
        width: 1920,
        height: 1080,
        passwordRef: 'host-password:srv',
      },
    });
  });

  it("sends a runner's own password only with its own user", () => {
    const leftOver = makeConfig({
      hosts: [host('bot-01')],
      runners: [runner('fin-01', 'bot-01', { password: 'runner-password:fin-01' })],
    });
    const result = plan(
      snapshot({
        queue: queue([task({ runnerId: 'fin-01' })]),
        power: power({ 'bot-01': 'on' }),
        readiness: answering('bot-01'),
      }),
      leftOver,
      emptyMemory(),
      T0,
    );
    expect(result.actions.find((a) => a.kind === 'openSession')).toMatchObject({
      spec: { user: 'bot', passwordRef: 'host-password:bot-01' },
    });
  });

  it.each([
    { name: 'RDP not answering yet', readiness: new Map<string, boolean>(), state: 'on' as const, opens: 0 },
    { name: 'host still starting', readiness: answering('bot-01'), state: 'starting' as const, opens: 0 },
    { name: 'on and answering', readiness: answering('bot-01'), state: 'on' as const, opens: 1 },
  ])('opens only when the host is on and RDP answers: $name', ({ readiness, state, opens }) => {
    const result = plan(
      snapshot({
        queue: queue([task({ runnerId: 'fin-01' })]),
        power: power({ 'bot-01': state }),
        readiness,
      }),
      oneHost,
      emptyMemory(),
      T0,
    );
    expect(result.actions.filter((a) => a.kind === 'openSession')).toHaveLength(opens);
  });

  it('an already open session is not opened again', () => {
    const result = plan(
      snapshot({
        queue: queue([task({ runnerId: 'fin-01' })]),
        power: power({ 'bot-01': 'on' }),
        readiness: answering('bot-01'),
        sessions: [openSession('bot-01')],
      }),
      oneHost,
      emptyMemory(),
      T0,
    );
    expect(result.actions.filter((a) => a.kind === 'openSession')).toEqual([]);
  });

  it('closes an idle runner’s session after the grace period even while the host stays on', () => {
    const memory = memoryWith(
      { 'bot-01': { attempts: 0, drainCount: 0, startedAt: T0 - 12 * MIN, readyAt: T0 - 11 * MIN } },
      { 'fin-01': { lastBusyAt: T0 - 11 * MIN } },
    );
    const result = plan(
      snapshot({
        power: power({ 'bot-01': 'on' }),
        sessions: [openSession('bot-01')],
        readiness: answering('bot-01'),
      }),
      oneHost,
      memory,
      T0,
    );
    expect(kinds(result)).toEqual(['closeSession bot-01', 'note bot-01']);
    expect(result.actions[0]!.reason).toBe('Closing bot-01/bot: runner fin-01 idle for 11 min');
  });

  it('within the grace period the session stays', () => {
    const memory = memoryWith({}, { 'fin-01': { lastBusyAt: T0 - 5 * MIN } });
    const result = plan(
      snapshot({
        power: power({ 'bot-01': 'on' }),
        sessions: [openSession('bot-01')],
        readiness: answering('bot-01'),
      }),
      oneHost,
      memory,
      T0,
    );
    expect(result.actions.filter((a) => a.kind === 'closeSession')).toEqual([]);
  });
});

describe('session authentication failures', () => {
  const config = oneHost;
  const work = queue([task({ runnerId: 'fin-01' })]);
  const base = { queue: work, power: power({ 'bot-01': 'on' }), readiness: answering('bot-01') };

  function failedOpen(errorKind: string) {
    const first = plan(snapshot(base), config, emptyMemory(), T0);
    const open = first.actions.find((a) => a.kind === 'openSession')!;
    return planWithView(
      snapshot({
        ...base,
        outcomes: [
          { action: open, ok: false, at: T0, errorKind, message: 'The user name or password is incorrect' },
        ],
      }),
      config,
      first.memory,
      T0 + 15_000,
    );
  }

  it('is not retried until the operator acts', () => {
    const failed = failedOpen('logon-failure');
    expect(failed.actions.filter((a) => a.kind === 'openSession')).toEqual([]);
    expect(failed.actions).toMatchObject([{ kind: 'alert', event: 'session.failed' }]);
    const later = planWithView(snapshot(base), config, failed.memory, T0 + 60 * MIN);
    expect(later.actions.filter((a) => a.kind === 'openSession')).toEqual([]);
    expect(later.view.sessions[0]).toMatchObject({
      key: 'bot-01/bot',
      blocked: 'The user name or password is incorrect',
    });
  });

  it("shows the login failure as the host's last error", () => {
    expect(failedOpen('logon-failure').view.hosts[0]!.lastError).toBe(
      'The user name or password is incorrect',
    );
    expect(failedOpen('unreachable').view.hosts[0]!.lastError).toBe('The user name or password is incorrect');
  });

  it('a change of the password reference clears it', () => {
    const failed = failedOpen('logon-failure');
    const changed = makeConfig({
      hosts: [host('bot-01', { password: 'host-password:bot-01-new' })],
      runners: [runner('fin-01', 'bot-01')],
    });
    const retried = plan(snapshot(base), changed, failed.memory, T0 + 30_000);
    expect(retried.actions.filter((a) => a.kind === 'openSession')).toHaveLength(1);
  });

  it('a new password under the same reference clears it (its version changed); the same one does not', () => {
    const ref = 'host-password:bot-01';
    const first = plan(snapshot(base), config, emptyMemory(), T0);
    const open = first.actions.find((a) => a.kind === 'openSession')!;
    const oldVersion = new Map([[ref, 'v-old']]);
    const failed = plan(
      snapshot({
        ...base,
        secretVersions: oldVersion,
        outcomes: [
          { action: open, ok: false, at: T0, errorKind: 'logon-failure', message: 'wrong password' },
        ],
      }),
      config,
      first.memory,
      T0 + 15_000,
    );
    expect(failed.memory.sessions.get('bot-01/bot')?.blocked).toMatchObject({ secretVersion: 'v-old' });
    const opens = (versions: Map<string, string> | undefined) =>
      plan(
        snapshot({ ...base, ...(versions ? { secretVersions: versions } : {}) }),
        config,
        failed.memory,
        T0 + 30_000,
      ).actions.filter((a) => a.kind === 'openSession');
    expect(opens(oldVersion)).toEqual([]);
    expect(opens(undefined)).toEqual([]); // unknown is not a change
    expect(opens(new Map([[ref, 'v-new']]))).toHaveLength(1);
  });

  it('a manual retry clears it', () => {
    const failed = failedOpen('account-locked');
    const retried = plan(
      snapshot(base),
      config,
      clearFailures(failed.memory, 'bot-01', T0 + 30_000),
      T0 + 30_000,
    );
    expect(retried.actions.filter((a) => a.kind === 'openSession')).toHaveLength(1);
  });

  it('a failed status in the driver’s list blocks too', () => {
    const status = {
      ...openSession('bot-01'),
      state: 'failed' as const,
      error: { kind: 'password-expired' as const, message: 'expired' },
    };
    const result = plan(snapshot({ ...base, sessions: [status] }), config, emptyMemory(), T0);
    expect(result.actions.filter((a) => a.kind === 'openSession')).toEqual([]);
    expect(result.memory.sessions.get('bot-01/bot')!.blocked?.reason).toBe('expired');
  });

  it('other failures back off exponentially', () => {
    const failed = failedOpen('unreachable');
    expect(failed.memory.sessions.get('bot-01/bot')).toMatchObject({ attempts: 1, retryAt: T0 + 60_000 });
    expect(
      plan(snapshot(base), config, failed.memory, T0 + 30_000).actions.filter(
        (a) => a.kind === 'openSession',
      ),
    ).toEqual([]);
    expect(
      plan(snapshot(base), config, failed.memory, T0 + 60_000).actions.filter(
        (a) => a.kind === 'openSession',
      ),
    ).toHaveLength(1);
  });

  it('a logon the host ended without a reason is retried once, not before five minutes', () => {
    const failed = failedOpen('logon-unconfirmed');
    expect(failed.memory.sessions.get('bot-01/bot')).toMatchObject({ attempts: 1, retryAt: T0 + 5 * MIN });
    expect(failed.memory.sessions.get('bot-01/bot')!.blocked).toBeUndefined();
    expect(failed.actions).toMatchObject([{ kind: 'note', event: 'session.failed', severity: 'warning' }]);
    const opens = (at: number) =>
      plan(snapshot(base), config, failed.memory, at).actions.filter((a) => a.kind === 'openSession');
    expect(opens(T0 + 5 * MIN - 1)).toEqual([]);
    expect(opens(T0 + 5 * MIN)).toHaveLength(1);
  });
});

describe('keep-warm and pre-warm', () => {
  const window = (extra: Partial<KeepWarmWindow>): KeepWarmWindow => ({
    days: ['mon'],
    from: '11:00',
    to: '13:00',
    timeZone: 'UTC',
    ...extra,
  });
  it.each([
    { name: 'inside the window', keepWarm: [window({})], at: T0, starts: true },
    {
      name: 'outside the window',
      keepWarm: [window({ from: '13:00', to: '14:00' })],
      at: T0 - 10 * MIN,
      starts: false,
    },
    {
      name: 'just before the window, within the boot lead',
      keepWarm: [window({ from: '12:02', to: '14:00' })],
      at: T0,
      starts: true,
    },
    { name: 'another day', keepWarm: [window({ days: ['tue'] })], at: T0, starts: false },
    { name: 'other hosts only', keepWarm: [window({ hosts: ['zzz'] })], at: T0, starts: false },
    // 12:00 UTC on 5 January is 13:00 in Paris: a Paris window of 12:30-14:00 covers it.
    {
      name: 'in another time zone',
      keepWarm: [window({ from: '12:30', to: '14:00', timeZone: 'Europe/Paris' })],
      at: T0,
      starts: true,
    },
    {
      name: 'overnight window, after midnight',
      keepWarm: [window({ days: ['sun'], from: '22:00', to: '13:00' })],
      at: T0,
      starts: true,
    },
  ])('$name: starts=$starts', ({ keepWarm, at, starts }) => {
    const config = makeConfig({
      hosts: [host('bot-01')],
      runners: [runner('fin-01', 'bot-01')],
      policy: { keepWarm },
    });
    const result = plan(snapshot({ power: power({ 'bot-01': 'off' }), now: at }), config, emptyMemory(), at);
    expect(result.actions.some((a) => a.kind === 'powerOn')).toBe(starts);
  });

  it.each([
    {
      name: 'a scheduled run within the learned lead starts the host',
      at: T0 + 2 * MIN,
      prewarm: true,
      starts: true,
    },
    { name: 'a scheduled run beyond the lead does not yet', at: T0 + 10 * MIN, prewarm: true, starts: false },
    { name: 'pre-warm off: not started', at: T0 + 2 * MIN, prewarm: false, starts: false },
  ])('$name', ({ at, prewarm, starts }) => {
    const config = makeConfig({
      hosts: [host('bot-01')],
      runners: [runner('fin-01', 'bot-01', { activities: ['nightly'] })],
      policy: { prewarm },
    });
    const memory = memoryWith({ 'bot-01': { attempts: 0, drainCount: 0, bootLeadMs: 3 * MIN } });
    const result = plan(
      snapshot({
        power: power({ 'bot-01': 'off' }),
        queue: queue([], { upcoming: [{ activity: 'nightly', at }] }),
      }),
      config,
      memory,
      T0,
    );
    expect(result.actions.some((a) => a.kind === 'powerOn')).toBe(starts);
    if (starts)
      expect(result.actions[0]!.reason).toBe('Starting bot-01: a scheduled run is due in 2 min (pre-warm)');
  });

  it('learns the boot lead from start to the first open session', () => {
    const scenario = new Scenario(oneHost);
    const work = queue([task({ runnerId: 'fin-01' })]);
    scenario.tick({ queue: work, power: power({ 'bot-01': 'off' }) }, 150_000);
    scenario.tick({ queue: work, power: power({ 'bot-01': 'on' }), readiness: answering('bot-01') }, 15_000);
    scenario.tick({
      queue: work,
      power: power({ 'bot-01': 'on' }),
      readiness: answering('bot-01'),
      sessions: [openSession('bot-01')],
    });
    expect(scenario.memory.hosts.get('bot-01')!.bootLeadMs).toBe(150_000);
  });
});

describe('leaks, unmanaged and always-on hosts', () => {
  it.each([
    {
      name: 'a managed host found on with no demand is stopped after the grace period',
      managed: true,
      optIn: false,
      stops: true,
    },
    { name: 'an unmanaged host is never stopped', managed: false, optIn: false, stops: false },
    {
      name: 'an unmanaged host is stopped when powerOffUnmanaged is set',
      managed: false,
      optIn: true,
      stops: true,
    },
  ])('$name', ({ managed, optIn, stops }) => {
    const config = makeConfig({
      hosts: [host('bot-01', { powerOffUnmanaged: optIn })],
      runners: [runner('fin-01', 'bot-01')],
      policy: { idleGraceMinutes: 2 },
    });
    const scenario = new Scenario(config);
    let stoppedAt: number | undefined;
    for (let i = 0; i < 40 && stoppedAt === undefined; i++) {
      const result = scenario.tick({ power: power({ 'bot-01': ['on', managed] }) });
      if (result.actions.some((a) => a.kind === 'powerOff')) stoppedAt = scenario.now - 15_000 - T0;
    }
    expect(stoppedAt !== undefined).toBe(stops);
    if (stops) expect(stoppedAt).toBe(2 * MIN);
  });

  it('an rdp host is never powered, but gets its sessions', () => {
    const config = makeConfig({
      hosts: [host('pc', { protocol: 'rdp', aws: undefined })],
      runners: [runner('r', 'pc')],
      policy: { idleGraceMinutes: 0 },
    });
    const busy = plan(
      snapshot({ queue: queue([task({ runnerId: 'r' })]), readiness: answering('pc') }),
      config,
      emptyMemory(),
      T0,
    );
    expect(kinds(busy)).toEqual(['openSession pc']);
    const scenario = new Scenario(config);
    for (let i = 0; i < 20; i++) {
      const result = scenario.tick({ readiness: answering('pc') });
      expect(result.actions.filter((a) => a.kind === 'powerOn' || a.kind === 'powerOff')).toEqual([]);
    }
  });

  it('per-host idle grace overrides the policy', () => {
    const config = makeConfig({
      hosts: [host('bot-01', { idleGraceMinutes: 45 })],
      runners: [runner('fin-01', 'bot-01')],
    });
    const result = planWithView(snapshot({ power: power({ 'bot-01': 'on' }) }), config, drained, T0);
    expect(result.actions.some((a) => a.kind === 'powerOff')).toBe(false);
    expect(result.view.hosts[0]!.idleDeadline).toBe(T0 + 15 * MIN);
  });
});

describe('purity', () => {
  it('does not mutate its memory and gives the same plan for the same inputs', () => {
    const memory = structuredClone(drained);
    const frozen = structuredClone(memory);
    const snap = snapshot({
      power: power({ 'bot-01': 'on' }),
      sessions: [openSession('bot-01')],
      readiness: answering('bot-01'),
    });
    const a = plan(snap, oneHost, memory, T0);
    const b = plan(snap, oneHost, memory, T0);
    expect(memory).toEqual(frozen);
    expect(a).toEqual(b);
  });
});

describe('memory persistence', () => {
  it('round-trips through JSON; malformed or newer-version data is reported, not used', () => {
    const result = plan(snapshot({ power: power({ 'bot-01': 'on' }) }), oneHost, drained, T0);
    const restored = memoryFromJson(JSON.parse(JSON.stringify(memoryToJson(result.memory))));
    if (!('memory' in restored)) throw new Error(restored.problem);
    expect(memoryToJson(restored.memory)).toEqual(memoryToJson(result.memory));
    expect(restored.memory.hosts.get('bot-01')).toEqual(
      JSON.parse(JSON.stringify(result.memory.hosts.get('bot-01'))),
    );
    expect(memoryFromJson({ version: 1, hosts: { x: { attempts: 'many' } } })).toMatchObject({
      problem: expect.stringMatching(/^it is malformed/),
    });
    expect(memoryFromJson({ version: 99 })).toEqual({
      problem: 'it was written by a newer Session Manager (memory version 99)',
    });
    expect(memoryFromJson(null)).toMatchObject({ problem: expect.stringMatching(/^it is malformed/) });
  });

  it('after a restart keeps what was learned and starts the idle clocks over', () => {
    const learned: PlanMemory = {
      ...emptyMemory(),
      hosts: new Map([
        [
          'bot-01',
          { attempts: 2, retryAt: T0 + MIN, bootLeadMs: 95_000, drainCount: 3, drainSince: T0 - 5 * MIN },
        ],
      ]),
      runners: new Map([['fin-01', { lastBusyAt: T0 - 10 * MIN }]]),
      orchestrator: 'ok',
    };
    const restarted = afterRestart(learned);
    expect(restarted.hosts.get('bot-01')).toMatchObject({
      attempts: 2,
      retryAt: T0 + MIN,
      bootLeadMs: 95_000,
      drainCount: 0,
    });
    expect(restarted.hosts.get('bot-01')?.drainSince).toBeUndefined();
    expect(restarted.runners.size).toBe(0);
    expect(restarted.orchestrator).toBe('unknown');
  });
});

describe('pools: one host per unassigned task, least loaded first', () => {
  const five = makeConfig({
    hosts: ['bot-1', 'bot-2', 'bot-3', 'bot-4', 'bot-5'].map((id) => host(id)),
    runners: [1, 2, 3, 4, 5].map((n) => runner(`inv-${n}`, `bot-${n}`, { activities: ['invoice'] })),
    policy: { maxHostsOn: 10 },
  });
  const allOff = power({ 'bot-1': 'off', 'bot-2': 'off', 'bot-3': 'off', 'bot-4': 'off', 'bot-5': 'off' });
  const unassigned = (count: number) =>
    Array.from({ length: count }, (_, i) => task({ activity: 'invoice', createdAt: T0 - (i + 1) * 1000 }));
  const started = (actions: Action[]) =>
    actions.filter((a) => a.kind === 'powerOn').map((a) => (a as { hostId: string }).hostId);

  it('one unassigned task for a pool of five stopped hosts starts exactly one', () => {
    const result = plan(snapshot({ queue: queue(unassigned(1)), power: allOff }), five, emptyMemory(), T0);
    expect(started(result.actions)).toEqual(['bot-1']);
    expect(result.actions.find((a) => a.kind === 'powerOn')?.reason).toBe(
      'Starting bot-1: runner inv-1 has 1 queued task (unassigned, from pool invoice), oldest 1 s',
    );
  });

  it('five tasks start five; the shortest learned boot lead goes first', () => {
    expect(
      started(
        plan(snapshot({ queue: queue(unassigned(5)), power: allOff }), five, emptyMemory(), T0).actions,
      ),
    ).toHaveLength(5);
    const quickThree = memoryWith({ 'bot-3': { attempts: 0, drainCount: 0, bootLeadMs: 30_000 } });
    expect(
      started(plan(snapshot({ queue: queue(unassigned(1)), power: allOff }), five, quickThree, T0).actions),
    ).toEqual(['bot-3']);
  });

  it('a task for a pool whose runner is on and free starts none; a busy runner does not count as free', () => {
    const oneOn = power({ 'bot-1': 'off', 'bot-2': 'on', 'bot-3': 'off', 'bot-4': 'off', 'bot-5': 'off' });
    expect(
      started(plan(snapshot({ queue: queue(unassigned(1)), power: oneOn }), five, emptyMemory(), T0).actions),
    ).toEqual([]);
    const busyOnTwo = queue([...unassigned(1), task({ runnerId: 'inv-2', state: 'busy' })]);
    expect(
      started(plan(snapshot({ queue: busyOnTwo, power: oneOn }), five, emptyMemory(), T0).actions),
    ).toEqual(['bot-1']);
  });

  it('runners linked to the automation at the orchestrator form the pool too', () => {
    const unlisted = makeConfig({
      hosts: [host('bot-1'), host('bot-2')],
      runners: [runner('inv-1', 'bot-1'), runner('inv-2', 'bot-2')],
    });
    const observed = queue(unassigned(1), { pools: { invoice: ['inv-2', 'someone-else'] } });
    const result = plan(
      snapshot({ queue: observed, power: power({ 'bot-1': 'off', 'bot-2': 'off' }) }),
      unlisted,
      emptyMemory(),
      T0,
    );
    expect(started(result.actions)).toEqual(['bot-2']);
  });
});

describe('BotCity task states and odd records', () => {
  it('a task in TIMEOUT keeps its host and session, and the reason says why', () => {
    const timedOut = task({
      runnerId: 'fin-01',
      state: 'busy',
      status: 'TIMEOUT',
      startedAt: T0 - 190 * MIN,
    });
    const result = plan(
      snapshot({
        queue: queue([timedOut]),
        power: power({ 'bot-01': 'on' }),
        sessions: [openSession('bot-01')],
      }),
      oneHost,
      drained,
      T0,
    );
    expect(result.actions.filter((a) => a.kind === 'powerOff' || a.kind === 'closeSession')).toEqual([]);
    expect(result.outlook.hosts.get('bot-01')?.reason).toBe(
      'runner fin-01 has a task in TIMEOUT for 3 h 10 min: its bot may still be running',
    );
    const view = viewOf(
      snapshot({ queue: queue([timedOut]), power: power({ 'bot-01': 'on' }) }),
      oneHost,
      result,
      T0,
    );
    expect(view.runners[0]).toMatchObject({ id: 'fin-01', running: 1, timedOut: 1 });
  });

  it('a tick with skipped task records stops and closes nothing, and says so; starts go on', () => {
    const skipped = { tasks: 2, runners: 0, schedules: 0 };
    const idle = plan(
      snapshot({
        queue: queue([], { skipped }),
        power: power({ 'bot-01': 'on' }),
        sessions: [openSession('bot-01')],
      }),
      oneHost,
      drained,
      T0,
    );
    expect(idle.actions.filter((a) => a.kind === 'powerOff' || a.kind === 'closeSession')).toEqual([]);
    expect(idle.outlook.hosts.get('bot-01')?.reason).toBe(
      'idle, but not stopped: 2 task records from the orchestrator could not be read, and one might be a busy task',
    );
    const wanted = plan(
      snapshot({
        queue: queue([task({ runnerId: 'fin-01' })], { skipped }),
        power: power({ 'bot-01': 'off' }),
      }),
      oneHost,
      emptyMemory(),
      T0,
    );
    expect(wanted.actions.map((a) => a.kind)).toContain('powerOn');
  });

  it('a Background runner gets no session; a Desktop one does', () => {
    const tick = (types: Record<string, 'desktop' | 'background'>) =>
      plan(
        snapshot({
          queue: queue([task({ runnerId: 'fin-01' })], { runnerTypes: types }),
          power: power({ 'bot-01': 'on' }),
          readiness: answering('bot-01'),
        }),
        oneHost,
        emptyMemory(),
        T0,
      ).actions.map((a) => a.kind);
    expect(tick({ 'fin-01': 'background' })).not.toContain('openSession');
    expect(tick({ 'fin-01': 'desktop' })).toContain('openSession');
  });
});
