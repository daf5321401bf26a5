import { isDeepStrictEqual } from 'node:util';
import { ConfigWriter } from '../api/config-writes.js';
import { ApiError } from '../api/errors.js';
import type { CliContext } from './context.js';
import { CliError, ExitCode } from './errors.js';

/**
 * The CLI writes hosts, runners and settings through the same ConfigWriter as the HTTP API and the UI:
 * one place validates the whole config, moves plain secrets into the keychain under refs, writes the
 * file atomically, restores the keychain if that fails, and deletes the entries nothing names any more.
 */
export async function writeConfig<T>(
  ctx: CliContext,
  change: (writer: ConfigWriter) => Promise<T>,
  issuePrefix?: string,
): Promise<T> {
  try {
    return await change(new ConfigWriter(ctx.configStore(), ctx.secrets()));
  } catch (error) {
    throw asCliError(error, issuePrefix);
  }
}

/** The API's errors in CLI terms: bad input is a usage error, a missing keychain its own code. */
function asCliError(error: unknown, issuePrefix?: string): unknown {
  if (!(error instanceof ApiError)) return error;
  const at = (path: string) => (issuePrefix ? `${issuePrefix}.${path}` : path);
  const detail = error.issues?.map((issue) => `${at(issue.path)}: ${issue.message}`).join('\n');
  const exitCode = error.code === 'keychain-unavailable' ? ExitCode.keychain : ExitCode.usage;
  return new CliError(detail || error.message, exitCode);
}

type Raw = Record<string, unknown>;
const isObject = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The edit that turns `base` into `draft`, as the merge patch ConfigWriter applies: changed values,
 * `null` for what the draft no longer has, nested objects as patches of their own. A secret ref the
 * draft kept is unchanged and so left out; a plain value in its place is a new secret.
 */
export function patchBetween(base: Raw, draft: Raw): Raw {
  const patch: Raw = {};
  for (const key of Object.keys(base))
    if (draft[key] === undefined && base[key] !== undefined) patch[key] = null;
  for (const [key, value] of Object.entries(draft)) {
    if (value === undefined) continue;
    const old = base[key];
    if (isObject(value) && isObject(old)) {
      const inner = patchBetween(old, value);
      if (Object.keys(inner).length > 0) patch[key] = inner;
    } else if (!isDeepStrictEqual(value, old)) patch[key] = value;
  }
  return patch;
}
