import { CliError, ExitCode } from './errors.js';

/** A date or date-time as the user writes it (2026-11-01, 2026-11-01T08:00Z); a bare date is UTC midnight. */
export function parseWhen(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at))
    throw new CliError(
      `${flag}: "${value}" is not a date (use 2026-11-01 or 2026-11-01T08:00Z)`,
      ExitCode.usage,
    );
  return at;
}
