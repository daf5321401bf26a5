import { SESSION_HEALTH_STATES, SESSION_STATES } from '../core/session-driver.js';
import { Counter, Gauge, Registry } from 'prom-client';
import { HOST_STAGES, type HostStage } from '../core/state.js';
import type { ManagerPort } from './manager-port.js';

/** Prometheus metrics, read from the service at scrape time (no bookkeeping of their own). */

const hostStages: readonly HostStage[] = HOST_STAGES;
const sessionStates = SESSION_STATES;

interface Metrics {
  contentType: string;
  render(): Promise<string>;
}

export function createMetrics(port: ManagerPort): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const prefix = 'session_manager_';

  new Gauge({
    name: `${prefix}queued_tasks`,
    help: 'Tasks waiting for each runner (queue depth).',
    labelNames: ['runner'],
    registers,
    collect() {
      this.reset();
      for (const runner of port.state().runners) this.set({ runner: runner.id }, runner.queued);
    },
  });
  new Gauge({
    name: `${prefix}running_tasks`,
    help: 'Tasks running on each runner.',
    labelNames: ['runner'],
    registers,
    collect() {
      this.reset();
      for (const runner of port.state().runners) this.set({ runner: runner.id }, runner.running);
    },
  });
  new Gauge({
    name: `${prefix}timed_out_tasks`,
    help: 'Tasks of each runner in TIMEOUT: past their time limit, their bot may still be running.',
    labelNames: ['runner'],
    registers,
    collect() {
      this.reset();
      for (const runner of port.state().runners) this.set({ runner: runner.id }, runner.timedOut ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}orchestrator_skipped_records`,
    help: 'Records of the last orchestrator observation that could not be read and were skipped, by kind.',
    labelNames: ['kind'],
    registers,
    collect() {
      const skipped = port.state().orchestrator.skipped ?? { tasks: 0, runners: 0, schedules: 0 };
      for (const [kind, count] of Object.entries(skipped)) this.set({ kind }, count);
    },
  });
  new Gauge({
    name: `${prefix}hosts`,
    help: 'Hosts by stage (off, powering-on, ..., failed).',
    labelNames: ['state'],
    registers,
    collect() {
      const counts = new Map<string, number>(hostStages.map((stage) => [stage, 0]));
      for (const host of port.state().hosts) {
        const stage = host.failed ? 'failed' : host.stage;
        counts.set(stage, (counts.get(stage) ?? 0) + 1);
      }
      for (const [state, count] of counts) this.set({ state }, count);
    },
  });
  new Gauge({
    name: `${prefix}hosts_on`,
    help: 'Hosts powered on or starting.',
    registers,
    collect() {
      this.set(port.state().hostsOn);
    },
  });
  new Gauge({
    name: `${prefix}max_hosts_on`,
    help: 'The budget cap: most hosts allowed on at once.',
    registers,
    collect() {
      this.set(port.state().maxHostsOn);
    },
  });
  new Gauge({
    name: `${prefix}sessions`,
    help: 'Sessions by state.',
    labelNames: ['state'],
    registers,
    collect() {
      const counts = new Map<string, number>(sessionStates.map((state) => [state, 0]));
      for (const session of port.state().sessions)
        counts.set(session.state, (counts.get(session.state) ?? 0) + 1);
      for (const [state, count] of counts) this.set({ state }, count);
    },
  });
  new Gauge({
    name: `${prefix}session_health`,
    help: 'Open sessions by the health of their desktop (ok, login-screen, lock-screen, blank, wrong-size, frozen, runner-offline).',
    labelNames: ['health'],
    registers,
    collect() {
      const counts = new Map<string, number>(SESSION_HEALTH_STATES.map((health) => [health, 0]));
      for (const session of port.state().sessions)
        if (session.health) counts.set(session.health.state, (counts.get(session.health.state) ?? 0) + 1);
      for (const [health, count] of counts) this.set({ health }, count);
    },
  });
  new Gauge({
    name: `${prefix}paused`,
    help: '1 while the manager is paused.',
    registers,
    collect() {
      this.set(port.state().paused ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}orchestrator_up`,
    help: '1 when the last orchestrator read succeeded.',
    registers,
    collect() {
      this.set(port.state().orchestrator.status === 'ok' ? 1 : 0);
    },
  });

  // Totals kept by the service: reset-then-inc gives Prometheus the counter type with the service's value.
  const total = (name: string, help: string, read: () => number) =>
    new Counter({
      name: `${prefix}${name}_total`,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  total('ticks', 'Reconciler ticks since start.', () => port.counters().ticks);
  total('errors', 'Errors reported since start.', () => port.counters().errors);
  total(
    'orchestrator_requests',
    'Requests made to the orchestrator.',
    () => port.counters().orchestratorRequests,
  );
  total('cloud_calls', 'Calls made to cloud APIs.', () => port.counters().cloudCalls);
  total('backoffs', 'Retries deferred by back-off.', () => port.counters().backoffs);
  new Counter({
    name: `${prefix}cloud_errors_total`,
    help: 'Times a host power state became unreadable, by the cloud error kind (auth, permission, unreachable...).',
    labelNames: ['kind'],
    registers,
    collect() {
      this.reset();
      for (const [kind, count] of Object.entries(port.counters().cloudErrors)) this.inc({ kind }, count);
    },
  });
  new Gauge({
    name: `${prefix}hosts_power_unknown`,
    help: 'Cloud hosts whose power state cannot be read now (counted as on by the budget).',
    registers,
    collect() {
      this.set(port.state().hostsUnknown);
    },
  });
  new Counter({
    name: `${prefix}vm_minutes_total`,
    help: 'Minutes cloud hosts have been powered on since start, by host.',
    labelNames: ['host'],
    registers,
    collect() {
      this.reset();
      for (const [host, minutes] of Object.entries(port.counters().vmMinutes)) this.inc({ host }, minutes);
    },
  });

  new Counter({
    name: `${prefix}spend_total`,
    help: "Money spent on cloud hosts since start (billed time × the host's hourly price, in the config's history.currency), by host; hosts without a price are left out.",
    labelNames: ['host'],
    registers,
    collect() {
      this.reset();
      for (const [host, money] of Object.entries(port.counters().spend)) this.inc({ host }, money);
    },
  });
  new Gauge({
    name: `${prefix}monthly_budget_used_ratio`,
    help: "This month's spend over the monthly budget (1 = spent); absent without a budget.",
    registers,
    collect() {
      this.reset();
      const budget = port.state().monthlyBudget;
      if (budget) this.set(budget.fraction);
    },
  });

  return { contentType: registry.contentType, render: () => registry.metrics() };
}
