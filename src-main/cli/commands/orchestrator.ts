import type { Command } from 'commander';
import { orchestratorSchema } from '../../config/schema.js';
import type { BotCityErrorKind } from '../../orchestrators/botcity/index.js';
import { writeConfig } from '../config-writes.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { Prompter } from '../prompter.js';
import { readSecret } from '../secret-input.js';

const ORCHESTRATOR_KEY_ENV = 'SESSION_MANAGER_ORCHESTRATOR_KEY';

/** What a failed `orchestrator test` step means for scripts. */
const exitCodeOf: Record<BotCityErrorKind, number> = {
  dns: ExitCode.unreachable,
  tls: ExitCode.unreachable,
  refused: ExitCode.unreachable,
  timeout: ExitCode.unreachable,
  dropped: ExitCode.unreachable,
  network: ExitCode.unreachable,
  auth: ExitCode.auth,
  secret: ExitCode.keychain,
  'rate-limited': ExitCode.unexpected,
  server: ExitCode.unexpected,
  http: ExitCode.unexpected,
  malformed: ExitCode.unexpected,
};

const headline: Record<BotCityErrorKind, string> = {
  dns: 'DNS: the server name does not resolve',
  tls: 'TLS: the secure connection failed',
  refused: 'Connection refused',
  timeout: 'Timeout',
  dropped: 'Connection dropped',
  network: 'Network error',
  auth: 'Login refused (401/403)',
  secret: 'Keychain',
  'rate-limited': 'Rate limited (429)',
  server: 'Server error (5xx)',
  http: 'Unexpected response',
  malformed: 'Unexpected response',
};

interface SetOptions {
  server?: string;
  login?: string;
  keyStdin?: boolean;
  pollSeconds?: string;
  json?: boolean;
}

async function setOrchestrator(ctx: CliContext, options: SetOptions): Promise<void> {
  const store = ctx.configStore();
  const current = store.load().orchestrator;
  const prompter = ctx.io.interactive ? new Prompter(ctx.io) : undefined;
  const check = (field: 'server' | 'login') => (value: string) => {
    const result = orchestratorSchema.shape[field].safeParse(value);
    return result.success || (result.error.issues[0]?.message ?? 'invalid');
  };

  const server =
    options.server ??
    (prompter
      ? await prompter.text('BotCity server URL', {
          default: current?.server ?? 'https://developers.botcity.dev',
          check: check('server'),
        })
      : current?.server);
  const login =
    options.login ??
    (prompter
      ? await prompter.text('Workspace login', { default: current?.login, check: check('login') })
      : current?.login);
  if (!server) throw new CliError('--server is required (the BotCity server URL)', ExitCode.usage);
  if (!login) throw new CliError('--login is required (the workspace login)', ExitCode.usage);

  // A new key is needed the first time; later it is kept unless one is given (or the person asks to replace it).
  const keyGiven = Boolean(options.keyStdin || ctx.io.env[ORCHESTRATOR_KEY_ENV]);
  const wantKey =
    keyGiven ||
    !current?.key ||
    (prompter !== undefined && (await prompter.yesNo('Replace the stored workspace key?', false)));
  const key = wantKey
    ? await readSecret(ctx, {
        fromStdin: Boolean(options.keyStdin),
        envVar: ORCHESTRATOR_KEY_ENV,
        prompt: 'Workspace key',
        flag: '--key-stdin',
      })
    : undefined;

  // Through ConfigWriter, as the API and the UI write it: the key goes to the keychain only, and nothing
  // is stored unless the whole config validates.
  const saved = (
    await writeConfig(ctx, (writer) =>
      writer.updateSettings({
        orchestrator: {
          kind: 'botcity',
          server,
          login,
          pollSeconds:
            options.pollSeconds !== undefined ? Number(options.pollSeconds) : (current?.pollSeconds ?? 15),
          ...(key !== undefined ? { key } : {}),
        },
      }),
    )
  ).orchestrator!;

  const summary = {
    server: saved.server,
    login: saved.login,
    pollSeconds: saved.pollSeconds,
    keyStored: true,
    keyRef: saved.key,
  };
  if (options.json) ctx.printJson(summary);
  else
    ctx.print(
      `Orchestrator set: ${saved.server}, workspace ${saved.login}, polled every ${saved.pollSeconds} s; ` +
        `the key is ${key !== undefined ? 'stored' : 'kept'} in the keychain (${saved.key}).\n` +
        'Check it with: session-manager orchestrator test',
    );
}

async function testOrchestrator(
  ctx: CliContext,
  options: { json?: boolean; timeoutSeconds?: string },
): Promise<void> {
  const config = ctx.configStore().load();
  const settings = config.orchestrator;
  if (!settings)
    throw new CliError(
      'No orchestrator is configured: run `session-manager orchestrator set` first',
      ExitCode.usage,
    );
  const timeoutSeconds = Number(options.timeoutSeconds ?? 30);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new CliError('--timeout-seconds must be a positive number', ExitCode.usage);
  const { checkOrchestrator } = await import('../../api/orchestrator-check.js');
  const report = (await checkOrchestrator(config, ctx.secrets(), { timeoutMs: timeoutSeconds * 1000 }))!;
  if (!report.ok) {
    const kind = report.kind ?? 'http';
    throw new CliError(`${headline[kind]} — ${report.reason ?? 'failed'}`, exitCodeOf[kind], report);
  }

  if (options.json) {
    ctx.printJson(report);
    return;
  }
  const lines = [
    `Server     ${settings.server} (Maestro ${report.version})`,
    `Workspace  ${settings.login} (organization ${report.organization})`,
    `Queue      ${report.queuedTotal} queued, ${report.runningTotal} running, ${report.timedOutTotal} timed out in the workspace`,
  ];
  const skipped = report.skipped;
  if (skipped && skipped.tasks + skipped.runners + skipped.schedules > 0)
    lines.push(
      `Skipped    records that could not be read: ${skipped.tasks} tasks, ${skipped.runners} runners, ${skipped.schedules} schedules`,
    );
  if (report.refusedStates)
    lines.push(`Refused    stateFilter ${report.refusedStates.join(', ')} (read another way)`);
  const runners = report.runners ?? [];
  if (runners.length) {
    const rows = [['RUNNER', 'TYPE', 'ONLINE', 'QUEUED', 'RUNNING', 'TIMED OUT', 'OTHER BUSY']].concat(
      runners.map((r) => [
        r.id,
        r.type ?? 'unknown',
        r.online === null ? 'unknown' : r.online ? 'yes' : 'no',
        String(r.queued),
        String(r.running),
        String(r.timedOut),
        String(r.otherBusy),
      ]),
    );
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    lines.push(
      '',
      ...rows.map((row) =>
        row
          .map((cell, column) => cell.padEnd(widths[column]!))
          .join('  ')
          .trimEnd(),
      ),
    );
  } else lines.push('No runners are configured yet (session-manager runner attach).');
  for (const warning of report.warnings ?? []) lines.push(`warning: ${warning}`);
  lines.push('', 'OK: the orchestrator answers and the workspace login works.');
  ctx.print(lines.join('\n'));
}

export function registerOrchestrator(program: Command, ctx: CliContext): void {
  const orchestrator = program
    .command('orchestrator')
    .description('connect Session Manager to BotCity Maestro');
  orchestrator
    .command('set')
    .description('set the BotCity server, workspace login and key (the key goes to the OS keychain)')
    .option('--server <url>', 'the BotCity server, e.g. https://developers.botcity.dev')
    .option('--login <login>', 'the workspace login (Dev. Environment page)')
    .option('--key-stdin', `read the workspace key from standard input (or set $${ORCHESTRATOR_KEY_ENV})`)
    .option('--poll-seconds <n>', 'how often the queue is read (default 15)')
    .option('--json', 'print the result as JSON')
    .action((options: SetOptions) => setOrchestrator(ctx, options));
  orchestrator
    .command('test')
    .description('check the server, log in and show queued/running tasks per configured runner')
    .option('--timeout-seconds <n>', 'per request (default 30)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 2 not configured, 3 keychain, 4 unreachable (DNS, TLS, refused, timeout), 5 login refused, 6 unexpected response.',
    )
    .action((options: { json?: boolean; timeoutSeconds?: string }) => testOrchestrator(ctx, options));
}
