import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config-store.js';
import { ReadOnlySecretStoreError, SecretStoreUnavailableError } from '../secrets/secret-store.js';
import { commands } from './commands/index.js';
import { createContext, type CliDependencies } from './context.js';
import { CliError, ExitCode, jsonError } from './errors.js';
import { productVersion } from './version.js';

/** Runs the CLI in-process and returns the exit code (testable: nothing here calls process.exit). */
export async function run(argv: string[], deps: CliDependencies): Promise<number> {
  const program = new Command('session-manager');
  const ctx = createContext(deps, () => program.opts<{ config?: string }>().config);
  program
    .description(
      "Powers on RPA runners' hosts and keeps their RDP sessions connected while the orchestrator has work.",
    )
    .version(productVersion(), '-V, --version', 'print the version')
    .option('--config <file>', 'config file (default: the platform config dir, or $SESSION_MANAGER_CONFIG)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.io.stdout.write(text),
      writeErr: (text) => deps.io.stderr.write(text),
    })
    .showHelpAfterError();
  for (const register of commands) register(program, ctx);
  const json = argv.includes('--json');
  const fail = (message: string, exitCode: number, extra: { problems?: string[]; result?: unknown } = {}) => {
    if (json) ctx.printJson(jsonError({ message, exitCode, ...extra }));
    ctx.warn(`error: ${message}`);
    return exitCode;
  };
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; commander has printed the usage error.
      if (error.exitCode === 0) return ExitCode.ok;
      if (json) ctx.printJson(jsonError({ message: error.message, exitCode: ExitCode.usage }));
      return ExitCode.usage;
    }
    if (error instanceof ConfigError)
      return fail(error.message, error.exitCode, { problems: error.problems });
    if (error instanceof CliError)
      return fail(error.message, error.exitCode, error.result !== undefined ? { result: error.result } : {});
    if (error instanceof SecretStoreUnavailableError || error instanceof ReadOnlySecretStoreError)
      return fail(error.message, error.exitCode);
    if (error instanceof Error && error.name === 'ExitPromptError')
      return fail('cancelled', ExitCode.failure);
    return fail(error instanceof Error ? error.message : String(error), ExitCode.failure);
  }
}
