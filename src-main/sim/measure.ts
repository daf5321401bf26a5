import type { PolicyConfig } from '../config/schema.js';
import { WAIT_PRICE } from '../core/policies/strategy.js';
import { simulateOfflineOptimum } from './baselines.js';
import { simulatePolicy } from './simulate.js';
import type { SimResult } from './stats.js';
import type { Trace } from './trace.js';

/** How one strategy did on one trace, against the offline optimum (which knows every task ahead). */
export interface StrategyMeasure {
  strategy: PolicyConfig['strategy'];
  result: SimResult;
  /** VM-hours as a multiple of the optimum's. */
  vmRatio: number;
  /** Mean wait per task beyond the optimum's, seconds. */
  addedWaitS: number;
  /** VM-hours + the tasks' added waiting hours × the strategy's price, as a multiple of the optimum's. */
  combinedRatio: number;
}

/** The offline optimum of a trace, and each strategy measured against it (the combined cost at its own price). */
export function measureStrategies(
  trace: Trace,
  strategies: readonly PolicyConfig['strategy'][] = ['cost', 'balanced', 'speed'],
): { optimum: SimResult; measures: StrategyMeasure[] } {
  const optimum = simulateOfflineOptimum(trace);
  const tasks = optimum.tasksDone + optimum.tasksUnstarted;
  const measures = strategies.map((strategy) => {
    const result = simulatePolicy(trace, { policy: { strategy } });
    const addedWaitS = result.meanWaitS - optimum.meanWaitS;
    const combined = result.vmHours + ((addedWaitS * tasks) / 3600) * WAIT_PRICE[strategy];
    return {
      strategy,
      result,
      vmRatio: result.vmHours / optimum.vmHours,
      addedWaitS,
      combinedRatio: combined / optimum.vmHours,
    };
  });
  return { optimum, measures };
}
