import type { z } from 'zod';
import type { webhookSchema } from '../../config/schema.js';
import { MissingSecretError } from '../../secrets/secret-store.js';
import { notificationText, type Notification, type NotificationSink } from '../notification.js';

export type WebhookConfig = z.output<typeof webhookSchema>;

const teamsColour = { info: '2E7D32', warning: 'F9A825', error: 'C62828' } as const;

/** The JSON each format expects: ours, Slack's incoming webhook `{text}`, or a Teams MessageCard. */
function webhookPayload(format: WebhookConfig['format'], notification: Notification): unknown {
  const text = notificationText(notification);
  switch (format) {
    case 'slack':
      return { text: `*${notification.title}*\n${text}` };
    case 'teams':
      return {
        '@type': 'MessageCard',
        '@context': 'https://schema.org/extensions',
        summary: notification.title,
        themeColor: teamsColour[notification.severity],
        title: notification.title,
        text: text.replace(/\n/g, '\n\n'),
      };
    case 'json':
      return {
        source: 'session-manager',
        kind: notification.kind,
        subject: notification.subject,
        severity: notification.severity,
        title: notification.title,
        message: notification.message,
        at: new Date(notification.at).toISOString(),
        hostId: notification.hostId ?? null,
        runnerId: notification.runnerId ?? null,
        suppressed: notification.suppressed,
      };
  }
}

interface WebhookSinkOptions {
  /** `url` is the keychain reference of the URL, not the URL. */
  config: WebhookConfig;
  /** Reads the URL by its ref (the keychain). */
  secrets: { get(ref: string): Promise<string | undefined> };
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * A JSON POST. The URL is read from the keychain for each message and never kept; errors name the
 * receiver's origin only, as the URL's path is often its credential.
 */
export class WebhookSink implements NotificationSink {
  readonly name = 'webhook' as const;

  constructor(private readonly options: WebhookSinkOptions) {}

  private async target(): Promise<{ url: string; origin: string }> {
    const ref = this.options.config.url;
    const url = await this.options.secrets.get(ref);
    if (url === undefined) throw new MissingSecretError(ref);
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      // Never quote the value: it is the credential.
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:'))
      throw new Error(`The keychain entry ${ref} does not hold an http(s) URL; set the webhook URL again.`);
    return { url, origin: parsed.origin };
  }

  async send(notification: Notification): Promise<void> {
    const { format } = this.options.config;
    const { url, origin } = await this.target();
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webhookPayload(format, notification)),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
    } catch (error) {
      const cause =
        (error as { cause?: { code?: string } })?.cause?.code ?? (error as Error)?.name ?? 'error';
      throw new Error(`webhook at ${origin} could not be reached (${cause})`);
    }
    await response.body?.cancel();
    if (!response.ok) throw new Error(`webhook at ${origin} answered HTTP ${response.status}`);
  }
}
