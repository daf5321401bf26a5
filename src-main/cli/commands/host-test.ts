import type { Command } from 'commander';
import type { CheckResult } from '../../api/manager-port.js';
import { idSchema } from '../../config/schema.js';
import type { CliContext } from '../context.js';
import { hostCommand } from './shared.js';
import { CliError, ExitCode } from '../errors.js';

/**
 * `host test <host>`: the console wizard's "Test connection" for a saved host (the same checks, the
 * same result): logs on over RDP as the host's user and off again, and reads its cloud instance.
 */
export function registerHostTest(program: Command, ctx: CliContext): void {
  const host = hostCommand(program);
  host
    .command('test')
    .description("log on over RDP as the host's user (and off again) and read its cloud instance")
    .argument('<host>', 'host id')
    .option('--json', 'print the result as JSON')
    .action(async (hostId: string, options: { json?: boolean }) => test(ctx, hostId, options));
}

function line(label: string, check: CheckResult): string {
  const verdict = check.skipped ? 'not needed' : check.ok ? 'passed' : 'failed';
  const words = check.ok ? check.detail : `${check.kind ? `${check.kind}: ` : ''}${check.error ?? 'failed'}`;
  return `${label.padEnd(6)} ${verdict.padEnd(10)} ${words ?? ''}`.trimEnd();
}

async function test(ctx: CliContext, hostId: string, options: { json?: boolean }): Promise<void> {
  const id = idSchema.safeParse(hostId);
  if (!id.success) throw new CliError(`host id: ${id.error.issues[0]?.message ?? 'invalid'}`, ExitCode.usage);
  const host = ctx
    .configStore()
    .load()
    .hosts.find((h) => h.id === id.data);
  if (!host) throw new CliError(`no host with id "${id.data}"`, ExitCode.usage);

  const { checkHost } = await import('../../service/connection-checks.js'); // the cloud SDKs, RDP
  const result = await checkHost(host, ctx.secrets(), {});
  const passed = result.rdp.ok && result.cloud.ok;
  if (!options.json) ctx.print([line('RDP', result.rdp), line('Cloud', result.cloud)].join('\n'));
  else if (passed) ctx.printJson(result);
  if (!passed)
    throw new CliError(
      `host ${host.id} did not pass: ${[result.rdp, result.cloud]
        .filter((check) => !check.ok)
        .map((check) => check.error ?? 'failed')
        .join('; ')}`,
      ExitCode.failure,
      result,
    );
}
