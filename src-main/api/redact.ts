import type { Config, HostConfig, RunnerConfig } from '../config/schema.js';
import type { HostReply, RunnerReply, SettingsReply } from './config-schemas.js';

/** Config → API replies: secret refs become `has…` flags; nothing secret is copied. */

export function hostReply(host: HostConfig): HostReply {
  const { password, aws, azure, ...rest } = host;
  const reply: HostReply = { ...rest, hasPassword: Boolean(password) };
  if (aws) {
    const { secretAccessKey, ...awsRest } = aws;
    reply.aws = { ...awsRest, hasSecretAccessKey: Boolean(secretAccessKey) };
  }
  if (azure) {
    const { clientSecret, ...azureRest } = azure;
    reply.azure = { ...azureRest, hasClientSecret: Boolean(clientSecret) };
  }
  return reply;
}

export function runnerReply(runner: RunnerConfig): RunnerReply {
  const { password, ...rest } = runner;
  return { ...rest, hasPassword: Boolean(password) };
}

/** Slack and Teams webhook URLs carry their credential in the path: show the origin only. */
export function webhookTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname === '/' && !parsed.search ? parsed.origin : `${parsed.origin}/…`;
  } catch {
    return '…';
  }
}

/**
 * The webhook URL read back from the keychain, only to show its origin. Undefined when there is none
 * or the keychain cannot answer: showing settings must not depend on the keychain.
 */
export async function readWebhookUrl(
  config: Config,
  secrets: { get(ref: string): Promise<string | undefined> },
): Promise<string | undefined> {
  const ref = config.notifications.webhook?.url;
  if (!ref) return undefined;
  return secrets.get(ref).catch(() => undefined);
}

/** `webhookUrl` is the plain URL from the keychain (see readWebhookUrl); only its origin is copied. */
export function settingsReply(config: Config, webhookUrl?: string): SettingsReply {
  const { notifications } = config;
  const reply: SettingsReply = {
    policy: config.policy,
    notifications: { desktop: notifications.desktop, orchestratorAlerts: notifications.orchestratorAlerts },
    api: config.api,
    app: config.app,
    history: config.history,
  };
  if (config.orchestrator) {
    const { key, ...rest } = config.orchestrator;
    reply.orchestrator = { ...rest, hasKey: Boolean(key) };
  }
  if (notifications.email) {
    const { password, ...rest } = notifications.email;
    reply.notifications.email = { ...rest, hasPassword: Boolean(password) };
  }
  if (config.coordination) {
    const { password, ...postgres } = config.coordination.postgres;
    reply.coordination = {
      ...config.coordination,
      postgres: { ...postgres, hasPassword: Boolean(password) },
    };
  }
  if (notifications.webhook)
    reply.notifications.webhook = {
      format: notifications.webhook.format,
      ...(webhookUrl ? { target: webhookTarget(webhookUrl) } : {}),
      hasUrl: true,
    };
  return reply;
}
