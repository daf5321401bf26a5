import { configSchema, type Config } from '../src-main/config/schema.js';
import { emptyMemory, type PlanMemory } from '../src-main/core/memory.js';
import type { ObservedTask } from '../src-main/core/orchestrator.js';
import { plan } from '../src-main/core/plan.js';
import type { HostPower } from '../src-main/core/power-driver.js';
import type { SessionStatus } from '../src-main/core/session-driver.js';
import type { Snapshot } from '../src-main/core/snapshot.js';
import type { BenchRow } from './bench-row.js';

/** Time of one `plan` call for fleets of 10, 1,000 and 5,000 hosts (50,000 queued tasks at 5,000). */

const NOW = Date.UTC(2026, 0, 5, 12);

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
  const config = configSchema.parse({
    version: 1,
    orchestrator: { server: 'https://example.botcity.dev', login: 'ws', key: 'orchestrator-key:main' },
    policy: {
      maxHostsOn: Math.floor(hostCount / 2),
      keepWarm: [{ days: ['mon', 'tue'], from: '08:00', to: '18:00', hosts: ['bot-0'] }],
    },
    hosts,
    runners,
  });
  const tasks: ObservedTask[] = [];
  for (let i = 0; i < queuedTasks; i++) {
    const runner = (i * 7919) % hostCount;
    tasks.push({
      id: `t${i}`,
      state: i % 10 === 0 ? 'running' : 'queued',
      // Most tasks are assigned; some only carry an activity label.
      ...(i % 5 === 0 ? { activity: `act-${runner % 50}` } : { runnerId: `r-${runner}` }),
      createdAt: NOW - (i % 3600) * 1000,
      priority: i % 11,
      ...(i % 13 === 0 ? { notBefore: NOW + 3_600_000 } : {}),
    });
  }
  const power = new Map<string, HostPower>();
  const readiness = new Map<string, boolean>();
  const sessions: SessionStatus[] = [];
  hosts.forEach((host, i) => {
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
    },
  };
}

interface Timing {
  medianMs: number;
  p95Ms: number;
  minMs: number;
  samples: number;
}

/**
 * Times one `plan` call on a steady fleet: the memory of the previous ticks, a new `now` each call.
 * Warm-up first (JIT, the config index, a steady heap), then samples until both a minimum count and a
 * minimum time are reached, so the median and p95 are not one noisy burst of a shared machine.
 */
function timeOne(hostCount: number, queuedTasks: number): Timing {
  const { config, snapshot } = world(hostCount, queuedTasks);
  let memory: PlanMemory = emptyMemory();
  let tick = 0;
  const warmUntil = performance.now() + 1_000;
  for (let i = 0; i < 30 || performance.now() < warmUntil; i++)
    memory = plan(snapshot, config, memory, NOW + tick++).memory;
  const samples: number[] = [];
  const sampleUntil = performance.now() + 4_000;
  while (samples.length < 200 || (performance.now() < sampleUntil && samples.length < 5_000)) {
    const started = performance.now();
    plan(snapshot, config, memory, NOW + tick++);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (quantile: number) =>
    samples[Math.min(samples.length - 1, Math.floor(samples.length * quantile))]!;
  return { medianMs: at(0.5), p95Ms: at(0.95), minMs: samples[0]!, samples: samples.length };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [hosts, tasks] of [
    [10, 100],
    [1_000, 10_000],
    [5_000, 50_000],
  ] as const) {
    const timing = timeOne(hosts, tasks);
    const context = `${timing.samples} calls, min ${timing.minMs.toFixed(2)} ms`;
    const note = hosts === 5_000 ? `target ≤ 10 ms; ${context}` : context;
    const fleet = `plan() ${hosts.toLocaleString('en-US')} hosts, ${tasks.toLocaleString('en-US')} tasks`;
    rows.push({ area: 'plan', metric: `${fleet} (median)`, value: timing.medianMs, unit: 'ms', note });
    rows.push({ area: 'plan', metric: `${fleet} (p95)`, value: timing.p95Ms, unit: 'ms', note });
  }
  return rows;
}
