import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('run Session Manager')
    .command('local')
    .description('run the service in this process: the loop, the HTTP API and the web console')
    .option('--log-file <file>', "rotating log file (default: the platform's log dir)")
    .option('--port <port>', 'HTTP API port (default: config api.port)', (value) =>
      Number.parseInt(value, 10),
    )
    .option('--no-api', 'do not serve the HTTP API and web console')
    .option(
      '--show-token',
      "print the console link with its token even when not at a terminal (a service's journal)",
    )
    .action(async (options: { logFile?: string; port?: number; api: boolean; showToken?: boolean }) => {
      const configPath = ctx.configStore().path;
      // Listen before starting: a stop asked for during start-up (the loop already ticks) waits for the
      // start and then stops cleanly, instead of killing the process in the middle of an action.
      let onSignal: (signal: NodeJS.Signals) => void = () => {};
      const stopAsked = new Promise<NodeJS.Signals>((resolve) => (onSignal = resolve));
      const signals = ['SIGINT', 'SIGTERM'] as const;
      for (const signal of signals) process.on(signal, onSignal);
      // Later signals are ignored until the stop is done: a terminal's Ctrl+C reaches both npm and node,
      // and npm forwards it again, so a second signal is no reason to cut an action in half.
      const unlisten = () => {
        for (const signal of signals) process.off(signal, onSignal);
      };
      try {
        // Loaded when asked for: the other commands start without the service's dependencies.
        const { startService } = await import('../../service/service.js');
        const service = await startService({
          configPath,
          ...(options.logFile ? { logFile: options.logFile } : {}),
          ...(options.port !== undefined ? { apiPort: options.port } : {}),
          api: options.api,
        });
        // At a terminal the link carries its token; in a journal it must not (`session-manager console` prints it).
        if (service.api)
          ctx.print(
            ctx.io.interactive || options.showToken
              ? `Web console: ${service.api.consoleUrl}`
              : `Web console: ${service.api.url} (run \`session-manager console\` for the link with its token)`,
          );
        ctx.print(`Session Manager is running with ${configPath}. Ctrl+C stops it; nothing is powered off.`);
        const signal = await stopAsked;
        ctx.print(`${signal}: finishing in-flight actions...`);
        await service.stop();
      } finally {
        unlisten();
      }
    });
}
