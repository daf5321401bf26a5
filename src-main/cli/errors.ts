/** Typed CLI errors carry their exit code; only the bin script sets process.exitCode. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  keychain: 3,
  unreachable: 4,
  auth: 5,
  unexpected: 6,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failure,
    /** What the command found before it failed (a check's report): part of the `--json` error. */
    readonly result?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * The one shape of every failure under `--json`, on standard output (the message also goes to
 * standard error for a person): `{ok: false, error: {message, exitCode, problems?}, result?}`.
 */
export function jsonError(error: {
  message: string;
  exitCode: number;
  problems?: string[];
  result?: unknown;
}) {
  return {
    ok: false,
    error: {
      message: error.message,
      exitCode: error.exitCode,
      ...(error.problems ? { problems: error.problems } : {}),
    },
    ...(error.result !== undefined ? { result: error.result } : {}),
  };
}
