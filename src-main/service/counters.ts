import { isBilledState, isCloudHost } from '../core/power-driver.js';
import { zeroCounters, type ManagerCounters } from '../api/manager-port.js';
import type { ManagerEvent } from '../core/events.js';
import type { Orchestrator } from '../core/orchestrator.js';
import type { PowerDriver } from '../core/power-driver.js';
import type { ManagerState } from '../core/state.js';

/** Totals since start for /metrics, gathered at the edges (wrapped drivers, events, state) so the core stays free of them. */
export class Counters {
  private readonly totals: ManagerCounters = zeroCounters();
  private lastStateAt: number | undefined;
  private billedHosts = new Set<string>();
  private prices: ReadonlyMap<string, number> = new Map();

  /** The hosts' hourly prices (from the config), for the spend total. */
  setPrices(prices: ReadonlyMap<string, number>): void {
    this.prices = prices;
  }

  onEvent(event: ManagerEvent): void {
    if (event.severity === 'error') this.totals.errors++;
    if (event.kind === 'action.failed') this.totals.backoffs++;
    if (event.kind === 'host.cloud-error') {
      const kind = String(event.data?.errorKind ?? 'other');
      this.totals.cloudErrors[kind] = (this.totals.cloudErrors[kind] ?? 0) + 1;
    }
  }

  /** Integrates VM-minutes: a cloud host counts from the state that saw it on until the next state. */
  onState(state: ManagerState): void {
    this.totals.ticks = state.ticks;
    if (this.lastStateAt !== undefined && state.at > this.lastStateAt) {
      const minutes = (state.at - this.lastStateAt) / 60_000;
      for (const id of this.billedHosts) {
        this.totals.vmMinutes[id] = (this.totals.vmMinutes[id] ?? 0) + minutes;
        const price = this.prices.get(id);
        if (price !== undefined)
          this.totals.spend[id] = (this.totals.spend[id] ?? 0) + (minutes / 60) * price;
      }
    }
    this.lastStateAt = state.at;
    this.billedHosts = new Set(
      state.hosts.filter((h) => isCloudHost(h) && isBilledState(h.power)).map((h) => h.id),
    );
  }

  addOrchestratorRequests(count: number): void {
    this.totals.orchestratorRequests += count;
  }

  addCloudCalls(count: number): void {
    this.totals.cloudCalls += count;
  }

  snapshot(): ManagerCounters {
    return {
      ...this.totals,
      vmMinutes: { ...this.totals.vmMinutes },
      spend: { ...this.totals.spend },
      cloudErrors: { ...this.totals.cloudErrors },
    };
  }
}

export function countingOrchestrator(inner: Orchestrator, counters: Counters): Orchestrator {
  return {
    observe: async (now) => {
      const observation = await inner.observe(now);
      counters.addOrchestratorRequests(observation.requests);
      return observation;
    },
    alert: (alert) => inner.alert(alert),
    close: async () => inner.close?.(),
  };
}

export function countingPowerDriver(inner: PowerDriver, counters: Counters): PowerDriver {
  return {
    protocol: inner.protocol,
    observe: async (hosts) => {
      const observation = await inner.observe(hosts);
      counters.addCloudCalls(observation.calls);
      return observation;
    },
    start: (host) => {
      counters.addCloudCalls(1);
      return inner.start(host);
    },
    stop: (host) => {
      counters.addCloudCalls(1);
      return inner.stop(host);
    },
  };
}
