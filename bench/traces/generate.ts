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
  const hosts: Trace['hosts'] = Array.from({ length: count }, (_, i) => ({
    id: `bot-${String(i + 1).padStart(2, '0')}`,
    bootMs: between(random, 90, 240) * 1000,
  }));
  const runners = hosts.map((host, i) => ({ id: `runner-${String(i + 1).padStart(2, '0')}`, host: host.id }));
  return { hosts, runners };
}

/** A trace starting on Monday 5 January 2026 and lasting `days` days. */
function traceOf(
  fields: Omit<Trace, 'start' | 'durationMs' | 'schedules'> & {
    days: number;
    schedules?: Trace['schedules'];
  },
): Trace {
  const { days, schedules = [], ...rest } = fields;
  return { ...rest, start: START, durationMs: days * DAY, schedules };
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
  return traceOf({
    name: 'office-hours',
    description: 'Weekday bursts 08:00-18:00 UTC on 4 hosts; quiet nights and weekend (7 days)',
    seed,
    days: 7,
    hosts,
    runners,
    tasks,
  });
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
  return traceOf({
    name: 'trickle-24-7',
    description: 'A task every 40 min on average per runner, day and night, on 3 hosts (2 days)',
    seed,
    days: 2,
    hosts,
    runners,
    tasks,
  });
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
  return traceOf({
    name: 'nightly-batches',
    description:
      'A 02:00 schedule per runner queues 5-15 tasks; one evening task with a 05:00 minExecutionDate; 4 hosts, 7 days',
    seed,
    days: 7,
    hosts,
    runners,
    tasks,
    schedules,
  });
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
  return traceOf({
    name: 'pooled-invoices',
    description:
      'Unassigned tasks of one automation linked to 5 runners on 5 hosts, weekday bursts of 1-6 (7 days)',
    seed,
    days: 7,
    hosts,
    runners: pool,
    tasks,
  });
}

/**
 * Hourly integration jobs nobody announces: each runner gets a task a few seconds after :00 (or :30
 * for one of them) every hour, one hour in ten skipped; one runner works only weekdays 07:00-19:00.
 */
function hourly(seed: number): Trace {
  const random = prng(seed);
  const { hosts, runners } = fleet(random, 3);
  const tasks: TraceTask[] = [];
  runners.forEach((runner, index) => {
    const minute = index === 1 ? 30 : 0;
    for (let hour = 0; hour < 7 * 24; hour++) {
      const day = Math.floor(hour / 24);
      const hourOfDay = hour % 24;
      if (index === 2 && (day >= 5 || hourOfDay < 7 || hourOfDay >= 19)) continue;
      if (random() < 0.1) continue;
      tasks.push({
        id: `${runner.id}-${tasks.length}`,
        runner: runner.id,
        arriveAt: hour * HOUR + minute * MIN + between(random, 0, 90) * 1000,
        durationMs: between(random, 3, 12) * MIN,
        priority: 5,
      });
    }
  });
  // The first host is an EC2 instance set up for hibernation: after its first boot it resumes in 45 s.
  hosts[0] = { ...hosts[0]!, resumeMs: 45_000 };
  return traceOf({
    name: 'hourly-integration',
    description:
      'Unannounced hourly jobs at :00 or :30 (one hour in ten skipped), one runner on weekdays 07-19 only; 3 hosts (one hibernates), 7 days',
    seed,
    days: 7,
    hosts,
    runners,
    tasks,
  });
}

/**
 * Short chatty tasks: 20-90 s each, every 2 min on average in working hours (weekdays 09:00-17:00),
 * every hour on average outside them. (With gaps as long as a restart costs, about 4 min, no policy
 * that cannot see the future does much better than 1.4 times the optimum: docs/policies.md.)
 */
function chatty(seed: number): Trace {
  const random = prng(seed);
  const { hosts, runners } = fleet(random, 3);
  const tasks: TraceTask[] = [];
  for (const runner of runners) {
    let t = expGap(random, 30 * MIN);
    while (t < 5 * DAY) {
      tasks.push({
        id: `${runner.id}-${tasks.length}`,
        runner: runner.id,
        arriveAt: t,
        durationMs: between(random, 20, 90) * 1000,
        priority: 5,
      });
      const hourOfDay = (t % DAY) / HOUR;
      const working = Math.floor(t / DAY) < 5 && hourOfDay >= 9 && hourOfDay < 17;
      t += expGap(random, working ? 2 * MIN : 60 * MIN);
    }
  }
  return traceOf({
    name: 'chatty-short',
    description:
      'Tasks of 20-90 s every 2 min on average 09:00-17:00, hourly otherwise, on 3 hosts (5 weekdays)',
    seed,
    days: 5,
    hosts,
    runners,
    tasks,
  });
}

/** Nightly batches started by a job the orchestrator does not announce: 5-20 tasks at about 01:00. */
function nightlyUnannounced(seed: number): Trace {
  const random = prng(seed);
  const { hosts, runners } = fleet(random, 3);
  const tasks: TraceTask[] = [];
  for (const runner of runners)
    for (let day = 0; day < 7; day++) {
      const at = day * DAY + 1 * HOUR + between(random, -5, 5) * MIN;
      const count = between(random, 5, 20);
      for (let k = 0; k < count; k++)
        tasks.push({
          id: `${runner.id}-${tasks.length}`,
          runner: runner.id,
          arriveAt: at + k * between(random, 1, 10) * 1000,
          durationMs: between(random, 2, 8) * MIN,
          priority: 5,
        });
    }
  return traceOf({
    name: 'nightly-unannounced',
    description: 'Batches of 5-20 tasks at about 01:00 every night, not announced ahead; 3 hosts, 7 days',
    seed,
    days: 7,
    hosts,
    runners,
    tasks,
  });
}

const here = path.dirname(fileURLToPath(import.meta.url));
for (const trace of [
  officeHours(101),
  trickle(202),
  nightly(303),
  pooled(404),
  hourly(505),
  chatty(606),
  nightlyUnannounced(707),
]) {
  const valid = traceSchema.parse(trace);
  const { tasks, ...head } = valid;
  // One task per line keeps the files small and diffs readable; formatted as the repository's prettier does.
  const body = `{${JSON.stringify(head).slice(1, -1)},"tasks":[\n${tasks.map((task) => JSON.stringify(task)).join(',\n')}\n]}\n`;
  const file = path.join(here, `${trace.name}.json`);
  writeFileSync(file, await format(body, { ...(await resolveConfig(file)), filepath: file }));
  process.stdout.write(`${trace.name}: ${tasks.length} tasks\n`);
}
