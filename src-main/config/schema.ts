import { z } from 'zod';
import './zod-words.js'; // every schema's messages in the product's words
import { secretRef } from '../secrets/secret-ref.js';

/** Every field rule lives here once; the CLI, the HTTP API and the UI validate with these. */

export const CONFIG_VERSION = 1;

export const idSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'letters, digits, ".", "_" or "-", at most 64, not starting with a symbol',
  );

const hostnameLabel = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const hostnameRe = new RegExp(`^${hostnameLabel}(?:\\.${hostnameLabel})*$`);
const ipv4Re = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isHostname(value: string): boolean {
  return value.length <= 253 && (ipv4Re.test(value) || hostnameRe.test(value));
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`; the RDP port defaults to 3389. */
export const addressSchema = z
  .string()
  .trim()
  .refine(
    (value) => parseAddress(value) !== undefined,
    'a host name or IP address, optionally with :port (1-65535)',
  );

export function parseAddress(value: string): { host: string; port: number } | undefined {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(value);
  const plain = /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  const match = v6 ?? plain;
  if (!match) return undefined;
  const host = match[1]!;
  const port = match[2] === undefined ? 3389 : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  if (!v6 && !isHostname(host)) return undefined;
  return { host, port };
}

export const guidSchema = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    'a GUID like 00000000-0000-0000-0000-000000000000',
  );

/** An Entra ID tenant: its GUID, or one of its domain names (what the Azure portal shows first). */
export const tenantSchema = z
  .string()
  .regex(
    /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?=.{4,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63})$/,
    'a tenant id (a GUID like 00000000-0000-0000-0000-000000000000) or its domain (contoso.onmicrosoft.com)',
  );

export const awsRegionSchema = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'an AWS region like eu-west-1');
export const instanceIdSchema = z
  .string()
  .regex(/^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, 'an EC2 instance id like i-0123456789abcdef0');
/** Azure resource group: 1-90 of letters, digits, _ - . ( ), not ending in a period. */
export const resourceGroupSchema = z
  .string()
  .regex(
    /^[-\w.()]{0,89}[-\w()]$/,
    'an Azure resource group name (1-90 letters, digits, _ - . ( ), not ending in ".")',
  );
/** Azure VM (Windows computer names are shorter, but the resource name allows 64). */
export const vmNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]$|^[A-Za-z0-9]$/,
    'an Azure VM name (1-64 letters, digits, _ . -)',
  );
export const userSchema = z
  .string()
  .min(1, 'a user name')
  .max(104)
  .regex(
    /^[^"/\\[\]:;|=,+*?<>@]+$/,
    'a Windows user name without domain (no " / \\ [ ] : ; | = , + * ? < > @)',
  );
export const domainSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/, 'a Windows domain like CORP or corp.example.com');
export const fingerprintSchema = z
  .string()
  .transform((value) => value.replace(/[:\s]/g, '').toLowerCase())
  .pipe(
    z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 certificate fingerprint (64 hex digits, colons allowed)'),
  );
export const httpUrlSchema = z
  .string()
  .url('a URL like https://example.botcity.dev')
  .refine((value) => /^https?:\/\//.test(value), 'an http:// or https:// URL')
  .transform((value) => value.replace(/\/$/, ''));
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time like 08:30');
const timeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone like Europe/Paris');

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const keepWarmSchema = z.object({
  days: z.array(z.enum(weekdays)).min(1),
  from: hhmm,
  to: hhmm,
  timeZone: timeZoneSchema.default('UTC'),
  hosts: z.array(idSchema).optional(),
});

export const monthlyBudgetSchema = z.object({
  /** The month's limit: money in history.currency, or VM-hours. */
  amount: z.number().positive().max(1e9),
  unit: z.enum(['money', 'vm-hours']).default('money'),
  /** At 100 %: tell the operator only, or also hold starts that are not urgent enough. */
  whenSpent: z.enum(['notify', 'hold-starts']).default('notify'),
  /** With hold-starts: queued tasks of at least this priority (0-10) still start hosts. */
  minPriority: z.number().int().min(0).max(10).default(10),
});

export const strategies = ['cost', 'balanced', 'speed'] as const;

export const policySchema = z.object({
  /** What a task's waiting hour is worth against a VM-hour: cost 0.25, balanced 1, speed 10. */
  strategy: z.enum(strategies).default('balanced'),
  /** Unset: each host's break-even idle time (its restart cost and its learned idle gaps). */
  idleGraceMinutes: z
    .number()
    .min(0)
    .max(24 * 60)
    .optional(),
  /** Unset: the minute a cloud bills for any start. */
  minUptimeMinutes: z
    .number()
    .min(0)
    .max(24 * 60)
    .optional(),
  bootTimeoutMinutes: z.number().min(1).max(120).default(15),
  maxHostsOn: z.number().int().min(0).max(100_000).default(10),
  /** Consecutive complete idle observations needed before a host is drained and stopped. */
  drainObservations: z.number().int().min(1).max(100).default(3),
  /** Failed starts/connects before a host is marked failed (then it waits for a manual retry). */
  maxStartAttempts: z.number().int().min(1).max(20).default(4),
  /** Start hosts ahead of scheduled runs and future tasks by the host's learned boot time. */
  prewarm: z.boolean().default(true),
  /** The time zone of the learned arrival patterns (which days are weekdays, what "about 08:00" means). */
  timeZone: timeZoneSchema.default('UTC'),
  keepWarm: z.array(keepWarmSchema).default([]),
  /** A limit on what the fleet spends per calendar month (UTC): a warning at 80 %, then what whenSpent says. */
  monthlyBudget: monthlyBudgetSchema.optional(),
});

export const orchestratorSchema = z.object({
  kind: z.literal('botcity').default('botcity'),
  server: httpUrlSchema,
  login: z.string().min(1, 'the workspace login'),
  key: secretRef,
  pollSeconds: z.number().min(1).max(3600).default(15),
});

export const awsSchema = z.object({
  instanceId: instanceIdSchema,
  region: awsRegionSchema.optional(),
  credentials: z.enum(['keychain', 'profile', 'default']).default('default'),
  profile: z.string().min(1).optional(),
  accessKeyId: z
    .string()
    .regex(/^(AKIA|ASIA)[A-Z0-9]{12,124}$/, 'an AWS access key id like AKIA...')
    .optional(),
  secretAccessKey: secretRef.optional(),
  addressFrom: z.enum(['config', 'public', 'private']).default('config'),
});

export const azureSchema = z.object({
  subscriptionId: guidSchema,
  resourceGroup: resourceGroupSchema,
  vmName: vmNameSchema,
  auth: z.enum(['client-secret', 'managed-identity', 'default']).default('default'),
  tenantId: tenantSchema.optional(),
  clientId: guidSchema.optional(),
  clientSecret: secretRef.optional(),
  /** For sovereign clouds: e.g. https://login.microsoftonline.us and https://management.usgovcloudapi.net */
  authorityHost: httpUrlSchema.optional(),
  armEndpoint: httpUrlSchema.optional(),
});

const protocols = ['rdp', 'aws-ec2', 'azure-vm'] as const;

export const hostSchema = z
  .object({
    id: idSchema,
    name: z.string().max(128).optional(),
    address: addressSchema,
    protocol: z.enum(protocols),
    maxSessions: z.number().int().min(1).max(1000).default(1),
    certificate: fingerprintSchema.optional(),
    user: userSchema,
    domain: domainSchema.optional(),
    /** The session password; absent for a power-only host (its runners use the console session or their own password). */
    password: secretRef.optional(),
    /** Opt-in: allow stopping an instance that Session Manager did not start (no managed tag). */
    powerOffUnmanaged: z.boolean().default(false),
    idleGraceMinutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .optional(),
    minUptimeMinutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .optional(),
    /** What the host costs per hour while starting, on or stopping, in history.currency (optional: VM-hours without it). */
    hourlyPrice: z.number().min(0).max(100_000).optional(),
    aws: awsSchema.optional(),
    azure: azureSchema.optional(),
  })
  .superRefine((host, ctx) => {
    if (host.protocol === 'aws-ec2' && !host.aws)
      ctx.addIssue({
        code: 'custom',
        path: ['aws'],
        message: 'an aws-ec2 host needs aws settings (instanceId)',
      });
    if (host.protocol === 'azure-vm' && !host.azure)
      ctx.addIssue({ code: 'custom', path: ['azure'], message: 'an azure-vm host needs azure settings' });
    if (host.aws?.credentials === 'keychain' && (!host.aws.accessKeyId || !host.aws.secretAccessKey))
      ctx.addIssue({
        code: 'custom',
        path: ['aws', 'accessKeyId'],
        message: 'keychain credentials need an access key id and secret',
      });
    if (host.aws?.credentials === 'profile' && !host.aws.profile)
      ctx.addIssue({
        code: 'custom',
        path: ['aws', 'profile'],
        message: 'profile credentials need a profile name',
      });
    if (
      host.azure?.auth === 'client-secret' &&
      (!host.azure.tenantId || !host.azure.clientId || !host.azure.clientSecret)
    )
      ctx.addIssue({
        code: 'custom',
        path: ['azure', 'clientId'],
        message: 'client-secret auth needs tenantId, clientId and clientSecret',
      });
  });

export const runnerSchema = z.object({
  id: idSchema,
  host: idSchema,
  sessionMode: z.enum(['rdp', 'console']).default('rdp'),
  user: userSchema.optional(),
  domain: domainSchema.optional(),
  password: secretRef.optional(),
  width: z.number().int().min(640).max(8192).default(1920),
  height: z.number().int().min(480).max(8192).default(1080),
  activities: z.array(z.string().min(1).max(200)).default([]),
});

export const emailSchema = z.object({
  host: z.string().refine(isHostname, 'an SMTP server host name'),
  port: z.number().int().min(1).max(65535).default(587),
  security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
  user: z.string().optional(),
  password: secretRef.optional(),
  from: z.string().email(),
  to: z.array(z.string().email()).min(1),
});

/** A webhook URL as a person gives it (to the API, CLI or UI): http(s), kept exactly as typed. */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(4096, 'at most 4096 characters')
  .url('a URL like https://hooks.slack.com/services/…')
  .refine((value) => /^https?:\/\//i.test(value), 'an http:// or https:// URL');

/**
 * Files written before webhook URLs moved to the keychain hold the plain URL here. No migration can
 * fix that (migrations are pure and cannot write the keychain), so the load names the field and says
 * what to do; the config version stays 1.
 */
const PLAIN_WEBHOOK_URL_PROBLEM =
  'holds a plain URL, but a webhook URL is a credential and lives only in the OS keychain. ' +
  'Delete "webhook" from "notifications" in this file, then set the URL again in the UI ' +
  '(Settings → Notifications) or with `session-manager notifications webhook set`';

/** The config's side of a webhook URL: a keychain reference such as `webhook-url:default`. */
const webhookUrlRef = z.string().superRefine((value, ctx) => {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    ctx.addIssue({ code: 'custom', message: PLAIN_WEBHOOK_URL_PROBLEM });
  else if (!secretRef.safeParse(value).success)
    ctx.addIssue({ code: 'custom', message: 'a keychain reference like webhook-url:default' });
});

export const webhookSchema = z.object({
  url: webhookUrlRef,
  format: z.enum(['json', 'slack', 'teams']).default('json'),
});

export const notificationsSchema = z.object({
  desktop: z.boolean().default(true),
  orchestratorAlerts: z.boolean().default(true),
  email: emailSchema.optional(),
  webhook: webhookSchema.optional(),
});

export const apiSchema = z.object({
  bind: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(7870),
});

export const historySchema = z.object({
  /** How long the history (power intervals, sessions, tasks) is kept. */
  retentionDays: z.number().int().min(1).max(3650).default(90),
  /** The currency of the hosts' hourly prices, as an ISO 4217 code. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'a currency code like USD or EUR')
    .default('USD'),
});

/**
 * Several instances sharing one fleet through PostgreSQL (docs/scale-out.md). The URL names the
 * server, role and database; its password lives in the keychain, never in the URL.
 */
export const coordinationSchema = z.object({
  postgres: z.object({
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a PostgreSQL URL like postgres://sm@db.example.com:5432/session_manager')
      .refine((url) => {
        try {
          return new URL(url).password === '';
        } catch {
          return false;
        }
      }, 'a PostgreSQL URL without a password (the password goes in the keychain: coordination-password:main)'),
    password: secretRef.default('coordination-password:main'),
  }),
  /** How long a lease lasts without renewal; heartbeats are sent three times as often. */
  leaseSeconds: z.number().int().min(3).max(600).default(10),
});

export const appSchema = z.object({
  startAtLogin: z.boolean().default(false),
});

export const configSchema = z
  .object({
    version: z.literal(CONFIG_VERSION),
    orchestrator: orchestratorSchema.optional(),
    policy: policySchema.default(policySchema.parse({})),
    hosts: z.array(hostSchema).default([]),
    runners: z.array(runnerSchema).default([]),
    notifications: notificationsSchema.default(notificationsSchema.parse({})),
    api: apiSchema.default(apiSchema.parse({})),
    app: appSchema.default(appSchema.parse({})),
    history: historySchema.default(historySchema.parse({})),
    coordination: coordinationSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const hostIds = uniqueIds(config.hosts, 'hosts', 'host', ctx);
    uniqueIds(config.runners, 'runners', 'runner', ctx);
    config.runners.forEach((runner, index) => {
      if (!hostIds.has(runner.host))
        ctx.addIssue({
          code: 'custom',
          path: ['runners', index, 'host'],
          message: `no host with id "${runner.host}"`,
        });
    });
    rdpRunnersHavePasswords(config, ctx);
  });

/**
 * A runner that works in an RDP session needs a password to log on with: its own (with its own user)
 * or its host's. A host without one is power only: its runners use the console session.
 */
function rdpRunnersHavePasswords(
  config: { hosts: { id: string; password?: string | undefined }[]; runners: z.infer<typeof runnerSchema>[] },
  ctx: z.RefinementCtx,
): void {
  config.runners.forEach((runner, index) => {
    if (runner.sessionMode !== 'rdp') return;
    const host = config.hosts.find((h) => h.id === runner.host);
    if (!host) return;
    const password = runner.user ? (runner.password ?? host.password) : host.password;
    if (password === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['runners', index, 'sessionMode'],
        message: `runner "${runner.id}" logs on over RDP but host "${host.id}" has no session password: store one for the host (or the runner's own user), or use session mode "console" (power only)`,
      });
  });
}

/** Reports each repeated id (at its second and later places) and returns the set of ids. */
function uniqueIds(
  items: ReadonlyArray<{ id: string }>,
  listName: 'hosts' | 'runners',
  noun: string,
  ctx: z.RefinementCtx,
): Set<string> {
  const ids = new Set<string>();
  items.forEach((item, index) => {
    if (ids.has(item.id))
      ctx.addIssue({
        code: 'custom',
        path: [listName, index, 'id'],
        message: `duplicate ${noun} id "${item.id}"`,
      });
    ids.add(item.id);
  });
  return ids;
}

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type HostConfig = z.infer<typeof hostSchema>;
export type RunnerConfig = z.infer<typeof runnerSchema>;
export type MonthlyBudget = z.infer<typeof monthlyBudgetSchema>;
export type PolicyConfig = z.infer<typeof policySchema>;
export type OrchestratorConfig = z.infer<typeof orchestratorSchema>;
export type KeepWarmWindow = z.infer<typeof keepWarmSchema>;
export type NotificationsConfig = z.infer<typeof notificationsSchema>;

export function emptyConfig(): Config {
  return configSchema.parse({ version: CONFIG_VERSION });
}

/** "hosts.0.aws.instanceId: an EC2 instance id like ..." for each problem. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map(
    (issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
  );
}
