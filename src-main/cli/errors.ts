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
  ) {
    super(message);
    this.name = 'CliError';
  }
}
