import { stringify } from 'csv-stringify/sync';
import type { Command } from 'commander';
import { costGroupings, type CostGrouping, type CostReport, type CostRow } from '../../history/cost.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { table } from '../table.js';
import { parseWhen } from '../when.js';
import { runningServiceApi } from './shared.js';

interface CostOptions {
  from?: string;
  to?: string;
  by: string;
  json?: boolean;
  csv?: boolean;
}

const hours = (value: number) => value.toFixed(2);
const money = (value: number | undefined, currency: string) =>
  value === undefined ? '-' : `${value.toFixed(2)} ${currency}`;
const seconds = (value: number | undefined) => (value === undefined ? '-' : `${Math.round(value)} s`);

function rowCells(row: CostRow, currency: string): string[] {
  return [
    row.key,
    hours(row.vmHours),
    money(row.cost, currency),
    `${row.starts}/${row.stops}`,
    hours(row.sessionHours),
    String(row.tasks),
    seconds(row.waitMeanSeconds),
    seconds(row.waitP95Seconds),
    hours(row.alwaysOnVmHours),
    money(row.alwaysOnCost, currency),
  ];
}

const HEADER = [
  '',
  'VM-hours',
  'cost',
  'session h',
  'tasks',
  'wait mean',
  'wait p95',
  'always-on VM-h',
  'always-on cost',
];

export function describeCost(report: CostReport): string {
  const period = `${new Date(report.from).toISOString()} to ${new Date(report.to).toISOString()}`;
  const saved =
    report.total.alwaysOnVmHours > 0
      ? `${Math.round((1 - report.total.vmHours / report.total.alwaysOnVmHours) * 100)} % fewer VM-hours than always on`
      : 'no hosts';
  return [
    `Cost by ${report.by}, ${period}: ${saved}.`,
    table([
      HEADER,
      ...report.rows.map((row) => rowCells(row, report.currency)),
      rowCells(report.total, report.currency),
    ]),
  ].join('\n');
}

/** CSV with raw numbers (hours, money, seconds) for a spreadsheet; the fleet total last. */
export function costCsv(report: CostReport): string {
  const columns = [
    'key',
    'vmHours',
    'cost',
    'starts',
    'stops',
    'sessionHours',
    'tasks',
    'waitMeanSeconds',
    'waitP95Seconds',
    'alwaysOnVmHours',
    'alwaysOnCost',
  ] as const;
  const rows = [...report.rows, report.total].map((row) => [
    ...columns.map((column) => row[column] ?? ''),
    report.currency,
  ]);
  return stringify([[...columns, 'currency'], ...rows], { escape_formulas: true }).trimEnd();
}

const isGrouping = (value: string): value is CostGrouping =>
  (costGroupings as readonly string[]).includes(value);

/** `cost`: what the hosts cost over a period, from the running service's history. */
export function registerCost(program: Command, ctx: CliContext): void {
  program
    .command('cost')
    .description('what the hosts cost over a period (VM-hours, money, sessions, task wait) against always on')
    .option('--from <date>', 'start of the period (default: 30 days before --to)')
    .option('--to <date>', 'end of the period (default: now)')
    .option('--by <grouping>', 'host, runner, automation or day', 'host')
    .option('--json', 'the report as JSON')
    .option('--csv', 'the report as CSV')
    .action(async (options: CostOptions) => {
      if (!isGrouping(options.by))
        throw new CliError(`--by takes ${costGroupings.join(', ')}, not ${options.by}`, ExitCode.usage);
      const from = parseWhen('--from', options.from);
      const to = parseWhen('--to', options.to);
      const { api } = await runningServiceApi(ctx);
      const report = await api.getCost({
        by: options.by,
        ...(from !== undefined && { from }),
        ...(to !== undefined && { to }),
      });
      if (options.json) ctx.printJson(report);
      else if (options.csv) ctx.print(costCsv(report));
      else ctx.print(describeCost(report));
    });
}
