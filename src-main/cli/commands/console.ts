import type { Command } from 'commander';
import { getOrCreateApiToken, rotateApiToken } from '../../api/token.js';
import type { CliContext } from '../context.js';

export function registerConsole(program: Command, ctx: CliContext): void {
  program
    .command('console')
    .description("print the web console's URL with its access token (the token lives in the keychain)")
    .option('--rotate', 'make a new token (the old one stops working when the service restarts)')
    .option('--json', 'print as JSON')
    .action(async (options: { rotate?: boolean; json?: boolean }) => {
      const config = ctx.configStore().load();
      const token = options.rotate
        ? await rotateApiToken(ctx.secrets())
        : await getOrCreateApiToken(ctx.secrets());
      const host = config.api.bind === '0.0.0.0' || config.api.bind === '::' ? '127.0.0.1' : config.api.bind;
      const port = config.api.port === 0 ? '<port printed by run local>' : String(config.api.port); // 0 = any free port
      const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      if (options.json) ctx.printJson({ url: base, consoleUrl: `${base}/#token=${token}`, token });
      else ctx.print(`${base}/#token=${token}\nAPI requests need the header: Authorization: Bearer ${token}`);
    });
}
