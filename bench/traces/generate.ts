/**
 * Writes the simulator's traces (bench/traces/*.json) from a fixed seed, so they can be regenerated
 * byte for byte: `npx tsx bench/traces/generate.ts`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { traceSchema, type Trace, type TraceTask } from '../../src-main/sim/trace.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 5 January 2026, 00:00 UTC. */
const START = Date.UTC(2026, 0, 5);

/** mulberry32: a small, well-known seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function between(random: () => number, low: number, high: number): number {
  return Math.round(low + random() * (high - low));
}

/** Exponentially distributed gap with the given mean. */
function expGap(random: () => number, meanMs: number): number {
  return Math.round(-Math.log(1 - random()) * meanMs);
}

function fleet(random: () => number, count: number) {
  const hosts = Array.from({ length: count }, (_, i) => ({
    id: `bot-${String(i + 1).padStart(2, '0')}`,
    bootMs: between(random, 90, 240) * 1000,
  }));
  const runners = hosts.map((host, i) => ({ id: `runner-${String(i + 1).padStart(2, '0')}`, host: host.id }));
  return { hosts, runners };
}

/** Weekdays 08:00-18:00: bursts of a few tasks every 30-90 min per runner; quiet nights and weekend. */
function officeHours(seed: number): Trace {
  const random = prng(seed);
  const { hosts, runners } = fleet(random, 4);
  const tasks: TraceTask[] = [];
  for (const runner of runners) {
    for (let day = 0; day < 5; day++) {
      let t = day * DAY + 8 * HOUR + between(random, 0, 30) * MIN;
      while (t < day * DAY + 18 * HOUR) {
        const burst = between(random, 1, 4);
        for (let k = 0; k < burst; k++)
          tasks.push({
            id: `${runner.id}-${tasks.length}`,
            runner: runner.id,
            arriveAt: t + k * between(random, 5, 60) * 1000,
            durationMs: between(random, 2, 10) * MIN,
            priority: between(random, 3, 7),
          });
        t += between(random, 30, 90) * MIN;
      }
    }
  }
  return {
    name: 'office-hours',
    description: 'Weekday bursts 08:00-18:00 UTC on 4 hosts; quiet nights and weekend (7 days)',
    seed,
    start: START,
    durationMs: 7 * DAY,
    hosts,
    runners,
    tasks,
    schedules: [],
  };
}

/** Around the clock: one short task every 40 min on average per runner (Poisson arrivals). */
function trickle(seed: number): Trace {
  const random = prng(seed);
  const { hosts, runners } = fleet(random, 3);
  const tasks: TraceTask[] = [];
  for (const runner of runners) {
    let t = expGap(random, 40 * MIN);
    while (t < 2 * DAY) {
      tasks.push({
        id: `${runner.id}-${tasks.length}`,
        runner: runner.id,
        arriveAt: t,
        durationMs: between(random, 3, 8) * MIN,
        priority: 5,
      });
      t += expGap(random, 40 * MIN);
    }
  }
  return {
    name: 'trickle-24-7',
    description: 'A task every 40 min on average per runner, day and night, on 3 hosts (2 days)',
    seed,
    start: START,
    durationMs: 2 * DAY,
    hosts,
    runners,
    tasks,
    schedules: [],
  };
}

/** Scheduled nightly batches: a schedule fires at 02:00 (known ahead) and queues 5-15 tasks per runner. */
function nightly(seed: number): Trace {
  const random = prng(seed);
  const { hosts, runners } = fleet(random, 4);
  const tasks: TraceTask[] = [];
  const schedules: Trace['schedules'] = [];
  for (const runner of runners) {
    for (let day = 0; day < 7; day++) {
      const at = day * DAY + 2 * HOUR + between(random, 0, 3) * 15 * MIN;
      schedules.push({ runner: runner.id, at });
      const count = between(random, 5, 15);
      for (let k = 0; k < count; k++)
        tasks.push({
          id: `${runner.id}-${tasks.length}`,
          runner: runner.id,
          arriveAt: at,
          durationMs: between(random, 4, 12) * MIN,
          priority: 5,
        });
      // A report prepared in the evening, not to run before 05:00 (minExecutionDate).
      tasks.push({
        id: `${runner.id}-${tasks.length}`,
        runner: runner.id,
        arriveAt: day * DAY + 18 * HOUR,
        notBefore: (day + 1) * DAY + 5 * HOUR,
        durationMs: 10 * MIN,
        priority: 5,
      });
    }
  }
  return {
    name: 'nightly-batches',
    description:
      'A 02:00 schedule per runner queues 5-15 tasks; one evening task with a 05:00 minExecutionDate; 4 hosts, 7 days',
    seed,
    start: START,
    durationMs: 7 * DAY,
    hosts,
    runners,
    tasks,
    schedules,
  };
}

/**
 * A pool: five runners linked to one automation ("invoice"); tasks arrive unassigned in weekday
 * bursts of 1-6 and go to the first free runner, as Maestro does with linked runners.
 */
function pooled(seed: number): Trace {
  const random = prng(seed);
  const { hosts, runners } = fleet(random, 5);
  const pool = runners.map((runner) => ({ ...runner, activities: ['invoice'] }));
  const tasks: TraceTask[] = [];
  for (let day = 0; day < 5; day++) {
    let t = day * DAY + 7 * HOUR + between(random, 0, 60) * MIN;
    while (t < day * DAY + 19 * HOUR) {
      const burst = between(random, 1, 6);
      for (let k = 0; k < burst; k++)
        tasks.push({
          id: `invoice-${tasks.length}`,
          activity: 'invoice',
          arriveAt: t + k * between(random, 5, 90) * 1000,
          durationMs: between(random, 3, 15) * MIN,
          priority: between(random, 3, 7),
        });
      t += expGap(random, 50 * MIN);
    }
  }
  return {
    name: 'pooled-invoices',
    description:
      'Unassigned tasks of one automation linked to 5 runners on 5 hosts, weekday bursts of 1-6 (7 days)',
    seed,
    start: START,
    durationMs: 7 * DAY,
    hosts,
    runners: pool,
    tasks,
    schedules: [],
  };
}

const here = path.dirname(fileURLToPath(import.meta.url));
for (const trace of [officeHours(101), trickle(202), nightly(303), pooled(404)]) {
  const valid = traceSchema.parse(trace);
  const { tasks, ...head } = valid;
  // One task per line keeps the files small and diffs readable; formatted as the repository's prettier does.
  const body = `{${JSON.stringify(head).slice(1, -1)},"tasks":[\n${tasks.map((task) => JSON.stringify(task)).join(',\n')}\n]}\n`;
  const file = path.join(here, `${trace.name}.json`);
  writeFileSync(file, await format(body, { ...(await resolveConfig(file)), filepath: file }));
  process.stdout.write(`${trace.name}: ${tasks.length} tasks\n`);
}
