import { existsSync } from 'node:fs';
import { CliError, ExitCode } from '../errors.js';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerConfig(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('where the config file is and whether it is valid');
  config
    .command('path')
    .description('print the config file path')
    .action(() => ctx.print(ctx.configStore().path));
  config
    .command('validate')
    .option('--json', 'print the result as JSON')
    .description('check the config file; exits non-zero naming each bad field')
    .action((options: { json?: boolean }) => {
      const store = ctx.configStore();
      if (!existsSync(store.path))
        throw new CliError(
          `there is no config file at ${store.path} (nothing to validate; \`host add\` or \`orchestrator set\` creates it)`,
          ExitCode.usage,
        );
      const loaded = store.load(); // throws ConfigError, reported with exit code 2
      if (options.json)
        ctx.printJson({
          valid: true,
          path: store.path,
          hosts: loaded.hosts.length,
          runners: loaded.runners.length,
        });
      else
        ctx.print(`${store.path} is valid (${loaded.hosts.length} hosts, ${loaded.runners.length} runners).`);
    });
}
