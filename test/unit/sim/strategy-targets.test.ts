import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measureStrategies } from '../../../src-main/sim/measure.js';
import { traceSchema } from '../../../src-main/sim/trace.js';

/**
 * The policy's figures on every trace in bench/traces (issue 21's targets; `npm run bench` prints
 * them): never an interrupted task; with the default (balanced) strategy a combined cost at most 1.5
 * times the offline optimum's; with cost at most 1.2 times its VM-hours; with speed at most 30 s of
 * added mean wait where the work repeats on a schedule (office hours, hourly, nightly).
 */
const traceDir = new URL('../../../bench/traces/', import.meta.url);
const traces = readdirSync(traceDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => traceSchema.parse(JSON.parse(readFileSync(new URL(file, traceDir), 'utf8'))));
const predictable = new Set(['office-hours', 'hourly-integration', 'nightly-batches', 'nightly-unannounced']);

describe('the policy near the offline optimum', () => {
  it('has the shipped traces', () => {
    expect(traces.map((trace) => trace.name).sort()).toEqual([
      'chatty-short',
      'hourly-integration',
      'nightly-batches',
      'nightly-unannounced',
      'office-hours',
      'pooled-invoices',
      'trickle-24-7',
    ]);
  });

  it.each(traces.map((trace) => [trace.name, trace] as const))('%s', (name, trace) => {
    const { measures } = measureStrategies(trace);
    const by = Object.fromEntries(measures.map((measure) => [measure.strategy, measure]));
    for (const measure of measures) expect(measure.result.interruptions, measure.strategy).toBe(0);
    expect(by.balanced!.combinedRatio).toBeLessThanOrEqual(1.5);
    expect(by.cost!.vmRatio).toBeLessThanOrEqual(1.2);
    if (predictable.has(name)) expect(by.speed!.addedWaitS).toBeLessThanOrEqual(30);
  });
});
