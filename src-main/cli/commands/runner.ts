import type { Command } from 'commander';
import { z } from 'zod';
import { idSchema, userSchema, type RunnerConfig } from '../../config/schema.js';
import { patchBetween, writeConfig } from '../config-writes.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { collectEdits, collectNew, flagOf, type Field } from '../fields.js';
import { windowsDomainField } from './windows-domain-field.js';
import { Prompter } from '../prompter.js';
import { readSecret } from '../secret-input.js';
import { publicRunner } from './shared.js';

type Draft = Record<string, unknown>;

function runnerFields(hostIds: string[]): Field<Draft>[] {
  return [
    {
      path: ['id'],
      option: 'id',
      label: "Runner id (the orchestrator's machine id)",
      kind: 'text',
      schema: idSchema,
    },
    {
      path: ['host'],
      option: 'host',
      label: 'Host',
      kind: 'choice',
      schema: idSchema.refine((id) => hostIds.includes(id), 'an existing host id (see list all)'),
      choices: hostIds.map((id) => ({ value: id, name: id })),
    },
    {
      path: ['sessionMode'],
      option: 'sessionMode',
      label: 'Session',
      kind: 'choice',
      schema: z.enum(['rdp', 'console']),
      defaultValue: () => 'rdp',
      choices: [
        {
          value: 'rdp',
          name: 'RDP session',
          description: 'Session Manager logs the user in over RDP and keeps the session connected.',
        },
        {
          value: 'console',
          name: 'Console',
          description: 'The host logs in by itself (autologon); Session Manager only powers it.',
        },
      ],
    },
    {
      path: ['user'],
      option: 'user',
      label: "Windows user (empty: the host's)",
      kind: 'text',
      schema: userSchema,
      optional: true,
      when: (d) => d.sessionMode !== 'console',
    },
    windowsDomainField<Draft>((d) => Boolean(d.user)),
    {
      path: ['width'],
      option: 'width',
      label: 'Screen width',
      kind: 'integer',
      schema: z.number().int().min(640).max(8192),
      defaultValue: () => 1920,
    },
    {
      path: ['height'],
      option: 'height',
      label: 'Screen height',
      kind: 'integer',
      schema: z.number().int().min(480).max(8192),
      defaultValue: () => 1080,
    },
    {
      path: ['activities'],
      option: 'activities',
      label: 'Activity labels it serves, comma-separated',
      kind: 'list',
      schema: z.array(z.string().min(1).max(200)),
      optional: true,
    },
  ];
}

function addRunnerOptions(command: Command, fields: Field<Draft>[]): Command {
  for (const field of fields) command.option(`${flagOf(field.option)} <value>`, field.label);
  return command
    .option('--password-stdin', "read the runner's own Windows password from standard input")
    .option('--json', 'print the result as JSON');
}

/**
 * Reads the runner's own password into the draft when it needs one (a plain value: ConfigWriter moves
 * it into the keychain), drops the fields its session mode does not use, then writes the runner.
 */
async function save(
  ctx: CliContext,
  draft: Draft,
  options: Record<string, unknown>,
  current?: RunnerConfig,
): Promise<void> {
  if (draft.user && draft.sessionMode !== 'console') {
    const changeAsked = Boolean(options.passwordStdin) || Boolean(ctx.io.env.SESSION_MANAGER_RUNNER_PASSWORD);
    if (
      !current?.password ||
      changeAsked ||
      (ctx.io.interactive && (await new Prompter(ctx.io).yesNo('Change the password?', false)))
    ) {
      draft.password = await readSecret(ctx, {
        fromStdin: Boolean(options.passwordStdin),
        envVar: 'SESSION_MANAGER_RUNNER_PASSWORD',
        prompt: `Password of ${String(draft.user)}`,
        flag: '--password-stdin',
      });
    }
  } else {
    delete draft.password;
    delete draft.domain;
    if (draft.sessionMode === 'console') delete draft.user;
  }
  const saved = await writeConfig(
    ctx,
    (writer) =>
      current
        ? writer.editRunner({
            id: current.id,
            ...patchBetween(current as unknown as Record<string, unknown>, draft),
          })
        : writer.attachRunner(draft),
    'runner',
  );
  if (options.json) ctx.printJson(publicRunner(saved));
  else
    ctx.print(
      `${current ? 'Updated' : 'Attached'} runner ${saved.id} to host ${saved.host} (${saved.width}×${saved.height}).`,
    );
}

export function registerRunner(program: Command, ctx: CliContext): void {
  const runner = program.command('runner').description("attach the orchestrator's runners to hosts");
  // Host ids are only known once the config is read, so the field list is built per call.
  const staticFields = runnerFields([]);

  addRunnerOptions(runner.command('attach').description('attach a runner to a host'), staticFields).action(
    async (options: Record<string, unknown>) => {
      const config = ctx.configStore().load();
      if (config.hosts.length === 0)
        throw new CliError('add a host first (session-manager host add)', ExitCode.usage);
      const fields = runnerFields(config.hosts.map((h) => h.id));
      const draft = await collectNew(fields, options, ctx.io);
      if (config.runners.some((r) => r.id === draft.id))
        throw new CliError(
          `--id: runner "${String(draft.id)}" is attached already (use runner edit)`,
          ExitCode.usage,
        );
      await save(ctx, draft, options);
    },
  );

  addRunnerOptions(
    runner
      .command('edit')
      .argument('<id>', 'runner id')
      .description("change a runner's host, user or screen"),
    staticFields,
  ).action(async (id: string, options: Record<string, unknown>) => {
    const config = ctx.configStore().load();
    const current = config.runners.find((r) => r.id === id);
    if (!current) throw new CliError(`no runner "${id}"`, ExitCode.usage);
    const fields = runnerFields(config.hosts.map((h) => h.id)).filter((f) => f.option !== 'id');
    const draft = await collectEdits(fields, current, options, ctx.io);
    await save(ctx, draft, options, current);
  });

  runner
    .command('release')
    .argument('<id>', 'runner id')
    .option('--json', 'print the result as JSON')
    .description('detach a runner (its host is no longer started for it)')
    .action(async (id: string, options: { json?: boolean }) => {
      if (
        !ctx
          .configStore()
          .load()
          .runners.some((r) => r.id === id)
      )
        throw new CliError(`no runner "${id}"`, ExitCode.usage);
      await writeConfig(ctx, (writer) => writer.releaseRunner(id));
      if (options.json) ctx.printJson({ released: id });
      else ctx.print(`Released runner ${id}.`);
    });
}
