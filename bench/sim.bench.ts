import { readFileSync } from 'node:fs';
import { simulateAlwaysOn, simulateOfflineOptimum } from '../src-main/sim/baselines.js';
import { simulatePolicy } from '../src-main/sim/simulate.js';
import type { SimResult } from '../src-main/sim/stats.js';
import { traceSchema } from '../src-main/sim/trace.js';
import type { BenchRow } from './bench-row.js';

/**
 * For each shipped trace: VM-hours and task wait under Session Manager's default policy, always-on,
 * and the offline optimum (which knows the future). Regenerate traces with bench/traces/generate.ts.
 */
const traces = ['office-hours', 'trickle-24-7', 'nightly-batches', 'pooled-invoices'];

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const name of traces) {
    const trace = traceSchema.parse(
      JSON.parse(readFileSync(new URL(`./traces/${name}.json`, import.meta.url), 'utf8')),
    );
    const results: SimResult[] = [
      simulatePolicy(trace),
      simulateAlwaysOn(trace),
      simulateOfflineOptimum(trace),
    ];
    for (const result of results) {
      const area = `sim:${name}`;
      rows.push({
        area,
        metric: `${result.strategy} VM-hours`,
        value: result.vmHours,
        unit: 'h',
        note: `${trace.hosts.length} hosts, ${trace.tasks.length} tasks, ${result.starts} starts`,
      });
      rows.push({ area, metric: `${result.strategy} task wait mean`, value: result.meanWaitS, unit: 's' });
      rows.push({ area, metric: `${result.strategy} task wait p95`, value: result.p95WaitS, unit: 's' });
      if (result.strategy === 'policy')
        rows.push({
          area,
          metric: 'policy interruptions',
          value: result.interruptions,
          unit: 'tasks',
          note: 'must be 0',
        });
    }
  }
  return rows;
}
