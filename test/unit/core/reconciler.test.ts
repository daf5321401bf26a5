import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src-main/config/schema.js';
import { Reconciler } from '../../../src-main/core/reconciler.js';
import { deferred, makeLoop } from './loop-fakes.js';
import { host, makeConfig, MIN, runner, task } from './world.js';

const config = makeConfig({
  hosts: [host('bot-01')],
  runners: [runner('fin-01', 'bot-01')],
  policy: { idleGraceMinutes: 1, minUptimeMinutes: 0, drainObservations: 2 },
});

describe('Reconciler', () => {
  it('keeps what a driver reports while observing in the snapshot, and says it once while it lasts', async () => {
    const loop = await makeLoop(config);
    loop.power.seed('bot-01', 'off');
    const refused = { error: 'auth', message: 'EC2 eu-west-1: AuthFailure' } as const;
    loop.power.failNext('observe', refused);
    const first = await loop.reconciler.tickNow();
    expect(first.snapshot.problems).toEqual([
      { source: 'power', protocol: 'aws-ec2', message: 'EC2 eu-west-1: AuthFailure' },
    ]);
    expect(first.snapshot.power.get('bot-01')?.state).toBe('unknown');
    // The host card says why its state is unknown, not "No error".
    expect(loop.reconciler.state().hosts[0]).toMatchObject({
      power: 'unknown',
      lastError: 'EC2 eu-west-1: AuthFailure',
    });
    loop.power.failNext('observe', refused);
    loop.clock.advance(15_000);
    const second = await loop.reconciler.tickNow();
    expect(second.snapshot.problems).toHaveLength(1);
    const said = loop.events.list().filter((e) => e.message === 'EC2 eu-west-1: AuthFailure');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ severity: 'warning' });
    // The orchestrator's warnings (e.g. records it skipped) are said once while they last, too.
    loop.orchestrator.warnings = ['task records from BotCity could not be read and were skipped'];
    for (let i = 0; i < 2; i++) {
      loop.clock.advance(15_000);
      await loop.reconciler.tickNow();
    }
    expect(loop.events.list().filter((e) => e.message.startsWith('Orchestrator: task records'))).toHaveLength(
      1,
    );
    loop.orchestrator.warnings = [];
    // A driver that throws is a problem of its protocol, not a crash of the tick.
    loop.power.failNext('observe', new Error('socket hang up'));
    loop.clock.advance(15_000);
    const third = await loop.reconciler.tickNow();
    expect(third.snapshot.problems).toEqual([
      {
        source: 'power',
        protocol: 'aws-ec2',
        message: 'Reading aws-ec2 power states failed: socket hang up',
      },
    ]);
  });

  it('seed → tick → starts the host with the reason as the event, and shows it in the state', async () => {
    const loop = await makeLoop(config);
    loop.power.seed('bot-01', 'off');
    loop.orchestrator.tasks = [task({ runnerId: 'fin-01', createdAt: loop.clock.now() - 42_000 })];

    const report = await loop.reconciler.tickNow();

    expect(report.actions.map((a) => a.kind)).toEqual(['powerOn']);
    expect(loop.power.callsOf('start').map((c) => c.hostIds)).toEqual([['bot-01']]);
    expect(loop.events.list().map((e) => `${e.kind}: ${e.message}`)).toEqual([
      'host.starting: Starting bot-01: runner fin-01 has 1 queued task, oldest 42 s',
      'host.started: bot-01: start accepted',
    ]);
    expect(loop.reconciler.state()).toMatchObject({
      ticks: 1,
      queueDepth: 1,
      orchestrator: { status: 'ok' },
      hosts: [{ id: 'bot-01', stage: 'powering-on', bootStartedAt: loop.clock.now() }],
      runners: [{ id: 'fin-01', queued: 1, running: 0 }],
    });
  });

  it('runs the whole life: start, session, work, idle, close and stop', async () => {
    const loop = await makeLoop(config);
    loop.power.seed('bot-01', 'off');
    loop.orchestrator.tasks = [task({ id: 'job', runnerId: 'fin-01' })];
    await loop.reconciler.tickNow();
    loop.clock.advance(60_000); // boot delay
    await loop.reconciler.tickNow();
    expect(loop.sessions.callsOf('open').map((c) => c.spec)).toMatchObject([
      { key: 'bot-01/bot', user: 'bot', host: 'bot-01.example.com', port: 3389 },
    ]);
    expect(loop.reconciler.state().hosts[0]!.stage).toBe('rdp-answering'); // the view is of what this tick observed
    loop.orchestrator.tasks = [task({ id: 'job', runnerId: 'fin-01', state: 'busy' })];
    loop.orchestrator.online = { 'fin-01': true };
    loop.clock.advance(15_000);
    await loop.reconciler.tickNow();
    expect(loop.reconciler.state().hosts[0]!.stage).toBe('runner-online');
    expect(loop.reconciler.getMemory().hosts.get('bot-01')!.bootLeadMs).toBe(60_000);

    loop.orchestrator.tasks = [];
    const kinds: string[] = [];
    for (let i = 0; i < 10; i++) {
      loop.clock.advance(15_000);
      kinds.push(...(await loop.reconciler.tickNow()).actions.map((a) => a.kind));
    }
    expect(kinds.filter((k) => k !== 'note')).toEqual(['closeSession', 'powerOff']);
    expect(loop.power.callsOf('stop')).toHaveLength(1);
    expect(loop.power.stateOf('bot-01')).toBe('off');
    expect(loop.sessions.list()).toEqual([]);
    const messages = loop.events.list().map((e) => e.kind);
    expect(messages).toEqual(
      expect.arrayContaining([
        'session.opening',
        'session.opened',
        'host.drain',
        'session.closed',
        'host.stopping',
        'host.stopped',
      ]),
    );
  });

  it('never overlaps ticks: a tick asked for during another runs after it', async () => {
    const loop = await makeLoop(config);
    loop.power.seed('bot-01', 'off');
    const gate = deferred();
    loop.orchestrator.gate = gate.promise;
    const first = loop.reconciler.tickNow();
    const second = loop.reconciler.tickNow();
    const third = loop.reconciler.tickNow();
    expect(third).toBe(second); // at most one waits
    await Promise.resolve();
    expect(loop.orchestrator.observeCalls).toBe(1);
    loop.orchestrator.gate = undefined;
    gate.resolve();
    await first;
    await second;
    expect(loop.orchestrator.observeCalls).toBe(2);
    expect(loop.orchestrator.maxConcurrent).toBe(1);
    expect(loop.reconciler.state().ticks).toBe(2);
  });

  it('re-checks a power-off against a fresh observation and cancels it on new work', async () => {
    const loop = await makeLoop(
      makeConfig({
        hosts: [host('bot-01')],
        runners: [runner('fin-01', 'bot-01')],
        policy: { idleGraceMinutes: 0, minUptimeMinutes: 0, drainObservations: 1 },
      }),
    );
    loop.power.seed('bot-01', 'on', true);
    const fresh = {
      complete: true,
      tasks: [task({ runnerId: 'fin-01' })],
      runnersOnline: {},
      upcoming: [],
      requests: 1,
    };
    loop.orchestrator.scripted.push(
      { complete: true, tasks: [], runnersOnline: {}, upcoming: [], requests: 1 },
      fresh,
    );

    const report = await loop.reconciler.tickNow();

    expect(report.actions.map((a) => a.kind)).toContain('powerOff');
    expect(loop.power.callsOf('stop')).toEqual([]);
    expect(report.outcomes).toMatchObject([
      { ok: false, canceled: true, message: 'runner fin-01 has new queued work' },
    ]);
    expect(loop.events.list().at(-1)!.message).toBe('Not stopping bot-01: runner fin-01 has new queued work');
    // The next plan hears of the cancel: the drain starts over.
    loop.clock.advance(15_000);
    loop.orchestrator.tasks = [task({ runnerId: 'fin-01' })];
    await loop.reconciler.tickNow();
    expect(loop.reconciler.getMemory().hosts.get('bot-01')!.drainCount).toBe(0);
  });

  it('cancels a destructive action when the fresh observation is incomplete', async () => {
    const loop = await makeLoop(
      makeConfig({
        hosts: [host('bot-01')],
        runners: [runner('fin-01', 'bot-01')],
        policy: { idleGraceMinutes: 0, minUptimeMinutes: 0, drainObservations: 1 },
      }),
    );
    loop.power.seed('bot-01', 'on', true);
    loop.orchestrator.scripted.push(
      { complete: true, tasks: [], runnersOnline: {}, upcoming: [], requests: 1 },
      new Error('socket hang up'),
    );
    const report = await loop.reconciler.tickNow();
    expect(loop.power.callsOf('stop')).toEqual([]);
    expect(report.outcomes[0]).toMatchObject({ canceled: true });
  });

  it('graceful stop waits for actions in flight and powers nothing off', async () => {
    const loop = await makeLoop(config);
    loop.power.seed('bot-01', 'off');
    loop.orchestrator.tasks = [task({ runnerId: 'fin-01' })];
    const gate = deferred();
    const start = loop.power.start.bind(loop.power);
    let startFinished = false;
    loop.power.start = async (h) => {
      await gate.promise;
      const result = await start(h);
      startFinished = true;
      return result;
    };
    loop.reconciler.start();
    expect(loop.timer.fireDue()).toBe(1); // the first tick
    await new Promise((resolve) => setImmediate(resolve));
    let stopped = false;
    const stopping = loop.reconciler.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(startFinished).toBe(true);
    expect(loop.power.callsOf('stop')).toEqual([]);
    expect(loop.timer.pending.size).toBe(0); // no further tick scheduled
    expect(loop.events.list().map((e) => e.kind)).toEqual(
      expect.arrayContaining(['service.started', 'service.stopping']),
    );
  });

  it('start() ticks now, then every interval, from the injected timer', async () => {
    const loop = await makeLoop(config);
    loop.reconciler.start();
    loop.timer.fireDue();
    await new Promise((resolve) => setImmediate(resolve));
    expect(loop.reconciler.state().ticks).toBe(1);
    expect([...loop.timer.pending.values()].map((p) => p.at - loop.clock.now())).toEqual([15_000]);
    loop.clock.advance(15_000);
    loop.timer.fireDue();
    await new Promise((resolve) => setImmediate(resolve));
    expect(loop.reconciler.state().ticks).toBe(2);
    await loop.reconciler.stop();
  });

  it('paused: observes but acts on nothing; resume acts again', async () => {
    const loop = await makeLoop(config);
    loop.power.seed('bot-01', 'off');
    loop.orchestrator.tasks = [task({ runnerId: 'fin-01' })];
    loop.reconciler.pause();
    const report = await loop.reconciler.tickNow();
    expect(report.observedOnly).toBe(true);
    expect(loop.power.callsOf('start')).toEqual([]);
    expect(loop.reconciler.state()).toMatchObject({ paused: true, queueDepth: 1 });
    loop.reconciler.resume();
    await loop.reconciler.tickNow();
    expect(loop.power.callsOf('start')).toHaveLength(1);
    expect(loop.reconciler.state().paused).toBe(false);
  });

  it('a driver error becomes an action.failed event and a back-off, not a hot loop', async () => {
    const loop = await makeLoop(config);
    loop.power.seed('bot-01', 'off');
    loop.orchestrator.tasks = [task({ runnerId: 'fin-01' })];
    loop.power.failNext('start', { error: 'capacity', message: 'InsufficientInstanceCapacity' });
    await loop.reconciler.tickNow();
    expect(loop.events.list().find((e) => e.kind === 'action.failed')!.message).toContain(
      'InsufficientInstanceCapacity',
    );
    for (let i = 0; i < 3; i++) {
      loop.clock.advance(15_000);
      await loop.reconciler.tickNow();
    }
    expect(loop.power.callsOf('start')).toHaveLength(1); // back-off of 1 min holds
    loop.clock.advance(15_000);
    await loop.reconciler.tickNow();
    expect(loop.power.callsOf('start')).toHaveLength(2);
  });

  it('a host that fails is one host.failed event (notifications are raised from it); retry() lets it start again', async () => {
    const loop = await makeLoop(
      makeConfig({
        hosts: [host('bot-01')],
        runners: [runner('fin-01', 'bot-01')],
        policy: { maxStartAttempts: 1 },
      }),
    );
    loop.power.seed('bot-01', 'gone');
    loop.orchestrator.tasks = [task({ runnerId: 'fin-01' })];
    await loop.reconciler.tickNow();
    expect(loop.events.list().filter((e) => e.kind === 'host.failed')).toMatchObject([
      { severity: 'error', hostId: 'bot-01' },
    ]);
    // The orchestrator hears of it through the notification dispatcher, not a second time from the loop.
    expect(loop.orchestrator.alerts).toEqual([]);
    expect(loop.reconciler.state().hosts[0]).toMatchObject({ stage: 'failed', failed: true });
    loop.power.seed('bot-01', 'off', true);
    loop.reconciler.retry('bot-01');
    loop.clock.advance(15_000);
    await loop.reconciler.tickNow();
    expect(loop.power.callsOf('start')).toHaveLength(1);
  });

  it('setConfig applies on the next tick', async () => {
    const loop = await makeLoop(config);
    loop.power.seed('bot-02', 'off');
    loop.reconciler.setConfig(
      makeConfig({
        hosts: [host('bot-01'), host('bot-02')],
        runners: [runner('fin-01', 'bot-01'), runner('hr-01', 'bot-02')],
      }),
    );
    loop.orchestrator.tasks = [task({ runnerId: 'hr-01' })];
    await loop.reconciler.tickNow();
    expect(loop.power.callsOf('start').map((c) => c.hostIds[0])).toEqual(['bot-02']);
    expect(loop.events.list()[0]!.kind).toBe('config.reloaded');
  });

  it('an unreachable orchestrator: stops nothing, alerts once, and the state says so', async () => {
    const loop = await makeLoop(config);
    loop.power.seed('bot-01', 'on', true);
    for (let i = 0; i < 3; i++) {
      loop.orchestrator.scripted.push(new Error('ECONNREFUSED'));
      await loop.reconciler.tickNow();
      loop.clock.advance(15 * MIN);
    }
    expect(loop.power.callsOf('stop')).toEqual([]);
    expect(loop.events.list().filter((e) => e.kind === 'orchestrator.unreachable')).toHaveLength(1);
    expect(loop.reconciler.state().orchestrator).toMatchObject({
      status: 'unreachable',
      problem: 'orchestrator read failed: ECONNREFUSED',
    });
  });

  it('reports session drops the driver makes on its own', async () => {
    const loop = await makeLoop(config);
    loop.reconciler.start();
    loop.sessions.seed({ key: 'bot-01/bot', hostId: 'bot-01', user: 'bot', state: 'open' });
    loop.sessions.drop('bot-01/bot');
    expect(loop.events.list().at(-1)).toMatchObject({ kind: 'session.lost', hostId: 'bot-01' });
    await loop.reconciler.stop();
  });
});

describe('Reconciler without an orchestrator', () => {
  it('does nothing to hosts, raises no alert, and shows "unconfigured"', async () => {
    const bare = configSchema.parse({ ...config, orchestrator: undefined });
    const loop = await makeLoop(bare);
    const reconciler = new Reconciler({
      config: bare,
      powerDrivers: [loop.power],
      sessions: loop.sessions,
      readiness: { probe: async () => new Map() },
      events: loop.events,
      clock: loop.clock,
      timer: loop.timer,
    });
    loop.power.seed('bot-01', 'on', true);
    for (let i = 0; i < 5; i++) {
      await reconciler.tickNow();
      loop.clock.advance(15 * MIN);
    }
    expect(loop.power.calls.filter((c) => c.op !== 'observe')).toEqual([]);
    expect(loop.events.list().filter((e) => e.severity !== 'info')).toEqual([]);
    expect(reconciler.state().orchestrator).toEqual({ status: 'unconfigured' });
  });
});

describe('Reconciler with hibernation', () => {
  const idleHost = makeConfig({
    hosts: [host('bot-01')],
    runners: [runner('fin-01', 'bot-01')],
    policy: { idleGraceMinutes: 1, minUptimeMinutes: 0, drainObservations: 2 },
  });

  /** Runs ticks 15 s apart until the host has been stopped (or gives up). */
  async function untilStopped(loop: Awaited<ReturnType<typeof makeLoop>>): Promise<void> {
    for (let i = 0; i < 40 && loop.power.callsOf('stop').length === 0; i++) {
      await loop.reconciler.tickNow();
      loop.clock.advance(15_000);
    }
    expect(loop.power.callsOf('stop')).toHaveLength(1);
    // The next tick folds the stop's outcome into the memory.
    await loop.reconciler.tickNow();
  }

  it('a hibernated host resumes, and its resume lead is learned apart from its boot lead', async () => {
    const loop = await makeLoop(idleHost);
    loop.power.seed('bot-01', 'on');
    loop.power.hibernates('bot-01', 20_000);
    loop.orchestrator.tasks = [task({ runnerId: 'fin-01', state: 'busy', createdAt: loop.clock.now() })];
    await loop.reconciler.tickNow();
    loop.orchestrator.tasks = [];
    await untilStopped(loop);
    expect(loop.reconciler.getMemory().hosts.get('bot-01')).toMatchObject({ hibernated: true });
    expect(loop.events.list().filter((e) => e.kind === 'host.hibernate-refused')).toEqual([]);

    loop.clock.advance(60_000);
    loop.orchestrator.tasks = [task({ runnerId: 'fin-01', createdAt: loop.clock.now() })];
    for (let i = 0; i < 8; i++) {
      await loop.reconciler.tickNow();
      loop.clock.advance(15_000);
    }
    const memory = loop.reconciler.getMemory().hosts.get('bot-01')!;
    expect(memory.resumeLeadMs).toBeGreaterThanOrEqual(20_000);
    expect(memory.resumeLeadMs).toBeLessThanOrEqual(45_000);
    expect(memory.bootLeadMs).toBeUndefined();
  });

  it('a refused hibernation is a normal stop, said once as a warning with what it means', async () => {
    const loop = await makeLoop(idleHost);
    loop.power.seed('bot-01', 'on');
    loop.power.hibernates('bot-01', 20_000, true);
    loop.orchestrator.tasks = [task({ runnerId: 'fin-01', state: 'busy', createdAt: loop.clock.now() })];
    await loop.reconciler.tickNow();
    loop.orchestrator.tasks = [];
    await untilStopped(loop);
    const refused = loop.events.list().filter((e) => e.kind === 'host.hibernate-refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ severity: 'warning', hostId: 'bot-01' });
    expect(refused[0]!.message).toContain('its next start is a full boot');
    expect(loop.reconciler.getMemory().hosts.get('bot-01')?.hibernated).toBeUndefined();
  });
});
