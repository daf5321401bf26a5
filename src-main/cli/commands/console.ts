import type { Command } from 'commander';
import { getOrCreateApiToken, rotateApiToken } from '../../api/token.js';
import type { Config } from '../../config/schema.js';
import { readServiceFile } from '../../service/service-file.js';
import type { CliContext } from '../context.js';

export function registerConsole(program: Command, ctx: CliContext): void {
  program
    .command('console')
    .description("print the web console's URL with its access token (the token lives in the keychain)")
    .option('--rotate', 'make a new token (the old one stops working when the service restarts)')
    .option('--json', 'print as JSON')
    .action(async (options: { rotate?: boolean; json?: boolean }) => {
      const store = ctx.configStore();
      const config = store.load();
      const token = options.rotate
        ? await rotateApiToken(ctx.secrets())
        : await getOrCreateApiToken(ctx.secrets());
      // The running service says where it listens (it may have been given another port at start).
      const running = readServiceFile(store.path);
      const base = running?.url ?? configuredUrl(config.api);
      if (options.json)
        ctx.printJson({
          url: base,
          consoleUrl: `${base}/#token=${token}`,
          token,
          serviceRunning: Boolean(running),
        });
      else
        ctx.print(
          `${base}/#token=${token}\nAPI requests need the header: Authorization: Bearer ${token}` +
            (running
              ? ''
              : '\nThe service is not running for this config: start it with `session-manager run local`.'),
        );
    });
}

/** Where the config says the API listens (when no service is running to say it). */
function configuredUrl(api: Config['api']): string {
  const host = api.bind === '0.0.0.0' || api.bind === '::' ? '127.0.0.1' : api.bind;
  const port = api.port === 0 ? '<port printed by run local>' : String(api.port); // 0 = any free port
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
