import type { Config } from '../config/schema.js';
import type { MonthSpend } from '../core/snapshot.js';
import { costReport, costedHosts } from './cost.js';
import type { HistoryStore } from './history-store.js';

/** The start of `now`'s calendar month, UTC. */
export function monthStart(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** What the fleet has spent this calendar month (UTC) up to `now`, from the history. */
export async function monthSpend(
  history: Pick<HistoryStore, 'read'>,
  config: Config,
  now: number,
): Promise<MonthSpend> {
  const from = monthStart(now);
  const report = costReport(await history.read(from, now), costedHosts(config), {
    from,
    to: Math.max(now, from + 1),
    by: 'host',
    currency: config.history.currency,
  });
  return {
    month: new Date(from).toISOString().slice(0, 7),
    vmHours: report.total.vmHours,
    cost: report.rows.reduce((sum, row) => sum + (row.cost ?? 0), 0),
    unpricedHosts: report.rows.filter((row) => row.cost === undefined && row.vmHours > 0).length,
  };
}
