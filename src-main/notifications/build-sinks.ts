import type { NotificationsConfig } from '../config/schema.js';
import type { Orchestrator } from '../core/orchestrator.js';
import type { NotificationSink } from './notification.js';
import { DesktopSink, type DesktopNotifier } from './sinks/desktop.js';
import { EmailSink } from './sinks/email.js';
import { OrchestratorAlertSink } from './sinks/orchestrator.js';
import { WebhookSink } from './sinks/webhook.js';

interface SinkDependencies {
  secrets: { get(ref: string): Promise<string | undefined> };
  /** Present when an orchestrator is configured. */
  orchestrator?: Pick<Orchestrator, 'alert'>;
  /** Present in the Electron app only. */
  desktop?: DesktopNotifier;
  fetch?: typeof fetch;
  /** Extra trusted CA for the SMTP server (PEM). */
  smtpCa?: string;
}

/** The sinks the config asks for and the process can serve. */
export function buildSinks(config: NotificationsConfig, deps: SinkDependencies): NotificationSink[] {
  const sinks: NotificationSink[] = [];
  if (config.email)
    sinks.push(
      new EmailSink({
        config: config.email,
        secrets: deps.secrets,
        ...(deps.smtpCa ? { ca: deps.smtpCa } : {}),
      }),
    );
  if (config.webhook)
    sinks.push(
      new WebhookSink({
        config: config.webhook,
        secrets: deps.secrets,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }),
    );
  if (config.orchestratorAlerts && deps.orchestrator)
    sinks.push(new OrchestratorAlertSink(deps.orchestrator));
  if (config.desktop && deps.desktop) sinks.push(new DesktopSink(deps.desktop));
  return sinks;
}
