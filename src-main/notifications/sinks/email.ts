import nodemailer from 'nodemailer';
import type { z } from 'zod';
import type { emailSchema } from '../../config/schema.js';
import { MissingSecretError } from '../../secrets/secret-store.js';
import { notificationText, type Notification, type NotificationSink } from '../notification.js';

export type EmailConfig = z.output<typeof emailSchema>;

interface EmailSinkOptions {
  config: EmailConfig;
  /** Reads the SMTP password by its ref (the keychain). */
  secrets: { get(ref: string): Promise<string | undefined> };
  /** Extra trusted CA (PEM) for a server with a private certificate; the system's CAs are always trusted. */
  ca?: string;
  timeoutMs?: number;
}

/**
 * Mail over SMTP with nodemailer: `starttls` (upgrade required, usually port 587), `tls` (implicit,
 * usually 465) or `none` (plain: only for a relay on a trusted network). The password is read from
 * the keychain for each message and never kept.
 */
export class EmailSink implements NotificationSink {
  readonly name = 'email' as const;

  constructor(private readonly options: EmailSinkOptions) {}

  async send(notification: Notification): Promise<void> {
    const { config } = this.options;
    let pass: string | undefined;
    if (config.password) {
      pass = await this.options.secrets.get(config.password);
      if (pass === undefined) throw new MissingSecretError(config.password);
    }
    const timeout = this.options.timeoutMs ?? 20_000;
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.security === 'tls',
      requireTLS: config.security === 'starttls',
      ignoreTLS: config.security === 'none',
      ...(config.user ? { auth: { user: config.user, pass: pass ?? '' } } : {}),
      ...(this.options.ca ? { tls: { ca: this.options.ca } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    try {
      await transport.sendMail({
        from: config.from,
        to: config.to,
        subject: `[Session Manager] ${notification.title}`,
        text: notificationText(notification),
      });
    } finally {
      transport.close();
    }
  }
}
