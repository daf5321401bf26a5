import type { Config, ConfigInput } from '../config/schema.js';
import { simulateOfflineOptimum } from '../sim/baselines.js';
import { simulatePolicy } from '../sim/simulate.js';
import { mean, percentile, type SimResult } from '../sim/stats.js';
import { costReport, costedHosts, round } from './cost.js';
import type { HistoryRecords } from './history-store.js';
import { replayOf } from './replay-trace.js';

/** One column of a what-if: what was recorded, or the simulator's replay under some settings. */
export interface WhatIfColumn {
  name: 'recorded' | 'current' | 'proposed' | 'optimum';
  vmHours: number;
  /** In the config's currency; absent when a host has no price. */
  cost?: number;
  starts: number;
  tasks: number;
  meanWaitSeconds: number;
  p95WaitSeconds: number;
  /** Running tasks cut off (the simulator's count; 0 under any sound policy). */
  interruptions?: number;
}

export interface WhatIfReport {
  from: number;
  to: number;
  currency: string;
  /** The policy settings replayed as `proposed` (only those that differ from the current ones). */
  proposed: Record<string, unknown>;
  columns: WhatIfColumn[];
  /** What the replay learned from the history and assumed. */
  replay: {
    tasks: number;
    skippedTasks: number;
    tickSeconds: number;
    stopSeconds: number;
    sessionOpenSeconds: number;
    bootSeconds: Record<string, number>;
  };
}

/**
 * Replays the recorded tasks of [from, to) through the simulator under the current policy and under
 * `proposed` (the current one with these settings changed), beside what was recorded and the offline
 * optimum (which knows every task in advance): VM-hours, money, starts and task wait.
 */
export function whatIf(
  records: HistoryRecords,
  config: Config,
  options: { from: number; to: number; proposed: NonNullable<ConfigInput['policy']> },
): WhatIfReport {
  const replay = replayOf(records, config, options);
  const prices = new Map(config.hosts.map((host) => [host.id, host.hourlyPrice]));
  const money = (hostHours: Record<string, number>) => {
    let total = 0;
    for (const [hostId, hours] of Object.entries(hostHours)) {
      const price = prices.get(hostId);
      if (price === undefined) return {};
      total += hours * price;
    }
    return { cost: round(total, 2) };
  };
  const simulated = (name: WhatIfColumn['name'], result: SimResult): WhatIfColumn => ({
    name,
    vmHours: round(result.vmHours),
    ...money(result.hostHours),
    starts: result.starts,
    tasks: result.tasksDone,
    meanWaitSeconds: round(result.meanWaitS, 1),
    p95WaitSeconds: round(result.p95WaitS, 1),
    interruptions: result.interruptions,
  });
  const timings = { tickMs: replay.tickMs, stopMs: replay.stopMs, sessionOpenMs: replay.sessionOpenMs };
  const current = simulatePolicy(replay.trace, { ...timings, policy: config.policy });
  const proposed = simulatePolicy(replay.trace, {
    ...timings,
    policy: { ...config.policy, ...options.proposed },
  });
  const optimum = simulateOfflineOptimum(replay.trace, {
    stopMs: replay.stopMs,
    sessionOpenMs: replay.sessionOpenMs,
  });

  const cloudHosts = new Set(replay.trace.hosts.map((host) => host.id));
  const recorded = costReport(
    records,
    costedHosts(config).filter((host) => cloudHosts.has(host.id)),
    { from: options.from, to: options.to, by: 'host', currency: config.history.currency },
  ).rows.filter((row) => cloudHosts.has(row.key));
  const sum = (pick: (row: (typeof recorded)[number]) => number) =>
    recorded.reduce((total, row) => total + pick(row), 0);
  const replayed = new Set(replay.trace.tasks.map((task) => task.id));
  const waits = records.tasks
    .filter((task) => replayed.has(task.taskId) && task.startedAt !== null)
    .map((task) => (task.startedAt! - task.createdAt) / 1000);
  const recordedColumn: WhatIfColumn = {
    name: 'recorded',
    vmHours: round(sum((row) => row.vmHours)),
    ...(recorded.every((row) => row.cost !== undefined) && {
      cost: round(
        sum((row) => row.cost!),
        2,
      ),
    }),
    starts: sum((row) => row.starts),
    tasks: waits.length,
    meanWaitSeconds: round(mean(waits), 1),
    p95WaitSeconds: round(percentile(waits, 95), 1),
  };
  const changed = Object.fromEntries(
    Object.entries(options.proposed).filter(
      ([key, value]) =>
        JSON.stringify(value) !== JSON.stringify((config.policy as Record<string, unknown>)[key]),
    ),
  );
  return {
    from: options.from,
    to: options.to,
    currency: config.history.currency,
    proposed: changed,
    columns: [
      recordedColumn,
      simulated('current', current),
      simulated('proposed', proposed),
      simulated('optimum', optimum),
    ],
    replay: {
      tasks: replay.trace.tasks.length,
      skippedTasks: replay.skippedTasks,
      tickSeconds: replay.tickMs / 1000,
      stopSeconds: round(replay.stopMs / 1000, 1),
      sessionOpenSeconds: replay.sessionOpenMs / 1000,
      bootSeconds: Object.fromEntries(
        replay.trace.hosts.map((host) => [host.id, round(host.bootMs / 1000, 1)]),
      ),
    },
  };
}
