import { Command } from 'commander';
import { z } from 'zod';
import {
  addressSchema,
  awsRegionSchema,
  fingerprintSchema,
  guidSchema,
  tenantSchema,
  httpUrlSchema,
  idSchema,
  instanceIdSchema,
  resourceGroupSchema,
  userSchema,
  vmNameSchema,
  type HostConfig,
} from '../../config/schema.js';
import { patchBetween, writeConfig } from '../config-writes.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { collectEdits, collectNew, type Field } from '../fields.js';
import { hostHoldingAwsSecret } from '../../api/config-writes.js';
import { windowsDomainField } from './windows-domain-field.js';
import { Prompter } from '../prompter.js';
import { readSecret } from '../secret-input.js';
import { publicHost, hostCommand } from './shared.js';

type Draft = Record<string, unknown> & {
  protocol?: HostConfig['protocol'];
  aws?: Record<string, unknown>;
  azure?: Record<string, unknown>;
};

const isAws = (draft: Draft) => draft.protocol === 'aws-ec2';
const isAzure = (draft: Draft) => draft.protocol === 'azure-vm';

/** Every host field, in the order the wizard asks for them. */
const hostFields: Field<Draft>[] = [
  { path: ['id'], option: 'id', label: 'Host id', kind: 'text', schema: idSchema },
  {
    path: ['name'],
    option: 'name',
    label: 'Display name',
    kind: 'text',
    schema: z.string().max(128),
    optional: true,
  },
  {
    path: ['protocol'],
    option: 'protocol',
    label: 'Power protocol',
    kind: 'choice',
    schema: z.enum(['rdp', 'aws-ec2', 'azure-vm']),
    choices: [
      {
        value: 'rdp',
        name: 'RDP only',
        description: 'An always-on Windows machine: Session Manager only opens sessions.',
      },
      {
        value: 'aws-ec2',
        name: 'AWS EC2',
        description: 'An EC2 instance: needs its instance id, region and AWS credentials.',
      },
      {
        value: 'azure-vm',
        name: 'Azure VM',
        description: 'An Azure VM: needs subscription, resource group, VM name and credentials.',
      },
    ],
  },
  {
    path: ['address'],
    option: 'address',
    label: 'RDP address (host[:port])',
    kind: 'text',
    schema: addressSchema,
  },
  {
    path: ['maxSessions'],
    option: 'maxSessions',
    label: 'Parallel sessions',
    kind: 'integer',
    schema: z.number().int().min(1).max(1000),
    defaultValue: () => 1,
  },
  { path: ['user'], option: 'user', label: 'Session user (Windows)', kind: 'text', schema: userSchema },
  windowsDomainField(),
  {
    path: ['certificate'],
    option: 'certificate',
    label: 'Pinned certificate SHA-256',
    kind: 'text',
    schema: fingerprintSchema,
    optional: true,
  },
  {
    path: ['hourlyPrice'],
    option: 'hourlyPrice',
    label: 'Price per hour while on (optional, for the cost report)',
    hint: "in the config's history.currency (USD unless set); the cloud's on-demand price of the instance size",
    kind: 'number',
    schema: z.number().min(0).max(100_000),
    optional: true,
  },
  // AWS
  {
    path: ['aws', 'instanceId'],
    option: 'instanceId',
    label: 'EC2 instance id',
    hint: 'tag it session-manager:host=true: the sample IAM policy starts only tagged instances',
    kind: 'text',
    schema: instanceIdSchema,
    when: isAws,
  },
  {
    path: ['aws', 'region'],
    option: 'region',
    label: 'AWS region',
    kind: 'text',
    schema: awsRegionSchema,
    when: isAws,
    optional: true,
  },
  {
    path: ['aws', 'credentials'],
    option: 'awsCredentials',
    label: 'AWS credentials',
    kind: 'choice',
    schema: z.enum(['default', 'profile', 'keychain']),
    when: isAws,
    defaultValue: () => 'default',
    choices: [
      {
        value: 'default',
        name: 'Default chain',
        description: 'Environment variables, instance role or SSO, as the AWS CLI finds them.',
      },
      {
        value: 'profile',
        name: 'Named profile',
        description: 'A profile of ~/.aws/credentials or ~/.aws/config.',
      },
      {
        value: 'keychain',
        name: 'Access key in the keychain',
        description: 'An access key id; its secret is kept in the OS keychain.',
      },
    ],
  },
  {
    path: ['aws', 'profile'],
    option: 'awsProfile',
    label: 'AWS profile',
    kind: 'text',
    schema: z.string().min(1),
    when: (d) => isAws(d) && d.aws?.credentials === 'profile',
  },
  {
    path: ['aws', 'accessKeyId'],
    option: 'awsAccessKeyId',
    label: 'AWS access key id',
    kind: 'text',
    schema: z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{12,124}$/, 'an AWS access key id like AKIA...'),
    when: (d) => isAws(d) && d.aws?.credentials === 'keychain',
  },
  {
    path: ['aws', 'addressFrom'],
    option: 'addressFrom',
    label: 'Connect to',
    kind: 'choice',
    schema: z.enum(['config', 'public', 'private']),
    when: isAws,
    defaultValue: () => 'config',
    choices: [
      { value: 'config', name: 'The address above' },
      { value: 'public', name: "The instance's public IP" },
      { value: 'private', name: "The instance's private IP" },
    ],
  },
  // Azure
  {
    path: ['azure', 'subscriptionId'],
    option: 'subscription',
    label: 'Azure subscription id',
    kind: 'text',
    schema: guidSchema,
    when: isAzure,
  },
  {
    path: ['azure', 'resourceGroup'],
    option: 'resourceGroup',
    label: 'Resource group',
    kind: 'text',
    schema: resourceGroupSchema,
    when: isAzure,
  },
  {
    path: ['azure', 'vmName'],
    option: 'vmName',
    label: 'VM name',
    hint: "Session Manager's identity needs its role on the resource group (docs/clouds.md)",
    kind: 'text',
    schema: vmNameSchema,
    when: isAzure,
  },
  {
    path: ['azure', 'auth'],
    option: 'azureAuth',
    label: 'Azure credentials',
    kind: 'choice',
    schema: z.enum(['default', 'managed-identity', 'client-secret']),
    when: isAzure,
    defaultValue: () => 'default',
    choices: [
      {
        value: 'default',
        name: 'Default chain',
        description: 'Environment, managed identity or Azure CLI login.',
      },
      {
        value: 'managed-identity',
        name: 'Managed identity',
        description: 'The identity of the machine Session Manager runs on.',
      },
      {
        value: 'client-secret',
        name: 'App registration',
        description: 'Tenant, client id, and a client secret kept in the OS keychain.',
      },
    ],
  },
  {
    path: ['azure', 'tenantId'],
    option: 'tenantId',
    label: 'Tenant (id or domain)',
    kind: 'text',
    schema: tenantSchema,
    when: (d) => isAzure(d) && d.azure?.auth === 'client-secret',
  },
  {
    path: ['azure', 'clientId'],
    option: 'clientId',
    label: 'Client id',
    kind: 'text',
    schema: guidSchema,
    when: (d) => isAzure(d) && d.azure?.auth !== 'default',
    optional: true,
  },
  {
    path: ['azure', 'authorityHost'],
    option: 'authorityHost',
    label: 'Authority host (sovereign clouds)',
    kind: 'text',
    schema: httpUrlSchema,
    when: isAzure,
    optional: true,
  },
  {
    path: ['azure', 'armEndpoint'],
    option: 'armEndpoint',
    label: 'ARM endpoint (sovereign clouds)',
    kind: 'text',
    schema: httpUrlSchema,
    when: isAzure,
    optional: true,
  },
];

function addHostOptions(command: Command): Command {
  for (const field of hostFields) {
    const flag = `--${field.option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} <value>`;
    command.option(
      flag,
      field.choices ? `${field.label} (${field.choices.map((c) => c.value).join(' | ')})` : field.label,
    );
  }
  return command
    .option('--password-stdin', 'read the session password from standard input')
    .option(
      '--power-only',
      'no session password: the host is only powered on and off, its runners use the console session',
    )
    .option('--aws-secret-stdin', 'read the AWS secret access key from standard input')
    .option('--azure-secret-stdin', 'read the Azure client secret from standard input')
    .option('--power-off-unmanaged', 'allow powering off this host even if Session Manager did not start it')
    .option('--json', 'print the result as JSON');
}

/**
 * Reads the secrets the host needs into the draft as plain values; ConfigWriter moves them into the
 * keychain when the whole host validates. A secret kept on edit stays the ref it was.
 */
async function gatherSecrets(
  ctx: CliContext,
  host: Draft,
  options: Record<string, unknown>,
  editing: HostConfig | undefined,
): Promise<void> {
  const wantsNew = (flag: string, env: string) => Boolean(options[flag]) || Boolean(ctx.io.env[env]);
  const askAgain = async (what: string) =>
    ctx.io.interactive &&
    (await new Prompter(ctx.io).yesNo(`Change the ${what}? (it stays in the keychain otherwise)`, false));

  if (options.powerOnly) {
    if (options.passwordStdin) throw new CliError('--power-only takes no --password-stdin', ExitCode.usage);
    delete host.password; // on edit, the stored one leaves the keychain
  } else if (
    !editing ||
    wantsNew('passwordStdin', 'SESSION_MANAGER_HOST_PASSWORD') ||
    (await askAgain('session password'))
  ) {
    host.password = await readSecret(ctx, {
      fromStdin: Boolean(options.passwordStdin),
      envVar: 'SESSION_MANAGER_HOST_PASSWORD',
      prompt: `Password of ${String(host.user)}`,
      flag: '--password-stdin',
    });
  }

  if (host.protocol === 'aws-ec2' && host.aws?.credentials === 'keychain') {
    const keyId = typeof host.aws.accessKeyId === 'string' ? host.aws.accessKeyId : undefined;
    const keyChanged = editing !== undefined && editing.aws?.accessKeyId !== keyId;
    // The secret of an access key id is stored once: another host with this key id already has it.
    const sharedWith = hostHoldingAwsSecret(ctx.configStore().load().hosts, keyId, String(host.id));
    const wantsNewSecret = wantsNew('awsSecretStdin', 'SESSION_MANAGER_AWS_SECRET_ACCESS_KEY');
    if (sharedWith && (!editing || keyChanged) && !wantsNewSecret) {
      delete host.aws.secretAccessKey; // the writer uses the stored one
      ctx.warn(`Using the stored secret of access key ${String(keyId)} (host ${sharedWith.id} uses it too).`);
    } else if (
      !editing?.aws?.secretAccessKey ||
      keyChanged ||
      wantsNewSecret ||
      (await askAgain('AWS secret access key'))
    ) {
      host.aws.secretAccessKey = await readSecret(ctx, {
        fromStdin: Boolean(options.awsSecretStdin),
        envVar: 'SESSION_MANAGER_AWS_SECRET_ACCESS_KEY',
        prompt: 'AWS secret access key',
        flag: '--aws-secret-stdin',
      });
    }
  } else if (host.aws) delete host.aws.secretAccessKey;

  if (host.protocol === 'azure-vm' && host.azure?.auth === 'client-secret') {
    if (
      !editing?.azure?.clientSecret ||
      wantsNew('azureSecretStdin', 'SESSION_MANAGER_AZURE_CLIENT_SECRET') ||
      (await askAgain('Azure client secret'))
    ) {
      host.azure.clientSecret = await readSecret(ctx, {
        fromStdin: Boolean(options.azureSecretStdin),
        envVar: 'SESSION_MANAGER_AZURE_CLIENT_SECRET',
        prompt: 'Azure client secret',
        flag: '--azure-secret-stdin',
      });
    }
  } else if (host.azure) delete host.azure.clientSecret;
}

function cleanProtocolSettings(draft: Draft): void {
  if (draft.protocol !== 'aws-ec2') delete draft.aws;
  if (draft.protocol !== 'azure-vm') delete draft.azure;
}

export function registerHost(program: Command, ctx: CliContext): void {
  const host = hostCommand(program);

  addHostOptions(
    host.command('add').description('add a host (prompts for what flags do not give when run in a terminal)'),
  ).action(async (options: Record<string, unknown>) => {
    const draft = await collectNew(hostFields, options, ctx.io);
    cleanProtocolSettings(draft);
    if (options.powerOffUnmanaged) draft.powerOffUnmanaged = true;
    if (
      ctx
        .configStore()
        .load()
        .hosts.some((h) => h.id === draft.id)
    )
      throw new CliError(`--id: a host "${String(draft.id)}" exists already (use host edit)`, ExitCode.usage);
    await gatherSecrets(ctx, draft, options, undefined);
    const saved = await writeConfig(ctx, (writer) => writer.addHost(draft), 'host');
    if (options.json) ctx.printJson(publicHost(saved));
    else
      ctx.print(
        `Added host ${saved.id} (${saved.protocol}, ${saved.address}); its secrets are in the OS keychain.`,
      );
  });

  addHostOptions(
    host
      .command('edit')
      .argument('<id>', 'host id')
      .description('change a host; flags not given keep their value'),
  ).action(async (id: string, options: Record<string, unknown>) => {
    const current = ctx
      .configStore()
      .load()
      .hosts.find((h) => h.id === id);
    if (!current) throw new CliError(`no host "${id}"`, ExitCode.usage);
    if (options.id !== undefined && options.id !== id)
      throw new CliError('--id: a host id cannot change; remove and add it again', ExitCode.usage);
    const draft = await collectEdits(
      hostFields.filter((field) => field.option !== 'id'),
      current,
      options,
      ctx.io,
    );
    cleanProtocolSettings(draft);
    if (options.powerOffUnmanaged) draft.powerOffUnmanaged = true;
    await gatherSecrets(ctx, draft, options, current);
    const changes = patchBetween(current as unknown as Record<string, unknown>, draft);
    const saved = await writeConfig(ctx, (writer) => writer.editHost({ id, ...changes }), 'host');
    if (options.json) ctx.printJson(publicHost(saved));
    else ctx.print(`Updated host ${saved.id}.`);
  });

  host
    .command('remove')
    .argument('<id>', 'host id')
    .option('--release-runners', 'also release the runners attached to it')
    .option('-y, --yes', 'do not ask for confirmation (needed when not at a terminal)')
    .option('--json', 'print the result as JSON')
    .description('remove a host and its keychain entries (asks first at a terminal)')
    .action(async (id: string, options: { releaseRunners?: boolean; yes?: boolean; json?: boolean }) => {
      const store = ctx.configStore();
      const config = store.load();
      if (!config.hosts.some((h) => h.id === id)) throw new CliError(`no host "${id}"`, ExitCode.usage);
      const attached = config.runners.filter((r) => r.host === id);
      if (attached.length && !options.releaseRunners)
        throw new CliError(
          `host "${id}" has runners attached (${attached.map((r) => r.id).join(', ')}): release them first or pass --release-runners`,
          ExitCode.usage,
        );
      const what = `host ${id}, its stored password and cloud secrets${attached.length ? ` and runners ${attached.map((r) => r.id).join(', ')}` : ''}`;
      if (!options.yes) {
        if (!ctx.io.interactive)
          throw new CliError(`removing deletes ${what}: pass --yes to confirm in a script`, ExitCode.usage);
        if (!(await new Prompter(ctx.io).yesNo(`Remove ${what}?`, false)))
          throw new CliError('nothing removed', ExitCode.failure);
      }
      await writeConfig(ctx, (writer) =>
        writer.removeHost(id, { releaseRunners: Boolean(options.releaseRunners) }),
      );
      if (options.json) ctx.printJson({ removed: id, releasedRunners: attached.map((r) => r.id) });
      else
        ctx.print(
          `Removed host ${id}${attached.length ? ` and released ${attached.map((r) => r.id).join(', ')}` : ''}.`,
        );
    });
}
