import { readdirSync, readFileSync } from 'node:fs';
import { simulateAlwaysOn } from '../src-main/sim/baselines.js';
import { measureStrategies } from '../src-main/sim/measure.js';
import { traceSchema } from '../src-main/sim/trace.js';
import type { BenchRow } from './bench-row.js';

/**
 * For each trace in bench/traces (regenerate them with bench/traces/generate.ts) and each strategy:
 * VM-hours, mean and p95 task wait, interruptions, and the combined cost (VM-hours + the tasks' added
 * waiting hours × the strategy's price) as a multiple of the offline optimum's, which knows every task
 * ahead. Always-on is shown for scale.
 */
const traceDir = new URL('./traces/', import.meta.url);

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const names = readdirSync(traceDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
  for (const name of names) {
    const trace = traceSchema.parse(JSON.parse(readFileSync(new URL(`${name}.json`, traceDir), 'utf8')));
    const area = `sim:${name}`;
    const { optimum, measures } = measureStrategies(trace);
    const alwaysOn = simulateAlwaysOn(trace);
    rows.push({
      area,
      metric: 'offline-optimum VM-hours',
      value: optimum.vmHours,
      unit: 'h',
      note: `${trace.hosts.length} hosts, ${trace.tasks.length} tasks; always-on ${alwaysOn.vmHours.toFixed(0)} h`,
    });
    rows.push({ area, metric: 'offline-optimum task wait mean', value: optimum.meanWaitS, unit: 's' });
    for (const { strategy, result, vmRatio, addedWaitS, combinedRatio } of measures) {
      rows.push({
        area,
        metric: `${strategy} VM-hours`,
        value: result.vmHours,
        unit: 'h',
        note: `${vmRatio.toFixed(2)} × optimum, ${result.starts} starts${strategy === 'cost' ? '; target ≤ 1.2 ×' : ''}`,
      });
      rows.push({
        area,
        metric: `${strategy} task wait mean`,
        value: result.meanWaitS,
        unit: 's',
        note: `+${addedWaitS.toFixed(0)} s over the optimum${strategy === 'speed' ? '; target ≤ +30 s where work is predictable' : ''}`,
      });
      rows.push({ area, metric: `${strategy} task wait p95`, value: result.p95WaitS, unit: 's' });
      rows.push({
        area,
        metric: `${strategy} combined cost`,
        value: combinedRatio,
        unit: '× optimum',
        note: strategy === 'balanced' ? 'target ≤ 1.5 ×' : '',
      });
      rows.push({
        area,
        metric: `${strategy} interruptions`,
        value: result.interruptions,
        unit: 'tasks',
        note: 'must be 0',
      });
    }
  }
  return rows;
}
