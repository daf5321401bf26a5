import type { ManagerEvent, Severity } from '../../../src-main/core/events.js';

/** The event log's filter: host, runner, and "this severity or worse" (as the API's listEvents). */

export interface EventFilter {
  hostId?: string;
  runnerId?: string;
  severity: Severity;
}

const rank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function filterEvents(
  events: readonly ManagerEvent[],
  filter: EventFilter,
  limit = 500,
): ManagerEvent[] {
  const matching: ManagerEvent[] = [];
  for (let i = events.length - 1; i >= 0 && matching.length < limit; i--) {
    const event = events[i]!;
    if (filter.hostId && event.hostId !== filter.hostId) continue;
    if (filter.runnerId && event.runnerId !== filter.runnerId) continue;
    if (rank[event.severity] < rank[filter.severity]) continue;
    matching.push(event);
  }
  return matching;
}

export function idsOf(
  events: readonly ManagerEvent[],
  known: readonly string[],
  key: 'hostId' | 'runnerId',
): string[] {
  const ids = new Set(known);
  for (const event of events) if (event[key]) ids.add(event[key]);
  return [...ids].sort();
}
