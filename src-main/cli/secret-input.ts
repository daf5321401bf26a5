import type { CliContext } from './context.js';
import { CliError, ExitCode } from './errors.js';
import { Prompter } from './prompter.js';

/**
 * A secret comes from a hidden prompt, from standard input (`--x-stdin`), or from an environment
 * variable: never from a plain flag, which would land in shell history and process lists.
 */
export async function readSecret(
  ctx: CliContext,
  source: { fromStdin: boolean; envVar: string; prompt: string; flag: string },
): Promise<string> {
  if (source.fromStdin) {
    const value = (await readStandardInput(ctx)).replace(/\r?\n$/, '');
    if (!value) throw new CliError(`${source.flag}: standard input was empty`, ExitCode.usage);
    return value;
  }
  const fromEnv = ctx.io.env[source.envVar];
  if (fromEnv) return fromEnv;
  if (ctx.io.interactive) return new Prompter(ctx.io).secret(source.prompt);
  throw new CliError(
    `${source.prompt}: give it on standard input with ${source.flag}, or in $${source.envVar}`,
    ExitCode.usage,
  );
}

/** All of standard input as text. */
export async function readStandardInput(ctx: CliContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
