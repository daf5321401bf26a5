import type { Config } from '../config/schema.js';
import { isBilledState, isCloudHost } from '../core/power-driver.js';
import type { MonthSpend } from '../core/snapshot.js';
import type { ManagerState } from '../core/state.js';
import { costReport, costedHosts } from './cost.js';
import type { HistoryStore } from './history-store.js';

const HOUR_MS = 3_600_000;

/** The start of `now`'s calendar month, UTC. */
export function monthStart(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

const monthOf = (at: number) => new Date(monthStart(at)).toISOString().slice(0, 7);

/** Nothing spent yet in `now`'s month (when the history cannot say). */
export function noSpend(now: number): MonthSpend & { unpricedHostIds: string[] } {
  return { month: monthOf(now), vmHours: 0, cost: 0, unpricedHosts: 0, unpricedHostIds: [] };
}

/** This month's spend up to `now` from the history, with the billed hosts that have no price. */
export async function monthSpend(
  history: Pick<HistoryStore, 'read'>,
  config: Config,
  now: number,
): Promise<MonthSpend & { unpricedHostIds: string[] }> {
  const from = monthStart(now);
  const report = costReport(await history.read(from, now, 'power'), costedHosts(config), {
    from,
    to: Math.max(now, from + 1),
    by: 'host',
    currency: config.history.currency,
  });
  const unpriced = report.rows.filter((row) => row.cost === undefined && row.vmHours > 0);
  return {
    month: monthOf(from),
    vmHours: report.total.vmHours,
    cost: report.rows.reduce((sum, row) => sum + (row.cost ?? 0), 0),
    unpricedHosts: unpriced.length,
    unpricedHostIds: unpriced.map((row) => row.key),
  };
}

/**
 * The month's spend kept current without reading the history again: read once at start, then each
 * published state adds the time its billed hosts were on since the previous one (as /metrics counts
 * VM-minutes), at the hosts' prices. A new month starts from zero.
 */
export class MonthSpendTracker {
  private spend: MonthSpend;
  private readonly unpriced: Set<string>;
  private lastAt: number | undefined;
  private billed: string[] = [];

  constructor(
    initial: MonthSpend & { unpricedHostIds: string[] },
    private prices: ReadonlyMap<string, number>,
  ) {
    const { unpricedHostIds, ...spend } = initial;
    this.spend = spend;
    this.unpriced = new Set(unpricedHostIds);
  }

  setPrices(prices: ReadonlyMap<string, number>): void {
    this.prices = prices;
  }

  onState(state: ManagerState): void {
    const month = monthOf(state.at);
    if (month !== this.spend.month) {
      this.spend = { month, vmHours: 0, cost: 0, unpricedHosts: 0 };
      this.unpriced.clear();
      if (this.lastAt !== undefined) this.lastAt = Math.max(this.lastAt, monthStart(state.at));
    }
    if (this.lastAt !== undefined && state.at > this.lastAt) {
      const hours = (state.at - this.lastAt) / HOUR_MS;
      for (const hostId of this.billed) {
        this.spend.vmHours += hours;
        const price = this.prices.get(hostId);
        if (price === undefined) this.unpriced.add(hostId);
        else this.spend.cost += hours * price;
      }
      this.spend.unpricedHosts = this.unpriced.size;
    }
    this.lastAt = state.at;
    this.billed = state.hosts.filter((h) => isCloudHost(h) && isBilledState(h.power)).map((h) => h.id);
  }

  current(): MonthSpend {
    return { ...this.spend };
  }
}
