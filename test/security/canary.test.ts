import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-main/api/errors.js';
import { callsSince, fastPolicy, faultWorld, type FaultWorld } from '../faults/fault-world.js';
import {
  readEventFile,
  readServiceLogs,
  runCliProcess,
  type ServiceProcess,
} from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { startShadowServer, type ShadowServer } from '../helpers/rdp-servers.js';

/**
 * Canary secrets given through every entry point of the real service — the CLI (stdin and environment),
 * the HTTP API's writes (addHost, editHost, attachRunner, updateSettings) and the calls the host wizard
 * makes (testHostConnection with a host not saved yet; the wizard UI itself calls these same API
 * operations) — are used by the drivers (RDP logon, SigV4 signing, orchestrator login, SMTP) and must
 * never show up in the config file, the service's log files, events (API and history file), any API
 * or SSE reply, /metrics, error messages, or the output of a crash (uncaught error, kill -9).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const tag = randomBytes(4).toString('hex');
const canary = (name: string) => `Canary-${name}-${tag}-S3cret!`;
const C = {
  cliPassword: canary('cli-pw'),
  cliAws: canary('cli-aws'),
  apiPassword: canary('api-pw'),
  apiAws: canary('api-aws'),
  editPassword: canary('edit-pw'),
  runnerPassword: canary('runner-pw'),
  settingsKey: canary('settings-key'),
  smtp: canary('smtp'),
  webhook: canary('webhook'),
  wizardPassword: canary('wizard-pw'),
  wizardAws: canary('wizard-aws'),
  duplicate: canary('dup'),
  invalid: canary('invalid'),
};
const USER = 'smcanary';

let world: FaultWorld;
let shadow: ShadowServer;
/** Every text the tests saw: replies, streams, outputs. Checked at the end as well as on the way. */
const seen: Array<[string, string]> = [];

function expectClean(where: string, text: string): void {
  seen.push([where, text]);
  const leaked = Object.values(C).filter((secret) => text.includes(secret));
  expect(leaked, `${where} leaks a secret`).toEqual([]);
}

/** The world's own keychain secrets (orchestrator key, AWS secret) are secrets too. */
async function worldSecrets(): Promise<string[]> {
  const values = await Promise.all(world.refs.map((ref) => world.secrets.get(ref)));
  return values.filter((value): value is string => typeof value === 'string' && value.length >= 8);
}

async function raw(service: ServiceProcess, route: string): Promise<string> {
  const response = await fetch(`${service.url}${route}`, {
    headers: { authorization: `Bearer ${service.token}` },
  });
  return Buffer.from(await response.arrayBuffer()).toString('latin1');
}

/** Reads the SSE stream from the start until it has delivered event `lastId`. */
async function readStream(service: ServiceProcess, lastId: number): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${service.url}/api/events/stream?after=0`, {
    headers: { authorization: `Bearer ${service.token}` },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  let text = '';
  try {
    while (!new RegExp(`^id: ${lastId}$`, 'm').test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
  } finally {
    controller.abort();
  }
  return text;
}

async function apiError(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return JSON.stringify({ message: (error as ApiError).message, error });
  }
  throw new Error('the call was expected to fail');
}

beforeAll(async () => {
  // The orchestrator's key is a canary too: the API sets it (step 3) and the service logs in with it.
  world = await faultWorld('canary', { orchestratorKey: C.settingsKey });
  shadow = await startShadowServer({ user: USER, password: C.apiPassword });
  await world.storeSecret(`smtp-password:${world.id}`, 'placeholder-smtp-password');
  await world.storeSecret(`webhook-url:${world.id}`, 'http://127.0.0.1:1/placeholder');
  world.refs.push(
    `host-password:cli-${world.id}`,
    `aws-secret:cla-${world.id}`,
    `host-password:api-${world.id}`,
    `aws-secret:apa-${world.id}`,
    `host-password:apa-${world.id}`,
    `runner-password:rn-${world.id}`,
  );
  world.writeConfig({
    policy: fastPolicy,
    notifications: {
      desktop: false,
      orchestratorAlerts: true,
      email: {
        host: '127.0.0.1',
        port: 1,
        security: 'none',
        user: 'alerts',
        password: `smtp-password:${world.id}`,
        from: 'sm@example.com',
        to: ['ops@example.com'],
      },
      webhook: { url: `webhook-url:${world.id}`, format: 'json' },
    },
  });
}, 120_000);

afterAll(async () => {
  await world?.close();
  await shadow?.stop();
});

describe('a canary secret given through every entry point never leaks', () => {
  it(
    'stays out of config, logs, events, replies, streams, metrics, errors and crash output',
    { timeout: 240_000 },
    async () => {
      const id = world.id;
      const instance = world.instanceId();
      world.ec2.world.addInstance({ id: instance, state: 'stopped', privateIp: '127.0.0.1' });

      // 1. The CLI: a password on stdin, an AWS secret in the environment (both wrong on purpose, so
      //    the drivers' error paths run with them).
      const cli = await runCliProcess(
        [
          'host',
          'add',
          '--id',
          `cli-${id}`,
          '--protocol',
          'rdp',
          '--address',
          `127.0.0.1:${shadow.port}`,
          '--user',
          USER,
          '--password-stdin',
        ],
        { configPath: world.configPath, stdin: `${C.cliPassword}\n` },
      );
      expect(cli.code, cli.stderr).toBe(0);
      expectClean('CLI output', cli.stdout + cli.stderr);
      const cliAws = await runCliProcess(
        [
          'host',
          'add',
          '--id',
          `cla-${id}`,
          '--protocol',
          'aws-ec2',
          '--address',
          '127.0.0.1:1',
          '--user',
          'bot',
          '--password-stdin',
          '--instance-id',
          instance,
          '--region',
          'us-east-1',
          '--aws-credentials',
          'keychain',
          '--aws-access-key-id',
          'AKIAFAULTTEST0000001',
        ],
        {
          configPath: world.configPath,
          stdin: C.cliPassword,
          env: { SESSION_MANAGER_AWS_SECRET_ACCESS_KEY: C.cliAws },
        },
      );
      expect(cliAws.code, cliAws.stderr).toBe(0);
      expectClean('CLI output', cliAws.stdout + cliAws.stderr);
      expectClean('config file after the CLI', readFileSync(world.configPath, 'utf8'));

      // 2. The service, with a hook that turns SIGUSR2 into an uncaught error.
      const service = await world.start({ imports: [path.join(here, 'crash-hook.mjs')] });
      const api = service.api;
      const replies: unknown[] = [];
      const keep = <T>(value: T) => (replies.push(value), value);

      // 3. The API writes.
      keep(
        await api.addHost({
          id: `api-${id}`,
          address: `127.0.0.1:${shadow.port}`,
          protocol: 'rdp',
          user: USER,
          password: C.apiPassword,
        }),
      );
      keep(
        await api.addHost({
          id: `apa-${id}`,
          address: '127.0.0.1:1',
          protocol: 'aws-ec2',
          user: 'bot',
          password: C.apiPassword,
          aws: {
            instanceId: instance,
            region: 'us-east-1',
            credentials: 'keychain',
            accessKeyId: 'AKIAFAULTTEST0000001',
            secretAccessKey: C.apiAws,
          },
        }),
      );
      keep(await api.editHost({ id: `cli-${id}`, password: C.editPassword }));
      keep(
        await api.attachRunner({
          id: `rn-${id}`,
          host: `api-${id}`,
          sessionMode: 'rdp',
          width: 1024,
          height: 768,
          password: C.apiPassword,
        }),
      );
      keep(
        await api.attachRunner({
          id: `rc-${id}`,
          host: `cli-${id}`,
          sessionMode: 'rdp',
          width: 1024,
          height: 768,
        }),
      );
      keep(await api.attachRunner({ id: `ra-${id}`, host: `cla-${id}`, sessionMode: 'console' }));
      keep(await api.editRunner({ id: `rn-${id}`, password: C.runnerPassword }));
      keep(await api.editRunner({ id: `rn-${id}`, password: C.apiPassword }));
      keep(await api.updateSettings({ orchestrator: { key: C.settingsKey } }));
      keep(await api.updateSettings({ notifications: { email: { password: C.smtp } } }));
      // A webhook URL carries its credential in the path: a secret like the others.
      keep(
        await api.updateSettings({
          notifications: { webhook: { url: `http://127.0.0.1:1/hooks/${C.webhook}` } },
        }),
      );
      // Errors that carry a secret in their input.
      const errors = [
        await apiError(() =>
          api.addHost({
            id: `api-${id}`,
            address: '127.0.0.1',
            protocol: 'rdp',
            user: 'x',
            password: C.duplicate,
          }),
        ),
        await apiError(() =>
          api.addHost({
            id: `bad-${id}`,
            address: 'not an address!',
            protocol: 'rdp',
            user: 'x',
            password: C.invalid,
          }),
        ),
        await apiError(() => api.editHost({ id: `cli-${id}`, password: C.invalid, address: ':::' })),
      ];
      for (const error of errors) expectClean('API error', error);

      // 4. The wizard's calls: test a host before saving it (candidate secrets used once, never stored).
      keep(
        await api.testHostConnection({
          host: {
            id: `wiz-${id}`,
            address: `127.0.0.1:${shadow.port}`,
            protocol: 'rdp',
            user: USER,
            password: C.wizardPassword,
          },
        }),
      );
      keep(
        await api.testHostConnection({
          host: {
            id: `wza-${id}`,
            address: '127.0.0.1:1',
            protocol: 'aws-ec2',
            user: 'bot',
            password: C.wizardPassword,
            aws: {
              instanceId: instance,
              region: 'us-east-1',
              credentials: 'keychain',
              accessKeyId: 'AKIAFAULTTEST0000001',
              secretAccessKey: C.wizardAws,
            },
          },
        }),
      );
      keep(await api.sendTestNotification({ sink: 'email' }));
      keep(await api.sendTestNotification({ sink: 'webhook' }));

      // 5. Let the secrets be used: a new orchestrator login with the key the API stored; tasks that want
      //    every session; the wrong RDP and AWS secrets fail, the right RDP password logs on.
      const logins = world.botcity.requestCount('POST /api/v2/workspace/login');
      world.botcity.expireTokens();
      // The right password first, the wrong one after it is logged on: FreeRDP's shadow server can drop
      // two NLA handshakes that overlap (seen on a loaded machine), and a drop during NLA reads as a wrong
      // password, which is never retried. A Windows host takes concurrent logons.
      const busy = (runner: string) => {
        const task = world.botcity.createTask({ activityLabel: 'work', machineId: runner });
        world.botcity.startTask(task.id, runner);
      };
      busy(`rn-${id}`);
      let last = '';
      await eventually(
        async () => {
          const now = await api.getState();
          last = JSON.stringify({
            orchestrator: now.orchestrator,
            sessions: now.sessions,
            hosts: now.hosts.map((h) => [h.id, h.stage, h.reason]),
          });
          return now.sessions.some((s) => s.hostId === `api-${id}` && s.state === 'open');
        },
        () => `the canary-password session open: ${last}`,
        90_000,
      );
      busy(`rc-${id}`);
      busy(`ra-${id}`);
      await eventually(
        async () =>
          (await api.getState()).sessions.some((s) => s.hostId === `cli-${id}` && s.state === 'failed'),
        'the wrong-password session failed',
      );
      await eventually(
        () => world.botcity.requestCount('POST /api/v2/workspace/login') > logins,
        'a login with the key the API stored',
      );
      await eventually(
        () =>
          callsSince(world.ec2, 0, 'DescribeInstances').some(
            (call) => call.error === 'SignatureDoesNotMatch',
          ),
        'a wrongly signed EC2 call',
      );
      await api.tickNow();

      // 6. Everything the API and the stream say.
      const state = keep(await api.getState());
      const events = keep(await api.listEvents({ limit: 1000 }));
      keep(await api.listHosts());
      keep(await api.listRunners());
      keep(await api.getSettings());
      const session = state.sessions.find((s) => s.hostId === `api-${id}`)!;
      expectClean(
        'thumbnail',
        Buffer.from(await api.thumbnail({ sessionKey: session.key, maxWidth: 64 })).toString('latin1'),
      );
      expectClean('API replies', JSON.stringify(replies));
      expectClean('/metrics', await raw(service, '/metrics'));
      expectClean('/health', await raw(service, '/health'));
      expectClean('SSE', await readStream(service, events.at(-1)!.id));
      // The failures were reported (so the error paths really ran), without the secrets.
      const messages = events.map((e) => e.message).join('\n');
      expect(messages).toMatch(/cli-/);
      expectClean('event messages', messages);

      // 7. An uncaught error in the service: it dies, and what it printed holds no secret.
      service.signal('SIGUSR2');
      const crash = await service.exited;
      expect(crash.code).not.toBe(0);
      expect(service.output()).toMatch(/induced crash/);
      expectClean('crash output (uncaught error)', service.output());

      // 8. kill -9 of a service in the middle of its work.
      const again = await world.start();
      await eventually(
        async () => (await again.api.getState()).sessions.some((s) => s.state === 'open'),
        'session open again',
      );
      await again.kill();
      expectClean('crash output (kill -9)', again.output());

      // 9. What stays on disk.
      expectClean('config file', readFileSync(world.configPath, 'utf8'));
      const logs = readServiceLogs(world);
      expect(logs.length).toBeGreaterThan(0);
      expectClean('service log files', logs);
      expectClean('event history file', readEventFile(world));

      // The world's own secrets (set straight into the keychain) are held to the same rule.
      const own = await worldSecrets();
      for (const [where, text] of seen)
        expect(
          own.filter((secret) => text.includes(secret)),
          `${where} leaks a keychain secret`,
        ).toEqual([]);
    },
  );
});
