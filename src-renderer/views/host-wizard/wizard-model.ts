import {
  hostInputSchema,
  runnerInputSchema,
  type HostInput,
  type HostPatch,
  type HostReply,
  type RunnerInput,
} from '../../../src-main/api/config-schemas.js';
import { errorsOf, optionalText, pick, type FieldErrors } from '../../lib/validation.js';

/** The host wizard's form, its steps and their validation: pure, so it is tested without a browser. */

export type Protocol = 'rdp' | 'aws-ec2' | 'azure-vm';

export interface RunnerDraft {
  id: string;
  sessionMode: 'rdp' | 'console';
  width: number;
  height: number;
}

export interface HostDraft {
  protocol: Protocol;
  id: string;
  name: string;
  address: string;
  maxSessions: number;
  /** Price per hour while on, for the cost report; '' when not given. */
  hourlyPrice: number | '';
  user: string;
  domain: string;
  password: string;
  aws: {
    instanceId: string;
    region: string;
    credentials: 'default' | 'profile' | 'keychain';
    profile: string;
    accessKeyId: string;
    secretAccessKey: string;
    addressFrom: 'config' | 'public' | 'private';
  };
  azure: {
    subscriptionId: string;
    resourceGroup: string;
    vmName: string;
    auth: 'default' | 'managed-identity' | 'client-secret';
    tenantId: string;
    clientId: string;
    clientSecret: string;
  };
  runners: RunnerDraft[];
}

/** In edit mode, which secrets are already in the keychain (an empty field keeps them). */
export interface StoredSecrets {
  password: boolean;
  secretAccessKey: boolean;
  clientSecret: boolean;
}

export const noStoredSecrets: StoredSecrets = {
  password: false,
  secretAccessKey: false,
  clientSecret: false,
};

export function emptyDraft(): HostDraft {
  return {
    protocol: 'rdp',
    id: '',
    name: '',
    address: '',
    maxSessions: 1,
    hourlyPrice: '',
    user: '',
    domain: '',
    password: '',
    aws: {
      instanceId: '',
      region: '',
      credentials: 'default',
      profile: '',
      accessKeyId: '',
      secretAccessKey: '',
      addressFrom: 'config',
    },
    azure: {
      subscriptionId: '',
      resourceGroup: '',
      vmName: '',
      auth: 'default',
      tenantId: '',
      clientId: '',
      clientSecret: '',
    },
    runners: [],
  };
}

/** A stored host as a draft for editing; secrets are never sent back, so their fields start empty. */
export function draftOf(host: HostReply): { draft: HostDraft; stored: StoredSecrets } {
  const draft = emptyDraft();
  draft.protocol = host.protocol;
  draft.id = host.id;
  draft.name = host.name ?? '';
  draft.address = host.address;
  draft.maxSessions = host.maxSessions;
  draft.hourlyPrice = host.hourlyPrice ?? '';
  draft.user = host.user;
  draft.domain = host.domain ?? '';
  if (host.aws)
    draft.aws = {
      ...draft.aws,
      instanceId: host.aws.instanceId,
      region: host.aws.region ?? '',
      credentials: host.aws.credentials,
      profile: host.aws.profile ?? '',
      accessKeyId: host.aws.accessKeyId ?? '',
      addressFrom: host.aws.addressFrom,
    };
  if (host.azure)
    draft.azure = {
      ...draft.azure,
      subscriptionId: host.azure.subscriptionId,
      resourceGroup: host.azure.resourceGroup,
      vmName: host.azure.vmName,
      auth: host.azure.auth,
      tenantId: host.azure.tenantId ?? '',
      clientId: host.azure.clientId ?? '',
    };
  return {
    draft,
    stored: {
      password: host.hasPassword,
      secretAccessKey: host.aws?.hasSecretAccessKey ?? false,
      clientSecret: host.azure?.hasClientSecret ?? false,
    },
  };
}

/** Placeholder for a secret that stays as stored: lets the shared rules check the rest of the host. */
const keptSecret = 'kept-in-keychain';

/** The API's host input from the draft; `stored` secrets left empty are filled with a placeholder. */
export function toHostInput(draft: HostDraft, stored: StoredSecrets = noStoredSecrets): HostInput {
  const secret = (value: string, isStored: boolean) => (value === '' && isStored ? keptSecret : value);
  const input: HostInput = {
    id: draft.id.trim(),
    name: optionalText(draft.name),
    address: draft.address.trim(),
    protocol: draft.protocol,
    maxSessions: draft.maxSessions,
    ...(draft.hourlyPrice !== '' && { hourlyPrice: draft.hourlyPrice }),
    user: draft.user.trim(),
    domain: optionalText(draft.domain),
    password: secret(draft.password, stored.password),
  };
  if (draft.protocol === 'aws-ec2') {
    const aws = draft.aws;
    input.aws = {
      instanceId: aws.instanceId.trim(),
      region: optionalText(aws.region),
      credentials: aws.credentials,
      addressFrom: aws.addressFrom,
      ...(aws.credentials === 'profile' ? { profile: optionalText(aws.profile) } : {}),
      ...(aws.credentials === 'keychain'
        ? {
            accessKeyId: optionalText(aws.accessKeyId),
            secretAccessKey: optionalText(secret(aws.secretAccessKey, stored.secretAccessKey)),
          }
        : {}),
    };
  }
  if (draft.protocol === 'azure-vm') {
    const azure = draft.azure;
    input.azure = {
      subscriptionId: azure.subscriptionId.trim(),
      resourceGroup: azure.resourceGroup.trim(),
      vmName: azure.vmName.trim(),
      auth: azure.auth,
      ...(azure.auth === 'client-secret'
        ? {
            tenantId: optionalText(azure.tenantId),
            clientId: optionalText(azure.clientId),
            clientSecret: optionalText(secret(azure.clientSecret, stored.clientSecret)),
          }
        : {}),
    };
  }
  return dropUndefined(input);
}

function dropUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** editHost's patch: every field given, removed optionals as null, empty secrets left out (kept). */
export function toHostPatch(draft: HostDraft, stored: StoredSecrets): HostPatch {
  const input = toHostInput(draft, noStoredSecrets) as Record<string, unknown>;
  const patch: Record<string, unknown> = {
    ...input,
    name: input.name ?? null,
    domain: input.domain ?? null,
    hourlyPrice: input.hourlyPrice ?? null,
  };
  if (draft.password === '' && stored.password) delete patch.password;
  const aws = input.aws as Record<string, unknown> | undefined;
  if (aws) {
    patch.aws = { region: null, profile: null, accessKeyId: null, ...aws };
    if (draft.aws.secretAccessKey === '') delete (patch.aws as Record<string, unknown>).secretAccessKey;
  } else patch.aws = null;
  const azure = input.azure as Record<string, unknown> | undefined;
  if (azure) {
    patch.azure = { tenantId: null, clientId: null, ...azure };
    if (draft.azure.clientSecret === '') delete (patch.azure as Record<string, unknown>).clientSecret;
  } else patch.azure = null;
  return patch as HostPatch;
}

export function runnerInputOf(draft: HostDraft, runner: RunnerDraft): RunnerInput {
  return {
    id: runner.id.trim(),
    host: draft.id.trim(),
    sessionMode: runner.sessionMode,
    width: runner.width,
    height: runner.height,
  };
}

export const steps = ['protocol', 'connection', 'credentials', 'runners', 'test', 'save'] as const;
type Step = (typeof steps)[number];

/** The host fields each step owns, for this protocol (dotted paths as the schema's issues name them). */
function stepFields(step: Step, draft: HostDraft): string[] {
  const aws = draft.protocol === 'aws-ec2';
  const azure = draft.protocol === 'azure-vm';
  switch (step) {
    case 'protocol':
      return ['protocol'];
    case 'connection':
      return [
        'id',
        'name',
        'address',
        'maxSessions',
        'hourlyPrice',
        ...(aws ? ['aws', 'aws.instanceId', 'aws.region', 'aws.addressFrom'] : []),
        ...(azure ? ['azure', 'azure.subscriptionId', 'azure.resourceGroup', 'azure.vmName'] : []),
      ];
    case 'credentials':
      return [
        'user',
        'domain',
        'password',
        ...(aws ? ['aws.credentials', 'aws.profile', 'aws.accessKeyId', 'aws.secretAccessKey'] : []),
        ...(azure ? ['azure.auth', 'azure.tenantId', 'azure.clientId', 'azure.clientSecret'] : []),
      ];
    default:
      return [];
  }
}

/**
 * What is wrong in one step: the whole host is parsed with the API's schema and the step shows the
 * issues of its own fields (cross-field rules, e.g. keychain credentials need a key id and a secret,
 * are shown on the field they name).
 */
export function validateStep(
  step: Step,
  draft: HostDraft,
  stored: StoredSecrets = noStoredSecrets,
  takenRunnerIds: readonly string[] = [],
): FieldErrors {
  if (step === 'runners') return validateRunners(draft, takenRunnerIds);
  const fields = stepFields(step, draft);
  if (!fields.length) return {};
  const whole = hostInputSchema.safeParse(toHostInput(draft, stored));
  return whole.success ? {} : pick(errorsOf(whole.error), fields);
}

function validateRunners(draft: HostDraft, takenRunnerIds: readonly string[]): FieldErrors {
  const errors: FieldErrors = {};
  const seen = new Set(takenRunnerIds);
  draft.runners.forEach((runner, index) => {
    const result = runnerInputSchema.safeParse(runnerInputOf(draft, runner));
    if (!result.success)
      for (const [path, message] of Object.entries(errorsOf(result.error)))
        errors[`runners.${index}.${path}`] ??= message;
    const id = runner.id.trim();
    if (seen.has(id)) errors[`runners.${index}.id`] ??= `a runner "${id}" already exists`;
    seen.add(id);
  });
  return errors;
}

/** Every step up to the test must be valid before saving. */
export function validateAll(
  draft: HostDraft,
  stored: StoredSecrets = noStoredSecrets,
  takenRunnerIds: readonly string[] = [],
): FieldErrors {
  return Object.assign(
    {},
    ...(['protocol', 'connection', 'credentials', 'runners'] as const).map((step) =>
      validateStep(step, draft, stored, takenRunnerIds),
    ),
  ) as FieldErrors;
}

/** The step that owns a field the API rejected, so the wizard can go back to it. */
export function stepOfField(path: string, draft: HostDraft): Step {
  if (path.startsWith('runners.')) return 'runners';
  for (const step of ['protocol', 'connection', 'credentials'] as const)
    if (stepFields(step, draft).includes(path)) return step;
  return 'connection';
}

export const protocolChoices: { value: Protocol; label: string; needs: string }[] = [
  {
    value: 'rdp',
    label: 'RDP host (always on)',
    needs:
      'A Windows machine that stays on: its address and a user allowed to log on through Remote Desktop.',
  },
  {
    value: 'aws-ec2',
    label: 'AWS EC2 instance',
    needs:
      'The instance id and region, and AWS credentials allowed to describe, start and stop it (default chain, a profile, or a key kept in the keychain).',
  },
  {
    value: 'azure-vm',
    label: 'Azure VM',
    needs:
      'The subscription, resource group and VM name, and an identity allowed to start and deallocate it (default chain, managed identity or a client secret).',
  },
];
