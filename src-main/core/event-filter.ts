import type { EventKind, ManagerEvent, Severity } from './events.js';

/**
 * The event log's search, once, for the API (listEvents, exportEvents) and the console's live log.
 * Every field narrows; an absent field matches everything.
 */
export interface EventQuery {
  /** Words that must all appear (any case) in the message, kind, host, runners, session or details. */
  text?: string;
  /** One kind (`session.failed`) or a family (`session`: every `session.*` kind). */
  kind?: EventKind | string;
  hostId?: string;
  /** Events that concern this runner (see event-concern.ts). */
  runnerId?: string;
  sessionKey?: string;
  /** This severity or worse. */
  severity?: Severity;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Only events with a greater id. */
  afterId?: number;
}

const severityRank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function runnersOf(event: ManagerEvent): readonly string[] {
  return event.runnerIds ?? (event.runnerId !== undefined ? [event.runnerId] : []);
}

function searchableText(event: ManagerEvent): string {
  return [
    event.message,
    event.kind,
    event.hostId ?? '',
    ...runnersOf(event),
    event.sessionKey ?? '',
    ...Object.values(event.data ?? {}).map(String),
  ]
    .join('\n')
    .toLowerCase();
}

export function eventMatcher(query: EventQuery): (event: ManagerEvent) => boolean {
  const words = (query.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const minRank = query.severity ? severityRank[query.severity] : 0;
  return (event) =>
    (query.afterId === undefined || event.id > query.afterId) &&
    (query.kind === undefined || event.kind === query.kind || event.kind.startsWith(`${query.kind}.`)) &&
    (query.hostId === undefined || event.hostId === query.hostId) &&
    (query.runnerId === undefined || runnersOf(event).includes(query.runnerId)) &&
    (query.sessionKey === undefined || event.sessionKey === query.sessionKey) &&
    severityRank[event.severity] >= minRank &&
    (query.from === undefined || event.at >= query.from) &&
    (query.to === undefined || event.at < query.to) &&
    (words.length === 0 || words.every((word) => searchableText(event).includes(word)));
}

/** The newest `limit` events that match, oldest first. */
export function filterEvents(
  events: readonly ManagerEvent[],
  query: EventQuery,
  limit = Number.POSITIVE_INFINITY,
): ManagerEvent[] {
  const matches = eventMatcher(query);
  const found: ManagerEvent[] = [];
  for (let i = events.length - 1; i >= 0 && found.length < limit; i--)
    if (matches(events[i]!)) found.push(events[i]!);
  return found.reverse();
}
