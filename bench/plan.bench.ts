import { configSchema, type Config } from '../src-main/config/schema.js';
import { emptyMemory, type PlanMemory } from '../src-main/core/memory.js';
import type { ObservedTask } from '../src-main/core/orchestrator.js';
import { plan } from '../src-main/core/plan/plan.js';
import type { HostPower } from '../src-main/core/power-driver.js';
import type { SessionStatus } from '../src-main/core/session-driver.js';
import type { Snapshot } from '../src-main/core/snapshot.js';
import { viewOf } from '../src-main/core/view.js';
import { normalize } from '../src-main/orchestrators/botcity/client.js';
import type { BotCityTask } from '../src-main/orchestrators/botcity/schemas.js';
import type { BenchRow } from './bench-row.js';

/**
 * Time of one `plan` call for fleets of 10, 1,000 and 5,000 hosts (50,000 queued tasks at 5,000).
 * Each call is a different tick, as in the service: the clock moves on by the default poll interval
 * and a share of the tasks changes between ticks (some finish or start, new ones arrive), so nothing
 * that only pays off when a tick repeats the last one can flatter the figure. And each call gets its
 * tasks as the BotCity client hands them over: new objects and strings, parsed from Maestro's JSON
 * and normalized (outside the timed part).
 */

const NOW = Date.UTC(2026, 0, 5, 12);
/** The default poll interval, and the share of tasks that change from one tick to the next. */
const TICK_MS = 15_000;
const CHURN = 0.05;
/** Distinct ticks the timed calls cycle through. */
const TICKS = 8;

function task(i: number, hostCount: number, now: number): ObservedTask {
  const runner = (i * 7919) % hostCount;
  return {
    id: `t${i}`,
    ...(i % 10 === 0 ? { state: 'busy', status: 'RUNNING' } : { state: 'queued', status: 'START' }),
    // Most tasks are assigned; some only carry an activity label.
    ...(i % 5 === 0 ? { activity: `act-${runner % 50}` } : { runnerId: `r-${runner}` }),
    createdAt: now - (i % 3600) * 1000,
    priority: i % 11,
    ...(i % 13 === 0 ? { notBefore: now + 3_600_000 } : {}),
  };
}

/**
 * The ticks after `snapshot`: each `TICK_MS` later, with `CHURN` of the tasks replaced by others
 * (new ids, other runners, created at that tick), the rest as they were.
 */
export function laterTicks(snapshot: Snapshot, hostCount: number, count: number): Snapshot[] {
  const ticks = [snapshot];
  let next = snapshot.queue.tasks.length;
  for (let t = 1; t < count; t++) {
    const now = NOW + t * TICK_MS;
    const tasks = ticks[t - 1]!.queue.tasks.slice();
    const changed = Math.round(tasks.length * CHURN);
    for (let c = 0; c < changed; c++) {
      const at = (c * 104_729 + t * 7_919) % tasks.length;
      tasks[at] = task(next++, hostCount, now);
    }
    ticks.push({ ...snapshot, now, queue: { ...snapshot.queue, tasks } });
  }
  return ticks;
}

export function world(hostCount: number, queuedTasks: number): { config: Config; snapshot: Snapshot } {
  const hosts = Array.from({ length: hostCount }, (_, i) => ({
    id: `bot-${i}`,
    address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    protocol: 'aws-ec2',
    user: 'bot',
    password: `host-password:bot-${i}`,
    aws: { instanceId: 'i-0123456789abcdef0', region: 'eu-west-1' },
  }));
  const runners = hosts.map((host, i) => ({ id: `r-${i}`, host: host.id, activities: [`act-${i % 50}`] }));
  // Parsed from JSON text, as the service reads its config file: the ids are the strings that come
  // out of JSON.parse, and the drivers' Maps are keyed by those same strings.
  const text = JSON.stringify({
    version: 1,
    orchestrator: { server: 'https://example.botcity.dev', login: 'ws', key: 'orchestrator-key:main' },
    policy: {
      maxHostsOn: Math.floor(hostCount / 2),
      keepWarm: [{ days: ['mon', 'tue'], from: '08:00', to: '18:00', hosts: ['bot-0'] }],
    },
    hosts,
    runners,
  });
  const config = configSchema.parse(JSON.parse(text));
  const tasks: ObservedTask[] = [];
  for (let i = 0; i < queuedTasks; i++) tasks.push(task(i, hostCount, NOW));
  const power = new Map<string, HostPower>();
  const readiness = new Map<string, boolean>();
  const sessions: SessionStatus[] = [];
  config.hosts.forEach((host, i) => {
    const state = i % 3 === 0 ? 'on' : i % 3 === 1 ? 'off' : 'starting';
    power.set(host.id, { hostId: host.id, state, managed: true });
    readiness.set(host.id, state === 'on');
    if (state === 'on')
      sessions.push({
        key: `${host.id}/bot`,
        hostId: host.id,
        user: 'bot',
        state: 'open',
        since: NOW - 60_000,
        reconnects: 0,
        width: 1920,
        height: 1080,
      });
  });
  return {
    config,
    snapshot: {
      now: NOW,
      queue: {
        complete: true,
        tasks,
        runnersOnline: {},
        upcoming: [{ activity: 'act-1', at: NOW + 60_000 }],
        requests: 1,
      },
      power,
      sessions,
      readiness,
      outcomes: [],
      problems: [],
    },
  };
}

/** Maestro's side of a task: what its API returns for one, as JSON. */
function asMaestro(task: ObservedTask): BotCityTask {
  return {
    id: task.id,
    state: task.state === 'busy' ? 'RUNNING' : 'START',
    machineId: task.runnerId,
    activityLabel: task.activity,
    dateCreation: task.createdAt,
    minExecutionDate: task.notBefore ?? null,
    priority: task.priority,
  };
}

/** The tick as plan gets it each time: its tasks parsed anew from Maestro's JSON and normalized. */
export function asReceived(tick: Snapshot): () => Snapshot {
  const json = JSON.stringify({
    queued: tick.queue.tasks.filter((task) => task.state === 'queued').map(asMaestro),
    running: tick.queue.tasks.filter((task) => task.state === 'busy').map(asMaestro),
  });
  return () => {
    const { queued, running } = JSON.parse(json) as { queued: BotCityTask[]; running: BotCityTask[] };
    return { ...tick, queue: { ...tick.queue, tasks: normalize(queued, running, tick.now) } };
  };
}

interface Timing {
  medianMs: number;
  p95Ms: number;
  minMs: number;
  samples: number;
}

function timing(samples: number[]): Timing {
  samples.sort((a, b) => a - b);
  const at = (quantile: number) =>
    samples[Math.min(samples.length - 1, Math.floor(samples.length * quantile))]!;
  return { medianMs: at(0.5), p95Ms: at(0.95), minMs: samples[0]!, samples: samples.length };
}

/**
 * Times one `plan` call on a steady fleet: the memory of the previous ticks, a new `now` each call.
 * Warm-up first (JIT, the config index, a steady heap), then samples until both a minimum count and a
 * minimum time are reached, so the median and p95 are not one noisy burst of a shared machine.
 * The state view the reconciler then builds from the result (`viewOf`) is timed apart: it is not
 * part of deciding, but every tick pays for it, so the bench shows it too.
 */
function timeOne(hostCount: number, queuedTasks: number): { plan: Timing; view: Timing; both: Timing } {
  const { config, snapshot } = world(hostCount, queuedTasks);
  const received = laterTicks(snapshot, hostCount, TICKS).map(asReceived);
  let memory: PlanMemory = emptyMemory();
  const warmUntil = performance.now() + 1_000;
  // Warm-up ends on the last tick of a cycle: the timed calls plan the next ticks from its memory.
  for (let i = 0; i < 30 || performance.now() < warmUntil || i % TICKS !== 0; i++) {
    const tick = received[i % TICKS]!();
    const result = plan(tick, config, memory, tick.now);
    viewOf(tick, config, result, tick.now);
    memory = result.memory;
  }
  const planSamples: number[] = [];
  const viewSamples: number[] = [];
  const bothSamples: number[] = [];
  const sampleUntil = performance.now() + 4_000;
  for (
    let i = 0;
    planSamples.length < 200 || (performance.now() < sampleUntil && planSamples.length < 5_000);
    i++
  ) {
    const tick = received[i % TICKS]!();
    const started = performance.now();
    const result = plan(tick, config, memory, tick.now);
    const planned = performance.now();
    viewOf(tick, config, result, tick.now);
    const viewed = performance.now();
    viewSamples.push(viewed - planned);
    planSamples.push(planned - started);
    bothSamples.push(viewed - started);
  }
  return { plan: timing(planSamples), view: timing(viewSamples), both: timing(bothSamples) };
}

/** The budgets of issue 16: plan + the state view, p95, at a large RPA fleet and at ten times that. */
const BUDGETS: readonly (readonly [hosts: number, tasks: number, p95BudgetMs: number])[] = [
  [10, 100, 5],
  [500, 5_000, 5],
  [5_000, 50_000, 150],
];

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [hosts, tasks, budget] of BUDGETS) {
    const { plan: timed, view, both } = timeOne(hosts, tasks);
    const fleet = `${hosts.toLocaleString('en-US')} hosts, ${tasks.toLocaleString('en-US')} tasks`;
    rows.push({
      area: 'plan',
      metric: `plan + state view, ${fleet} (p95)`,
      value: both.p95Ms,
      unit: 'ms',
      note: `budget ≤ ${budget} ms (${both.p95Ms <= budget ? 'met' : 'NOT met'}); median ${both.medianMs.toFixed(2)} ms, ${both.samples} ticks`,
    });
    rows.push({
      area: 'plan',
      metric: `plan() ${fleet} (p95)`,
      value: timed.p95Ms,
      unit: 'ms',
      note: `median ${timed.medianMs.toFixed(2)} ms; state view p95 ${view.p95Ms.toFixed(2)} ms`,
    });
  }
  return rows;
}
