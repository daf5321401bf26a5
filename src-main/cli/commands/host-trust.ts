import type { Command } from 'commander';
import { fingerprintSchema, idSchema } from '../../config/schema.js';
import { formatFingerprint } from '../../lib/fingerprint.js';
import type { TrustChoice } from '../../service/certificate-trust.js';
import type { CliContext } from '../context.js';
import { hostCommand } from './shared.js';
import { CliError, ExitCode } from '../errors.js';
import { Prompter } from '../prompter.js';

interface TrustOptions {
  fingerprint?: string;
  yes?: boolean;
  json?: boolean;
}

/**
 * `host trust <host>`: pins the RDP certificate a host presents now (after a legitimate change, or
 * before first use), or a fingerprint pasted from the host's administrator with --fingerprint.
 */
export function registerHostTrust(program: Command, ctx: CliContext): void {
  const host = hostCommand(program);
  host
    .command('trust')
    .description("pin the host's RDP certificate: the one it presents now, or a fingerprint you paste")
    .argument('<host>', 'host id')
    .option('--fingerprint <sha256>', 'pin this SHA-256 fingerprint instead of connecting (64 hex digits)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print the result as JSON')
    .action(async (hostId: string, options: TrustOptions) => trust(ctx, hostId, options));
}

async function trust(ctx: CliContext, hostId: string, options: TrustOptions): Promise<void> {
  const id = idSchema.safeParse(hostId);
  if (!id.success) throw new CliError(`host id: ${id.error.issues[0]?.message ?? 'invalid'}`, ExitCode.usage);
  let given: string | undefined;
  if (options.fingerprint !== undefined) {
    const parsed = fingerprintSchema.safeParse(options.fingerprint);
    if (!parsed.success)
      throw new CliError(`--fingerprint: ${parsed.error.issues[0]?.message ?? 'invalid'}`, ExitCode.usage);
    given = parsed.data;
  }
  const { CertificateTrust, TrustError } = await import('../../service/certificate-trust.js'); // RDP probe
  const operation = new CertificateTrust(ctx.configStore());
  let choice: TrustChoice;
  try {
    choice = await operation.choose(
      { hostId: id.data, ...(given ? { fingerprint: given } : {}) },
      { probe: true },
    );
  } catch (error) {
    if (!(error instanceof TrustError)) throw error;
    const code =
      error.kind === 'not-found'
        ? ExitCode.usage
        : error.kind === 'unreachable'
          ? ExitCode.unreachable
          : ExitCode.failure;
    throw new CliError(error.message, code);
  }
  const { host, fingerprint, source } = choice;
  if (source === 'probed' && !options.json) {
    ctx.print(`${host.id} (${host.address}) presents the certificate with SHA-256 fingerprint`);
    ctx.print(`  ${formatFingerprint(fingerprint)}`);
    if (host.certificate && host.certificate !== fingerprint)
      ctx.print(`The pinned one was\n  ${formatFingerprint(host.certificate)}`);
  }

  const unchanged = host.certificate === fingerprint;
  if (!unchanged && ctx.io.interactive && !options.yes && !options.json) {
    const ok = await new Prompter(ctx.io).yesNo(
      'Compare it with the one the host shows (e.g. in its Remote Desktop settings). Trust it?',
    );
    if (!ok) throw new CliError('not trusted; nothing changed', ExitCode.failure);
  }
  if (!unchanged) operation.pin(host.id, fingerprint);
  if (options.json) {
    ctx.printJson({
      host: host.id,
      certificate: fingerprint,
      source: source === 'given' ? 'pasted' : 'presented',
      changed: !unchanged,
      previous: host.certificate ?? null,
    });
  } else {
    ctx.print(
      unchanged
        ? `${host.id}: this certificate was already trusted.`
        : `${host.id}: certificate pinned; sessions will accept only this one.`,
    );
  }
}
