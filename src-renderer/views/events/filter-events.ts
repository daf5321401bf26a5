import type { EventQuery } from '../../../src-main/core/event-filter.js';
import { runnersOf } from '../../../src-main/core/event-filter.js';
import type { ManagerEvent, Severity } from '../../../src-main/core/events.js';

/** The event log page's search form: what the operator typed, as the API's event query. */
export interface EventForm {
  text: string;
  kind?: string;
  hostId?: string;
  runnerId?: string;
  severity: Severity;
  /** `datetime-local` values (local time, no zone), empty when not set. */
  from: string;
  to: string;
}

export const emptyForm: EventForm = { text: '', severity: 'info', from: '', to: '' };

/** Local date-time text to epoch ms; undefined when empty or not a date. */
function localTime(value: string): number | undefined {
  if (value === '') return undefined;
  const at = new Date(value).getTime();
  return Number.isNaN(at) ? undefined : at;
}

export function queryOf(form: EventForm): EventQuery {
  const from = localTime(form.from);
  const to = localTime(form.to);
  const text = form.text.trim();
  return {
    ...(text ? { text } : {}),
    ...(form.kind ? { kind: form.kind } : {}),
    ...(form.hostId ? { hostId: form.hostId } : {}),
    ...(form.runnerId ? { runnerId: form.runnerId } : {}),
    ...(form.severity !== 'info' ? { severity: form.severity } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
  };
}

/** Ids to offer in a filter: the configured ones and any an event names, sorted. */
export function idsOf(
  events: readonly ManagerEvent[],
  known: readonly string[],
  key: 'hostId' | 'runnerId',
): string[] {
  const ids = new Set(known);
  for (const event of events) {
    if (key === 'hostId' && event.hostId) ids.add(event.hostId);
    if (key === 'runnerId') for (const id of runnersOf(event)) ids.add(id);
  }
  return [...ids].sort();
}

/** Kinds to offer: each family seen (`session`: every `session.*`), then each kind seen. */
export function kindsOf(events: readonly ManagerEvent[]): { value: string; label: string }[] {
  const kinds = [...new Set(events.map((event) => event.kind))].sort();
  const families = [
    ...new Set(kinds.filter((kind) => kind.includes('.')).map((kind) => kind.split('.')[0]!)),
  ];
  return [
    ...families.map((family) => ({ value: family, label: `${family}.* (all)` })),
    ...kinds.map((kind) => ({ value: kind, label: kind })),
  ];
}
