import type { Command } from 'commander';
import type { WhatIfColumn, WhatIfReport } from '../../history/whatif.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { table } from '../table.js';
import { parseWhen } from '../when.js';
import { runningServiceApi } from './shared.js';

interface WhatIfOptions {
  from?: string;
  to?: string;
  strategy?: string;
  idleGrace?: string;
  minUptime?: string;
  bootTimeout?: string;
  maxHosts?: string;
  drain?: string;
  prewarm?: boolean;
  json?: boolean;
}

/** A number flag as the user typed it; the API checks its range with the config's own rule. */
function numberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value.trim()))
    throw new CliError(`${flag}: "${value}" is not a number`, ExitCode.usage);
  return Number(value);
}

const rows: Array<[string, (column: WhatIfColumn, currency: string) => string]> = [
  ['VM-hours', (c) => c.vmHours.toFixed(2)],
  ['cost', (c, currency) => (c.cost === undefined ? '-' : `${c.cost.toFixed(2)} ${currency}`)],
  ['starts', (c) => String(c.starts)],
  ['tasks', (c) => String(c.tasks)],
  ['wait mean', (c) => `${Math.round(c.meanWaitSeconds)} s`],
  ['wait p95', (c) => `${Math.round(c.p95WaitSeconds)} s`],
];

export function describeWhatIf(report: WhatIfReport): string {
  const day = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');
  const changed = Object.entries(report.proposed)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
  const { replay } = report;
  return [
    `What if, ${day(report.from)} to ${day(report.to)} UTC: ${replay.tasks} recorded tasks replayed` +
      (replay.skippedTasks ? ` (${replay.skippedTasks} of runners no longer on a cloud host left out)` : '') +
      `; proposed: ${changed || 'the current settings'}.`,
    table([
      ['', ...report.columns.map((column) => column.name)],
      ...rows.map(([label, cell]) => [
        label,
        ...report.columns.map((column) => cell(column, report.currency)),
      ]),
    ]),
    `Learned from the history: boot ${Object.entries(replay.bootSeconds)
      .map(([host, seconds]) => `${host} ${seconds} s`)
      .join(', ')}; stop ${replay.stopSeconds} s; a tick every ${replay.tickSeconds} s.`,
  ].join('\n');
}

/** `whatif`: the recorded tasks of a period replayed under other policy settings. */
export function registerWhatIf(program: Command, ctx: CliContext): void {
  program
    .command('whatif')
    .description(
      'replay the recorded tasks under other policy settings: VM-hours, money and task wait side by side',
    )
    .option('--from <date>', 'start of the period (default: 7 days before --to)')
    .option('--to <date>', 'end of the period (default: now)')
    .option('--strategy <name>', 'policy.strategy to try: cost, balanced or speed')
    .option('--idle-grace <minutes>', 'policy.idleGraceMinutes to try')
    .option('--min-uptime <minutes>', 'policy.minUptimeMinutes to try')
    .option('--boot-timeout <minutes>', 'policy.bootTimeoutMinutes to try')
    .option('--max-hosts <count>', 'policy.maxHostsOn to try')
    .option('--drain <observations>', 'policy.drainObservations to try')
    .option('--no-prewarm', 'try without pre-warming')
    .option('--json', 'the report as JSON')
    .action(async (options: WhatIfOptions) => {
      const from = parseWhen('--from', options.from);
      const to = parseWhen('--to', options.to);
      const policy = Object.fromEntries(
        Object.entries({
          strategy: options.strategy,
          idleGraceMinutes: numberFlag('--idle-grace', options.idleGrace),
          minUptimeMinutes: numberFlag('--min-uptime', options.minUptime),
          bootTimeoutMinutes: numberFlag('--boot-timeout', options.bootTimeout),
          maxHostsOn: numberFlag('--max-hosts', options.maxHosts),
          drainObservations: numberFlag('--drain', options.drain),
          prewarm: options.prewarm === false ? false : undefined,
        }).filter(([, value]) => value !== undefined),
      );
      const { api } = await runningServiceApi(ctx);
      const report = await api.whatIf({
        policy,
        ...(from !== undefined && { from }),
        ...(to !== undefined && { to }),
      });
      if (options.json) ctx.printJson(report);
      else ctx.print(describeWhatIf(report));
    });
}
