import type { RunnerConfig } from '../config/schema.js';

/**
 * Lookups over a list of runners that depend only on the config. `plan` builds them once per config
 * (in PlanContext) instead of once per tick: at 5,000 runners, rebuilding these Maps every tick cost
 * more than the lookups themselves.
 */
export interface RunnerIndex {
  /** Runner id → its position in the list. */
  positionOf: ReadonlyMap<string, number>;
  /** Activity label → positions of the runners that list it (in list order). */
  byActivity: ReadonlyMap<string, readonly number[]>;
}

export function indexRunners(runners: readonly Pick<RunnerConfig, 'id' | 'activities'>[]): RunnerIndex {
  const positionOf = new Map<string, number>();
  const byActivity = new Map<string, number[]>();
  for (let position = 0; position < runners.length; position++) {
    const runner = runners[position]!;
    positionOf.set(runner.id, position);
    for (const activity of runner.activities) {
      const list = byActivity.get(activity);
      if (list) list.push(position);
      else byActivity.set(activity, [position]);
    }
  }
  return { positionOf, byActivity };
}
