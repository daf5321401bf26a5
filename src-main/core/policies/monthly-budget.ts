import type { MonthlyBudget } from '../../config/schema.js';
import type { AlertAction } from '../actions.js';
import type { WorkingMemory } from '../memory.js';
import type { MonthSpend } from '../snapshot.js';
import type { StartCandidate } from './budget.js';

/**
 * Monthly budget: what the fleet spent this calendar month (UTC, from the history) against a limit in
 * money or VM-hours. At 80 % the operator is warned, at 100 % told, each once a month; with
 * `whenSpent: hold-starts` a spent budget then starts hosts only for queued tasks of at least
 * `minPriority` (never stops anything: running work and hosts already on are left alone).
 */

export const WARNING_FRACTION = 0.8;

export interface BudgetUse {
  month: string;
  used: number;
  amount: number;
  unit: MonthlyBudget['unit'];
  fraction: number;
  /** Hosts billed this month without a price: a money budget does not see them. */
  unpricedHosts: number;
}

export function budgetUse(
  spend: MonthSpend | undefined,
  budget: MonthlyBudget | undefined,
): BudgetUse | undefined {
  if (!spend || !budget) return undefined;
  const used = budget.unit === 'money' ? spend.cost : spend.vmHours;
  return {
    month: spend.month,
    used,
    amount: budget.amount,
    unit: budget.unit,
    fraction: used / budget.amount,
    unpricedHosts: budget.unit === 'money' ? spend.unpricedHosts : 0,
  };
}

/** `12.50 of 100 EUR` or `41.2 of 50 VM-hours`. */
export function describeUse(use: Pick<BudgetUse, 'used' | 'amount' | 'unit'>, currency: string): string {
  return use.unit === 'money'
    ? `${use.used.toFixed(2)} of ${use.amount} ${currency}`
    : `${use.used.toFixed(1)} of ${use.amount} VM-hours`;
}

/** Whether a spent budget holds this candidate back. */
function held(candidate: StartCandidate, budget: MonthlyBudget): boolean {
  return !(candidate.class === 'queued' && candidate.priority >= budget.minPriority);
}

/**
 * The start candidates a spent budget lets through, those it holds (with the reason), and the alert
 * due this tick. Pure; remembers the last alert in `memory.spendAlert`.
 */
export function guardMonthlyBudget(
  candidates: readonly StartCandidate[],
  use: BudgetUse | undefined,
  budget: MonthlyBudget | undefined,
  memory: WorkingMemory,
  currency: string,
): { allowed: StartCandidate[]; held: StartCandidate[]; holdReason?: string; alerts: AlertAction[] } {
  if (!use || !budget) return { allowed: [...candidates], held: [], alerts: [] };
  const alerts: AlertAction[] = [];
  const said = memory.spendAlert?.month === use.month ? memory.spendAlert.level : undefined;
  const spent = use.fraction >= 1;
  const holding = spent && budget.whenSpent === 'hold-starts';
  const effect = holding
    ? `hosts now start only for queued tasks of priority ${budget.minPriority} or higher`
    : 'hosts still start as work comes (the budget is set to notify only)';
  const unpriced = use.unpricedHosts
    ? ` (${use.unpricedHosts} billed hosts have no price and are not counted)`
    : '';
  if (spent && said !== 'spent') {
    alerts.push({
      kind: 'alert',
      event: 'budget.month-spent',
      severity: 'error',
      title: 'Monthly budget spent',
      reason: `The monthly budget is spent: ${describeUse(use, currency)} in ${use.month}${unpriced}; ${effect}.`,
    });
    memory.spendAlert = { month: use.month, level: 'spent' };
  } else if (!spent && use.fraction >= WARNING_FRACTION && said === undefined) {
    alerts.push({
      kind: 'alert',
      event: 'budget.month-warning',
      severity: 'warning',
      title: '80 % of the monthly budget spent',
      reason: `${Math.floor(use.fraction * 100)} % of the monthly budget is spent: ${describeUse(use, currency)} in ${use.month}${unpriced}.`,
    });
    memory.spendAlert = { month: use.month, level: 'warning' };
  }
  if (!holding) return { allowed: [...candidates], held: [], alerts };
  return {
    allowed: candidates.filter((candidate) => !held(candidate, budget)),
    held: candidates.filter((candidate) => held(candidate, budget)),
    holdReason: `the monthly budget is spent (${describeUse(use, currency)}); only queued tasks of priority ${budget.minPriority} or higher start hosts`,
    alerts,
  };
}
