import { createHttpClient } from '../../api/http-client.js';
import type { SessionManagerApi } from '../../api/contract.js';
import { getOrCreateApiToken } from '../../api/token.js';
import { readServiceFile } from '../../service/service-file.js';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import type { HostConfig, RunnerConfig } from '../../config/schema.js';

/** A host as printed: secret references are replaced by "stored in keychain" flags. */
export function publicHost(host: HostConfig): Record<string, unknown> {
  const { password, aws, azure, ...rest } = host;
  return {
    ...rest,
    hasPassword: Boolean(password),
    ...(aws && {
      aws: { ...aws, secretAccessKey: undefined, hasSecretAccessKey: Boolean(aws.secretAccessKey) },
    }),
    ...(azure && {
      azure: { ...azure, clientSecret: undefined, hasClientSecret: Boolean(azure.clientSecret) },
    }),
  };
}

export function publicRunner(runner: RunnerConfig): Record<string, unknown> {
  const { password, ...rest } = runner;
  return { ...rest, hasOwnPassword: Boolean(password) };
}

/** The running service's API for this config (the commands that act on the service, not the file). */
export async function runningServiceApi(ctx: CliContext): Promise<{ api: SessionManagerApi; url: string }> {
  const running = readServiceFile(ctx.configStore().path);
  if (!running)
    throw new CliError(
      'the Session Manager service is not running for this config (start it with `session-manager run local`)',
      ExitCode.unreachable,
    );
  return {
    api: createHttpClient({ baseUrl: running.url, token: await getOrCreateApiToken(ctx.secrets()) }),
    url: running.url,
  };
}

/** The `host` command group, made by whichever host command registers first (they live in several files). */
export function hostCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'host') ??
    program.command('host').description('add, edit or remove the machines that hold sessions')
  );
}
