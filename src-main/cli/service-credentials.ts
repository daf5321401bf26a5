import { refsInUse } from '../api/config-writes.js';
import { API_TOKEN_REF, newApiToken } from '../api/token.js';
import { secretRef } from '../secrets/secret-ref.js';
import { SystemdCredsError, encryptCredential } from '../secrets/systemd-creds.js';
import { credentialName } from '../secrets/systemd-credential-store.js';
import type { CliContext } from './context.js';
import { CliError, ExitCode } from './errors.js';
import { readStandardInput } from './secret-input.js';

export type CredentialSource = 'keychain' | 'stdin';

/** `ref=value` lines (blank lines and `#` comments skipped); a bad line is reported by number, never by value. */
export function parseSecretLines(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim() || line.trimStart().startsWith('#')) return;
    const at = line.indexOf('=');
    const ref = at > 0 ? line.slice(0, at).trim() : '';
    const value = at > 0 ? line.slice(at + 1) : '';
    if (!secretRef.safeParse(ref).success)
      problems.push(`line ${index + 1}: expected ref=value with a ref like host-password:bot-01`);
    else if (!value) problems.push(`line ${index + 1}: ${ref} has an empty value`);
    else values.set(ref, value);
  });
  if (problems.length)
    throw new CliError(`standard input: ${problems.join('; ')}`, ExitCode.usage, { problems });
  return values;
}

/**
 * Every secret the service needs (those the config names, and the API token), each encrypted for this
 * machine as a `SetCredentialEncrypted=` line. Values come from the CLI's secret store and, with
 * `stdin`, from `ref=value` lines over them (so one secret can be changed). A missing API token is made.
 */
export async function serviceCredentials(
  ctx: CliContext,
  source: CredentialSource,
): Promise<{ lines: string[]; newApiToken: boolean }> {
  const needed = [...refsInUse(ctx.configStore().load())].sort();
  const given =
    source === 'stdin' ? parseSecretLines(await readStandardInput(ctx)) : new Map<string, string>();
  const unknown = [...given.keys()].filter((ref) => ref !== API_TOKEN_REF && !needed.includes(ref));
  if (unknown.length)
    throw new CliError(`the config uses no ${unknown.join(', ')} (nothing was written)`, ExitCode.usage);

  let storeProblem: string | undefined;
  const read = async (ref: string) => {
    if (given.has(ref)) return given.get(ref);
    try {
      return await ctx.secrets().get(ref);
    } catch (error) {
      storeProblem = error instanceof Error ? error.message : String(error);
      return undefined;
    }
  };
  const values = new Map<string, string>();
  for (const ref of needed) {
    const value = await read(ref);
    if (value !== undefined) values.set(ref, value);
  }
  const missing = needed.filter((ref) => !values.has(ref));
  if (missing.length)
    throw new CliError(
      `no value for ${missing.join(', ')}: give them on standard input as ref=value lines with --credentials stdin` +
        (storeProblem ? ` (${storeProblem})` : ''),
      ExitCode.usage,
    );
  const token = await read(API_TOKEN_REF);
  values.set(API_TOKEN_REF, token ?? newApiToken());

  const lines: string[] = [];
  for (const [ref, value] of values) {
    try {
      lines.push(await encryptCredential(credentialName(ref), value));
    } catch (error) {
      if (error instanceof SystemdCredsError)
        throw new CliError(
          `${error.message}. Encrypting systemd credentials needs root (sudo) on the machine that will run the service.`,
          ExitCode.failure,
        );
      throw error;
    }
  }
  return { lines, newApiToken: token === undefined };
}
