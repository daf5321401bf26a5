import { isBilledState } from '../core/power-driver.js';
import type { HistoryRecords } from './history-store.js';

/** A power-on or power-off as the history shows it. */
export interface PowerChange {
  hostId: string;
  at: number;
  kind: 'start' | 'stop';
}

/**
 * The starts and stops in recorded power intervals (in start order): each change of a host between a
 * billed state (starting, on, stopping) and one that is not. A host's first interval is no change.
 */
export function* powerChanges(power: HistoryRecords['power']): Generator<PowerChange> {
  const previous = new Map<string, string>();
  for (const interval of power) {
    const before = previous.get(interval.hostId);
    previous.set(interval.hostId, interval.state);
    const billed = isBilledState(interval.state);
    if (before !== undefined && billed !== isBilledState(before))
      yield { hostId: interval.hostId, at: interval.startedAt, kind: billed ? 'start' : 'stop' };
  }
}
