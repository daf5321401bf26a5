import type { Fleet } from './fleet.js';
import type { NewEvent } from './events.js';

/**
 * Names the runners an event concerns, so the event log's runner filter finds it: a session's event
 * concerns the runners working in that session, a host's event the runners of that host. `runnerId`
 * stays set only when exactly one runner is concerned (notifications name it).
 */
export function withConcern(event: NewEvent, fleet: Fleet): NewEvent {
  if (event.runnerIds) return event;
  const runnerIds =
    (event.sessionKey !== undefined ? fleet.groupByKey.get(event.sessionKey)?.runnerIds : undefined) ??
    (event.hostId !== undefined ? fleet.hostById.get(event.hostId)?.runnerIds : undefined) ??
    (event.runnerId !== undefined ? [event.runnerId] : undefined);
  if (!runnerIds || runnerIds.length === 0) return event;
  return {
    ...event,
    runnerIds: [...runnerIds],
    ...(runnerIds.length === 1 && event.runnerId === undefined ? { runnerId: runnerIds[0] } : {}),
  };
}
