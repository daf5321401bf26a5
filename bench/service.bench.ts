import { readFileSync } from 'node:fs';
import { startServiceProcess, type ServiceProcess } from '../test/helpers/service-process.js';
import { eventually } from '../test/helpers/eventually.js';
import {
  startWorld,
  type BotTask,
  type Ec2Call,
  type HostSpec,
  type ServiceWorld,
} from '../test/integration/service/world.js';
import type { BenchRow } from './bench-row.js';
import { seededRandom } from './seeded-random.js';

/**
 * The real `run local` process against the fakes (as processes), under the keychain of the run:
 *
 * 1. Task → power-on latency: from a task appearing in the fake Maestro to the StartInstances call the
 *    fake EC2 logs for that runner's host (both clocks are this machine's wall clock). One service with
 *    100 hosts/runners; 50 tasks for 50 idle runners are queued at random offsets over several poll
 *    periods, first at a 1 s poll, then (after a live config edit) at the default 15 s poll.
 * 2. Resident memory (VmRSS of the service process, tsx loader included) while it manages 1,000 EC2 hosts
 *    with 1,000 console-mode runners and a few hundred tasks.
 *
 * Usage: npm run bench service   (or: sh scripts/with-keychain.sh npx tsx bench/run.ts service)
 */

const RUNS = 50;
const instanceId = (prefix: string, n: number) =>
  `i-0${prefix}${String(n).padStart(16 - prefix.length, '0')}`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

/** Keeps every EC2 call seen (the fake's log answers its last 200 only). */
function callCollector(world: ServiceWorld) {
  const seen = new Map<string, Ec2Call>();
  return {
    async poll(): Promise<Ec2Call[]> {
      for (const call of await world.ec2Calls())
        seen.set(`${call.action}|${call.at}|${call.instanceIds.join(',')}|${call.error ?? ''}`, call);
      return [...seen.values()];
    },
  };
}

/**
 * Queues one task for each of `hosts`' runners at random offsets within `spreadMs`, and returns each
 * one's latency to its host's first StartInstances.
 */
async function measureLatency(
  world: ServiceWorld,
  hosts: HostSpec[],
  spreadMs: number,
  seed: number,
  waitMs: number,
): Promise<number[]> {
  const next = seededRandom(seed);
  const queuedAt = new Map<string, number>();
  const collector = callCollector(world);
  const polling = setInterval(() => void collector.poll().catch(() => undefined), 2_000);
  try {
    await Promise.all(
      hosts.map(async (host) => {
        await sleep(next() * spreadMs);
        const before = Date.now(); // the task exists in the orchestrator by the time the POST returns
        await world.queueTask(host.runnerId!);
        queuedAt.set(host.instanceId, before);
      }),
    );
    const starts = await eventually(
      async () => {
        const calls = await collector.poll();
        const first = new Map<string, number>();
        for (const call of calls)
          if (call.action === 'StartInstances' && !call.error)
            for (const id of call.instanceIds) if (!first.has(id)) first.set(id, call.at);
        return hosts.every((host) => first.has(host.instanceId)) && first;
      },
      'a StartInstances for every queued runner',
      { timeoutMs: waitMs, everyMs: 500 },
    );
    return hosts.map((host) => starts.get(host.instanceId)! - queuedAt.get(host.instanceId)!);
  } finally {
    clearInterval(polling);
  }
}

async function latencyRows(): Promise<BenchRow[]> {
  const world = await startWorld('bench-latency', { transitionMs: 1_000 });
  let service: ServiceProcess | undefined;
  try {
    const fast: HostSpec[] = [];
    const slow: HostSpec[] = [];
    for (let n = 1; n <= RUNS; n++) {
      fast.push({ id: `fast-${n}`, instanceId: instanceId('fa', n), runnerId: `fast-runner-${n}` });
      slow.push({ id: `slow-${n}`, instanceId: instanceId('5e', n), runnerId: `slow-runner-${n}` });
    }
    const hosts = [...fast, ...slow];
    await world.addInstances(hosts.map((host) => host.instanceId));
    const policy = {
      idleGraceMinutes: 10,
      minUptimeMinutes: 0,
      maxHostsOn: 2 * RUNS,
      bootTimeoutMinutes: 10,
    };
    world.writeConfig(hosts, { policy, pollSeconds: 1 });
    const running = await startServiceProcess({ configPath: world.configPath, env: world.env });
    service = running;
    await eventually(
      async () => (await running.api.getState()).orchestrator.status === 'ok',
      'the first observation',
    );
    const rssIdle = rssMb(running.pid);

    // 1 s poll: 50 tasks over 5 poll periods.
    const atOne = await measureLatency(world, fast, 5_000, 1, 60_000);

    // The default 15 s poll, by a live config edit; the 1 s timer runs out within a tick or two.
    const ticksBefore = (await running.api.getState()).ticks;
    world.writeConfig(hosts, { policy, pollSeconds: 15 });
    await eventually(
      async () => (await running.api.getState()).ticks >= ticksBefore + 3,
      'the 15 s interval in force',
      60_000,
    );
    // 50 tasks over 3 poll periods.
    const atFifteen = await measureLatency(world, slow, 45_000, 2, 60_000 + 45_000);
    const rss100 = rssMb(running.pid);

    const row = (metric: string, value: number, note: string): BenchRow => ({
      area: 'service',
      metric,
      value: Math.round(value),
      unit: 'ms',
      note,
    });
    return [
      row(
        'task → power-on call p50, poll 1 s',
        percentile(atOne, 50),
        `${RUNS} tasks at random offsets over 5 s`,
      ),
      row('task → power-on call p95, poll 1 s', percentile(atOne, 95), 'ideal ≤ 1 poll + tick time'),
      row(
        'task → power-on call p50, poll 15 s (default)',
        percentile(atFifteen, 50),
        `${RUNS} tasks at random offsets over 45 s`,
      ),
      row(
        'task → power-on call p95, poll 15 s (default)',
        percentile(atFifteen, 95),
        'ideal ≤ 15 s + tick time',
      ),
      {
        area: 'service',
        metric: 'resident memory, 100 hosts, just after start',
        value: Math.round(rssIdle),
        unit: 'MB',
        note: 'VmRSS after the first tick: start-up garbage (tsx compiling the sources) not yet collected',
      },
      {
        area: 'service',
        metric: 'resident memory, 100 hosts, all on',
        value: Math.round(rss100),
        unit: 'MB',
        note: 'after the two latency runs; console mode, so no RDP wasm loaded',
      },
    ];
  } finally {
    await service?.stop();
    await world.stop();
  }
}

async function memoryRows(): Promise<BenchRow[]> {
  const HOSTS = 1000;
  const TASKS = 300;
  const world = await startWorld('bench-memory', { transitionMs: 2_000 });
  let service: ServiceProcess | undefined;
  try {
    const hosts: HostSpec[] = [];
    for (let n = 1; n <= HOSTS; n++)
      hosts.push({ id: `mem-${n}`, instanceId: instanceId('3e', n), runnerId: `mem-runner-${n}` });
    await world.addInstances(hosts.map((host) => host.instanceId));
    world.writeConfig(hosts, {
      policy: {
        idleGraceMinutes: 0.05,
        minUptimeMinutes: 0,
        drainObservations: 2,
        maxHostsOn: HOSTS,
        bootTimeoutMinutes: 10,
      },
      pollSeconds: 2,
    });
    const running = await startServiceProcess({ configPath: world.configPath, env: world.env });
    service = running;
    await eventually(
      async () => (await running.api.getState()).orchestrator.status === 'ok',
      'the first observation',
      60_000,
    );

    const rssIdle = rssMb(running.pid);
    const samples: number[] = [];
    const sampling = setInterval(() => samples.push(rssMb(running.pid)), 1_000);
    let steady = { ticks: 0, ms: 0 };
    try {
      const tasks: BotTask[] = [];
      for (let n = 0; n < TASKS; n++) tasks.push(await world.queueTask(hosts[n * 3]!.runnerId!));
      const waitOptions = { timeoutMs: 90_000, everyMs: 1_000, detail: () => running.diagnose() };
      await eventually(
        async () => (await running.api.getState()).hostsOn >= TASKS,
        `${TASKS} hosts on`,
        waitOptions,
      );
      // Their bots come online, as console-mode runners do once their host has booted.
      for (let n = 0; n < TASKS; n++) await world.setOnline(hosts[n * 3]!.runnerId!, true);
      // A third of the work is withdrawn: those hosts drain and stop while the rest stay on.
      for (const task of tasks.slice(0, TASKS / 3)) await world.cancelTask(task.id);
      await eventually(
        async () => (await running.api.getState()).hostsOn <= TASKS - TASKS / 3,
        'the idle hosts stopped',
        waitOptions,
      );
      // Steady state: 200 hosts on with work, 800 off; how often it ticks and what it holds.
      const from = { ticks: (await running.api.getState()).ticks, at: Date.now() };
      await sleep(15_000);
      steady = { ticks: (await running.api.getState()).ticks - from.ticks, ms: Date.now() - from.at };
    } finally {
      clearInterval(sampling);
    }
    const state = await running.api.getState();
    const note = `${HOSTS} EC2 instances and runners (console mode), ${TASKS} tasks, poll 2 s; VmRSS, tsx loader included`;
    return [
      {
        area: 'service',
        metric: `resident memory, ${HOSTS} hosts, just after start`,
        value: Math.round(rssIdle),
        unit: 'MB',
        note: 'all off, after the first tick (start-up garbage not yet collected)',
      },
      {
        area: 'service',
        metric: `resident memory, ${HOSTS} hosts, peak`,
        value: Math.round(Math.max(...samples)),
        unit: 'MB',
        note,
      },
      {
        area: 'service',
        metric: `resident memory, ${HOSTS} hosts, steady`,
        value: Math.round(samples.at(-1)!),
        unit: 'MB',
        note: `${state.hostsOn} hosts on, ${state.ticks} ticks so far`,
      },
      {
        area: 'service',
        metric: `tick period, ${HOSTS} hosts (poll 2 s)`,
        value: steady.ticks ? Math.round(steady.ms / steady.ticks) : 0,
        unit: 'ms',
        note: 'poll interval + one tick (observe 1 DescribeInstances + orchestrator, plan, act)',
      },
    ];
  } finally {
    await service?.stop();
    await world.stop();
  }
}

export async function run(): Promise<BenchRow[]> {
  return [...(await latencyRows()), ...(await memoryRows())];
}
