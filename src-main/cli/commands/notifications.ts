import type { Command } from 'commander';
import { readWebhookUrl, webhookTarget } from '../../api/redact.js';
import { webhookSchema, webhookUrlSchema } from '../../config/schema.js';
import { writeConfig } from '../config-writes.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { Prompter } from '../prompter.js';
import { readSecret } from '../secret-input.js';

const WEBHOOK_URL_ENV = 'SESSION_MANAGER_WEBHOOK_URL';

interface SetOptions {
  format?: string;
  urlStdin?: boolean;
  json?: boolean;
}

/** Writes through ConfigWriter (../config-writes.ts): the URL goes to the keychain only. */
async function setWebhook(ctx: CliContext, options: SetOptions): Promise<void> {
  const store = ctx.configStore();
  const current = store.load().notifications.webhook; // a broken file is reported as it is (exit 2)
  const prompter = ctx.io.interactive ? new Prompter(ctx.io) : undefined;

  const format = webhookSchema.shape.format.safeParse(options.format ?? current?.format ?? 'json');
  if (!format.success) throw new CliError('--format: one of json, slack, teams', ExitCode.usage);

  // A URL is needed the first time; later it is kept unless one is given (or the person asks to replace it).
  const urlGiven = Boolean(options.urlStdin || ctx.io.env[WEBHOOK_URL_ENV]);
  const wantUrl =
    urlGiven ||
    !current ||
    (prompter !== undefined && (await prompter.yesNo('Replace the stored webhook URL?', false)));
  let url: string | undefined;
  if (wantUrl) {
    const plain = await readSecret(ctx, {
      fromStdin: Boolean(options.urlStdin),
      envVar: WEBHOOK_URL_ENV,
      prompt: 'Webhook URL',
      flag: '--url-stdin',
    });
    const parsed = webhookUrlSchema.safeParse(plain);
    // The message never repeats the value: it is the credential.
    if (!parsed.success)
      throw new CliError(
        `webhook URL: ${parsed.error.issues[0]?.message ?? 'an http:// or https:// URL'}`,
        ExitCode.usage,
      );
    url = parsed.data;
  }

  const saved = await writeConfig(ctx, (writer) =>
    writer.updateSettings({ notifications: { webhook: { format: format.data, ...(url ? { url } : {}) } } }),
  );
  const stored = await readWebhookUrl(saved, ctx.secrets());
  const summary = {
    format: saved.notifications.webhook!.format,
    target: stored ? webhookTarget(stored) : undefined,
    urlStored: true,
    urlRef: saved.notifications.webhook!.url,
  };
  if (options.json) ctx.printJson(summary);
  else
    ctx.print(
      `Webhook set: ${summary.format} to ${summary.target ?? '(origin not readable)'}; the URL is ` +
        `${url ? 'stored' : 'kept'} in the keychain (${summary.urlRef}).`,
    );
}

async function removeWebhook(ctx: CliContext): Promise<void> {
  const store = ctx.configStore();
  if (!store.load().notifications.webhook) {
    ctx.print('No webhook is configured.');
    return;
  }
  await writeConfig(ctx, (writer) => writer.updateSettings({ notifications: { webhook: null } }));
  ctx.print('Webhook removed; its URL was deleted from the keychain.');
}

export function registerNotifications(program: Command, ctx: CliContext): void {
  const notifications = program
    .command('notifications')
    .description('where scale events and failures are announced');
  const webhook = notifications.command('webhook').description('a Slack, Teams or JSON webhook');
  webhook
    .command('set')
    .description('set the webhook URL (it goes to the OS keychain: it is a credential) and its format')
    .option('--format <format>', 'json, slack or teams (default: as stored, else json)')
    .option('--url-stdin', `read the URL from standard input (or set $${WEBHOOK_URL_ENV})`)
    .option('--json', 'print the result as JSON')
    .action((options: SetOptions) => setWebhook(ctx, options));
  webhook
    .command('remove')
    .description('stop sending to the webhook and delete its URL from the keychain')
    .action(() => removeWebhook(ctx));
}
