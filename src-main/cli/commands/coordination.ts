import type { Command } from 'commander';
import { coordinationSchema } from '../../config/schema.js';
import { CoordinationError, type CoordinationErrorKind } from '../../coordination/lease-board.js';
import { writeConfig } from '../config-writes.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { Prompter } from '../prompter.js';
import { readSecret } from '../secret-input.js';

const PASSWORD_ENV = 'SESSION_MANAGER_COORDINATION_PASSWORD';

interface SetOptions {
  url?: string;
  passwordStdin?: boolean;
  leaseSeconds?: string;
  json?: boolean;
}

/** Several instances sharing the fleet: the database URL in the config, its password in the keychain. */
async function setCoordination(ctx: CliContext, options: SetOptions): Promise<void> {
  const current = ctx.configStore().load().coordination;
  const prompter = ctx.io.interactive ? new Prompter(ctx.io) : undefined;
  const checkUrl = (value: string) => {
    const result = coordinationSchema.shape.postgres.shape.url.safeParse(value);
    return result.success || (result.error.issues[0]?.message ?? 'invalid');
  };
  const url =
    options.url ??
    (prompter
      ? await prompter.text('PostgreSQL URL (no password)', {
          default: current?.postgres.url ?? 'postgres://sm@db.example.com:5432/session_manager',
          check: checkUrl,
        })
      : current?.postgres.url);
  if (!url) throw new CliError('--url is required (postgres://user@host:port/database)', ExitCode.usage);
  const leaseSeconds =
    options.leaseSeconds !== undefined ? Number(options.leaseSeconds) : (current?.leaseSeconds ?? 10);

  // A password is needed the first time; later it is kept unless one is given or the person asks.
  const given = Boolean(options.passwordStdin || ctx.io.env[PASSWORD_ENV]);
  const stored = current ? await ctx.secrets().get(current.postgres.password) : undefined;
  const wantPassword =
    given ||
    stored === undefined ||
    (prompter !== undefined && (await prompter.yesNo('Replace the stored database password?', false)));
  const password = wantPassword
    ? await readSecret(ctx, {
        fromStdin: Boolean(options.passwordStdin),
        envVar: PASSWORD_ENV,
        prompt: 'Database password',
        flag: '--password-stdin',
      })
    : undefined;

  // Through ConfigWriter, as the API writes it: the password goes to the keychain only, and nothing is
  // stored unless the whole config validates (a URL with a password in it is refused).
  const saved = (
    await writeConfig(
      ctx,
      (writer) =>
        writer.updateSettings({
          coordination: {
            postgres: { url, ...(password !== undefined ? { password } : {}) },
            leaseSeconds,
          },
        }),
      'coordination',
    )
  ).coordination!;
  const summary = {
    url: saved.postgres.url,
    leaseSeconds: saved.leaseSeconds,
    passwordStored: true,
    passwordRef: saved.postgres.password,
  };
  if (options.json) ctx.printJson(summary);
  else
    ctx.print(
      `Coordination set: ${saved.postgres.url}, leases of ${saved.leaseSeconds} s; the password is ` +
        `${password !== undefined ? 'stored' : 'kept'} in the keychain (${saved.postgres.password}).\n` +
        'Check it with: session-manager coordination test. Use the same config on every instance, then restart them.',
    );
}

const exitCodeOf: Record<CoordinationErrorKind, number> = {
  unreachable: ExitCode.unreachable,
  'auth-failed': ExitCode.auth,
  error: ExitCode.unexpected,
};

/** Reaches the database with the stored password and shows the instances sharing the fleet now. */
async function testCoordination(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const settings = ctx.configStore().load().coordination;
  if (!settings)
    throw new CliError(
      'No coordination is configured: run `session-manager coordination set` first',
      ExitCode.usage,
    );
  const password = await ctx.secrets().get(settings.postgres.password);
  if (password === undefined)
    throw new CliError(
      `The database password is not in the keychain (${settings.postgres.password}): run \`session-manager coordination set --password-stdin\``,
      ExitCode.keychain,
    );
  // Loaded here only: other commands never load the PostgreSQL driver.
  const { PostgresLeaseBoard } = await import('../../coordination/postgres-lease-board.js');
  const board = new PostgresLeaseBoard({
    url: settings.postgres.url,
    password,
    instanceId: `cli-test-${process.pid}`,
    ttlMs: settings.leaseSeconds * 1000,
  });
  try {
    const fleet = await board.fleet();
    const report = {
      ok: true,
      instances: fleet.instances.map((instance) => ({ id: instance.id, sessions: instance.sessions })),
      leases: fleet.leases.length,
    };
    if (options.json) {
      ctx.printJson(report);
      return;
    }
    const lines = [`Database   ${settings.postgres.url}: reached, password accepted`];
    lines.push(
      fleet.instances.length === 0
        ? 'Instances  none running now'
        : `Instances  ${fleet.instances.map((i) => `${i.id} (${i.sessions} sessions)`).join(', ')}`,
      `Leases     ${fleet.leases.length} hosts held`,
    );
    ctx.print(lines.join('\n'));
  } catch (error) {
    const failure =
      error instanceof CoordinationError ? error : new CoordinationError('error', String(error));
    throw new CliError(`Coordination database ${failure.kind}: ${failure.detail}`, exitCodeOf[failure.kind], {
      ok: false,
      kind: failure.kind,
    });
  } finally {
    await board.close();
  }
}

async function removeCoordination(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  if (!ctx.configStore().load().coordination) {
    if (options.json) ctx.printJson({ removed: false });
    else ctx.print('No coordination was configured: this instance runs alone.');
    return;
  }
  await writeConfig(ctx, (writer) => writer.updateSettings({ coordination: null }), 'coordination');
  if (options.json) ctx.printJson({ removed: true });
  else
    ctx.print(
      'Coordination removed (and its password from the keychain): restarted, this instance runs alone and acts on every host. Stop the others first.',
    );
}

export function registerCoordination(program: Command, ctx: CliContext): void {
  const coordination = program
    .command('coordination')
    .description('share one fleet among several instances through PostgreSQL (docs/scale-out.md)');
  coordination
    .command('set')
    .description('set the PostgreSQL URL and lease time (the password goes to the OS keychain)')
    .option('--url <url>', 'postgres://user@host:port/database, without a password')
    .option('--password-stdin', `read the database password from standard input (or set $${PASSWORD_ENV})`)
    .option('--lease-seconds <n>', 'how long a lease lasts without renewal (default 10)')
    .option('--json', 'print the result as JSON')
    .action((options: SetOptions) => setCoordination(ctx, options));
  coordination
    .command('test')
    .description('reach the database with the stored password and list the instances sharing the fleet')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 2 not configured, 3 keychain, 4 unreachable, 5 password refused, 6 unexpected.',
    )
    .action((options: { json?: boolean }) => testCoordination(ctx, options));
  coordination
    .command('remove')
    .description('stop sharing: this instance runs alone after its next start')
    .option('--json', 'print the result as JSON')
    .action((options: { json?: boolean }) => removeCoordination(ctx, options));
}
