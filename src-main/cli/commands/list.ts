import type { Command } from 'commander';
import type { Config } from '../../config/schema.js';
import type { CliContext } from '../context.js';
import { publicHost, publicRunner } from './shared.js';
import { table } from '../table.js';

function describeAll(config: Config): string {
  const lines: string[] = [];
  lines.push(
    config.orchestrator
      ? `Orchestrator: ${config.orchestrator.kind} ${config.orchestrator.server} (login ${config.orchestrator.login}, every ${config.orchestrator.pollSeconds} s)`
      : 'Orchestrator: not set (session-manager orchestrator set)',
  );
  lines.push('');
  if (config.hosts.length === 0) lines.push('Hosts: none (session-manager host add)');
  else {
    lines.push('Hosts:');
    lines.push(
      table([
        ['ID', 'PROTOCOL', 'ADDRESS', 'USER', 'SESSIONS', 'CLOUD'],
        ...config.hosts.map((h) => [
          h.id,
          h.protocol,
          h.address,
          h.domain ? `${h.domain}\\${h.user}` : h.user,
          String(h.maxSessions),
          h.aws
            ? `${h.aws.instanceId}${h.aws.region ? ` (${h.aws.region})` : ''}`
            : h.azure
              ? `${h.azure.resourceGroup}/${h.azure.vmName}`
              : '-',
        ]),
      ]),
    );
  }
  lines.push('');
  if (config.runners.length === 0) lines.push('Runners: none (session-manager runner attach)');
  else {
    lines.push('Runners:');
    lines.push(
      table([
        ['ID', 'HOST', 'SESSION', 'USER', 'SCREEN', 'ACTIVITIES'],
        ...config.runners.map((r) => [
          r.id,
          r.host,
          r.sessionMode,
          r.sessionMode === 'console' ? '-' : (r.user ?? '(host user)'),
          `${r.width}x${r.height}`,
          r.activities.join(',') || '-',
        ]),
      ]),
    );
  }
  return lines.join('\n');
}

export function registerList(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .description('show the configuration')
    .command('all')
    .option('--json', 'print as JSON for scripts')
    .description('list the orchestrator, hosts and runners')
    .action((options: { json?: boolean }) => {
      const config = ctx.configStore().load();
      if (options.json)
        ctx.printJson({
          orchestrator: config.orchestrator
            ? { ...config.orchestrator, key: undefined, hasKey: Boolean(config.orchestrator.key) }
            : null,
          hosts: config.hosts.map(publicHost),
          runners: config.runners.map(publicRunner),
        });
      else ctx.print(describeAll(config));
    });
}
