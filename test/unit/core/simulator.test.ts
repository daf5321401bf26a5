import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { merge, simulateAlwaysOn, simulateOfflineOptimum } from '../../../src-main/sim/baselines.js';
import { simulatePolicy } from '../../../src-main/sim/simulate.js';
import { mean, percentile } from '../../../src-main/sim/stats.js';
import { traceSchema, type Trace } from '../../../src-main/sim/trace.js';
import { T0 } from './world.js';

const MIN = 60_000;

/** One host, one runner, two 10-min tasks two hours apart, a 2-min boot. */
const twoTasks: Trace = {
  name: 'two',
  description: 'two tasks',
  seed: 1,
  start: T0,
  durationMs: 4 * 60 * MIN,
  hosts: [{ id: 'h', bootMs: 2 * MIN }],
  runners: [{ id: 'r', host: 'h' }],
  tasks: [
    { id: 'a', runner: 'r', arriveAt: 30 * MIN, durationMs: 10 * MIN, priority: 5 },
    { id: 'b', runner: 'r', arriveAt: 150 * MIN, durationMs: 10 * MIN, priority: 5 },
  ],
  schedules: [],
};

describe('simulator', () => {
  it('a host that hibernates resumes in its resume time, and plan learns that lead apart from its boot', () => {
    const irregular: Trace = {
      ...twoTasks,
      durationMs: 12 * 60 * MIN,
      hosts: [{ id: 'h', bootMs: 3 * MIN }],
      // Work at irregular times: nothing to pre-warm for, every start waits.
      tasks: [20, 95, 230, 300, 410, 555, 610].map((minute, i) => ({
        id: `t${i}`,
        runner: 'r',
        arriveAt: minute * MIN,
        durationMs: 5 * MIN,
        priority: 5,
      })),
    };
    const hibernating: Trace = { ...irregular, hosts: [{ id: 'h', bootMs: 3 * MIN, resumeMs: 30_000 }] };
    let resumeLeadMs: number | undefined;
    const resumed = simulatePolicy(hibernating, {
      onTick: (tick) => (resumeLeadMs = tick.result.memory.hosts.get('h')?.resumeLeadMs),
    });
    const booted = simulatePolicy(irregular);
    expect(resumed.interruptions).toBe(0);
    expect(resumed.meanWaitS).toBeLessThan(booted.meanWaitS - 60);
    expect(resumed.vmHours).toBeLessThan(booted.vmHours);
    // Session ready 30 s resume + 10 s logon after the start request, seen at the next 15 s poll.
    expect(resumeLeadMs).toBeGreaterThanOrEqual(40_000);
    expect(resumeLeadMs).toBeLessThanOrEqual(60_000);
    // The optimum resumes too: it is measured against the same cloud.
    expect(simulateOfflineOptimum(hibernating).vmHours).toBeLessThan(
      simulateOfflineOptimum(irregular).vmHours,
    );
  });

  it('always-on: every host billed the whole trace, no waits', () => {
    expect(simulateAlwaysOn(twoTasks)).toMatchObject({
      vmHours: 4,
      meanWaitS: 0,
      interruptions: 0,
      tasksDone: 2,
    });
  });

  it('offline optimum: boot + logon lead before each need, a stop after each', () => {
    // Each task: 2 min boot + 10 s logon + 10 min work + 1 min stop.
    const result = simulateOfflineOptimum(twoTasks);
    expect(result.vmHours * 60).toBeCloseTo(2 * (2 + 1 / 6 + 10 + 1), 6);
    expect(result).toMatchObject({ meanWaitS: 0, starts: 2 });
  });

  it('the policy: pays boot waits, stops when idle, interrupts nothing', () => {
    const result = simulatePolicy(twoTasks, { policy: { idleGraceMinutes: 10, minUptimeMinutes: 0 } });
    expect(result.interruptions).toBe(0);
    expect(result.tasksDone).toBe(2);
    expect(result.starts).toBe(2);
    // Each task waits the boot (2 min), a tick or two and the logon.
    expect(result.meanWaitS).toBeGreaterThan(120);
    expect(result.meanWaitS).toBeLessThan(180);
    // Between always-on (4 h) and the optimum.
    expect(result.vmHours).toBeLessThan(1.2);
    expect(result.vmHours).toBeGreaterThan(simulateOfflineOptimum(twoTasks).vmHours);
  });

  it('pre-warm before a scheduled run removes the boot wait', () => {
    const scheduled = {
      ...twoTasks,
      schedules: [
        { runner: 'r', at: 30 * MIN },
        { runner: 'r', at: 150 * MIN },
      ],
    };
    const result = simulatePolicy(scheduled, { policy: { idleGraceMinutes: 10 } });
    expect(result.meanWaitS).toBeLessThan(30);
  });

  it('stats: mean and nearest-rank p95', () => {
    expect(mean([])).toBe(0);
    expect(mean([1, 2, 3])).toBe(2);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
    expect(
      merge([
        [5, 7],
        [1, 3],
        [2, 4],
      ]),
    ).toEqual([
      [1, 4],
      [5, 7],
    ]);
  });

  it.each(['office-hours', 'trickle-24-7', 'nightly-batches'])('the shipped trace %s is valid', (name) => {
    const trace = traceSchema.parse(
      JSON.parse(readFileSync(new URL(`../../../bench/traces/${name}.json`, import.meta.url), 'utf8')),
    );
    expect(trace.tasks.length).toBeGreaterThan(100);
  });
});

describe('simulator: pools (tasks of an automation, unassigned)', () => {
  const pool = (arrivals: number[]): Trace => ({
    name: 'pool',
    description: 'five hosts linked to one automation',
    seed: 1,
    start: T0,
    durationMs: 2 * 60 * MIN,
    hosts: [1, 2, 3, 4, 5].map((n) => ({ id: `h${n}`, bootMs: 2 * MIN })),
    runners: [1, 2, 3, 4, 5].map((n) => ({ id: `r${n}`, host: `h${n}`, activities: ['invoice'] })),
    tasks: arrivals.map((at, i) => ({
      id: `t${i}`,
      activity: 'invoice',
      arriveAt: at * MIN,
      durationMs: 10 * MIN,
      priority: 5,
    })),
    schedules: [],
  });

  it('one unassigned task starts one host of the pool; five at once start five', () => {
    const one = simulatePolicy(pool([10]));
    expect(one).toMatchObject({ starts: 1, tasksDone: 1, interruptions: 0 });
    const five = simulatePolicy(pool([10, 10, 10, 10, 10]));
    expect(five).toMatchObject({ starts: 5, tasksDone: 5, interruptions: 0 });
  });

  it('the baselines hand each task to the first free runner of its pool', () => {
    // Two tasks at once: two runners work in parallel, so neither waits with every host on.
    expect(simulateAlwaysOn(pool([10, 10]))).toMatchObject({ meanWaitS: 0, tasksDone: 2 });
    // Six tasks for five runners: the sixth waits for the first to finish (10 min).
    const six = simulateAlwaysOn(pool([10, 10, 10, 10, 10, 10]));
    expect(six.tasksDone).toBe(6);
    expect(six.meanWaitS).toBeCloseTo((10 * 60) / 6, 6);
  });

  it('a trace task names a runner or an activity, not both and not neither', () => {
    const task = { id: 't', arriveAt: 0, durationMs: 1 };
    const parse = (extra: object) =>
      traceSchema.safeParse({ ...pool([]), tasks: [{ ...task, ...extra }] }).success;
    expect(parse({ runner: 'r1' })).toBe(true);
    expect(parse({ activity: 'invoice' })).toBe(true);
    expect(parse({})).toBe(false);
    expect(parse({ runner: 'r1', activity: 'invoice' })).toBe(false);
  });
});
