import type { Command } from 'commander';
import { fingerprintSchema, idSchema, parseAddress } from '../../config/schema.js';
import { formatFingerprint } from '../../drivers/session/rdp/certificate.js';
import { probeCertificate } from '../../drivers/session/rdp/probe-certificate.js';
import { SessionFailure } from '../../drivers/session/rdp/session-errors.js';
import type { CliContext } from '../context.js';
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
  const host =
    program.commands.find((c) => c.name() === 'host') ??
    program.command('host').description('add, edit or remove the machines that hold sessions');
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
  const store = ctx.configStore();
  const config = store.load();
  const host = config.hosts.find((h) => h.id === id.data);
  if (!host) throw new CliError(`no host with id "${id.data}"`, ExitCode.usage);

  let fingerprint: string;
  let source: 'pasted' | 'presented';
  if (options.fingerprint !== undefined) {
    const parsed = fingerprintSchema.safeParse(options.fingerprint);
    if (!parsed.success) {
      throw new CliError(`--fingerprint: ${parsed.error.issues[0]?.message ?? 'invalid'}`, ExitCode.usage);
    }
    fingerprint = parsed.data;
    source = 'pasted';
  } else {
    const address = parseAddress(host.address);
    if (!address) throw new CliError(`host ${host.id} has an invalid address`, ExitCode.usage);
    try {
      fingerprint = await probeCertificate(address.host, address.port);
    } catch (error) {
      if (error instanceof SessionFailure) {
        throw new CliError(
          error.message,
          error.kind === 'unreachable' ? ExitCode.unreachable : ExitCode.failure,
        );
      }
      throw error;
    }
    source = 'presented';
    if (!options.json) {
      ctx.print(`${host.id} (${host.address}) presents the certificate with SHA-256 fingerprint`);
      ctx.print(`  ${formatFingerprint(fingerprint)}`);
      if (host.certificate && host.certificate !== fingerprint) {
        ctx.print(`The pinned one was\n  ${formatFingerprint(host.certificate)}`);
      }
    }
  }

  const unchanged = host.certificate === fingerprint;
  if (!unchanged && ctx.io.interactive && !options.yes && !options.json) {
    const ok = await new Prompter(ctx.io).yesNo(
      'Compare it with the one the host shows (e.g. in its Remote Desktop settings). Trust it?',
    );
    if (!ok) throw new CliError('not trusted; nothing changed', ExitCode.failure);
  }
  if (!unchanged) {
    store.update((current) => ({
      ...current,
      hosts: current.hosts.map((h) => (h.id === host.id ? { ...h, certificate: fingerprint } : h)),
    }));
  }
  if (options.json) {
    ctx.printJson({
      host: host.id,
      certificate: fingerprint,
      source,
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
