import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigStore } from '../../src-main/config/config-store.js';
import { configSchema, type Config, type ConfigInput } from '../../src-main/config/schema.js';
import type { HostConfig } from '../../src-main/config/schema.js';
import { KeychainStore } from '../../src-main/secrets/keychain-store.js';
import { FakeBotCity } from '../fakes/botcity/fake-botcity.js';
import { Ec2FakeServer } from '../fakes/ec2/server.js';
import { startServiceProcess, type ServiceDirs, type ServiceProcess } from '../helpers/service-process.js';

/**
 * One test's world: the fake BotCity and the fake EC2 in this process (so the test can inject
 * failures and read call logs directly), secrets in the keychain, a config file pointing at them,
 * and the real service as a child process that can be killed and started again.
 */

export const RUNNER_ACTIVITY = 'fault-activity';
type HostInput = NonNullable<ConfigInput['hosts']>[number];
const ACCESS_KEY_ID = 'AKIAFAULTTEST0000001';

export interface FaultWorld extends ServiceDirs {
  id: string;
  botcity: FakeBotCity;
  ec2: Ec2FakeServer;
  secrets: KeychainStore;
  /** Secret refs this world stored (removed at close). */
  refs: string[];
  /** Stores a secret in the keychain for this world (removed at close). */
  storeSecret(ref: string, value: string): Promise<void>;
  /** Fresh EC2 instance id (17 hex digits). */
  instanceId(): string;
  awsHost(hostId: string, instanceId: string, extra?: Partial<HostConfig>): HostInput;
  writeConfig(
    config: Omit<ConfigInput, 'version' | 'orchestrator'> & {
      pollSeconds?: number;
      orchestratorUrl?: string;
    },
  ): Config;
  start(options?: { env?: NodeJS.ProcessEnv; imports?: string[] }): Promise<ServiceProcess>;
  /** The service running now (after start), if any. */
  service?: ServiceProcess;
  close(): Promise<void>;
}

export async function faultWorld(
  name: string,
  options: { orchestratorKey?: string } = {},
): Promise<FaultWorld> {
  const id = `${name}-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), `sm-fault-${name}-`));
  const orchestratorKey = options.orchestratorKey ?? `fault-key-${id}`;
  const awsSecret = `fault-aws-secret-${id}`;
  const botcity = new FakeBotCity({ login: 'fault', key: orchestratorKey });
  await botcity.listen(0);
  const ec2 = new Ec2FakeServer({ secretKeys: { [ACCESS_KEY_ID]: awsSecret } });
  await ec2.listen(0);
  const secrets = new KeychainStore();
  const refs = [`orchestrator-key:${id}`, `aws-secret:${id}`];
  await secrets.set(refs[0]!, orchestratorKey);
  await secrets.set(refs[1]!, awsSecret);

  const world: FaultWorld = {
    id,
    dir,
    configPath: path.join(dir, 'config.json'),
    botcity,
    ec2,
    secrets,
    refs,
    storeSecret: async (ref, value) => {
      refs.push(ref);
      await secrets.set(ref, value);
    },
    instanceId: () => `i-${randomBytes(9).toString('hex').slice(0, 17)}`,
    awsHost: (hostId, instanceId, extra = {}) => ({
      id: hostId,
      address: '127.0.0.1:1',
      protocol: 'aws-ec2' as const,
      user: 'bot',
      password: `host-password:${id}`,
      aws: {
        instanceId,
        region: 'us-east-1',
        credentials: 'keychain' as const,
        accessKeyId: ACCESS_KEY_ID,
        secretAccessKey: `aws-secret:${id}`,
      },
      ...extra,
    }),
    writeConfig: ({ pollSeconds, orchestratorUrl, ...rest }) => {
      const config = configSchema.parse({
        version: 1,
        orchestrator: {
          kind: 'botcity',
          server: orchestratorUrl ?? botcity.url,
          login: 'fault',
          key: `orchestrator-key:${id}`,
          pollSeconds: pollSeconds ?? 1,
        },
        notifications: { desktop: false, orchestratorAlerts: true },
        ...rest,
      });
      new ConfigStore(world.configPath).save(config);
      return config;
    },
    start: async (options = {}) => {
      world.service = await startServiceProcess({
        configPath: world.configPath,
        dir,
        entry: 'bundle',
        env: { AWS_ENDPOINT_URL_EC2: ec2.url, AWS_REGION: 'us-east-1', ...options.env },
        ...(options.imports ? { imports: options.imports } : {}),
      });
      return world.service;
    },
    close: async () => {
      await world.service?.stop().catch(() => undefined);
      await botcity.close();
      await ec2.close();
      for (const ref of refs) await secrets.delete(ref).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Policy for fast fault tests: short grace, no minimum uptime, one idle observation drains. */
export const fastPolicy = {
  idleGraceMinutes: 0.05,
  minUptimeMinutes: 0,
  bootTimeoutMinutes: 5,
  maxHostsOn: 10,
  drainObservations: 1,
  prewarm: false,
};

/** EC2 calls of one action after index `from` of the call log. */
export function callsSince(ec2: Ec2FakeServer, from: number, action: string, instanceId?: string) {
  return ec2.world.calls
    .slice(from)
    .filter((call) => call.action === action && (!instanceId || call.instanceIds.includes(instanceId)));
}
