import type { Command } from 'commander';
import { describeUse } from '../../core/policies/monthly-budget.js';
import type { ManagerState, MonthlyBudgetView } from '../../core/state.js';
import type { CliContext } from '../context.js';
import { runningServiceApi } from './shared.js';

/**
 * `status`: what the running service sees now, in a few lines (or its whole state with --json):
 * the orchestrator, hosts on against the budget, failed or unreadable hosts, and sessions.
 */
export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("the running service's state: orchestrator, hosts on and budget, failures, sessions")
    .option('--json', 'print the whole state as JSON')
    .action(async (options: { json?: boolean }) => {
      const { api, url } = await runningServiceApi(ctx);
      const state = await api.getState();
      if (options.json) ctx.printJson(state);
      else ctx.print(describeStatus(state, url, Date.now()).join('\n'));
    });
}

function describeBudget(budget: MonthlyBudgetView): string {
  const used = describeUse(budget, budget.currency);
  const now =
    budget.holdingBelowPriority !== undefined
      ? `SPENT: hosts start only for tasks of priority ${budget.holdingBelowPriority} or higher`
      : budget.fraction >= 1
        ? 'SPENT (notify only: hosts still start)'
        : `when spent: ${budget.whenSpent === 'notify' ? 'notify only' : 'hold starts'}`;
  return `${used} in ${budget.month} (${Math.round(budget.fraction * 100)} %); ${now}`;
}

const ago = (at: number | undefined, now: number) =>
  at === undefined ? 'never' : `${Math.max(0, Math.round((now - at) / 1000))} s ago`;

export function describeStatus(state: ManagerState, url: string, now: number): string[] {
  const orchestrator =
    state.orchestrator.status === 'ok'
      ? `reachable, read ${ago(state.orchestrator.lastObservedAt, now)}; ${state.queueDepth} queued, ${state.runners.reduce((sum, r) => sum + r.running, 0)} running`
      : state.orchestrator.status === 'unconfigured'
        ? 'not configured (session-manager orchestrator set)'
        : `UNREACHABLE: ${state.orchestrator.problem ?? 'no answer'}`;
  const failed = state.hosts.filter((host) => host.failed);
  const unreadable = state.hosts.filter((host) => host.cloudError);
  const sessions = state.sessions;
  const count = (kind: string) => sessions.filter((session) => session.state === kind).length;
  const lines = [
    `Service       ${url}${state.paused ? ' (PAUSED: nothing is started or stopped)' : ''}, last tick ${ago(state.lastTickAt, now)}`,
    `Orchestrator  ${orchestrator}`,
    `Hosts         ${state.hostsOn} on of at most ${state.maxHostsOn}, ${state.hosts.length} configured` +
      (state.hostsUnknown ? `, ${state.hostsUnknown} whose power state cannot be read` : ''),
    ...(state.monthlyBudget ? [`Budget        ${describeBudget(state.monthlyBudget)}`] : []),
    `Sessions      ${count('open')} open, ${count('connecting') + count('reconnecting')} connecting, ${count('failed')} failed`,
  ];
  for (const host of failed)
    lines.push(
      `  FAILED      ${host.id}: ${host.lastError ?? 'gave up'} (session-manager host retry ${host.id})`,
    );
  for (const host of unreadable)
    lines.push(`  CLOUD ERROR ${host.id}: ${host.cloudError!.message} (${host.cloudError!.hint})`);
  for (const session of sessions.filter((s) => s.blocked))
    lines.push(`  BLOCKED     ${session.key}: ${session.blocked}`);
  return lines;
}
