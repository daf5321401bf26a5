import type { Command } from 'commander';
import { policySchema, type PolicyConfig } from '../../config/schema.js';
import type { CliContext } from '../context.js';
import { writeConfig } from '../config-writes.js';
import { CliError, ExitCode } from '../errors.js';

const settings = Object.keys(policySchema.shape) as (keyof PolicyConfig)[];

/** A value as typed: JSON when it reads as JSON (numbers, true/false, keep-warm windows), else text. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * `policy get [setting]` and `policy set <setting> <value> [<setting> <value>...]`: every policy
 * setting of the config file, validated as the file is (through the same writer as the API and UI).
 */
export function registerPolicy(program: Command, ctx: CliContext): void {
  const policy = program
    .command('policy')
    .description(`read or change the policy settings (${settings.join(', ')}); see docs/policies.md`);

  policy
    .command('get')
    .description('print the policy settings, or one of them')
    .argument('[setting]', `one of: ${settings.join(', ')}`)
    .option('--json', 'print as JSON')
    .action((name: string | undefined, options: { json?: boolean }) => {
      const current = ctx.configStore().load().policy;
      if (name !== undefined && !settings.includes(name as keyof PolicyConfig))
        throw new CliError(`no policy setting "${name}" (one of: ${settings.join(', ')})`, ExitCode.usage);
      const shown = name === undefined ? current : { [name]: current[name as keyof PolicyConfig] };
      if (options.json) ctx.printJson(shown);
      else
        ctx.print(
          (name === undefined ? settings : [name as keyof PolicyConfig])
            .map((key) => `${key.padEnd(20)} ${JSON.stringify(current[key]) ?? '(not set)'}`)
            .join('\n'),
        );
    });

  policy
    .command('set')
    .description(
      'change policy settings: pairs of setting and value, e.g. `policy set strategy speed idleGraceMinutes 5`; `null` unsets one',
    )
    .argument('<pairs...>', 'setting value [setting value ...]')
    .option('--json', 'print the resulting policy as JSON')
    .action(async (pairs: string[], options: { json?: boolean }) => {
      if (pairs.length % 2 !== 0)
        throw new CliError(
          'give each setting with its value: policy set <setting> <value> ...',
          ExitCode.usage,
        );
      const patch: Record<string, unknown> = {};
      for (let i = 0; i < pairs.length; i += 2) {
        const name = pairs[i]!;
        if (!settings.includes(name as keyof PolicyConfig))
          throw new CliError(`no policy setting "${name}" (one of: ${settings.join(', ')})`, ExitCode.usage);
        patch[name] = parseValue(pairs[i + 1]!);
      }
      const saved = await writeConfig(ctx, (writer) => writer.updateSettings({ policy: patch }));
      const policyNow = saved.policy;
      if (options.json) ctx.printJson(policyNow);
      else
        ctx.print(
          `Saved: ${Object.keys(patch)
            .map((key) => `${key} = ${JSON.stringify(policyNow[key as keyof PolicyConfig]) ?? '(not set)'}`)
            .join(', ')}. A running service takes it from the file by itself.`,
        );
    });
}
