import type { Command } from 'commander';
import { idSchema } from '../../config/schema.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { runningServiceApi, hostCommand } from './shared.js';

interface RetryOptions {
  all?: boolean;
  json?: boolean;
}

/**
 * `host retry <host>` / `host retry --all`: the operator's Retry, asked of the running service (the
 * failure, back-off and blocked sessions it forgets live in the service, not in the config file).
 */
export function registerHostRetry(program: Command, ctx: CliContext): void {
  const host = hostCommand(program);
  host
    .command('retry')
    .description(
      "forget a failed host's failure, back-off and blocked sessions, so it is started and logged in again",
    )
    .argument('[host]', 'host id')
    .option('--all', 'every host that is failed or has a blocked session')
    .option('--json', 'print the result as JSON')
    .action(async (hostId: string | undefined, options: RetryOptions) => retry(ctx, hostId, options));
}

async function retry(ctx: CliContext, hostId: string | undefined, options: RetryOptions): Promise<void> {
  if ((hostId === undefined) === !options.all)
    throw new CliError('name one host, or pass --all', ExitCode.usage);
  const config = ctx.configStore().load();
  if (hostId !== undefined) {
    const id = idSchema.safeParse(hostId);
    if (!id.success)
      throw new CliError(`host id: ${id.error.issues[0]?.message ?? 'invalid'}`, ExitCode.usage);
    if (!config.hosts.some((h) => h.id === id.data))
      throw new CliError(`no host with id "${id.data}"`, ExitCode.usage);
  }
  const { api } = await runningServiceApi(ctx);
  let retried: string[];
  try {
    retried = (hostId !== undefined ? await api.retryHost({ hostId }) : await api.retryAllHosts()).retried;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(
      `the Session Manager service did not take the retry (is it running?): ${reason}`,
      ExitCode.unreachable,
    );
  }
  if (options.json) ctx.printJson({ retried });
  else
    ctx.print(
      retried.length === 0
        ? 'No host needed a retry.'
        : `Retried ${retried.join(', ')}: failures, back-off and blocked sessions forgotten; the next tick may start and log in again.`,
    );
}
