import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config-store.js';
import { SecretStoreUnavailableError } from '../secrets/secret-store.js';
import { commands } from './commands/index.js';
import { createContext, type CliDependencies } from './context.js';
import { CliError, ExitCode } from './errors.js';

/** Runs the CLI in-process and returns the exit code (testable: nothing here calls process.exit). */
export async function run(argv: string[], deps: CliDependencies): Promise<number> {
  const program = new Command('session-manager');
  const ctx = createContext(deps, () => program.opts<{ config?: string }>().config);
  program
    .description(
      "Powers on RPA runners' hosts and keeps their RDP sessions connected while the orchestrator has work.",
    )
    .option('--config <file>', 'config file (default: the platform config dir, or $SESSION_MANAGER_CONFIG)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.io.stdout.write(text),
      writeErr: (text) => deps.io.stderr.write(text),
    })
    .showHelpAfterError();
  for (const register of commands) register(program, ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (
      error instanceof ConfigError ||
      error instanceof SecretStoreUnavailableError ||
      error instanceof CliError
    ) {
      ctx.warn(`error: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof Error && error.name === 'ExitPromptError') {
      ctx.warn('cancelled');
      return ExitCode.failure;
    }
    ctx.warn(`error: ${error instanceof Error ? error.message : String(error)}`);
    return ExitCode.failure;
  }
}
