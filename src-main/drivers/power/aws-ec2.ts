import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { fromIni } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { z } from 'zod';
import { parseAddress, type HostConfig } from '../../config/schema.js';
import type {
  HostPower,
  PowerDriver,
  PowerObservation,
  PowerReadError,
  PowerResult,
  PowerState,
} from '../../core/power-driver.js';
import { MissingSecretError, type SecretStore } from '../../secrets/secret-store.js';
import { attemptsOf, ec2ErrorCode, ec2ErrorKind, missingInstanceIds } from './aws-ec2-errors.js';
import { MANAGED_TAG, chunk, failed, messageOf, ok, unknownHost } from './power-results.js';

type AwsSettings = NonNullable<HostConfig['aws']>;

export interface Ec2DriverOptions {
  /** Where `credentials: keychain` secrets are read (by ref). */
  secrets: SecretStore;
  /** HTTP attempts per SDK call, the SDK's own retries included (bounds a throttling storm). Default 3. */
  maxAttempts?: number;
  /** Suggested wait after throttling; EC2 sends no Retry-After. Default 10 s. */
  throttledRetryAfterMs?: number;
  /** Per-request timeout. Default 15 s. */
  requestTimeoutMs?: number;
}

/**
 * Instance ids per DescribeInstances. The API caps filter values at 200 but documents no cap on
 * InstanceIds, so ids go as InstanceIds: 1,000 hosts of a region cost one call.
 */
const DESCRIBE_CHUNK = 1000;

/**
 * StopInstances with Hibernate refused for the hibernation itself: the agent is not ready yet (soon
 * after launch), the instance or its configuration does not support it. The host is stopped instead.
 */
const HIBERNATE_REFUSALS = new Set([
  'UnsupportedHibernationConfiguration',
  'UnsupportedOperation',
  'IncorrectInstanceState',
  'IncorrectState',
  'InvalidParameterCombination',
]);

/** What we read of an EC2 instance; the SDK's output is validated before use. */
const instanceSchema = z.object({
  InstanceId: z.string(),
  State: z.object({ Name: z.string().optional() }).optional(),
  PublicIpAddress: z.string().optional(),
  PrivateIpAddress: z.string().optional(),
  Tags: z.array(z.object({ Key: z.string().optional(), Value: z.string().optional() })).optional(),
  HibernationOptions: z.object({ Configured: z.boolean().optional() }).optional(),
});
type Instance = z.infer<typeof instanceSchema>;
const describeOutputSchema = z.object({
  Reservations: z.array(z.object({ Instances: z.array(instanceSchema).optional() })).optional(),
  NextToken: z.string().optional(),
});
const stateChangeSchema = z.object({
  StartingInstances: z
    .array(
      z.object({
        InstanceId: z.string().optional(),
        PreviousState: z.object({ Name: z.string().optional() }).optional(),
        CurrentState: z.object({ Name: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

const ec2States: Record<string, PowerState> = {
  pending: 'starting',
  running: 'on',
  stopping: 'stopping',
  stopped: 'off',
  'shutting-down': 'gone',
  terminated: 'gone',
};

export function ec2PowerState(name: string | undefined): PowerState {
  return (name && ec2States[name]) || 'unknown';
}

function isManaged(instance: Instance): boolean {
  return (instance.Tags ?? []).some((tag) => tag.Key === MANAGED_TAG && tag.Value === 'true');
}

function settingsOf(host: HostConfig): AwsSettings {
  if (!host.aws) throw new Error(`host ${host.id} has no aws settings`);
  return host.aws;
}

/**
 * Hosts that share a region and a credential set share a client and a DescribeInstances: the same
 * access key id (whichever keychain entry holds its secret: each host has its own), the same profile,
 * or the default chain. 60 hosts with one key cost one call per tick, not 60.
 */
function clientKey(aws: AwsSettings): string {
  const who =
    aws.credentials === 'keychain'
      ? (aws.accessKeyId ?? '')
      : aws.credentials === 'profile'
        ? (aws.profile ?? '')
        : '';
  return `${aws.region ?? ''}|${aws.credentials}|${who}`;
}

export class Ec2PowerDriver implements PowerDriver {
  readonly protocol = 'aws-ec2' as const;
  private readonly clients = new Map<string, EC2Client>();
  /** Per client key with keychain credentials: the keychain entries that hold its secret (one per host). */
  private readonly secretRefs = new Map<string, Set<string>>();

  constructor(private readonly options: Ec2DriverOptions) {}

  async observe(hosts: readonly HostConfig[]): Promise<PowerObservation> {
    const observation: PowerObservation = { hosts: new Map(), calls: 0, problems: [] };
    const groups = new Map<string, HostConfig[]>();
    for (const host of hosts) {
      if (!host.aws) {
        observation.hosts.set(host.id, unknownHost(host.id, 'no aws settings'));
        continue;
      }
      const key = clientKey(host.aws);
      groups.set(key, [...(groups.get(key) ?? []), host]);
    }
    await Promise.all([...groups.values()].map((group) => this.observeGroup(group, observation)));
    return observation;
  }

  private async observeGroup(group: HostConfig[], observation: PowerObservation): Promise<void> {
    const client = this.clientFor(settingsOf(group[0]!));
    const ids = [...new Set(group.map((host) => settingsOf(host).instanceId))];
    const found = new Map<string, Instance>();
    const missing = new Set<string>();
    let readError: PowerReadError | undefined;
    for (const ids1000 of chunk(ids, DESCRIBE_CHUNK)) {
      const result = await this.describe(client, ids1000);
      observation.calls += result.calls;
      for (const instance of result.instances) found.set(instance.InstanceId, instance);
      for (const id of result.missing) missing.add(id);
      if (result.problem) {
        const message = `EC2 ${settingsOf(group[0]!).region ?? ''}: ${result.problem.message}`.trim();
        observation.problems.push(message);
        readError ??= { kind: result.problem.kind, message };
      }
    }
    for (const host of group) {
      const aws = settingsOf(host);
      const instance = found.get(aws.instanceId);
      if (instance) observation.hosts.set(host.id, this.hostPower(host, instance));
      else if (missing.has(aws.instanceId))
        observation.hosts.set(host.id, {
          hostId: host.id,
          state: 'gone',
          managed: false,
          detail: 'instance not found',
        });
      else observation.hosts.set(host.id, unknownHost(host.id, 'EC2 state could not be read', readError));
    }
  }

  /**
   * One DescribeInstances for up to DESCRIBE_CHUNK ids. A single id that no longer exists fails the
   * whole call (InvalidInstanceID.NotFound names the missing ids): drop those and ask once more.
   */
  private async describe(
    client: EC2Client,
    ids: string[],
  ): Promise<{ instances: Instance[]; missing: string[]; calls: number; problem?: PowerReadError }> {
    const missing: string[] = [];
    let calls = 0;
    let wanted = ids;
    for (let attempt = 0; attempt < 2 && wanted.length > 0; attempt++) {
      try {
        const instances: Instance[] = [];
        let nextToken: string | undefined;
        do {
          const output = await client.send(
            new DescribeInstancesCommand({ InstanceIds: wanted, NextToken: nextToken }),
          );
          calls += output.$metadata.attempts ?? 1;
          const parsed = describeOutputSchema.parse(output);
          for (const reservation of parsed.Reservations ?? [])
            instances.push(...(reservation.Instances ?? []));
          nextToken = parsed.NextToken || undefined;
        } while (nextToken);
        return { instances, missing, calls };
      } catch (error) {
        calls += attemptsOf(error);
        const gone =
          ec2ErrorCode(error) === 'InvalidInstanceID.NotFound' ? missingInstanceIds(messageOf(error)) : [];
        const stillWanted = wanted.filter((id) => !gone.includes(id));
        if (gone.length === 0 || stillWanted.length === wanted.length)
          return {
            instances: [],
            missing,
            calls,
            problem: { kind: ec2ErrorKind(error), message: `${ec2ErrorCode(error)}: ${messageOf(error)}` },
          };
        missing.push(...wanted.filter((id) => gone.includes(id)));
        wanted = stillWanted;
      }
    }
    return { instances: [], missing, calls };
  }

  private hostPower(host: HostConfig, instance: Instance): HostPower {
    const aws = settingsOf(host);
    const power: HostPower = {
      hostId: host.id,
      state: ec2PowerState(instance.State?.Name),
      managed: isManaged(instance),
      detail: instance.State?.Name ?? 'unknown',
    };
    const ip =
      aws.addressFrom === 'public'
        ? instance.PublicIpAddress
        : aws.addressFrom === 'private'
          ? instance.PrivateIpAddress
          : undefined;
    if (ip) {
      const port = parseAddress(host.address)?.port ?? 3389;
      power.address = port === 3389 ? ip : `${ip}:${port}`;
    }
    return power;
  }

  async start(host: HostConfig): Promise<PowerResult> {
    if (!host.aws) return failed('other', `host ${host.id} has no aws settings`);
    const aws = host.aws;
    const client = this.clientFor(aws);
    // Tag a stopped instance before starting it: were this process killed between StartInstances and
    // CreateTags, the instance would run untagged, and no later run would ever stop it (a leak).
    let pretagged = false;
    try {
      const instance = await this.describeOne(client, aws.instanceId);
      if (instance?.State?.Name === 'stopped' && !isManaged(instance)) {
        const tagged = await this.tagManaged(client, aws.instanceId);
        if (!tagged.ok) return tagged;
        pretagged = true;
      }
    } catch (error) {
      return this.failure(error);
    }
    let previous: string | undefined;
    try {
      const output = stateChangeSchema.parse(
        await client.send(new StartInstancesCommand({ InstanceIds: [aws.instanceId] })),
      );
      previous = output.StartingInstances?.[0]?.PreviousState?.Name;
    } catch (error) {
      if (ec2ErrorKind(error) === 'incorrect-state') return this.explainIncorrectState(client, aws, error);
      return this.failure(error);
    }
    // Tag only what we brought up: an instance someone else already runs stays theirs to stop.
    if (previous !== 'running' && !pretagged) {
      const tagged = await this.tagManaged(client, aws.instanceId);
      if (!tagged.ok) return tagged;
    }
    return ok(previous === 'running' ? 'already running' : `starting (was ${previous ?? 'unknown'})`);
  }

  /** Sets the managed tag; CreateTags with the same value again is a no-op, so this is idempotent. */
  private async tagManaged(client: EC2Client, instanceId: string): Promise<PowerResult> {
    try {
      await client.send(
        new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: MANAGED_TAG, Value: 'true' }] }),
      );
      return ok();
    } catch (error) {
      const result = this.failure(error);
      return result.ok
        ? result
        : {
            ...result,
            message: `instance started but the ${MANAGED_TAG} tag could not be set: ${result.message}`,
          };
    }
  }

  /** Starting a terminated instance is "incorrect state" to EC2; to us it is gone. */
  private async explainIncorrectState(
    client: EC2Client,
    aws: AwsSettings,
    error: unknown,
  ): Promise<PowerResult> {
    const instance = await this.describeOne(client, aws.instanceId);
    if (instance && ec2PowerState(instance.State?.Name) === 'gone')
      return failed('not-found', `instance ${aws.instanceId} is ${instance.State?.Name}`);
    return this.failure(error);
  }

  async stop(host: HostConfig): Promise<PowerResult> {
    if (!host.aws) return failed('other', `host ${host.id} has no aws settings`);
    const aws = host.aws;
    const client = this.clientFor(aws);
    // Look again just before a destructive action: state and ownership may have changed since observe.
    let instance: Instance | undefined;
    try {
      instance = await this.describeOne(client, aws.instanceId);
    } catch (error) {
      return this.failure(error);
    }
    if (!instance) return ok('instance not found: nothing to stop');
    const state = ec2PowerState(instance.State?.Name);
    if (state === 'off' || state === 'stopping' || state === 'gone')
      return ok(`already ${instance.State?.Name}`);
    if (!isManaged(instance) && !host.powerOffUnmanaged)
      return failed(
        'not-managed',
        `instance ${aws.instanceId} has no ${MANAGED_TAG}=true tag: Session Manager did not start it, so it will not stop it (set powerOffUnmanaged on host ${host.id} to allow)`,
      );
    let refused: string | undefined;
    if (instance.HibernationOptions?.Configured) {
      try {
        await client.send(new StopInstancesCommand({ InstanceIds: [aws.instanceId], Hibernate: true }));
        return { ok: true, detail: 'hibernating', hibernated: true };
      } catch (error) {
        // Only a refusal of hibernation itself falls back (not ready yet, unsupported); a throttled,
        // denied or unreachable call is a failure like any other.
        if (!HIBERNATE_REFUSALS.has(ec2ErrorCode(error))) return this.failure(error);
        refused = `${ec2ErrorCode(error)}: ${messageOf(error)}`;
      }
    }
    try {
      await client.send(new StopInstancesCommand({ InstanceIds: [aws.instanceId] }));
      return { ok: true, detail: 'stopping', ...(refused && { hibernateRefused: refused }) };
    } catch (error) {
      return this.failure(error);
    }
  }

  /** undefined when EC2 says the id does not exist; throws on other errors. */
  private async describeOne(client: EC2Client, instanceId: string): Promise<Instance | undefined> {
    try {
      const output = describeOutputSchema.parse(
        await client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
      );
      return output.Reservations?.flatMap((reservation) => reservation.Instances ?? [])[0];
    } catch (error) {
      if (ec2ErrorCode(error) === 'InvalidInstanceID.NotFound') return undefined;
      throw error;
    }
  }

  private failure(error: unknown): PowerResult {
    const kind = ec2ErrorKind(error);
    const message = `${ec2ErrorCode(error)}: ${messageOf(error)}`;
    return failed(
      kind,
      message,
      kind === 'throttled' ? (this.options.throttledRetryAfterMs ?? 10_000) : undefined,
    );
  }

  private clientFor(aws: AwsSettings): EC2Client {
    const key = clientKey(aws);
    if (aws.credentials === 'keychain' && aws.secretAccessKey) {
      const refs = this.secretRefs.get(key) ?? new Set<string>();
      refs.add(aws.secretAccessKey);
      this.secretRefs.set(key, refs);
    }
    let client = this.clients.get(key);
    if (!client) {
      // The endpoint is left to the SDK: it honours AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL and endpoint_url in the profile.
      const credentials = this.credentialsFor(aws, this.secretRefs.get(key) ?? new Set());
      client = new EC2Client({
        ...(aws.region ? { region: aws.region } : {}),
        ...(aws.credentials === 'profile' && aws.profile ? { profile: aws.profile } : {}),
        ...(credentials ? { credentials } : {}),
        maxAttempts: this.options.maxAttempts ?? 3,
        requestHandler: { requestTimeout: this.options.requestTimeoutMs ?? 15_000, connectionTimeout: 5_000 },
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** `refs`: the keychain entries that may hold the key's secret (the hosts sharing it), tried in order. */
  private credentialsFor(
    aws: AwsSettings,
    refs: ReadonlySet<string>,
  ): AwsCredentialIdentityProvider | undefined {
    if (aws.credentials === 'profile') return fromIni({ profile: aws.profile });
    if (aws.credentials === 'keychain') {
      const { accessKeyId } = aws;
      // Read lazily, when the SDK first needs to sign; problems surface as typed 'auth' results, never throws.
      return async (): Promise<AwsCredentialIdentity> => {
        for (const ref of refs) {
          const secret = await this.options.secrets.get(ref);
          if (accessKeyId && secret) return { accessKeyId, secretAccessKey: secret };
        }
        const error =
          refs.size > 0
            ? new MissingSecretError([...refs][0]!)
            : new Error('keychain credentials need an access key id and a secret reference');
        error.name = 'CredentialsProviderError';
        throw error;
      };
    }
    return undefined; // the SDK's default chain: environment, shared files, SSO, container or instance role
  }

  /** Releases the SDK clients' sockets. */
  close(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
