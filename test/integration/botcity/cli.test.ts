import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../../src-main/config/config-store.js';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';
import { FakeBotCity } from '../../fakes/botcity/fake-botcity.js';
import { runCli, tempConfigPath, type CliRun } from '../../helpers/cli.js';

/** Runs under the real keychain: `sh scripts/with-keychain.sh npx vitest run test/integration/botcity/cli.test.ts`. */
const KEY = 'CANARY-botcity-key-5b2e!';
const runs: CliRun[] = [];
const configFiles: string[] = [];
let fake: FakeBotCity;
const servers: Server[] = [];

async function cli(argv: string[], options: Parameters<typeof runCli>[1]): Promise<CliRun> {
  const result = await runCli(argv, options);
  runs.push(result);
  if (!configFiles.includes(options.configPath)) configFiles.push(options.configPath);
  return result;
}

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A config pointing at `server`, with two runners on one host, and the key in the keychain. */
async function configured(server: string, key = KEY): Promise<string> {
  const configPath = tempConfigPath();
  const set = await cli(['orchestrator', 'set', '--server', server, '--login', 'ws-login', '--key-stdin'], {
    configPath,
    stdin: `${key}\n`,
  });
  expect(set.code).toBe(0);
  new ConfigStore(configPath).update((config) => ({
    ...config,
    hosts: [
      {
        id: 'h1',
        address: '10.0.0.5',
        protocol: 'rdp',
        maxSessions: 2,
        user: 'bot',
        password: 'host-password:h1',
        powerOffUnmanaged: false,
      },
    ],
    runners: [
      { id: 'bot-01', host: 'h1', sessionMode: 'rdp', width: 1920, height: 1080, activities: [] },
      { id: 'bot-02', host: 'h1', sessionMode: 'rdp', width: 1920, height: 1080, activities: ['reports'] },
    ],
  }));
  return configPath;
}

beforeAll(async () => {
  fake = new FakeBotCity({ login: 'ws-login', key: KEY });
  await fake.listen();
});
afterEach(() => {
  fake.setFailure(undefined);
});
afterAll(async () => {
  await fake.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('session-manager orchestrator set', () => {
  it('stores the key from stdin in the keychain and only its reference in the config', async () => {
    const configPath = tempConfigPath();
    const result = await cli(
      ['orchestrator', 'set', '--server', `${fake.url}/`, '--login', 'ws-login', '--key-stdin', '--json'],
      { configPath, stdin: `${KEY}\n` },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      server: fake.url,
      login: 'ws-login',
      pollSeconds: 15,
      keyStored: true,
      keyRef: 'orchestrator-key:default',
    });
    expect(new ConfigStore(configPath).load().orchestrator).toEqual({
      kind: 'botcity',
      server: fake.url,
      login: 'ws-login',
      key: 'orchestrator-key:default',
      pollSeconds: 15,
    });
    expect(await new KeychainStore().get('orchestrator-key:default')).toBe(KEY);
  });

  it('takes the key from $SESSION_MANAGER_ORCHESTRATOR_KEY, and keeps it when only the login changes', async () => {
    const configPath = tempConfigPath();
    const first = await cli(['orchestrator', 'set', '--server', fake.url, '--login', 'someone'], {
      configPath,
      env: { SESSION_MANAGER_ORCHESTRATOR_KEY: KEY },
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/the key is stored in the keychain \(orchestrator-key:default\)/);
    const second = await cli(['orchestrator', 'set', '--login', 'ws-login', '--poll-seconds', '30'], {
      configPath,
    });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/workspace ws-login, polled every 30 s; the key is kept/);
    expect(new ConfigStore(configPath).load().orchestrator).toMatchObject({
      server: fake.url,
      login: 'ws-login',
      pollSeconds: 30,
    });
  });

  it('asks at a terminal, with the key typed into a hidden prompt', async () => {
    const configPath = tempConfigPath();
    const result = await cli(['orchestrator', 'set'], {
      configPath,
      answers: [
        { prompt: 'BotCity server URL', answer: `${fake.url}\r` },
        { prompt: 'Workspace login', answer: 'ws-login\r' },
        { prompt: 'Workspace key', answer: `${KEY}\r` },
      ],
    });
    expect(result.code).toBe(0);
    expect(new ConfigStore(configPath).load().orchestrator?.login).toBe('ws-login');
    expect(await new KeychainStore().get('orchestrator-key:default')).toBe(KEY);
  });

  it('refuses without a key, or with a bad URL, and writes nothing', async () => {
    const configPath = tempConfigPath();
    const noKey = await cli(['orchestrator', 'set', '--server', fake.url, '--login', 'x'], { configPath });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/--key-stdin, or in \$SESSION_MANAGER_ORCHESTRATOR_KEY/);
    const badUrl = await cli(
      ['orchestrator', 'set', '--server', 'ftp://nope', '--login', 'x', '--key-stdin'],
      {
        configPath,
        stdin: KEY,
      },
    );
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/orchestrator\.server: /);
    expect(new ConfigStore(configPath).load().orchestrator).toBeUndefined();
  });

  it('does not accept the key as a plain flag', async () => {
    const result = await cli(
      ['orchestrator', 'set', '--server', fake.url, '--login', 'x', '--key', 'plain'],
      {
        configPath: tempConfigPath(),
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--key'/);
  });
});

describe('session-manager orchestrator test', () => {
  it('prints the version, the organization and queued/running per configured runner', async () => {
    fake.reset();
    fake.createTask({ activityLabel: 'invoices', machineId: 'bot-01' });
    fake.createTask({ activityLabel: 'invoices', machineId: 'bot-01' });
    fake.createTask({ activityLabel: 'reports' }); // unassigned: bot-02 lists this activity
    fake.startTask(fake.createTask({ activityLabel: 'invoices', machineId: 'bot-02' }).id);
    fake.createTask({ activityLabel: 'other', machineId: 'elsewhere' });
    const timedOut = fake.createTask({ activityLabel: 'invoices', machineId: 'bot-01' });
    fake.startTask(timedOut.id);
    fake.setTaskState(timedOut.id, 'TIMEOUT');
    fake.setOnline('bot-01', true);
    const configPath = await configured(fake.url);

    const text = await cli(['orchestrator', 'test'], { configPath });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Server     ${fake.url} (Maestro 2.99.0-fake)`);
    expect(text.stdout).toContain('Workspace  ws-login (organization fake-org)');
    expect(text.stdout).toContain('Queue      4 queued, 1 running, 1 timed out in the workspace');
    expect(text.stdout).toMatch(
      /RUNNER\s+TYPE\s+ONLINE\s+QUEUED\s+RUNNING\s+TIMED OUT\s+OTHER BUSY\nbot-01\s+desktop\s+yes\s+2\s+0\s+1\s+0\nbot-02\s+unknown\s+unknown\s+1\s+1\s+0\s+0\n/,
    );
    expect(text.stdout).toMatch(/^OK: /m);

    const json = await cli(['orchestrator', 'test', '--json'], { configPath });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: true,
      server: fake.url,
      login: 'ws-login',
      version: '2.99.0-fake',
      organization: 'fake-org',
      runners: [
        { id: 'bot-01', online: true, type: 'desktop', queued: 2, running: 0, timedOut: 1, otherBusy: 0 },
        { id: 'bot-02', online: null, type: null, queued: 1, running: 1, timedOut: 0, otherBusy: 0 },
      ],
      queuedTotal: 4,
      runningTotal: 1,
      timedOutTotal: 1,
      skipped: { tasks: 0, runners: 0, schedules: 0 },
    });
  });

  it('exit 2 when no orchestrator is configured', async () => {
    const result = await cli(['orchestrator', 'test'], { configPath: tempConfigPath() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/run `session-manager orchestrator set` first/);
  });

  it('exit 5 when the key is refused (401)', async () => {
    const configPath = await configured(fake.url, 'CANARY-botcity-key-5b2e!-wrong');
    const result = await cli(['orchestrator', 'test', '--json'], { configPath });
    expect(result.code).toBe(5);
    // The one --json error shape: the error, and the check's report as its result.
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      error: { exitCode: 5, message: expect.stringContaining('Login refused') },
      result: { ok: false, step: 'login', kind: 'auth', version: '2.99.0-fake' },
    });
    expect(result.stderr).toMatch(
      /Login refused \(401\/403\) — The orchestrator refused workspace login "ws-login"/,
    );
  });

  it('exit 3 when the key is not in the keychain', async () => {
    const configPath = await configured(fake.url);
    await new KeychainStore().delete('orchestrator-key:default');
    const result = await cli(['orchestrator', 'test'], { configPath });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/No secret is stored in the keychain for orchestrator-key:default/);
  });

  it('exit 4 when nothing listens there (connection refused)', async () => {
    const closed = createHttpServer();
    const address = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const configPath = await configured(`http://${address}`);
    const result = await cli(['orchestrator', 'test', '--json'], { configPath });
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      error: { exitCode: 4 },
      result: { step: 'version', kind: 'refused' },
    });
    expect(result.stderr).toMatch(/Connection refused/);
  });

  it('exit 4 when TLS fails (a self-signed certificate)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sm-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tls = createHttpsServer(
      { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) },
      (_req, res) => res.end('{"version":"x"}'),
    );
    const address = await listen(tls);
    const configPath = await configured(`https://${address}`);
    const result = await cli(['orchestrator', 'test'], { configPath });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      /TLS: the secure connection failed — GET \/api\/v2\/maestro\/version: TLS failed/,
    );
  });

  it('exit 6 when the server is not Maestro (an HTML page) or the queue read fails', async () => {
    const html = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>hello</html>');
    });
    const address = await listen(html);
    const notMaestro = await cli(['orchestrator', 'test'], {
      configPath: await configured(`http://${address}`),
    });
    expect(notMaestro.code).toBe(6);
    expect(notMaestro.stderr).toMatch(
      /Unexpected response — GET \/api\/v2\/maestro\/version: the answer is not JSON/,
    );

    fake.setFailure({ mode: { kind: 'malformed-json' }, route: 'GET /api/v2/task' });
    const broken = await cli(['orchestrator', 'test', '--json'], { configPath: await configured(fake.url) });
    expect(broken.code).toBe(6);
    expect(JSON.parse(broken.stdout)).toMatchObject({
      ok: false,
      result: { step: 'queue', kind: 'malformed' },
    });
  });
});

// Runs last (tests in a file run in order): every run above, successes and failures, text and JSON.
describe('canary', () => {
  it('the key never reached a config file, stdout or stderr', () => {
    for (const file of configFiles) {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // a run that failed before writing
      }
      expect(text).not.toContain(KEY);
    }
    for (const run of runs) {
      expect(run.stdout).not.toContain(KEY);
      expect(run.stderr).not.toContain(KEY);
    }
    expect(runs.length).toBeGreaterThan(10);
  });
});
