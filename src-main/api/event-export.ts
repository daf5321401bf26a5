import { stringify } from 'csv-stringify/sync';
import type { ManagerEvent } from '../core/events.js';
import { runnersOf } from '../core/event-filter.js';

export type ExportFormat = 'jsonl' | 'csv';

export interface EventExport {
  filename: string;
  mediaType: string;
  text: string;
}

const CSV_COLUMNS = ['id', 'time', 'severity', 'kind', 'host', 'runners', 'session', 'message', 'data'];

/**
 * The event log as a file: JSON Lines (one event per line, as the API returns it) or CSV for a
 * spreadsheet (ISO times, runners joined by spaces, details as JSON; cells that a spreadsheet would
 * run as a formula are escaped).
 */
export function exportEvents(events: readonly ManagerEvent[], format: ExportFormat): EventExport {
  // Named after its newest event, so the same export has the same name whoever asks.
  const newest = events.at(-1);
  const stamp = newest ? new Date(newest.at).toISOString().replace(/[:.]/g, '-') : 'empty';
  if (format === 'jsonl')
    return {
      filename: `session-manager-events-${stamp}.jsonl`,
      mediaType: 'application/jsonl; charset=utf-8',
      text: events.map((event) => `${JSON.stringify(event)}\n`).join(''),
    };
  const rows = events.map((event) => [
    event.id,
    new Date(event.at).toISOString(),
    event.severity,
    event.kind,
    event.hostId ?? '',
    runnersOf(event).join(' '),
    event.sessionKey ?? '',
    event.message,
    event.data ? JSON.stringify(event.data) : '',
  ]);
  return {
    filename: `session-manager-events-${stamp}.csv`,
    mediaType: 'text/csv; charset=utf-8',
    text: stringify([CSV_COLUMNS, ...rows], { escape_formulas: true, record_delimiter: 'windows' }),
  };
}
