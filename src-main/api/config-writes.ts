import { getPath, setPath } from '../lib/object-path.js';
import type { z } from 'zod';
import { ConfigError, type ConfigStore } from '../config/config-store.js';
import { configSchema, hostSchema, runnerSchema, type Config, type HostConfig } from '../config/schema.js';
import { makeSecretRef, type SecretKind } from '../secrets/secret-ref.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { ApiError, badRequest } from './errors.js';

/**
 * Every config edit made through the API: merge the change, validate the result with the config
 * schema, put plain secrets into the keychain under refs, then write the file atomically. Nothing is
 * written (file or keychain) unless the whole result is valid; a failed file write restores the keychain.
 */

type Raw = Record<string, unknown>;
interface SecretField {
  path: string[];
  kind: SecretKind;
  /** The ref's id when the config's default names it (else the entity's id). */
  id?: string;
}

export const hostSecretFields: SecretField[] = [
  { path: ['password'], kind: 'host-password' },
  { path: ['aws', 'secretAccessKey'], kind: 'aws-secret' },
  { path: ['azure', 'clientSecret'], kind: 'azure-secret' },
];
const runnerSecretFields: SecretField[] = [{ path: ['password'], kind: 'runner-password' }];
const settingsSecretFields: SecretField[] = [
  { path: ['orchestrator', 'key'], kind: 'orchestrator-key' },
  { path: ['notifications', 'email', 'password'], kind: 'smtp-password' },
  { path: ['notifications', 'webhook', 'url'], kind: 'webhook-url' },
  // Where the config's default looks for it, as docs/scale-out.md says to store it by hand.
  { path: ['coordination', 'postgres', 'password'], kind: 'coordination-password', id: 'main' },
];
/** Settings are one of a kind: their secrets live under `<kind>:default`. */
const SETTINGS_SECRET_ID = 'default';

const isObject = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Patch semantics: `null` removes, `undefined` keeps, objects merge, everything else replaces. */
export function mergePatch(base: Raw, patch: Raw): Raw {
  const result: Raw = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete result[key];
    else if (isObject(value) && isObject(result[key])) result[key] = mergePatch(result[key] as Raw, value);
    else result[key] = value;
  }
  return result;
}

/** Every secret ref the config names (to know which keychain entries are still in use). */
export function refsInUse(config: Config): Set<string> {
  const refs = new Set<string>();
  const add = (value: unknown) => typeof value === 'string' && refs.add(value);
  for (const host of config.hosts) for (const field of hostSecretFields) add(getPath(host, field.path));
  for (const runner of config.runners)
    for (const field of runnerSecretFields) add(getPath(runner, field.path));
  for (const field of settingsSecretFields) add(getPath(config, field.path));
  return refs;
}

interface SecretPlan {
  /** ref → new value. */
  sets: Map<string, string>;
  /** Refs the change removes from this entity. */
  dropped: string[];
}

/**
 * An AWS secret access key belongs to its access key id, not to a host: it is stored once under
 * `aws-secret:<access key id>` and every host with that key id uses it.
 */
function awsKeyIdOf(patch: Raw, base: Raw): string | undefined {
  const keyId = getPath(patch, ['aws', 'accessKeyId']) ?? getPath(base, ['aws', 'accessKeyId']);
  return typeof keyId === 'string' && keyId ? keyId : undefined;
}

/** Swaps plain secrets in a patch for refs (reusing the stored ref when there is one). Mutates `patch`. */
function extractSecrets(patch: Raw, base: Raw, fields: SecretField[], id: string): SecretPlan {
  const plan: SecretPlan = { sets: new Map(), dropped: [] };
  for (const field of fields) {
    const value = getPath(patch, field.path);
    const existing = getPath(base, field.path);
    if (typeof value === 'string') {
      const awsKeyId = field.kind === 'aws-secret' ? awsKeyIdOf(patch, base) : undefined;
      const ref = awsKeyId
        ? makeSecretRef('aws-secret', awsKeyId)
        : typeof existing === 'string'
          ? existing
          : makeSecretRef(field.kind, field.id ?? id);
      plan.sets.set(ref, value);
      setPath(patch, field.path, ref);
    } else if (value === null && typeof existing === 'string') plan.dropped.push(existing);
  }
  return plan;
}

/** Another host (not `exceptHostId`) whose keychain holds the secret of this AWS access key id. */
export function hostHoldingAwsSecret(
  hosts: readonly HostConfig[],
  accessKeyId: string | undefined,
  exceptHostId: string,
): HostConfig | undefined {
  return hosts.find(
    (other) =>
      other.id !== exceptHostId &&
      other.aws?.credentials === 'keychain' &&
      other.aws.accessKeyId === accessKeyId &&
      other.aws.secretAccessKey !== undefined,
  );
}

/**
 * A host with keychain AWS credentials and no secret of its own given uses the one stored for its
 * access key id by another host: the secret is typed once per key, not once per host.
 */
function withSharedAwsSecret(host: Raw, config: Config, plan: SecretPlan): Raw {
  const aws = host.aws;
  if (!isObject(aws) || aws.credentials !== 'keychain' || typeof aws.accessKeyId !== 'string') return host;
  const ownRef = typeof aws.secretAccessKey === 'string' ? aws.secretAccessKey : undefined;
  if (ownRef !== undefined && plan.sets.has(ownRef)) return host; // a secret came with this write
  const sibling = hostHoldingAwsSecret(config.hosts, aws.accessKeyId, String(host.id));
  if (!sibling?.aws?.secretAccessKey) return host;
  // No secret, or the ref of another key id (the key id changed and no new secret came with it).
  const stale =
    ownRef !== undefined && config.hosts.find((h) => h.id === host.id)?.aws?.accessKeyId !== aws.accessKeyId;
  if (ownRef !== undefined && !stale) return host;
  return { ...host, aws: { ...aws, secretAccessKey: sibling.aws.secretAccessKey } };
}

function validateEntity<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw badRequest(result.error);
  return result.data;
}

export class ConfigWriter {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ConfigStore,
    private readonly secrets: SecretStore,
    private readonly onChanged: () => void = () => {},
  ) {}

  load(): Config {
    try {
      return this.store.load();
    } catch (error) {
      throw asApiError(error);
    }
  }

  /** One write at a time: each reads the file the previous one wrote. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  addHost(input: Raw) {
    return this.serial(async () => {
      const config = this.load();
      const id = String(input.id);
      if (config.hosts.some((host) => host.id === id))
        throw new ApiError('conflict', `id: a host "${id}" already exists`, [
          { path: 'id', message: `a host "${id}" already exists` },
        ]);
      const patch = structuredClone(input);
      const plan = extractSecrets(patch, {}, hostSecretFields, id);
      const host = validateEntity(hostSchema, withSharedAwsSecret(patch, config, plan));
      await this.commit({ ...config, hosts: [...config.hosts, host] }, plan, config);
      return host;
    });
  }

  editHost(input: Raw) {
    return this.serial(async () => {
      const config = this.load();
      const { id, ...changes } = input;
      const index = config.hosts.findIndex((host) => host.id === id);
      if (index < 0) throw new ApiError('not-found', `no host with id "${String(id)}"`);
      const base = config.hosts[index] as unknown as Raw;
      const plan = extractSecrets(changes, base, hostSecretFields, String(id));
      const host = validateEntity(hostSchema, withSharedAwsSecret(mergePatch(base, changes), config, plan));
      const hosts = config.hosts.with(index, host);
      await this.commit({ ...config, hosts }, plan, config);
      return host;
    });
  }

  /** Removes a host; one with runners attached only with `releaseRunners` (they go in the same write). */
  removeHost(id: string, { releaseRunners = false }: { releaseRunners?: boolean } = {}) {
    return this.serial(async () => {
      const config = this.load();
      const host = config.hosts.find((h) => h.id === id);
      if (!host) throw new ApiError('not-found', `no host with id "${id}"`);
      const attached = config.runners.filter((runner) => runner.host === id).map((runner) => runner.id);
      if (attached.length && !releaseRunners)
        throw new ApiError(
          'conflict',
          `host "${id}" has runners ${attached.join(', ')}: release them or move them to another host first`,
        );
      const hosts = config.hosts.filter((h) => h !== host);
      const runners = config.runners.filter((runner) => runner.host !== id);
      await this.commit({ ...config, hosts, runners }, emptyPlan(), config);
      return { released: attached };
    });
  }

  attachRunner(input: Raw) {
    return this.serial(async () => {
      const config = this.load();
      const id = String(input.id);
      if (config.runners.some((runner) => runner.id === id))
        throw new ApiError('conflict', `id: a runner "${id}" is already attached`, [
          { path: 'id', message: `a runner "${id}" is already attached` },
        ]);
      const patch = structuredClone(input);
      const plan = extractSecrets(patch, {}, runnerSecretFields, id);
      const runner = validateEntity(runnerSchema, patch);
      this.requireHost(config, runner.host);
      await this.commit({ ...config, runners: [...config.runners, runner] }, plan, config);
      return runner;
    });
  }

  editRunner(input: Raw) {
    return this.serial(async () => {
      const config = this.load();
      const { id, ...changes } = input;
      const index = config.runners.findIndex((runner) => runner.id === id);
      if (index < 0) throw new ApiError('not-found', `no runner with id "${String(id)}"`);
      const base = config.runners[index] as unknown as Raw;
      const plan = extractSecrets(changes, base, runnerSecretFields, String(id));
      const runner = validateEntity(runnerSchema, mergePatch(base, changes));
      this.requireHost(config, runner.host);
      await this.commit({ ...config, runners: config.runners.with(index, runner) }, plan, config);
      return runner;
    });
  }

  releaseRunner(id: string) {
    return this.serial(async () => {
      const config = this.load();
      if (!config.runners.some((runner) => runner.id === id))
        throw new ApiError('not-found', `no runner with id "${id}"`);
      await this.commit(
        { ...config, runners: config.runners.filter((r) => r.id !== id) },
        emptyPlan(),
        config,
      );
    });
  }

  updateSettings(patch: Raw) {
    return this.serial(async () => {
      const config = this.load();
      const changes = structuredClone(patch);
      const base = config as unknown as Raw;
      const plan = extractSecrets(changes, base, settingsSecretFields, SETTINGS_SECRET_ID);
      const next = validateEntity(configSchema, mergePatch(base, changes));
      await this.commit(next, plan, config);
      return next;
    });
  }

  /** Sets one field of a stored host without touching secrets (certificate pinning). */
  private requireHost(config: Config, hostId: string): void {
    if (!config.hosts.some((host) => host.id === hostId))
      throw new ApiError('bad-request', `host: no host with id "${hostId}"`, [
        { path: 'host', message: `no host with id "${hostId}"` },
      ]);
  }

  /** Validates the whole config, stores secrets, writes the file; restores the keychain if the write fails. */
  private async commit(next: Config, plan: SecretPlan, previous: Config): Promise<void> {
    const checked = configSchema.safeParse(next);
    if (!checked.success) throw badRequest(checked.error);
    const restore: Array<[string, string | undefined]> = [];
    try {
      for (const [ref, value] of plan.sets) {
        restore.push([ref, await this.secrets.get(ref)]);
        await this.secrets.set(ref, value);
      }
      this.store.save(checked.data);
    } catch (error) {
      for (const [ref, old] of restore.reverse())
        await (old === undefined ? this.secrets.delete(ref) : this.secrets.set(ref, old)).catch(
          () => undefined,
        );
      throw asApiError(error);
    }
    // Keychain entries nothing refers to any more go away (after the file no longer names them).
    const stillUsed = refsInUse(checked.data);
    const unused = [...refsInUse(previous), ...plan.dropped].filter((ref) => !stillUsed.has(ref));
    for (const ref of new Set(unused)) await this.secrets.delete(ref).catch(() => undefined);
    this.onChanged();
  }
}

function emptyPlan(): SecretPlan {
  return { sets: new Map(), dropped: [] };
}

/** Known failures → API errors; anything else is passed on (the transport reports it as internal). */
export function asApiError(error: unknown): unknown {
  if (error instanceof ConfigError)
    return new ApiError(
      'conflict',
      `The config file ${error.file} is invalid; fix it first (nothing was changed)`,
      error.problems.map((problem) => {
        const at = problem.indexOf(': ');
        return { path: at > 0 ? problem.slice(0, at) : '(file)', message: problem.slice(at + 2) };
      }),
    );
  if (error instanceof Error && error.name === 'SecretStoreUnavailableError')
    return new ApiError('keychain-unavailable', error.message);
  if (error instanceof Error && error.name === 'ReadOnlySecretStoreError')
    return new ApiError('conflict', error.message);
  return error;
}
