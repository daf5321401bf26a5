import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSchema, type Config, type ConfigInput } from '../../../src-main/config/schema.js';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';
import type { SessionManagerApi } from '../../../src-main/api/contract.js';
import { eventually } from '../../helpers/eventually.js';
import { control, startFakeProcess, ticksPassed, type FakeProcess } from '../../helpers/service-process.js';

/**
 * What the service tests run against: the fake Maestro and the fake EC2 as processes, the secrets in the
 * keychain of the test run, and a config file pointing at them the way a user points at real endpoints.
 * Each test file passes its own `name`, so keychain entries and instance ids never collide.
 */

export const ACCESS_KEY_ID = 'AKIASERVICETEST0001';
const LOGIN = 'svc-login';
const WORKSPACE_KEY = 'svc-workspace-key';
const AWS_SECRET = 'svc-aws-secret-access-key';

export interface HostSpec {
  id: string;
  instanceId: string;
  /** RDP endpoint; console-mode runners never connect to it. */
  address?: string;
  user?: string;
  sessionMode?: 'rdp' | 'console';
  runnerId?: string;
}

export interface Ec2Call {
  action: string;
  at: number;
  instanceIds: string[];
  error?: string;
}

export interface FakeInstanceView {
  id: string;
  state: string;
  tags: Record<string, string>;
}

export interface BotTask {
  id: number;
  state: 'START' | 'RUNNING' | 'FINISHED' | 'CANCELED';
  machineId: string | null;
  dateCreation: number;
}

export interface ServiceWorld {
  botcity: FakeProcess;
  ec2: FakeProcess;
  dir: string;
  configPath: string;
  /** The env the service needs besides its own: the EC2 endpoint override. */
  env: NodeJS.ProcessEnv;
  /** Validates and writes the config, as a user's editor would (a plain write of the file). */
  writeConfig(hosts: HostSpec[], options?: { policy?: ConfigInput['policy']; pollSeconds?: number }): Config;
  addInstances(ids: string[], state?: 'stopped' | 'running'): Promise<void>;
  /** The RDP password of every host (one keychain entry for all of them). */
  setHostPassword(password: string): Promise<void>;
  queueTask(runnerId: string): Promise<BotTask>;
  startTask(id: number, runnerId: string): Promise<BotTask>;
  finishTask(id: number): Promise<BotTask>;
  cancelTask(id: number): Promise<BotTask>;
  setOnline(runnerId: string, isOnline: boolean): Promise<void>;
  ec2Calls(): Promise<Ec2Call[]>;
  instances(): Promise<FakeInstanceView[]>;
  stop(): Promise<void>;
}

export const defaultPolicy = {
  idleGraceMinutes: 0.05,
  minUptimeMinutes: 0,
  drainObservations: 2,
  bootTimeoutMinutes: 3,
  maxHostsOn: 10,
} satisfies ConfigInput['policy'];

export async function startWorld(
  name: string,
  options: { transitionMs?: number } = {},
): Promise<ServiceWorld> {
  const [botcity, ec2] = await Promise.all([
    startFakeProcess('test/fakes/botcity/server.ts', ['--login', LOGIN, '--key', WORKSPACE_KEY]),
    startFakeProcess('test/fakes/ec2/server.ts'),
  ]);
  await control(ec2.url, '/__control/transition-ms', { ms: options.transitionMs ?? 300 });
  // With the secret known, the fake verifies each SigV4 signature: the key really came from the keychain.
  await control(ec2.url, '/__control/keys', { secretKeys: { [ACCESS_KEY_ID]: AWS_SECRET } });

  const secrets = new KeychainStore();
  const refs = {
    orchestrator: `orchestrator-key:svc-${name}`,
    aws: `aws-secret:svc-${name}`,
    host: `host-password:svc-${name}`,
  };
  await secrets.set(refs.orchestrator, WORKSPACE_KEY);
  await secrets.set(refs.aws, AWS_SECRET);
  await secrets.set(refs.host, 'svc-host-password');

  const dir = mkdtempSync(path.join(tmpdir(), `sm-svc-${name}-`));
  const configPath = path.join(dir, 'config.json');

  return {
    botcity,
    ec2,
    dir,
    configPath,
    env: { AWS_ENDPOINT_URL_EC2: ec2.url },
    writeConfig(hosts, { policy = defaultPolicy, pollSeconds = 1 } = {}) {
      const config = configSchema.parse({
        version: 1,
        orchestrator: {
          kind: 'botcity',
          server: botcity.url,
          login: LOGIN,
          key: refs.orchestrator,
          pollSeconds,
        },
        policy,
        hosts: hosts.map((host) => ({
          id: host.id,
          address: host.address ?? '127.0.0.1:9',
          protocol: 'aws-ec2',
          user: host.user ?? 'bot',
          password: refs.host,
          aws: {
            instanceId: host.instanceId,
            region: 'us-east-1',
            credentials: 'keychain',
            accessKeyId: ACCESS_KEY_ID,
            secretAccessKey: refs.aws,
          },
        })),
        runners: hosts.map((host) => ({
          id: host.runnerId ?? `${host.id}-runner`,
          host: host.id,
          sessionMode: host.sessionMode ?? 'console',
          width: 1280,
          height: 800,
          activities: [`${host.runnerId ?? `${host.id}-runner`}-activity`],
        })),
        notifications: { desktop: false, orchestratorAlerts: false },
        api: { port: 0 },
      } satisfies ConfigInput);
      writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
      return config;
    },
    async addInstances(ids, state = 'stopped') {
      await control(ec2.url, '/__control/instances', {
        instances: ids.map((id) => ({ id, state, privateIp: '127.0.0.1' })),
      });
    },
    async setHostPassword(password) {
      await secrets.set(refs.host, password);
    },
    queueTask: (runnerId) =>
      control<BotTask>(botcity.url, '/__control/tasks', {
        activityLabel: `${runnerId}-activity`,
        machineId: runnerId,
      }),
    startTask: (id, runnerId) =>
      control<BotTask>(botcity.url, `/__control/tasks/${id}/start`, { machineId: runnerId }),
    finishTask: (id) => control<BotTask>(botcity.url, `/__control/tasks/${id}/finish`, {}),
    cancelTask: (id) => control<BotTask>(botcity.url, `/__control/tasks/${id}/cancel`, {}),
    async setOnline(runnerId, isOnline) {
      await control(botcity.url, `/__control/machines/${encodeURIComponent(runnerId)}`, { isOnline });
    },
    async ec2Calls() {
      return (await control<{ calls: Ec2Call[] }>(ec2.url, '/__control/calls')).calls;
    },
    instances: () => control<FakeInstanceView[]>(ec2.url, '/__control/instances'),
    async stop() {
      await Promise.all([botcity.stop(), ec2.stop()]);
      await Promise.all(Object.values(refs).map((ref) => secrets.delete(ref).catch(() => undefined)));
    },
  };
}

/** The calls of one action that touched one instance. */
export const callsFor = (calls: Ec2Call[], action: string, instanceId: string) =>
  calls.filter((call) => call.action === action && !call.error && call.instanceIds.includes(instanceId));

/**
 * One task on a console-mode runner, from queue to stop: queued, its host started and running, the
 * task started and seen running by the service, kept running for `runTicks` of the service's ticks
 * (0: ends at once), finished, and the host stopped when idle (a stop call after `stopsBefore`).
 */
export async function runTaskCycle(
  world: ServiceWorld,
  api: SessionManagerApi,
  cycle: { runnerId: string; instanceId: string; stopsBefore: number; runTicks?: number },
): Promise<void> {
  const { runnerId, instanceId } = cycle;
  const task = await world.queueTask(runnerId);
  await eventually(
    async () => (await world.instances()).find((i) => i.id === instanceId)?.state === 'running' || undefined,
    'the host to run',
    60_000,
  );
  await world.startTask(task.id, runnerId);
  const seen = await eventually(
    async () => {
      const state = await api.getState();
      return state.runners.find((r) => r.id === runnerId)?.running ? state : undefined;
    },
    'the task to be seen running',
    30_000,
  );
  if (cycle.runTicks) await ticksPassed(api, seen.ticks, cycle.runTicks);
  await world.finishTask(task.id);
  await eventually(
    async () =>
      (await world.instances()).find((i) => i.id === instanceId)?.state === 'stopped' &&
      callsFor(await world.ec2Calls(), 'StopInstances', instanceId).length > cycle.stopsBefore
        ? true
        : undefined,
    'the host to be stopped when idle',
    90_000,
  );
}
